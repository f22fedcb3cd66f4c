#!/usr/bin/env bash
# HTTP benchmark: `runbook serve` (release build) side by side with nginx and FlyingFox 0.27.1,
# then 1,000 SSE clients and 10,000 idle keep-alive connections. Loopback only, bounded in time.
#
#   Benchmarks/http/run.sh                 # DURATION=5 CONNECTIONS=64 SSE_CLIENTS=1000 IDLE=10000
#   DURATION=10 Benchmarks/http/run.sh     # longer wrk runs
#   RUNBOOK_BIN=path/to/runbook Benchmarks/http/run.sh   # skip building the product
#
# Needs wrk and nginx (apt-get install wrk nginx) and python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

for tool in wrk nginx python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench: '$tool' is missing; apt-get install wrk nginx curl python3" >&2; exit 2; }
done

# 10,000 idle connections need 10,000 descriptors in the server and as many in the client.
ulimit -n "$(ulimit -Hn)" || true
if [ "$(ulimit -n)" -lt 10100 ]; then
  echo "bench: open-file limit is $(ulimit -n); the idle-connection test needs > 10100 (raise the hard limit)" >&2
fi

if [ -z "${RUNBOOK_BIN:-}" ]; then
  echo "bench: building runbook (release, scratch .build-bench)..." >&2
  swift build -c release --product runbook --scratch-path .build-bench >&2
  RUNBOOK_BIN="$(swift build -c release --product runbook --scratch-path .build-bench --show-bin-path)/runbook"
fi
if [ -z "${FLYINGFOX_BIN:-}" ]; then
  echo "bench: building the FlyingFox comparison server (release)..." >&2
  (cd "$here/flyingfox/FlyingFoxBench" && swift build -c release --scratch-path .build >&2)
  FLYINGFOX_BIN="$(cd "$here/flyingfox/FlyingFoxBench" && swift build -c release --scratch-path .build --show-bin-path)/FlyingFoxBench"
fi

exec python3 "$here/bench.py" --runbook "$RUNBOOK_BIN" --flyingfox "$FLYINGFOX_BIN" \
  --templates "$root/Templates" --public "$root/Public" \
  --duration "${DURATION:-5}" --connections "${CONNECTIONS:-64}" \
  --sse-clients "${SSE_CLIENTS:-1000}" --idle "${IDLE:-10000}"
