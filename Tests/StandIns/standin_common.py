"""Shared plumbing for the local stand-ins of Google services (stdlib only).

Each stand-in is started as `python3 <name>.py` (see Sources/FirestoreTesting/StandInServer.swift).
It binds 127.0.0.1 on a free port and prints `PORT <n>` on its first stdout line once listening.

Control API common to every stand-in (JSON in, JSON out):
  GET  /control/health            -> {"ok": true, "kind": "<name>"}           (readiness probe)
  GET  /control/requests          -> {"requests": [{"method","path","query","headers","body"}]}
                                     every non-control request received, oldest first
  POST /control/reset             -> forget requests, faults and the stand-in's own state
  POST /control/fail  {"pathContains": "/token", "httpStatus": 503, "status": "UNAVAILABLE",
                       "message": "...", "times": 1}
                                  -> the next `times` requests whose path contains `pathContains`
                                     answer that error in Google's JSON error format
  POST /control/delay {"seconds": 0.3}
                                  -> every non-control answer waits that long first
"""
import json
import os
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GRPC_CODES = {
    "OK": 0, "CANCELLED": 1, "UNKNOWN": 2, "INVALID_ARGUMENT": 3, "DEADLINE_EXCEEDED": 4,
    "NOT_FOUND": 5, "ALREADY_EXISTS": 6, "PERMISSION_DENIED": 7, "RESOURCE_EXHAUSTED": 8,
    "FAILED_PRECONDITION": 9, "ABORTED": 10, "OUT_OF_RANGE": 11, "UNIMPLEMENTED": 12,
    "INTERNAL": 13, "UNAVAILABLE": 14, "DATA_LOSS": 15, "UNAUTHENTICATED": 16,
}


class HTTPFailure(Exception):
    """Raised by a handler to answer with Google's error body."""

    def __init__(self, http_status, status, message):
        super().__init__(message)
        self.http_status = http_status
        self.status = status
        self.message = message


def google_error(http_status, status, message):
    return {"error": {"code": http_status, "message": message, "status": status}}


class StandIn:
    """Base class: subclasses set `kind` and implement `handle(method, path, query, headers, body)`
    returning (http_status, json_object_or_text, content_type) and `control(path, body)`."""

    kind = "standin"

    def __init__(self):
        self.lock = threading.RLock()
        self.requests = []
        self.faults = []
        self.delay = 0.0
        self.port = 0

    def reset_state(self):
        pass

    def control(self, method, path, body):
        raise HTTPFailure(404, "NOT_FOUND", f"unknown control endpoint {method} {path}")

    def handle(self, method, path, query, headers, body):
        raise HTTPFailure(404, "NOT_FOUND", f"no route for {method} {path}")

    # -- common control ----------------------------------------------------------------------
    def common_control(self, method, path, body):
        if path == "/control/health":
            return {"ok": True, "kind": self.kind}
        if path == "/control/requests":
            with self.lock:
                return {"requests": list(self.requests)}
        if path == "/control/reset" and method == "POST":
            with self.lock:
                self.requests.clear()
                self.faults.clear()
                self.delay = 0.0
                self.reset_state()
            return {"ok": True}
        if path == "/control/fail" and method == "POST":
            with self.lock:
                self.faults.append({
                    "pathContains": body.get("pathContains", ""),
                    "httpStatus": int(body.get("httpStatus", 503)),
                    "status": body.get("status", "UNAVAILABLE"),
                    "message": body.get("message", "injected failure"),
                    "times": int(body.get("times", 1)),
                })
            return {"ok": True}
        if path == "/control/delay" and method == "POST":
            with self.lock:
                self.delay = float(body.get("seconds", 0))
            return {"ok": True}
        return self.control(method, path, body)

    def take_fault(self, path):
        with self.lock:
            for fault in self.faults:
                if fault["times"] > 0 and fault["pathContains"] in path:
                    fault["times"] -= 1
                    return fault
        return None


def make_handler(standin):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # keep test output quiet
            pass

        def _answer(self, status, payload, content_type="application/json; charset=UTF-8"):
            if isinstance(payload, (dict, list)):
                data = json.dumps(payload).encode()
            else:
                data = str(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _dispatch(self):
            parsed = urllib.parse.urlsplit(self.path)
            path = urllib.parse.unquote(parsed.path)
            query = urllib.parse.parse_qs(parsed.query)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            method = self.command
            try:
                if path.startswith("/control/"):
                    body = json.loads(raw or b"{}")
                    self._answer(200, standin.common_control(method, path, body))
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                with standin.lock:
                    standin.requests.append({
                        "method": method, "path": path, "query": parsed.query,
                        "headers": headers, "body": raw.decode("utf-8", "replace"),
                    })
                    delay = standin.delay
                if delay:
                    time.sleep(delay)
                fault = standin.take_fault(path)
                if fault:
                    raise HTTPFailure(fault["httpStatus"], fault["status"], fault["message"])
                status, payload, content_type = standin.handle(method, path, query, headers, raw)
                self._answer(status, payload, content_type)
            except HTTPFailure as failure:
                self._answer(failure.http_status, google_error(failure.http_status, failure.status, failure.message))
            except (ValueError, KeyError, TypeError) as error:
                self._answer(400, google_error(400, "INVALID_ARGUMENT", f"bad request: {error}"))

        do_GET = do_POST = do_DELETE = do_PATCH = _dispatch

    return Handler


def serve(standin):
    # A parent that spawned us from a thread with signals blocked passes that mask on: unblock
    # SIGTERM/SIGINT so that stopping by pid works, and exit promptly on them.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # If the test process dies without stopping us (crash, SIGKILL), exit instead of lingering.
    parent = os.getppid()

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(standin))
    server.daemon_threads = True
    standin.port = server.server_address[1]
    print(f"PORT {standin.port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    sys.exit(0)
