"""The trades v2 migration written with Google's official Python client, for the side-by-side benchmark.

Same rules as the Swift engine for the seeded shapes (SCHEMA.md, trades): flat skill names with
order kept and duplicates dropped, the v1 objects kept under *Detail, participants from
creatorId/participantId, an ISO-8601 createdAt parsed and kept in createdAtLegacy, schemaVersion 2,
migratedAt server time, migrationId; anomalies left alone. Writes go through BulkWriter with an
update mask and a last-update-time precondition; before-images are journaled to SQLite first.
"""
import datetime
import json
import sqlite3

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter  # noqa: F401  (kept for readers of this file)

MIGRATION_ID = "2026-11-trades-v2"
ABSENT = "__absent__"


def names(values):
    out = []
    for v in values:
        n = v.get("name") if isinstance(v, dict) else v
        if isinstance(n, str) and n not in out:
            out.append(n)
    return out


def transform(d):
    """Returns ("skip"|"anomaly"|"migrate", changes dict) for one trade's fields."""
    if d.get("schemaVersion") == 2:
        return "skip", None
    changes = {}
    for new, old in (("skillsOffered", "offeredSkills"), ("skillsWanted", "requestedSkills")):
        if new in d:
            src = d[new]
            if not isinstance(src, list):
                return "anomaly", None
            if any(isinstance(x, dict) for x in src):
                changes[new + "Detail"] = src
            changes[new] = names(src)
        elif old in d:
            if not isinstance(d[old], list):
                return "anomaly", None
            changes[new] = names(d[old])
        else:
            changes[new] = []
    creator_id = d.get("creatorId")
    participants = d.get("participants")
    pc = participants.get("creator") if isinstance(participants, dict) else None
    if isinstance(creator_id, str) and isinstance(pc, str) and creator_id != pc:
        return "anomaly", None
    creator = pc if isinstance(pc, str) else creator_id
    if not isinstance(creator, str):
        return "anomaly", None
    if not isinstance(participants, dict):
        p = {"creator": creator}
        if isinstance(d.get("participantId"), str):
            p["participant"] = d["participantId"]
        changes["participants"] = p
    created = d.get("createdAt")
    if created is None:
        return "anomaly", None
    if isinstance(created, str):
        try:
            parsed = datetime.datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            return "anomaly", None
        changes["createdAt"] = parsed
        changes["createdAtLegacy"] = created
    changes["schemaVersion"] = 2
    changes["migrationId"] = MIGRATION_ID
    return "migrate", changes


def encode(value):
    if isinstance(value, datetime.datetime):
        return json.dumps({"$ts": value.isoformat()})
    return json.dumps(value)


def decode(text):
    value = json.loads(text)
    if isinstance(value, dict) and "$ts" in value:
        return datetime.datetime.fromisoformat(value["$ts"])
    return value


def open_journal(path):
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS entries(doc TEXT PRIMARY KEY, before TEXT, written TEXT)")
    return db


def dry_run(client, collection="trades"):
    read_time = datetime.datetime.now(datetime.timezone.utc)
    counts = {"documents": 0, "migrate": 0, "skip": 0, "anomaly": 0}
    for snap in client.collection(collection).stream(read_time=read_time) if _supports_read_time() else client.collection(collection).stream():
        kind, _ = transform(snap.to_dict())
        counts["documents"] += 1
        counts[kind] += 1
    return counts


def _supports_read_time():
    import inspect
    from google.cloud.firestore_v1.collection import CollectionReference
    return "read_time" in inspect.signature(CollectionReference.stream).parameters


def execute(client, journal_path, collection="trades", page=500):
    db = open_journal(journal_path)
    counts = {"processed": 0, "migrated": 0, "skipped": 0, "anomalies": 0, "conflicts": 0}
    last = None
    while True:
        query = client.collection(collection).order_by("__name__").limit(page)
        if last is not None:
            query = query.start_after(last)
        snaps = list(query.stream())
        if not snaps:
            break
        last = snaps[-1]
        batch = []
        for snap in snaps:
            counts["processed"] += 1
            d = snap.to_dict()
            kind, changes = transform(d)
            if kind == "skip":
                counts["skipped"] += 1
            elif kind == "anomaly":
                counts["anomalies"] += 1
            else:
                before = {k: (encode(d[k]) if k in d else ABSENT) for k in list(changes) + ["migratedAt"]}
                batch.append((snap, changes, before))
        db.executemany("INSERT OR REPLACE INTO entries(doc, before, written) VALUES (?, ?, NULL)",
                       [(s.reference.path, json.dumps(b), ) for s, _, b in batch])
        db.commit()
        writer = client.bulk_writer()
        failed = []
        writer.on_write_error(lambda error: (failed.append(error), False)[1])
        for snap, changes, _ in batch:
            data = dict(changes)
            data["migratedAt"] = firestore.SERVER_TIMESTAMP
            writer.update(snap.reference, data, option=client.write_option(last_update_time=snap.update_time))
        writer.close()
        counts["migrated"] += len(batch) - len(failed)
        counts["conflicts"] += len(failed)
        db.execute("UPDATE entries SET written = 'yes' WHERE written IS NULL")
        db.commit()
    return counts


def validate(client, collection="trades"):
    counts = {"documents": 0, "valid": 0, "anomalies": 0, "notMigrated": 0}
    for snap in client.collection(collection).stream():
        d = snap.to_dict()
        counts["documents"] += 1
        kind, _ = transform(d)
        if kind == "skip":
            counts["valid"] += 1
        elif kind == "anomaly":
            counts["anomalies"] += 1
        else:
            counts["notMigrated"] += 1
    return counts


def rollback(client, journal_path, collection="trades", page=500):
    db = open_journal(journal_path)
    counts = {"restored": 0}
    offset = 0
    while True:
        rows = db.execute("SELECT doc, before FROM entries WHERE written = 'yes' ORDER BY doc LIMIT ? OFFSET ?", (page, offset)).fetchall()
        if not rows:
            break
        offset += len(rows)
        writer = client.bulk_writer()
        for doc, before_text in rows:
            before = json.loads(before_text)
            data = {k: (firestore.DELETE_FIELD if v == ABSENT else decode(v)) for k, v in before.items()}
            writer.update(client.document(doc), data)
        writer.close()
        counts["restored"] += len(rows)
    return counts
