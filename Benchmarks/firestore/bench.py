"""The official Python client (google-cloud-firestore) doing what firestore-bench does.

Talks to the emulator named by FIRESTORE_EMULATOR_HOST, over gRPC (the client's own transport).
Prints one JSON line per run, with the same fields as the Swift side.
"""
import argparse
import datetime
import json
import resource
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from google.cloud import firestore
from google.cloud.firestore_v1.bulk_batch import BulkWriteBatch


def trade_fields(i):
    return {
        "title": f"Trade number {i}", "status": "completed" if i % 3 == 0 else "active",
        "creatorId": f"user-{i % 977}", "participantId": f"user-{(i * 7) % 977}",
        "offeredSkills": ["React", "TypeScript", f"skill-{i % 50}"], "requestedSkills": ["Node.js", "Python"],
        "participants": {"creator": f"user-{i % 977}", "participant": f"user-{(i * 7) % 977}"},
        "createdAt": datetime.datetime.fromtimestamp(1_700_000_000 + i + (i % 1000) / 1e6, tz=datetime.timezone.utc),
        "rating": (i % 500) / 100, "views": i * 13, "n": i,
    }


def write(client, collection, mode, concurrency, docs, batch):
    batches = [range(s, min(docs, s + batch)) for s in range(0, docs, batch)]
    lock = threading.Lock()
    position = [0]

    def worker():
        while True:
            with lock:
                if position[0] >= len(batches):
                    return
                b = batches[position[0]]
                position[0] += 1
            wb = BulkWriteBatch(client) if mode == "batchWrite" else client.batch()
            for i in b:
                wb.set(client.collection(collection).document(f"d{i}"), trade_fields(i))
            response = wb.commit()
            if mode == "batchWrite":
                assert all(s.code == 0 for s in response.status), response.status

    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(worker) for _ in range(concurrency)]:
            future.result()
    return time.monotonic() - started


def pages(client, collection, page):
    query = client.collection(collection).order_by("__name__").limit(page)
    last = None
    read_time = None
    while True:
        q = query.start_after(last) if last is not None else query
        kwargs = {"read_time": read_time} if read_time else {}
        docs = list(q.stream(**kwargs))
        if read_time is None and docs:
            read_time = docs[0].read_time
        yield docs
        if len(docs) < page:
            return
        last = docs[-1]


def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return -1


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return round(usage.ru_utime + usage.ru_stime, 2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["write", "read", "stream"])
    parser.add_argument("--project", required=True)
    parser.add_argument("--collection")
    parser.add_argument("--mode", default="batchWrite")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--page", type=int, default=1000)
    parser.add_argument("--every", type=int, default=20_000)
    args = parser.parse_args()
    client = firestore.Client(project=args.project)
    if args.command == "write":
        collection = args.collection or f"bench_{args.mode}_{args.concurrency}"
        seconds = write(client, collection, args.mode, args.concurrency, args.docs, args.batch)
        print(json.dumps({"workload": "write", "mode": args.mode, "concurrency": args.concurrency, "docs": args.docs,
                          "seconds": round(seconds, 3), "docsPerSecond": int(args.docs / seconds),
                          "clientCPUSeconds": cpu_seconds()}))
    elif args.command == "read":
        started = time.monotonic()
        count = sum(len(p) for p in pages(client, args.collection, args.page))
        seconds = time.monotonic() - started
        print(json.dumps({"workload": "read", "docs": count, "seconds": round(seconds, 3), "docsPerSecond": int(count / seconds),
                          "clientCPUSeconds": cpu_seconds()}))
    else:
        samples = [{"docs": 0, "rssMiB": round(rss_mib(), 1)}]
        count = 0
        for page in pages(client, args.collection, args.page):
            before = count
            count += len(page)
            if count // args.every != before // args.every:
                samples.append({"docs": count, "rssMiB": round(rss_mib(), 1)})
        print(json.dumps({"workload": "stream", "rssMiB": samples}))


if __name__ == "__main__":
    main()
