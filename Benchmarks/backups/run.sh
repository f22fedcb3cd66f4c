#!/usr/bin/env bash
# Backup, verify and restore of N documents against the Cloud Firestore emulator, with a release
# build of `runbook`: documents/s, output size and peak RSS (GNU time), for each N given.
#
#   Benchmarks/backups/run.sh [N ...]        default: 20000 100000
#
# COLLECTIONS=k spreads the N documents over k root collections (create reads several at once);
# SUB_EVERY=m gives every m-th document a two-document `messages` subcollection and backs up with
# --subcollections (the extra documents are not in N). RUNBOOK=path measures that binary instead
# of building one (e.g. a copy of an older build, to compare).
#
# RSS should stay flat as N grows: the backup streams one page at a time.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(20000 100000); fi
scratch=${SCRATCH:-.build-backup}
collections=${COLLECTIONS:-1}
sub_every=${SUB_EVERY:-0}
config=${CONFIG:-release}   # CONFIG=debug reuses a debug build (slower figures, no long compile)
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 2; }

if [ -n "${RUNBOOK:-}" ]; then
  runbook=$RUNBOOK
else
  swift build -c "$config" --product runbook --scratch-path "$scratch" >&2
  runbook="$scratch/$config/runbook"
fi

sdk_root=$(gcloud info --format='value(installation.sdk_root)' 2>/dev/null || echo /usr/lib/google-cloud-sdk)
emulator="$sdk_root/platform/cloud-firestore-emulator/cloud_firestore_emulator"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
setsid "$emulator" start --host=127.0.0.1 --port="$port" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
cleanup() { kill -- -"$emulator_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.5; done

{
  echo "environments:"
  for n in "${sizes[@]}"; do
    printf '  src%s:\n    project: bench-src-%s\n    emulator: 127.0.0.1:%s\n' "$n" "$n" "$port"
    printf '  dst%s:\n    project: bench-dst-%s\n    emulator: 127.0.0.1:%s\n' "$n" "$n" "$port"
  done
} >"$work/runbook.yaml"

# measure LABEL N COMMAND...: runs it under GNU time, prints one table row.
measure() {
  local label=$1 n=$2; shift 2
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
  read -r seconds rss_kb <"$work/time"
  printf '%-8s %8s %9.1f %10.0f %9.1f\n' "$label" "$n" "$seconds" "$(echo "$n / $seconds" | bc -l)" "$(echo "$rss_kb / 1024" | bc -l)"
}

label="runbook $(git rev-parse --short HEAD) $config build"
if [ -n "${RUNBOOK:-}" ]; then label="$RUNBOOK"; fi
echo "emulator 127.0.0.1:$port, $label, $collections collection(s), subcollections every ${sub_every/#0/never}, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-8s %8s %9s %10s %9s\n' step docs seconds docs/s "RSS MiB"
for n in "${sizes[@]}"; do
  python3 Benchmarks/backups/seed.py "127.0.0.1:$port" "bench-src-$n" "$n" "$collections" "$sub_every"
  common=(--config "$work/runbook.yaml" --backup-dir "$work/backups")
  create_flags=()
  if [ "$sub_every" != 0 ]; then create_flags=(--subcollections); fi
  measure create "$n" "$runbook" backup create --env "src$n" "${create_flags[@]}" "${common[@]}"
  id=$(ls "$work/backups/src$n")
  measure verify "$n" "$runbook" backup verify --env "src$n" "$id" "${common[@]}"
  measure restore "$n" "$runbook" backup restore --env "src$n" "$id" --into "dst$n" "${common[@]}"
  bytes=$(du -cb "$work/backups/src$n/$id"/*.jsonl.gz | tail -1 | cut -f1)
  json=$(gzip -dc "$work/backups/src$n/$id"/*.jsonl.gz | wc -c)
  printf '  output for %s docs: %s bytes gzip (%s bytes of JSON lines, %.1fx)\n' "$n" "$bytes" "$json" "$(echo "$json / $bytes" | bc -l)"
done
