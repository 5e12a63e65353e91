#!/usr/bin/env bash
# Issue 3's benchmark: sandbox read throughput with 10,000 stored tasks (release build).
# Targets: GET one task >= 2,000 req/s with p99 < 20 ms; a 100-task list page at offset
# 5000 >= 200 req/s. Load generator: wrk (Debian package, installed when missing and
# apt-get can), else a Python thread client.
# Usage: scripts/bench-sandbox.sh [bench_sandbox.py options: --tasks N --duration S --threads T
#                                   --connections 8,32 --tool auto|wrk|python]
#        OMS_PLAN_BIN=path/to/oms-plan scripts/bench-sandbox.sh   # skip the build
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${OMS_PLAN_BIN:-}" ]; then
    swift build -c release --product oms-plan >&2
    OMS_PLAN_BIN="$(swift build -c release --show-bin-path)/oms-plan"
fi
if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing wrk (apt-get)" >&2
        { apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; } >/dev/null 2>&1 \
            || echo "could not install wrk; using the Python load generator" >&2
    else
        echo "wrk not found; using the Python load generator" >&2
    fi
fi
exec python3 scripts/bench_sandbox.py "$OMS_PLAN_BIN" "$@"
