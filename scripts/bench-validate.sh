#!/usr/bin/env bash
# Benchmark of `oms-plan validate` on a generated plan of 10,000 tasks in 100 files
# (release build). Target: under 1 second and under 200 MB peak memory on a 2-core machine.
# Usage: scripts/bench-validate.sh [TASKS] [FILES]
#        SCRATCH_PATH=/tmp/oms-release scripts/bench-validate.sh   # build outside .build (no lock wait)
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
swift build "${build_flags[@]}" --product oms-plan >&2
bin="$(swift build "${build_flags[@]}" --show-bin-path)/oms-plan"
"$bin" validate "$dir/plan" >/dev/null 2>&1 || { echo "the generated plan does not validate:" >&2; "$bin" validate "$dir/plan" 2>&1 | tail -5 >&2; exit 1; }
for run in 1 2 3; do
    /usr/bin/time -v "$bin" validate "$dir/plan" 2>"$dir/time.txt" >/dev/null || true
    wall="$(grep 'Elapsed (wall clock)' "$dir/time.txt" | awk '{print $NF}')"
    rss="$(grep 'Maximum resident set size' "$dir/time.txt" | awk '{print $NF}')"
    user="$(grep 'User time' "$dir/time.txt" | awk '{print $NF}')"
    sys="$(grep 'System time' "$dir/time.txt" | awk '{print $NF}')"
    echo "run $run: wall ${wall} (m:ss), cpu ${user}s user + ${sys}s sys, max RSS $((rss / 1024)) MB"
done
echo "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg) (wall times need an otherwise idle machine)"
