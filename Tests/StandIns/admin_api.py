"""Stand-in for the Cloud Firestore Admin API v1 (firestore.googleapis.com/v1), documented JSON.

Requests need `Authorization: Bearer <token>` (any token, or exactly the one set by
/control/config "requiredToken"), else 401 UNAUTHENTICATED. Errors use Google's body:
{"error": {"code": <http>, "message": "...", "status": "<gRPC name>"}}.

Routes (D = projects/{p}/databases/{d}):
  GET    /v1/D                                        database metadata (pointInTimeRecoveryEnablement,
                                                      versionRetentionPeriod, earliestVersionTime, ...)
  GET    /v1/D/collectionGroups/{g}/indexes           {"indexes": [...], "nextPageToken"} (pageSize, pageToken;
                                                      g = "-" lists every collection group)
  POST   /v1/D/collectionGroups/{g}/indexes           body Index -> Operation (IndexOperationMetadata);
                                                      409 ALREADY_EXISTS if the same fields+scope exist
  GET    /v1/D/collectionGroups/{g}/indexes/{id}      Index; state CREATING until indexBuildSeconds
                                                      after creation, then READY (or NEEDS_REPAIR)
  DELETE /v1/D/collectionGroups/{g}/indexes/{id}      {}
  GET    /v1/D/collectionGroups/{g}/fields?filter=... overridden fields only: the filter must ask for
                                                      indexConfig.usesAncestorConfig=false (or :false), else
                                                      400; {"fields": [...], "nextPageToken"} (pageSize,
                                                      pageToken; g = "-" lists every group). The database's
                                                      default, __default__/fields/*, is always listed.
  GET    /v1/D/collectionGroups/{g}/fields/{path}     Field: its override, or the ancestor's configuration
                                                      (usesAncestorConfig, ancestorField, ASC/DESC/CONTAINS)
  PATCH  /v1/D/collectionGroups/{g}/fields/{path}?updateMask=indexConfig[,ttlConfig]
                                                      body Field -> Operation (FieldOperationMetadata: field,
                                                      state, indexConfigDeltas, ttlConfigDelta, progress).
                                                      indexConfig named by the mask but absent from the body
                                                      reverts to the ancestor (while it runs the old indexes
                                                      stay, usesAncestorConfig false, reverting true); no
                                                      mask replaces both. Each index must have exactly one
                                                      field, this field's path, with order or arrayConfig.
                                                      While an update of the field runs, another patch
                                                      answers 400 FAILED_PRECONDITION.
                                                      The new configuration shows at once; indexes it adds are
                                                      CREATING until fieldUpdateSeconds have passed. A failed
                                                      update (failNextFieldUpdates) ends with an INTERNAL
                                                      operation error and the field back as it was before.
  GET    /v1/D/operations[/{id}]                      Operation(s); done once the work's time has passed
  POST   /v1/D/operations/{id}:cancel                 {}; the operation ends CANCELLED
  POST   /v1/D:exportDocuments  {"collectionIds", "outputUriPrefix": "gs://..."}  -> Operation
  POST   /v1/D:importDocuments  {"collectionIds", "inputUriPrefix": "gs://..."}   -> Operation
  Export/import write nothing anywhere: only their operations exist.
Like the real service, a created index gets a trailing `__name__` field (direction of the last
ordered field, ASCENDING if none) unless the request already lists `__name__`.

Control (plus the common ones in standin_common.py):
  POST /control/config {"indexBuildSeconds": 1.0, "exportSeconds": 0.5, "requiredToken": "...",
                        "failNextIndexBuilds": 1,   (the next N builds end NEEDS_REPAIR with an
                                                     operation error INTERNAL)
                        "fieldUpdateSeconds": 0.5, "failNextFieldUpdates": 1}
  POST /control/index-state {"name": "projects/.../indexes/ID", "state": "NEEDS_REPAIR"}
  POST /control/database {"name": "projects/p/databases/d", "pointInTimeRecovery": true,
                          "missing": false}
  POST /control/seed-index {"parent": "projects/p/databases/d/collectionGroups/g",
                            "index": {Index without name}}  -> {"name": ...}; stored exactly as
                            given and READY (an index deployed by other means, e.g. with a field
                            kind a client does not know yet)
  POST /control/seed-field {"name": "projects/p/databases/d/collectionGroups/g/fields/PATH",
                            "indexes": [Index, ...] | null, "ttl": false}  -> Field; an override
                            deployed by other means, in force at once (null: inherited, TTL only)
  POST /control/finish-operation {"name": "projects/.../operations/ID"}  the operation's work is done
                            now (a field update takes effect, or fails if it was set to); lets a test
                            look at a long update while it runs, then end it without sleeping
  GET  /control/state -> {"indexes": [...], "fields": [...], "operations": [...]}
"""
import json
import re
import secrets
import time
from datetime import datetime, timedelta, timezone

