#!/usr/bin/env python3
"""Writes N trade-like documents into an emulator project with batchWrite (500 per request,
4 requests in flight). Usage: seed.py HOST:PORT PROJECT N"""
import json
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor

host, project, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
root = f"projects/{project}/databases/(default)/documents"
url = f"http://{host}/v1/{root}:batchWrite"


def document(i):
    return {
        "name": f"{root}/trades/t{i:07d}",
        "fields": {
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
        },
    }


def send(start):
    writes = [{"update": document(i)} for i in range(start, min(start + 500, total))]
    request = urllib.request.Request(url, data=json.dumps({"writes": writes}).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": "Bearer owner"})
    with urllib.request.urlopen(request, timeout=300) as response:
        body = json.load(response)
    failed = [s for s in body.get("status", []) if s.get("code", 0) != 0]
    if failed:
        raise SystemExit(f"seed: {len(failed)} writes failed, e.g. {failed[0]}")


with ThreadPoolExecutor(4) as pool:
    list(pool.map(send, range(0, total, 500)))
print(f"seeded {total} documents into {project}", file=sys.stderr)
