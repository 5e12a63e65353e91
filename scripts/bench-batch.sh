#!/usr/bin/env bash
# Issue 6's benchmark: 1,000 tasks share one bandwidth schedule; the schedule changes and
# `oms-plan apply` pushes it (release build), beside one PUT bandwidth-policy per task, at 0
# and 20 ms of injected latency. Target: at most 50 update calls plus the reads.
# Usage: scripts/bench-batch.sh [bench_batch.py options: --tasks N --latencies 0,20 --parallel P --runs R]
#        OMS_PLAN_BIN=path/to/oms-plan scripts/bench-batch.sh   # skip the build
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${OMS_PLAN_BIN:-}" ]; then
    swift build -c release --product oms-plan >&2
    OMS_PLAN_BIN="$(swift build -c release --show-bin-path)/oms-plan"
fi
exec python3 scripts/bench_batch.py "$OMS_PLAN_BIN" "$@"
