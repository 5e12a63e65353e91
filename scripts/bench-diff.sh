#!/usr/bin/env bash
# Issue 5's benchmark: `oms-plan diff` over 10,000 owned tasks (release build) beside
# Terraform-style per-resource reads (one GET per task, 10 in flight), at 0 and 20 ms of
# injected latency per request. Targets for diff: < 3 s at 20 ms, < 300 MB peak RSS, and only
# 100 task list requests + 1 group list request.
# Usage: scripts/bench-diff.sh [bench_diff.py options: --tasks N --files F --runs R --latencies 0,20]
#        OMS_PLAN_BIN=path/to/oms-plan scripts/bench-diff.sh   # skip the build
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${OMS_PLAN_BIN:-}" ]; then
    swift build -c release --product oms-plan >&2
    OMS_PLAN_BIN="$(swift build -c release --show-bin-path)/oms-plan"
fi
exec python3 scripts/bench_diff.py "$OMS_PLAN_BIN" "$@"
