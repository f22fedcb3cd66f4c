"""Stand-in for the GCE / Cloud Run metadata server (point GCE_METADATA_HOST at it).

Every request must carry `Metadata-Flavor: Google`, else 403 (as the real server does).
GET /computeMetadata/v1/instance/service-accounts/default/token[?scopes=a,b]
    -> {"access_token": "metadata-token-<n>", "expires_in": <s>, "token_type": "Bearer"}
GET /computeMetadata/v1/instance/service-accounts/default/email -> text
GET /computeMetadata/v1/project/project-id                      -> text

Control (plus the common ones in standin_common.py):
  POST /control/config {"expiresIn": 3599, "projectId": "...", "email": "..."}
  GET  /control/issued -> {"issued": <number of tokens issued>}
"""
from standin_common import HTTPFailure, StandIn, serve

BASE = "/computeMetadata/v1"


class MetadataStandIn(StandIn):
    kind = "metadata"

    def __init__(self):
        super().__init__()
        self.reset_state()

    def reset_state(self):
        self.expires_in = 3599
        self.project_id = "standin-project"
        self.email = "runbook@standin-project.iam.gserviceaccount.com"
        self.issued = 0

    def control(self, method, path, body):
        if path == "/control/config" and method == "POST":
            with self.lock:
                self.expires_in = int(body.get("expiresIn", self.expires_in))
                self.project_id = body.get("projectId", self.project_id)
                self.email = body.get("email", self.email)
            return {"ok": True}
        if path == "/control/issued":
            with self.lock:
                return {"issued": self.issued}
        return super().control(method, path, body)

    def handle(self, method, path, query, headers, body):
        if headers.get("metadata-flavor") != "Google":
            return 403, "Missing required header: Metadata-Flavor", "text/html"
        if method != "GET":
            raise HTTPFailure(405, "INVALID_ARGUMENT", "method not allowed")
        if path == f"{BASE}/instance/service-accounts/default/token":
            with self.lock:
                self.issued += 1
                token = f"metadata-token-{self.issued}"
                return 200, {"access_token": token, "expires_in": self.expires_in, "token_type": "Bearer"}, "application/json"
        if path == f"{BASE}/instance/service-accounts/default/email":
            return 200, self.email, "application/text"
        if path == f"{BASE}/project/project-id":
            return 200, self.project_id, "application/text"
        return 404, "Not Found", "text/html"


if __name__ == "__main__":
    serve(MetadataStandIn())