from admin_fields import TYPE, FieldRoutes, rfc3339
from standin_common import GRPC_CODES, HTTPFailure, StandIn, serve

DB = r"/v1/(projects/[^/]+/databases/[^/:]+)"


def index_key(index):
    fields = tuple(json.dumps(f, sort_keys=True) for f in index["fields"])
    return (index["queryScope"], index.get("apiScope", "ANY_API"), fields)


class AdminStandIn(FieldRoutes, StandIn):
    kind = "admin"

    def __init__(self):
        super().__init__()
        self.reset_state()

    def reset_state(self):
        self.indexes = {}      # name -> {"index": {...}, "created": t, "build": s, "outcome": state}
        self.operations = {}   # name -> {"kind", "start", "duration", "metadata", "response", "error", "cancelled"}
        self.databases = {}    # name -> overrides
        self.index_build_seconds = 1.0
        self.export_seconds = 0.5
        self.required_token = None
        self.fail_next_builds = 0
        self.fields = {}       # name -> {"indexes": [...] | None, "ttl": bool, "previous": (indexes, ttl), "op": name}
        self.field_seconds = 0.5
        self.fail_next_fields = 0

    # -- control -----------------------------------------------------------------------------
    def control(self, method, path, body):
        with self.lock:
            if path == "/control/config" and method == "POST":
                self.index_build_seconds = float(body.get("indexBuildSeconds", self.index_build_seconds))
                self.export_seconds = float(body.get("exportSeconds", self.export_seconds))
                self.required_token = body.get("requiredToken", self.required_token)
                self.fail_next_builds = int(body.get("failNextIndexBuilds", self.fail_next_builds))
                self.field_seconds = float(body.get("fieldUpdateSeconds", self.field_seconds))
                self.fail_next_fields = int(body.get("failNextFieldUpdates", self.fail_next_fields))
                return {"ok": True}
            if path == "/control/index-state" and method == "POST":
                entry = self.indexes.get(body["name"])
                if entry is None:
                    raise HTTPFailure(404, "NOT_FOUND", f"no index {body['name']}")
                entry["forced"] = body["state"]
                return {"ok": True}
            if path == "/control/database" and method == "POST":
                self.databases.setdefault(body["name"], {}).update(body)
                return {"ok": True}
            if path == "/control/seed-index" and method == "POST":
                name = f"{body['parent']}/indexes/CICAs{secrets.token_hex(5)}"
                self.indexes[name] = {"index": {"name": name, **body["index"]}, "created": time.time(), "build": 0,
                                      "outcome": "READY"}
                return {"name": name}
            if path == "/control/seed-field" and method == "POST":
                name = body["name"]
                indexes = body.get("indexes")
                if indexes is not None:
                    indexes = [self.checked_field_index(name, i) for i in indexes]
                self.fields[name] = {"indexes": indexes, "ttl": bool(body.get("ttl", False)),
                                     "previous": (None, False), "op": None}
                return self.field_view(name)
            if path == "/control/finish-operation" and method == "POST":
                op = self.operations.get(body["name"])
                if op is None:
                    raise HTTPFailure(404, "NOT_FOUND", f"no operation {body['name']}")
                op["duration"] = max(0.0, time.time() - op["start"])
                return {"ok": True}
            if path == "/control/state":
                return {"indexes": [self.index_view(n) for n in self.indexes],
                        "fields": [self.field_view(n) for n in self.fields],
                        "operations": [self.operation_view(n) for n in self.operations]}
        return super().control(method, path, body)

    # -- views computed from the clock -------------------------------------------------------
    def index_view(self, name):
        entry = self.indexes[name]
        index = dict(entry["index"])
        if entry.get("forced"):
            index["state"] = entry["forced"]
        elif time.time() - entry["created"] >= entry["build"]:
            index["state"] = entry["outcome"]
        else:
            index["state"] = "CREATING"
        return index

    def operation_view(self, name):
        op = self.operations[name]
        elapsed = time.time() - op["start"]
        fraction = 1.0 if op["duration"] <= 0 else min(1.0, elapsed / op["duration"])
        done = fraction >= 1.0 or op["cancelled"]
        metadata = dict(op["metadata"])
        estimated = op["documents"]
        metadata["progressDocuments"] = {"estimatedWork": str(estimated), "completedWork": str(int(estimated * fraction))}
        metadata["progressBytes"] = {"estimatedWork": str(estimated * 512), "completedWork": str(int(estimated * 512 * fraction))}
        state_key = "state" if op["kind"] in ("index", "field") else "operationState"
        if op["cancelled"]:
            metadata[state_key] = "CANCELLED"
        elif done:
            metadata[state_key] = "FAILED" if op["error"] else "SUCCESSFUL"
        else:
            metadata[state_key] = "PROCESSING"
        if done:
            metadata["endTime"] = rfc3339(op["start"] + min(elapsed, op["duration"]))
        view = {"name": name, "metadata": metadata, "done": done}
        if op["cancelled"]:
            view["error"] = {"code": GRPC_CODES["CANCELLED"], "message": "Operation was cancelled."}
        elif done and op["error"]:
            view["error"] = op["error"]
        elif done and op["response"] is not None:
            view["response"] = op["response"]() if callable(op["response"]) else op["response"]
        return view

    def new_operation(self, database, kind, duration, metadata, response, documents, error=None):
        name = f"{database}/operations/{secrets.token_hex(8)}"
        self.operations[name] = {"kind": kind, "start": time.time(), "duration": duration, "metadata": metadata,
                                 "response": response, "error": error, "cancelled": False, "documents": documents}
        return self.operation_view(name)

    def database_view(self, database):
        overrides = self.databases.get(database, {})
        if overrides.get("missing"):
            raise HTTPFailure(404, "NOT_FOUND", f"Database '{database}' does not exist.")
        pitr = bool(overrides.get("pointInTimeRecovery", False))
        now = time.time()
        retention = 7 * 24 * 3600 if pitr else 3600
        return {
            "name": database, "uid": "00000000-0000-4000-8000-standin00001",
            "createTime": rfc3339(now - 30 * 24 * 3600), "updateTime": rfc3339(now - 24 * 3600),
            "locationId": "nam5", "type": "FIRESTORE_NATIVE", "concurrencyMode": "PESSIMISTIC",
            "versionRetentionPeriod": f"{retention}s", "earliestVersionTime": rfc3339(now - retention),
            "pointInTimeRecoveryEnablement": "POINT_IN_TIME_RECOVERY_ENABLED" if pitr else "POINT_IN_TIME_RECOVERY_DISABLED",
            "appEngineIntegrationMode": "DISABLED", "deleteProtectionState": "DELETE_PROTECTION_DISABLED",
            "etag": "standin-etag",
        }

    # -- routes ------------------------------------------------------------------------------
    def handle(self, method, path, query, headers, body):
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer ") or len(auth) <= len("Bearer "):
            raise HTTPFailure(401, "UNAUTHENTICATED", "Request is missing required authentication credential.")
        with self.lock:
            if self.required_token and auth != f"Bearer {self.required_token}":
                raise HTTPFailure(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
            return self.route(method, path, query, body)

    def route(self, method, path, query, body):
        import json
        payload = json.loads(body or b"{}") if method in ("POST", "PATCH") else {}
        if m := re.fullmatch(DB, path):
            if method == "GET":
                return 200, self.database_view(m[1]), "application/json"
        if m := re.fullmatch(DB + r":(exportDocuments|importDocuments)", path):
            if method == "POST":
                self.database_view(m[1])
                return 200, self.transfer(m[1], m[2], payload), "application/json"
        if m := re.fullmatch(DB + r"/collectionGroups/([^/]+)/indexes", path):
            self.database_view(m[1])
            parent = f"{m[1]}/collectionGroups/{m[2]}"
            if method == "GET":
                return 200, self.list_indexes(parent, query), "application/json"
            if method == "POST":
                return 200, self.create_index(m[1], parent, payload), "application/json"
        if m := re.fullmatch(DB + r"/collectionGroups/([^/]+)/indexes/([^/]+)", path):
            name = path[len("/v1/"):]
            if name not in self.indexes:
                raise HTTPFailure(404, "NOT_FOUND", f"Index not found: {name}")
            if method == "GET":
                return 200, self.index_view(name), "application/json"
            if method == "DELETE":
                del self.indexes[name]
                return 200, {}, "application/json"
        if m := re.fullmatch(DB + r"/collectionGroups/([^/]+)/fields", path):
            if method == "GET":
                self.database_view(m[1])
                return 200, self.list_fields(m[1], m[2], query), "application/json"
        if m := re.fullmatch(DB + r"/collectionGroups/([^/]+)/fields/(.+)", path):
            self.database_view(m[1])
            name = path[len("/v1/"):]
            if method == "GET":
                return 200, self.field_view(name), "application/json"
            if method == "PATCH":
                return 200, self.patch_field(m[1], name, m[3], query, payload), "application/json"
        if m := re.fullmatch(DB + r"/operations", path):
            if method == "GET":
                prefix = f"{m[1]}/operations/"
                return 200, {"operations": [self.operation_view(n) for n in self.operations if n.startswith(prefix)]}, "application/json"
        if m := re.fullmatch(DB + r"/operations/([^/:]+)(:cancel)?", path):
            name = f"{m[1]}/operations/{m[2]}"
            if name not in self.operations:
                raise HTTPFailure(404, "NOT_FOUND", f"Operation not found: {name}")
            if m[3] and method == "POST":
                self.operations[name]["cancelled"] = True
                return 200, {}, "application/json"
            if not m[3] and method == "GET":
                return 200, self.operation_view(name), "application/json"
        raise HTTPFailure(404, "NOT_FOUND", f"no Admin API route for {method} {path}")

    def list_indexes(self, parent, query):
        if parent.endswith("/collectionGroups/-"):  # "-" lists every collection group's indexes
            prefix = parent[:-1]
            names = sorted(n for n in self.indexes if n.startswith(prefix) and "/indexes/" in n)
        else:
            names = sorted(n for n in self.indexes if n.startswith(parent + "/indexes/"))
        size = int((query.get("pageSize") or ["0"])[0]) or len(names) or 1
        start = int((query.get("pageToken") or ["0"])[0] or 0)
        page = {"indexes": [self.index_view(n) for n in names[start:start + size]]}
        if start + size < len(names):
            page["nextPageToken"] = str(start + size)
        return page

    def create_index(self, database, parent, payload):
        fields = payload.get("fields")
        if not isinstance(fields, list) or not fields:
            raise HTTPFailure(400, "INVALID_ARGUMENT", "index must have at least one field")
        for field in fields:
            if not field.get("fieldPath") or sum(k in field for k in ("order", "arrayConfig", "vectorConfig")) != 1:
                raise HTTPFailure(400, "INVALID_ARGUMENT", f"invalid index field {field}")
            vector = field.get("vectorConfig")
            if vector is not None and not (isinstance(vector, dict) and isinstance(vector.get("dimension"), int)
                                           and vector["dimension"] > 0 and vector.get("flat") == {}):
                raise HTTPFailure(400, "INVALID_ARGUMENT", f"vectorConfig needs a positive dimension and flat: {{}}, got {vector}")
        fields = [dict(f) for f in fields]
        if fields[-1]["fieldPath"] != "__name__":
            last_order = next((f["order"] for f in reversed(fields) if "order" in f), "ASCENDING")
            fields.append({"fieldPath": "__name__", "order": last_order})
        index = {"queryScope": payload.get("queryScope", "COLLECTION"), "fields": fields}
        if payload.get("apiScope"):
            index["apiScope"] = payload["apiScope"]
        for existing in self.indexes.values():
            if existing["index"]["name"].startswith(parent + "/") and index_key(existing["index"]) == index_key(index):
                raise HTTPFailure(409, "ALREADY_EXISTS", "index already exists")
        name = f"{parent}/indexes/CICAg{secrets.token_hex(5)}"
        index = {"name": name, **index}
        if payload.get("density"):
            index["density"] = payload["density"]
        failing = self.fail_next_builds > 0
        if failing:
            self.fail_next_builds -= 1
        build = self.index_build_seconds
        self.indexes[name] = {"index": index, "created": time.time(), "build": build,
                              "outcome": "NEEDS_REPAIR" if failing else "READY"}
        metadata = {"@type": TYPE + "IndexOperationMetadata", "startTime": rfc3339(time.time()), "index": name}
        error = {"code": GRPC_CODES["INTERNAL"], "message": "index build failed; the index needs repair"} if failing else None
        response = lambda: {"@type": TYPE + "Index", **self.index_view(name)} if name in self.indexes else None
        return self.new_operation(database, "index", build, metadata, response, 1000, error)

    def transfer(self, database, action, payload):
        exporting = action == "exportDocuments"
        key = "outputUriPrefix" if exporting else "inputUriPrefix"
        uri = payload.get(key, "")
        if not uri.startswith("gs://") or len(uri) <= len("gs://"):
            raise HTTPFailure(400, "INVALID_ARGUMENT", f"{key} must be a Cloud Storage URI gs://BUCKET[/PATH], got {uri!r}")
        now = time.time()
        if exporting and uri.count("/") == 2:
            uri = uri.rstrip("/") + "/" + datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S_%f")
        kind = "ExportDocumentsMetadata" if exporting else "ImportDocumentsMetadata"
        metadata = {"@type": TYPE + kind, "startTime": rfc3339(now),
                    "collectionIds": payload.get("collectionIds", []), key: uri}
        response = {"@type": TYPE + "ExportDocumentsResponse", "outputUriPrefix": uri} if exporting else {}
        return self.new_operation(database, "export" if exporting else "import", self.export_seconds, metadata, response, 250)


if __name__ == "__main__":
    serve(AdminStandIn())
