#!/usr/bin/env bash
# Firestore client benchmark: our Swift client (firestore-bench) and Google's official Python
# client (google-cloud-firestore), side by side in one run, against one Cloud Firestore emulator.
#
#   Benchmarks/firestore/run.sh                 # defaults below
#   DOCS=2000 READ_DOCS=10000 STREAM_DOCS=50000 Benchmarks/firestore/run.sh   # a quick run
#
# Rows: docs/s written with batchWrite and with commit at 1, 4 and 8 concurrent requests (batches
# of BATCH documents); docs/s read by paged runQuery; RSS while streaming STREAM_DOCS documents.
set -euo pipefail
cd "$(dirname "$0")/../.."

DOCS=${DOCS:-5000}
BATCH=${BATCH:-100}
READ_DOCS=${READ_DOCS:-20000}
STREAM_DOCS=${STREAM_DOCS:-200000}
PAGE=${PAGE:-1000}
SCRATCH=${SCRATCH:-.build-fs}
VENV=${VENV:-$HOME/.cache/firestore-bench-venv}

if [ -z "${BENCH:-}" ]; then  # BENCH=path/to/firestore-bench skips the build
    echo "building firestore-bench (release)…" >&2
    swift build --scratch-path "$SCRATCH" -c release --product firestore-bench >&2
    BENCH="$(swift build --scratch-path "$SCRATCH" -c release --show-bin-path)/firestore-bench"
fi

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import google.cloud.firestore' 2>/dev/null; then
    echo "installing google-cloud-firestore into $VENV…" >&2
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install -q google-cloud-firestore >&2
fi
PY="$VENV/bin/python"

SDK_ROOT=$(gcloud info --format='value(installation.sdk_root)' 2>/dev/null || true)
EMULATOR=${SDK_ROOT:-/usr/lib/google-cloud-sdk}/platform/cloud-firestore-emulator/cloud_firestore_emulator
[ -x "$EMULATOR" ] || EMULATOR=/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
LOG=$(mktemp /tmp/firestore-bench-emulator.XXXXXX)
setsid "$EMULATOR" start --host=127.0.0.1 --port="$PORT" >"$LOG" 2>&1 &
EMULATOR_PID=$!
# The launcher runs java as a child: stop the whole process group.
trap 'kill -TERM -- -$EMULATOR_PID 2>/dev/null; sleep 1; kill -KILL -- -$EMULATOR_PID 2>/dev/null; rm -f "$LOG"' EXIT
for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -sf "http://127.0.0.1:$PORT/" >/dev/null || { echo "emulator did not start:" >&2; tail "$LOG" >&2; exit 1; }
export FIRESTORE_EMULATOR_HOST=127.0.0.1:$PORT
HOST=$FIRESTORE_EMULATOR_HOST
RESULTS=$(mktemp /tmp/firestore-bench-results.XXXXXX)

run() {  # run CLIENT ARGS…: one JSON line, tagged with the client
    local client=$1; shift
    local line
    if [ "$client" = swift ]; then line=$("$BENCH" "$@" --host "$HOST"); else line=$("$PY" Benchmarks/firestore/bench.py "$@"); fi
    echo "{\"client\":\"$client\",\"result\":$line}" | tee -a "$RESULTS" >&2
}

echo "emulator at $HOST; load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# Warm the emulator's JIT with both clients' requests before anything is measured.
"$BENCH" write --host "$HOST" --project warm-swift --mode batchWrite --concurrency 4 --docs "$DOCS" >/dev/null
"$BENCH" write --host "$HOST" --project warm-swift --mode commit --concurrency 4 --docs "$DOCS" >/dev/null
"$PY" Benchmarks/firestore/bench.py write --project warm-python --mode batchWrite --concurrency 4 --docs "$DOCS" >/dev/null
"$PY" Benchmarks/firestore/bench.py write --project warm-python --mode commit --concurrency 4 --docs "$DOCS" >/dev/null
order="swift python"
for mode in batchWrite commit; do
    for concurrency in 1 4 8; do
        order=$(echo "$order" | awk '{print $2, $1}')  # alternate who goes first
        for client in $order; do
            run "$client" write --project "w-$client-${mode,,}-$concurrency" --mode "$mode" --concurrency "$concurrency" \
                --docs "$DOCS" --batch "$BATCH"
        done
    done
done

"$BENCH" write --host "$HOST" --project bench-read --collection trades --mode batchWrite --concurrency 8 --docs "$READ_DOCS" >/dev/null
# Warm the emulator's query path with one unrecorded read by each client: whoever reads first
# otherwise pays for its JIT (alternating runs after a warm-up differ by up to 2x from a cold one).
"$BENCH" read --host "$HOST" --project bench-read --collection trades --page "$PAGE" >/dev/null
"$PY" Benchmarks/firestore/bench.py read --project bench-read --collection trades --page "$PAGE" >/dev/null
for client in swift python; do run "$client" read --project bench-read --collection trades --page "$PAGE"; done

echo "seeding $STREAM_DOCS documents for the streaming row…" >&2
"$BENCH" write --host "$HOST" --project bench-stream --collection trades --mode batchWrite --concurrency 8 --docs "$STREAM_DOCS" >/dev/null
for client in swift python; do
    run "$client" stream --project bench-stream --collection trades --page "$PAGE" --every $((STREAM_DOCS / 10))
done
run swift decode --docs 50000 2>/dev/null || true

"$PY" - "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def pick(client, **match):
    for r in rows:
        if r["client"] == client and all(r["result"].get(k) == v for k, v in match.items()):
            return r["result"]
print(f"{'row':34} {'swift':>12} {'python':>12}   client CPU s (swift / python)")
for mode in ("batchWrite", "commit"):
    for c in (1, 4, 8):
        s, p = pick("swift", workload="write", mode=mode, concurrency=c), pick("python", workload="write", mode=mode, concurrency=c)
        print(f"{f'{mode} docs/s, {c} concurrent':34} {s['docsPerSecond']:>12} {p['docsPerSecond']:>12}   {s.get('clientCPUSeconds')} / {p.get('clientCPUSeconds')}")
s, p = pick("swift", workload="read"), pick("python", workload="read")
print(f"{'paged runQuery read docs/s':34} {s['docsPerSecond']:>12} {p['docsPerSecond']:>12}   {s.get('clientCPUSeconds')} / {p.get('clientCPUSeconds')}")
s, p = pick("swift", workload="stream"), pick("python", workload="stream")
for a, b in zip(s["rssMiB"], p["rssMiB"]):
    print(f"{'RSS MiB after ' + str(a['docs']) + ' docs':34} {a['rssMiB']:>12} {b['rssMiB']:>12}")
d = pick("swift", workload="decode")
if d:
    print(f"decode only (CPU time, one thread): {d['docsPerSecond']} docs/s, {d['MBPerSecond']} MB/s; "
          f"JSONSerialization parse alone: {d['jsonSerializationParseOnlyDocsPerSecond']} docs/s")
PY
rm -f "$RESULTS"
