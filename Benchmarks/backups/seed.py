#!/usr/bin/env python3
"""Writes N trade-like documents into an emulator project with batchWrite (500 per request,
4 requests in flight). Usage: seed.py HOST:PORT PROJECT N [COLLECTIONS] [SUB_EVERY]

COLLECTIONS (default 1) spreads the N documents round-robin over that many root collections
(trades, conversations, notifications, users, ...). SUB_EVERY (default 0: none) gives every
SUB_EVERY-th document a `messages` subcollection of two documents (not counted in N)."""
import json
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor

host, project, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
collections = int(sys.argv[4]) if len(sys.argv) > 4 else 1
sub_every = int(sys.argv[5]) if len(sys.argv) > 5 else 0
names = ["trades", "conversations", "notifications", "users", "reviews", "skills", "messages_index", "reports"]
names += [f"collection{i}" for i in range(len(names), collections)]
root = f"projects/{project}/databases/(default)/documents"
url = f"http://{host}/v1/{root}:batchWrite"


def fields(i):
    return {
        "title": {"stringValue": f"Trade {i}: guitar lessons for web design"},
        "status": {"stringValue": ["active", "completed", "cancelled"][i % 3]},
        "creatorId": {"stringValue": f"user-{i % 5000}"},
        "participantId": {"stringValue": f"user-{(i * 7) % 5000}"},
        "offeredSkills": {"arrayValue": {"values": [{"stringValue": "React"}, {"stringValue": "TypeScript"}]}},
        "requestedSkills": {"arrayValue": {"values": [{"stringValue": "Node.js"}]}},
        "createdAt": {"timestampValue": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00.{i % 1000000:06d}Z"},
        "price": {"doubleValue": i * 0.25},
        "views": {"integerValue": str(i * 3)},
        "meta": {"mapValue": {"fields": {"source": {"stringValue": "seed"}, "rev": {"integerValue": "1"}}}},
    }


def documents(i):
    path = f"{root}/{names[i % collections]}/t{i:07d}"
    yield {"name": path, "fields": fields(i)}
    if sub_every and i % sub_every == 0:
        for m in range(2):
            yield {"name": f"{path}/messages/m{m}", "fields": {"text": {"stringValue": f"message {m} of {i}"}}}


def send(start):
    writes = [{"update": d} for i in range(start, min(start + 160, total)) for d in documents(i)]
    request = urllib.request.Request(url, data=json.dumps({"writes": writes}).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": "Bearer owner"})
    with urllib.request.urlopen(request, timeout=300) as response:
        body = json.load(response)
    failed = [s for s in body.get("status", []) if s.get("code", 0) != 0]
    if failed:
        raise SystemExit(f"seed: {len(failed)} writes failed, e.g. {failed[0]}")


with ThreadPoolExecutor(4) as pool:
    list(pool.map(send, range(0, total, 160)))
print(f"seeded {total} documents into {project} ({collections} collection(s), subcollections every {sub_every or 'never'})",
      file=sys.stderr)
