#!/usr/bin/env python3
"""Issue 6's benchmark (run by scripts/bench-batch.sh): 1,000 tasks sharing one bandwidth
schedule; the schedule changes and `oms-plan apply` pushes the new rules, beside the
one-call-per-task approach (PUT .../tasks/{id}/bandwidth-policy for every task), on one
sandbox, in one run.

1. Starts `oms-plan sandbox serve --manual-engine` (quotas raised; tasks stay Waiting, so they
   accept bandwidth changes), generates a plan (scripts/gen_sandbox_plan.py: TASKS tasks, all
   using the schedule `shared`) and creates it with `oms-plan apply`.
2. For each injected latency (0 and 20 ms per /v2/ request):
   - the schedule's limit changes (20 <-> 40 MiB/s) and `oms-plan apply --auto-approve` runs
     under /usr/bin/time -v: wall time, and the requests it sent by route (/control/stats);
   - the limit changes again and a Python client sends one PUT bandwidth-policy per task, 10 in
     flight (ids known beforehand, IAM token), timed the same way;
   - `oms-plan diff --detailed-exitcode` checks that every task ended with the plan's rules.
3. Prints a table. Target: at most ceil(TASKS / 20) = 50 update calls, plus the reads.

Each measurement runs RUNS (3) times, the schedule flipping every time.

Usage: bench_batch.py BIN [--tasks 1000] [--latencies 0,20] [--parallel 10] [--runs 3]
       bench_batch.py put-each BASE_URL TOKEN IDS_FILE MAX_BANDWIDTH [--parallel 10]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchlib as b

HERE = Path(__file__).resolve().parent
PLAN_ENV = {"BENCH_SRC_AK": "BENCHSRCAK0001", "BENCH_SRC_SK": "bench-src-secret", "BENCH_OBS_AK": "BENCHOBSAK0001",
            "BENCH_OBS_SK": "bench-obs-secret"}
LIMITS = ["20MiB/s", "40MiB/s"]


def put_each(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("token")
    ap.add_argument("ids")
    ap.add_argument("max_bandwidth", type=int)
    ap.add_argument("--parallel", type=int, default=10)
    a = ap.parse_args(argv)
    ids = json.loads(Path(a.ids).read_text())
    body = {"bandwidth_policy": [{"start": "00:00", "end": "23:59", "max_bandwidth": a.max_bandwidth}]}
    paths = [f"/v2/{b.PROJECT_ID}/tasks/{i}/bandwidth-policy" for i in ids]
    r = b.timed_requests(a.base, "PUT", paths, {"X-Auth-Token": a.token}, a.parallel, body=body)
    print(json.dumps(r))
    return 0 if r["errors"] == 0 else 1


def describe(delta: dict[str, int]) -> str:
    short = {"GET /v2/{project_id}/tasks": "list tasks", "GET /v2/{project_id}/taskgroups": "list groups",
             "POST /v2/{project_id}/tasks/batch-update": "batch-update",
             "PUT /v2/{project_id}/tasks/{task_id}/bandwidth-policy": "PUT bandwidth-policy"}
    return ", ".join(f"{v} {short.get(k, k)}" for k, v in sorted(delta.items(), key=lambda kv: -kv[1]))


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "put-each":
        return put_each(sys.argv[2:])
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("--tasks", type=int, default=1000)
    ap.add_argument("--latencies", default="0,20")
    ap.add_argument("--parallel", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    a.bin = str(Path(a.bin).resolve())
    latencies = [int(x) for x in a.latencies.split(",")]
    files = max(1, a.tasks // 100)
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp = Path(tmp)
        work = tmp / "work"
        work.mkdir()
        plan = work / "plan"
        limit = [0]

        def write_plan() -> str:
            text = LIMITS[limit[0] % 2]
            subprocess.run([sys.executable, str(HERE / "gen_sandbox_plan.py"), str(plan), "--tasks", str(a.tasks),
                            "--files", str(files), "--stack", "benchbatch", "--limit", text], check=True)
            return text

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
            write_plan()
            created = subprocess.run([a.bin, "apply", str(plan), *common, "--auto-approve", "--parallelism", "16"],
                                     cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if created.returncode != 0:
                print(f"apply failed: {created.stderr.decode()[-2000:]}", file=sys.stderr)
                return 1
            api = b.Api(box.base_url)
            ids = [t["id"] for t in api.all_tasks()]
            ids_file = tmp / "ids.json"
            ids_file.write_text(json.dumps(ids))
            print(f"{len(ids)} tasks sharing BandwidthSchedule/shared, created with oms-plan apply")
            rows = []
            verdicts = []
            for latency in latencies:
                control.clear_faults()
                if latency:
                    control.add_fault(kind="latency", latencyMs=latency, fraction=1)
                for run in range(1, a.runs + 1):
                    # oms-plan apply after the schedule changed.
                    limit[0] += 1
                    text = write_plan()
                    before = control.stats()
                    r = b.time_command([a.bin, "apply", str(plan), *common, "--auto-approve"], env=env, cwd=work,
                                       stdout_path=tmp / "apply.out")
                    delta = b.stats_delta(before, control.stats())
                    if r["exit"] != 0:
                        print(f"apply exited {r['exit']}: {r['stderr'][-1500:]}", file=sys.stderr)
                        return 1
                    updates = delta.get("POST /v2/{project_id}/tasks/batch-update", 0) + \
                        delta.get("PUT /v2/{project_id}/tasks/{task_id}/bandwidth-policy", 0)
                    verdicts.append((latency, updates))
                    rows.append([f"{latency} ms", f"oms-plan apply (schedule -> {text}, run {run})", f"{r['wall_s']:.2f}",
                                 updates, sum(delta.values()), describe(delta)])
                    diff = subprocess.run([a.bin, "diff", str(plan), *common, "--detailed-exitcode"], cwd=work, env=env,
                                          capture_output=True)
                    if diff.returncode != 0:
                        print(f"diff after apply exited {diff.returncode}", file=sys.stderr)
                        return 1
                    # One PUT per task after the next change; the plan then says the same.
                    limit[0] += 1
                    text = write_plan()
                    mib = int(text.removesuffix("MiB/s"))
                    before = control.stats()
                    r = b.time_command([sys.executable, str(Path(__file__).resolve()), "put-each", box.base_url, api.token,
                                        str(ids_file), str(mib * b.MIB), "--parallel", str(a.parallel)],
                                       cwd=work, stdout_path=tmp / "put-each.json")
                    delta = b.stats_delta(before, control.stats())
                    detail = json.loads((tmp / "put-each.json").read_text())
                    if r["exit"] != 0:
                        print(f"per-task PUTs failed: {detail}", file=sys.stderr)
                        return 1
                    updates = delta.get("PUT /v2/{project_id}/tasks/{task_id}/bandwidth-policy", 0)
                    rows.append([f"{latency} ms",
                                 f"PUT bandwidth-policy per task, {a.parallel} in flight (-> {text}, run {run})",
                                 f"{r['wall_s']:.2f}", updates, sum(delta.values()),
                                 describe(delta) + f"; p50 {detail['p50_ms']:.1f} ms, p99 {detail['p99_ms']:.1f} ms"])
                    diff = subprocess.run([a.bin, "diff", str(plan), *common, "--detailed-exitcode"], cwd=work, env=env,
                                          capture_output=True)
                    if diff.returncode != 0:
                        print(f"diff after the per-task PUTs exited {diff.returncode} (rules differ from the plan's)",
                              file=sys.stderr)
                        return 1
            control.clear_faults()
            print()
            print(b.table(rows, ["latency", "approach", "wall s", "update calls", "OMS requests", "requests by route"]))
            print()
            target = -(-a.tasks // 20)
            for latency in latencies:
                counts = [u for l, u in verdicts if l == latency]
                print(f"oms-plan apply at {latency} ms: {', '.join(map(str, counts))} update calls per run "
                      f"(target <= {target}): {'met' if max(counts) <= target else 'MISSED'}")
            print("after each change, `oms-plan diff --detailed-exitcode` exited 0 (every task has the plan's rules)")
            return 0
        finally:
            box.stop()


if __name__ == "__main__":
    sys.exit(main())
