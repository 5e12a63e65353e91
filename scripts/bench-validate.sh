#!/usr/bin/env bash
# Benchmark of `oms-plan validate` on a generated plan of 10,000 tasks in 100 files (release
# build), beside its yardstick measured in the same run: a bare Yams parse of the same files
# (`bench-yaml-parse`, the parser settings of the plan loader, nothing else). Targets: under
# 1 second, under 200 MB peak memory, and at most 2x the bare parse's wall time.
# Usage: scripts/bench-validate.sh [TASKS] [FILES]
#        SCRATCH_PATH=/tmp/oms-release scripts/bench-validate.sh   # build outside .build (no lock wait)
#        OMS_PLAN_BIN=... YAML_PARSE_BIN=... scripts/bench-validate.sh   # skip the build
set -euo pipefail
cd "$(dirname "$0")/.."
build_flags=(-c release)
if [ -n "${SCRATCH_PATH:-}" ]; then build_flags+=(--scratch-path "$SCRATCH_PATH"); fi
tasks="${1:-10000}"
files="${2:-100}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
python3 scripts/gen_bench_plan.py "$dir/plan" "$tasks" "$files"
du -sh "$dir/plan" | awk '{print "plan size: " $1}'
if [ -z "${OMS_PLAN_BIN:-}" ] || [ -z "${YAML_PARSE_BIN:-}" ]; then
    swift build "${build_flags[@]}" --product oms-plan >&2
    swift build "${build_flags[@]}" --product bench-yaml-parse >&2
    OMS_PLAN_BIN="$(swift build "${build_flags[@]}" --show-bin-path)/oms-plan"
    YAML_PARSE_BIN="$(swift build "${build_flags[@]}" --show-bin-path)/bench-yaml-parse"
fi
"$OMS_PLAN_BIN" validate "$dir/plan" >/dev/null 2>&1 || { echo "the generated plan does not validate:" >&2; "$OMS_PLAN_BIN" validate "$dir/plan" 2>&1 | tail -5 >&2; exit 1; }
"$YAML_PARSE_BIN" "$dir/plan"

# measure NAME COMMAND...: three runs, one line each; the median wall seconds in $median.
measure() {
    local name="$1"; shift
    local walls=()
    for run in 1 2 3; do
        /usr/bin/time -v "$@" 2>"$dir/time.txt" >/dev/null || true
        local wall rss user sys seconds
        wall="$(grep 'Elapsed (wall clock)' "$dir/time.txt" | awk '{print $NF}')"
        rss="$(grep 'Maximum resident set size' "$dir/time.txt" | awk '{print $NF}')"
        user="$(grep 'User time' "$dir/time.txt" | awk '{print $NF}')"
        sys="$(grep 'System time' "$dir/time.txt" | awk '{print $NF}')"
        seconds="$(echo "$wall" | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')"
        walls+=("$seconds")
        echo "$name run $run: wall ${seconds}s, cpu ${user}s user + ${sys}s sys, max RSS $((rss / 1024)) MB"
    done
    median="$(printf '%s\n' "${walls[@]}" | sort -g | sed -n 2p)"
}
measure "bare Yams parse  " "$YAML_PARSE_BIN" "$dir/plan"
yams="$median"
measure "oms-plan validate" "$OMS_PLAN_BIN" validate "$dir/plan"
validate="$median"
awk -v v="$validate" -v y="$yams" 'BEGIN {
    r = v / y
    printf "median wall: validate %.2f s, bare Yams parse %.2f s: validate takes %.2fx the bare parse (target <= 2x: %s)\n", v, y, r, (r <= 2 ? "met" : "MISSED")
}'
echo "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg) (wall times need an otherwise idle machine)"
