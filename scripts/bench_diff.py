#!/usr/bin/env python3
"""Issue 5's benchmark (run by scripts/bench-diff.sh): `oms-plan diff` over 10,000 owned tasks
against "Terraform-style" per-resource reads, on one sandbox, in one run.

1. Starts `oms-plan sandbox serve --manual-engine` (quotas raised; tasks stay Waiting, so
   nothing changes under the diff) and generates a plan (scripts/gen_sandbox_plan.py: one
   Stack, Credentials from ${env:...}, TASKS prefix tasks in FILES files).
2. Creates the live tasks with `oms-plan apply --auto-approve --parallelism 16` (so every
   description carries the exact ownership marker) and checks that `diff --detailed-exitcode`
   then exits 0.
3. For each injected latency (0 and 20 ms on every /v2/ request, POST /control/faults):
   - `oms-plan diff` under /usr/bin/time -v, RUNS times: wall time, peak RSS, and the OMS
     requests it sent (GET /control/stats before and after);
   - the per-resource reader (this script's `read-each` mode, also under /usr/bin/time -v):
     one GET /v2/{pid}/tasks/{id} per task, 10 in flight, ids known beforehand (as a state
     file would hold them), IAM token auth.
4. Prints a table. Targets for oms-plan diff: < 3 s at 20 ms, < 300 MB, 100 task list
   requests + 1 group list request + 1 synchronization task list request, nothing else.

With --baseline OLD_BIN, OLD_BIN's `oms-plan diff` is measured too, alternating with BIN's
runs at each latency, against the same sandbox and tasks, and the ratios are printed: the
comparison of issue 11 (diff at 20 ms at least 2x faster than the previous main, memory no
higher).

Usage: bench_diff.py BIN [--tasks 10000] [--files 100] [--runs 3] [--latencies 0,20] [--baseline OLD_BIN]
       bench_diff.py read-each BASE_URL TOKEN IDS_FILE [--parallel 10]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchlib as b

HERE = Path(__file__).resolve().parent
PLAN_ENV = {"BENCH_SRC_AK": "BENCHSRCAK0001", "BENCH_SRC_SK": "bench-src-secret", "BENCH_OBS_AK": "BENCHOBSAK0001",
            "BENCH_OBS_SK": "bench-obs-secret"}


def read_each(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("token")
    ap.add_argument("ids")
    ap.add_argument("--parallel", type=int, default=10)
    a = ap.parse_args(argv)
    ids = json.loads(Path(a.ids).read_text())
    paths = [f"/v2/{b.PROJECT_ID}/tasks/{i}" for i in ids]
    r = b.timed_requests(a.base, "GET", paths, {"X-Auth-Token": a.token}, a.parallel)
    print(json.dumps(r))
    return 0 if r["errors"] == 0 else 1


def route_counts(delta: dict[str, int]) -> tuple[int, int, int]:
    """(task list requests, group list requests, anything else) of a /control/stats delta.
    The one synchronization task list a read makes counts with the groups' (one list each)."""
    tasks = delta.get("GET /v2/{project_id}/tasks", 0)
    groups = delta.get("GET /v2/{project_id}/taskgroups", 0) + delta.get("GET /v2/{project_id}/sync-tasks", 0)
    return tasks, groups, sum(delta.values()) - tasks - groups


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "read-each":
        return read_each(sys.argv[2:])
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("--tasks", type=int, default=10000)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--latencies", default="0,20")
    ap.add_argument("--baseline", help="an older oms-plan binary to measure beside BIN")
    a = ap.parse_args()
    a.bin = str(Path(a.bin).resolve())
    if a.baseline:
        a.baseline = str(Path(a.baseline).resolve())
    latencies = [int(x) for x in a.latencies.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-diff-") as tmp:
        tmp = Path(tmp)
        work = tmp / "work"
        work.mkdir()
        plan = work / "plan"
        subprocess.run([sys.executable, str(HERE / "gen_sandbox_plan.py"), str(plan), "--tasks", str(a.tasks),
                        "--files", str(a.files)], check=True)
        box = b.Sandbox(a.bin, tmp / "data", "--manual-engine", "--task-quota-per-day", "1000000",
                        "--waiting-task-quota", "1000000", log=tmp / "sandbox.log")
        try:
            box.wait_ready()
            control = b.Control(box.base_url)
            control.seed_bucket("Aliyun", "cn-hangzhou", "bench-src", prefix="0/", objects=10)
            control.seed_bucket("HuaweiCloud", "cn-north-4", "bench-dst")
            b.seed_prefixes(box.data, "Aliyun", "cn-hangzhou", "bench-src", (f"{n}/" for n in range(a.tasks)))
            env = b.cli_env(PLAN_ENV)
            common = ["--endpoint", box.base_url, "--project-id", b.PROJECT_ID, "--no-color"]
            start = time.perf_counter()
            applied = subprocess.run([a.bin, "apply", str(plan), *common, "--auto-approve", "--parallelism", "16"],
                                     cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            took = time.perf_counter() - start
            if applied.returncode != 0:
                print(f"apply failed ({applied.returncode}): {applied.stderr.decode()[-2000:]}", file=sys.stderr)
                return 1
            print(f"plan: {a.tasks} prefix tasks in {a.files} files; created by "
                  f"`oms-plan apply --auto-approve --parallelism 16` in {took:.1f}s")
            check = subprocess.run([a.bin, "diff", str(plan), *common, "--detailed-exitcode"], cwd=work, env=env,
                                   capture_output=True)
            if check.returncode != 0:
                print(f"diff after apply exited {check.returncode}:\n{check.stdout.decode()[-1500:]}", file=sys.stderr)
                return 1
            print(f"diff --detailed-exitcode after apply: 0 ({check.stdout.decode().strip().splitlines()[-2]})")
            loading = b.time_command([a.bin, "validate", str(plan)], env=env, cwd=work)
            print(f"plan loading alone (`oms-plan validate`, no OMS requests): {loading['wall_s']:.2f} s, "
                  f"peak RSS {loading['rss_mb']:.0f} MB")
            api = b.Api(box.base_url)
            ids = [t["id"] for t in api.all_tasks()]
            ids_file = tmp / "ids.json"
            ids_file.write_text(json.dumps(ids))
            rows = []
            summary = []
            for latency in latencies:
                control.clear_faults()
                if latency:
                    control.add_fault(kind="latency", latencyMs=latency, fraction=1)
                binaries = [("diff", a.bin)] + ([("baseline", a.baseline)] if a.baseline else [])
                for run in range(1, a.runs + 1):
                    # Alternate the binaries so that load changes on the machine hit both alike.
                    for label, binary in binaries:
                        before = control.stats()
                        r = b.time_command([binary, "diff", str(plan), *common], env=env, cwd=work)
                        delta = b.stats_delta(before, control.stats())
                        if r["exit"] != 0:
                            print(f"{label} diff exited {r['exit']}: {r['stderr'][-1500:]}", file=sys.stderr)
                            return 1
                        t, g, other = route_counts(delta)
                        name = "oms-plan diff" if label == "diff" else "baseline diff"
                        rows.append([f"{latency} ms", f"{name} (run {run})", f"{r['wall_s']:.2f}", f"{r['rss_mb']:.0f}",
                                     t + g + other, f"{t} + {g}" + (f" + {other} other" if other else "")])
                        summary.append((latency, label, r["wall_s"], r["rss_mb"], t, g, other))
                for run in range(1, a.runs + 1):
                    before = control.stats()
                    r = b.time_command([sys.executable, str(Path(__file__).resolve()), "read-each", box.base_url, api.token,
                                        str(ids_file), "--parallel", "10"], cwd=work, stdout_path=tmp / "read-each.json")
                    delta = b.stats_delta(before, control.stats())
                    detail = json.loads((tmp / "read-each.json").read_text())
                    if r["exit"] != 0:
                        print(f"per-resource reads failed: {detail}", file=sys.stderr)
                        return 1
                    rows.append([f"{latency} ms", f"one GET per task, 10 in flight (run {run})", f"{r['wall_s']:.2f}",
                                 f"{r['rss_mb']:.0f}", sum(delta.values()),
                                 f"{delta.get('GET /v2/{project_id}/tasks/{task_id}', 0)} GET tasks/{{id}}, "
                                 f"p50 {detail['p50_ms']:.1f} ms, p99 {detail['p99_ms']:.1f} ms"])
            control.clear_faults()
            print()
            print(b.table(rows, ["latency", "reader", "wall s", "peak RSS MB", "OMS requests", "requests detail"]))
            print()
            for latency in latencies:
                runs = [s for s in summary if s[0] == latency and s[1] == "diff"]
                wall = statistics.median(s[2] for s in runs)
                rss = max(s[3] for s in runs)
                lists_ok = all(s[4] == -(-a.tasks // 100) and s[5] == 2 and s[6] == 0 for s in runs)
                wall_target = " (target < 3 s)" if latency == 20 else ""
                print(f"oms-plan diff at {latency} ms: median wall {wall:.2f} s{wall_target}, max RSS {rss:.0f} MB "
                      f"(target < 300 MB), requests {'as targeted' if lists_ok else 'NOT as targeted'} "
                      f"({-(-a.tasks // 100)} task lists + 1 group list + 1 sync task list, nothing else)")
                old = [s for s in summary if s[0] == latency and s[1] == "baseline"]
                if old:
                    old_wall = statistics.median(s[2] for s in old)
                    old_rss = max(s[3] for s in old)
                    speedup = old_wall / wall if wall > 0 else float("inf")
                    verdict = ""
                    if latency == 20:
                        verdict = (" (targets: >= 2x faster: " + ("met" if speedup >= 2 else "MISSED")
                                   + "; memory no higher: " + ("met" if rss <= old_rss else "MISSED") + ")")
                    print(f"  beside the baseline at {latency} ms: median wall {old_wall:.2f} s -> {wall:.2f} s "
                          f"({speedup:.2f}x faster), max RSS {old_rss:.0f} MB -> {rss:.0f} MB{verdict}")
            return 0
        finally:
            box.stop()


if __name__ == "__main__":
    sys.exit(main())
