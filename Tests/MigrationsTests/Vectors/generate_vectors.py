#!/usr/bin/env python3
"""Writes the TradeYa v2 compatibility test vectors (trades.json, conversations.json,
notifications.json) from the hand-written cases below.

The JSON files are the contract: Firestore REST typed values, readable by any implementation (the
Swift migration's VectorTests, the TypeScript app's compatibility service). This script only saves
typing: every expected value below is written by hand from SCHEMA.md, never computed by the code
under test. Shorthand: str/int/float/bool/None/list/dict map to stringValue/integerValue/doubleValue/
booleanValue/nullValue/arrayValue/mapValue; TS("...") is a timestampValue, BYTES("base64") a
bytesValue. `changes` are the fields the migration sets, by dotted path, REMOVE deletes one; the
expected stored document is the input with `changes`, the bookkeeping fields (schemaVersion 2 and
migrationId, unless the input already holds them) and `migratedAt` as the server-time marker
{"setToServerValue": "REQUEST_TIME"}.

Run from this folder: python3 -B generate_vectors.py  (-B: no __pycache__ in the test resources)
"""
import copy
import json
import os

SERVER_TIME = {"setToServerValue": "REQUEST_TIME"}
REMOVE = object()


class TS(str):
    pass


class BYTES(str):
    pass


def typed(v):
    if isinstance(v, TS):
        return {"timestampValue": str(v)}
    if isinstance(v, BYTES):
        return {"bytesValue": str(v)}
    if v is None:
        return {"nullValue": None}
    if isinstance(v, bool):
        return {"booleanValue": v}
    if isinstance(v, int):
        return {"integerValue": str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    if isinstance(v, str):
        return {"stringValue": v}
    if isinstance(v, list):
        return {"arrayValue": {"values": [typed(x) for x in v]}} if v else {"arrayValue": {}}
    if isinstance(v, dict):
        return {"mapValue": {"fields": fields(v)}} if v else {"mapValue": {}}
    raise TypeError(v)


def fields(d):
    return {k: (SERVER_TIME if v is SERVER_TIME else typed(v)) for k, v in d.items()}


def apply(doc, changes):
    out = copy.deepcopy(doc)
    for path, value in changes.items():
        parts = path.split(".")
        target = out
        for p in parts[:-1]:
            target = target.setdefault(p, {})
        if value is REMOVE:
            target.pop(parts[-1], None)
        else:
            target[parts[-1]] = copy.deepcopy(value)
    return out


def case(migration_id, name, rules, doc, *, outcome="migrate", changes=None, version, anomalies=None,
         model_changes=None, keep_schema_version=False, keep_migration_id=False):
    changes = changes or {}
    c = {"name": name, "rules": rules, "input": {"fields": fields(doc)}}
    if outcome == "migrate":
        book = {}
        if not keep_schema_version:
            book["schemaVersion"] = 2
        if not keep_migration_id:
            book["migrationId"] = migration_id
        stored = apply(apply(doc, changes), book)
        stored["migratedAt"] = SERVER_TIME
        c["expected"] = {"outcome": "migrate", "updateMask": list(changes) + list(book),
                         "serverTimestamps": ["migratedAt"], "stored": {"fields": fields(stored)}}
        model, used = apply(doc, changes), bool(changes)
    elif outcome == "skipped":
        c["expected"] = {"outcome": "skipped"}
        model, used = doc, False
    else:
        c["expected"] = {"outcome": "anomaly",
                         "anomalies": [{"code": code, "field": field} for code, field in anomalies]}
        model, used = apply(doc, model_changes or {}), bool(model_changes)
    c["readModel"] = {"schemaVersion": version, "compatibilityLayerUsed": used, "fields": fields(model)}
    return c


def write(name, collection, migration, cases):
    """One case per block, one field per line: diffs of the files stay readable."""
    dumps = lambda v: json.dumps(v, ensure_ascii=False)
    lines = ["{", f' "collection": {dumps(collection)},', f' "migration": {dumps(migration)},',
             f' "serverTimeMarker": {dumps(SERVER_TIME)},',
             ' "format": "Firestore REST typed values; written by generate_vectors.py from hand-written cases",',
             ' "cases": [']
    for i, c in enumerate(cases):
        lines.append("  {")
        lines.append(f'   "name": {dumps(c["name"])},')
        lines.append(f'   "rules": {dumps(c["rules"])},')
        lines.append('   "input": {"fields": {')
        lines.append(",\n".join(f"    {dumps(k)}: {dumps(v)}" for k, v in c["input"]["fields"].items()))
        lines.append("   }},")
        e = c["expected"]
        if e["outcome"] == "migrate":
            lines.append(f'   "expected": {{"outcome": "migrate", "updateMask": {dumps(e["updateMask"])}, '
                         f'"serverTimestamps": {dumps(e["serverTimestamps"])}, "stored": {{"fields": {{')
            lines.append(",\n".join(f"    {dumps(k)}: {dumps(v)}" for k, v in e["stored"]["fields"].items()))
            lines.append("   }}},")
        else:
            lines.append(f'   "expected": {dumps(e)},')
        m = c["readModel"]
        lines.append(f'   "readModel": {{"schemaVersion": {m["schemaVersion"]}, '
                     f'"compatibilityLayerUsed": {dumps(m["compatibilityLayerUsed"])}, "fields": {{')
        lines.append(",\n".join(f"    {dumps(k)}: {dumps(v)}" for k, v in m["fields"].items()))
        lines.append("   }}")
        lines.append("  }" + ("," if i < len(cases) - 1 else ""))
    lines += [" ]", "}"]
    text = "\n".join(line for line in lines if line != "") + "\n"
    json.loads(text)  # the output must stay valid JSON
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), name), "w") as f:
        f.write(text)

if __name__ == "__main__":
    from vectors_cases import trades, conversations, notifications

    write("trades.json", "trades", "2026-11-trades-v2", trades())
    write("conversations.json", "conversations", "2026-11-conversations-v2", conversations())
    write("notifications.json", "notifications", "2026-11-notifications-v2", notifications())
