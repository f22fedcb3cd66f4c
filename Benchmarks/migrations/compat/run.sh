#!/bin/sh
# The compatibility layer's cost next to decoding (issue 4: under 10%). Release build, no emulator.
# Usage: Benchmarks/migrations/compat/run.sh [--documents N] [--rounds R]
set -e
cd "$(dirname "$0")/../../.."
swift build -c release --scratch-path .build-compat-bench --product compat-bench >&2
exec .build-compat-bench/release/compat-bench "$@"
