"""Field routes of the Admin API stand-in (admin_api.py documents them and their control API).

`projects.databases.collectionGroups.fields`: get, list (overridden fields only) and patch, whose
field operations (FieldOperationMetadata) run over time and, when they fail, leave the field as it
was. Mixed into AdminStandIn, whose state (`fields`, `operations`, `field_seconds`,
`fail_next_fields`) and `new_operation` these methods use under its lock.
"""
import time
from datetime import datetime, timezone

from standin_common import GRPC_CODES, HTTPFailure

TYPE = "type.googleapis.com/google.firestore.admin.v1."  # prefix of every metadata @type


def rfc3339(seconds):
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class FieldRoutes:
    @staticmethod
    def field_index_key(index):
        field = index["fields"][0]
        return (index.get("queryScope", "COLLECTION"), index.get("apiScope", "ANY_API"),
                field.get("order") or field.get("arrayConfig"))

    @staticmethod
    def ancestor_indexes(path):
        return [{"queryScope": "COLLECTION", "fields": [{"fieldPath": path, key: value}]}
                for key, value in (("order", "ASCENDING"), ("order", "DESCENDING"), ("arrayConfig", "CONTAINS"))]

    def checked_field_index(self, name, index):
        path = name.split("/fields/", 1)[1]
        fields = index.get("fields") if isinstance(index, dict) else None
        if not isinstance(fields, list) or len(fields) != 1:
            raise HTTPFailure(400, "INVALID_ARGUMENT", f"a single-field index of {name} must have exactly one field, got {index}")
        field = fields[0]
        if field.get("fieldPath") != path:
            raise HTTPFailure(400, "INVALID_ARGUMENT", f"index field path {field.get('fieldPath')!r} is not the field's path {path!r}")
        modes = [k for k in ("order", "arrayConfig") if k in field]
        if len(modes) != 1 or field[modes[0]] not in ("ASCENDING", "DESCENDING", "CONTAINS") or \
                (modes[0] == "arrayConfig") != (field[modes[0]] == "CONTAINS"):
            raise HTTPFailure(400, "INVALID_ARGUMENT", f"index field of {name} needs order ASCENDING|DESCENDING or arrayConfig CONTAINS, got {field}")
        scope = index.get("queryScope", "COLLECTION")
        if scope not in ("COLLECTION", "COLLECTION_GROUP"):
            raise HTTPFailure(400, "INVALID_ARGUMENT", f"queryScope {scope!r} is not allowed on a single-field index")
        checked = {"queryScope": scope, "fields": [dict(field)]}
        if index.get("apiScope"):
            checked["apiScope"] = index["apiScope"]
        return checked

    def field_effective(self, name):
        """(indexes or None, ttl, running operation view or None) as of now; a failed update reverts."""
        entry = self.fields.get(name)
        if entry is None:
            return None, False, None
        op = self.operations.get(entry["op"]) if entry["op"] else None
        if op is None:
            return entry["indexes"], entry["ttl"], None
        done = op["cancelled"] or time.time() - op["start"] >= op["duration"]
        if done and (op["error"] or op["cancelled"]):
            return entry["previous"][0], entry["previous"][1], None
        return entry["indexes"], entry["ttl"], (None if done else {"name": entry["op"]})

    def field_view(self, name):
        database, rest = name.split("/collectionGroups/", 1)
        path = rest.split("/fields/", 1)[1]
        indexes, ttl, running = self.field_effective(name)
        previous = self.fields[name]["previous"] if name in self.fields else (None, False)
        before = {self.field_index_key(i) for i in (previous[0] if previous[0] is not None else self.ancestor_indexes(path))}
        reverting = indexes is None and running is not None and previous[0] is not None
        config = {"usesAncestorConfig": indexes is None and not reverting}
        if reverting:  # the old override stays in force until the revert is done (Field.indexConfig.reverting)
            config["indexes"] = [dict(i, state="READY") for i in previous[0]]
            config["reverting"] = True
        else:
            shown = indexes if indexes is not None else self.ancestor_indexes(path)
            config["indexes"] = [dict(i, state="CREATING" if running and self.field_index_key(i) not in before else "READY")
                                 for i in shown]
        if indexes is None:
            config["ancestorField"] = f"{database}/collectionGroups/__default__/fields/*"
        view = {"name": name, "indexConfig": config}
        if ttl:
            view["ttlConfig"] = {"state": "CREATING" if running and not previous[1] else "ACTIVE"}
        return view

    def list_fields(self, database, group, query):
        text = (query.get("filter") or [""])[0].replace(" ", "")
        if "indexConfig.usesAncestorConfig=false" not in text and "indexConfig.usesAncestorConfig:false" not in text:
            raise HTTPFailure(400, "INVALID_ARGUMENT",
                              "ListFields only supports listing overridden fields: filter on indexConfig.usesAncestorConfig:false")
        prefix = f"{database}/collectionGroups/" + ("" if group == "-" else f"{group}/fields/")
        names = []
        for name in sorted(self.fields):
            indexes, ttl, running = self.field_effective(name)
            overridden = indexes is not None or (running is not None and self.fields[name]["previous"][0] is not None)
            if name.startswith(prefix) and (overridden or (ttl and "ttlConfig:*" in text)):
                names.append(name)
        views = [self.field_view(n) for n in names]
        if group == "-":
            default = f"{database}/collectionGroups/__default__/fields/*"
            views.insert(0, {"name": default, "indexConfig": {"usesAncestorConfig": False,
                                                              "indexes": [dict(i, state="READY") for i in self.ancestor_indexes("*")]}})
        size = int((query.get("pageSize") or ["0"])[0]) or len(views) or 1
        start = int((query.get("pageToken") or ["0"])[0] or 0)
        page = {"fields": views[start:start + size]}
        if start + size < len(views):
            page["nextPageToken"] = str(start + size)
        return page

    def patch_field(self, database, name, path, query, payload):
        mask = [m for m in (query.get("updateMask") or [""])[0].split(",") if m]
        for entry in mask:
            if entry not in ("indexConfig", "ttlConfig"):
                raise HTTPFailure(400, "INVALID_ARGUMENT", f"updateMask {entry!r} is not a field of Field (indexConfig, ttlConfig)")
        mask = mask or ["indexConfig", "ttlConfig"]
        old_indexes, old_ttl, running = self.field_effective(name)
        if running:
            raise HTTPFailure(400, "FAILED_PRECONDITION", f"a field update for {name} is already running ({running['name']})")
        indexes, ttl = old_indexes, old_ttl
        if "indexConfig" in mask:
            config = payload.get("indexConfig")
            if config is None:
                indexes = None
            else:
                indexes = [self.checked_field_index(name, i) for i in config.get("indexes", [])]
                keys = [self.field_index_key(i) for i in indexes]
                if len(set(keys)) != len(keys):
                    raise HTTPFailure(400, "INVALID_ARGUMENT", f"duplicate single-field index in the update of {name}")
        if "ttlConfig" in mask:
            ttl = "ttlConfig" in payload
        before = {self.field_index_key(i): i for i in (old_indexes if old_indexes is not None else self.ancestor_indexes(path))}
        after = {self.field_index_key(i): i for i in (indexes if indexes is not None else self.ancestor_indexes(path))}
        deltas = [{"changeType": "ADD", "index": after[k]} for k in after if k not in before] + \
                 [{"changeType": "REMOVE", "index": before[k]} for k in before if k not in after]
        metadata = {"@type": TYPE + "FieldOperationMetadata", "startTime": rfc3339(time.time()), "field": name,
                    "indexConfigDeltas": deltas}
        if ttl != old_ttl:
            metadata["ttlConfigDelta"] = {"changeType": "ADD" if ttl else "REMOVE"}
        failing = self.fail_next_fields > 0
        if failing:
            self.fail_next_fields -= 1
        error = {"code": GRPC_CODES["INTERNAL"], "message": f"updating the indexes of {name} failed"} if failing else None
        op = self.new_operation(database, "field", self.field_seconds, metadata, lambda: self.field_view(name), 1000, error)
        self.fields[name] = {"indexes": indexes, "ttl": ttl, "previous": (old_indexes, old_ttl), "op": op["name"]}
        return op
