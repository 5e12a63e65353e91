#!/usr/bin/env python3
"""Issue 25, part 3: does the finish forecast queue work through OMS's 5 slots per region?

1. Starts `oms-plan sandbox serve --manual-engine --time-scale 0.001` (sandbox time moves only
   when the script runs the engine) and seeds one source bucket (Aliyun/cn-hangzhou/bench-src)
   with one object of --size MiB under each of --tasks prefixes, and the destination bucket.
2. Writes a plan of --tasks prefix tasks, all in cn-north-4, each held to 1 MiB/s by an all-day
   bandwidth window, and runs `oms-plan diff --output json`: every create's forecast finish
   (its source listed through OMS's bucket API), queued through the region's 5 slots.
3. `oms-plan apply --auto-approve`, then runs the engine one sandbox second at a time
   (POST /control/engine/run) until every task has succeeded, noting when each finished.
Prints the forecast and the actual duration of the whole plan (from `evaluatedAt` of the diff,
and from the first engine run), their ratio, and the same for each round of 5 (the k-th finish
forecast against the k-th seen: apply creates concurrently, so OMS's creation order decides
which task runs in which round).

Usage: bench_slots.py BIN [--tasks 20] [--size 30]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import benchlib as b

PLAN_ENV = {"BENCH_SRC_AK": "BENCHSRCAK0001", "BENCH_SRC_SK": "bench-src-secret", "BENCH_OBS_AK": "BENCHOBSAK0001",
            "BENCH_OBS_SK": "bench-obs-secret"}


def write_plan(out: Path, tasks: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    docs = ["""apiVersion: oms-plan/v1
kind: Stack
metadata: {name: slots}
spec:
  region: cn-north-4
  defaults:
    destination: {bucket: bench-dst, credentials: obs}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: src}
spec: {accessKey: "${env:BENCH_SRC_AK}", secretKey: "${env:BENCH_SRC_SK}"}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: obs}
spec: {accessKey: "${env:BENCH_OBS_AK}", secretKey: "${env:BENCH_OBS_SK}"}
"""]
    for n in range(tasks):
        docs.append(f"""apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {{name: t{n:02d}}}
spec:
  type: prefix
  source: {{cloud: Aliyun, region: cn-hangzhou, bucket: bench-src, credentials: src, prefixes: ["{n:02d}/"]}}
  bandwidth: [{{start: "00:00", end: "24:00", limit: 1MiB/s}}]
""")
    (out / "plan.yaml").write_text("---\n".join(docs))


def instant(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--size", type=int, default=30, help="MiB per task (one object): seconds per task at 1 MiB/s")
    args = parser.parse_args()
    env = b.cli_env(PLAN_ENV)
    with tempfile.TemporaryDirectory(prefix="bench-slots-") as tmp_name:
        tmp = Path(tmp_name)
        box = b.Sandbox(args.binary, tmp / "data", "--manual-engine", "--time-scale", "0.001", log=tmp / "sandbox.log")
        with box:
            control = b.Control(box.base_url)
            for n in range(args.tasks):
                control.seed_bucket("Aliyun", "cn-hangzhou", "bench-src", prefix=f"{n:02d}/", objects=1,
                                    object_size=args.size * b.MIB)
            control.seed_bucket("HuaweiCloud", "cn-north-4", "bench-dst")
            plan = tmp / "plan"
            write_plan(plan, args.tasks)
            common = ["--endpoint", box.base_url, "--project-id", b.PROJECT_ID, "--no-color"]
            diff = subprocess.run([args.binary, "diff", str(plan), *common, "--output", "json"], env=env, cwd=tmp,
                                  capture_output=True, text=True)
            if diff.returncode not in (0, 2):
                raise RuntimeError(f"diff exited {diff.returncode}: {diff.stderr[-1500:]}")
            report = json.loads(diff.stdout)
            evaluated = instant(report["evaluatedAt"])
            forecast = {c["address"]: instant(c["forecast"]["finish"]) - evaluated
                        for c in report["changes"] if c.get("forecast", {}).get("finish")}
            if len(forecast) != args.tasks:
                raise RuntimeError(f"{len(forecast)} of {args.tasks} creates have a forecast finish")
            apply = subprocess.run([args.binary, "apply", str(plan), *common, "--auto-approve"], env=env, cwd=tmp,
                                   capture_output=True, text=True)
            if apply.returncode != 0:
                raise RuntimeError(f"apply exited {apply.returncode}: {apply.stderr[-1500:]}")
            status = subprocess.run([args.binary, "status", str(plan), *common, "--output", "json"], env=env, cwd=tmp,
                                    capture_output=True, text=True)
            addresses = {str(e["liveId"]): e["address"] for e in json.loads(status.stdout)["entries"] if e.get("liveId")}
            api = b.Api(box.base_url)
            start = instant(control.call("GET", "clock")["now"])
            finished: dict[str, float] = {}
            most_running = 0
            for _ in range(100_000):
                clock = instant(control.call("POST", "engine/run", {"seconds": 1})["now"])
                tasks = api.all_tasks()
                most_running = max(most_running, sum(1 for t in tasks if t.get("status") == 2))
                for t in tasks:
                    if t.get("status") == 5 and str(t["id"]) not in finished:
                        finished[str(t["id"])] = clock - start
                    elif t.get("status") == 4:
                        raise RuntimeError(f"task {t['id']} failed: {t.get('error_reason')}")
                if len(finished) == len(tasks):
                    break
            by_address = {addresses[task_id]: seconds for task_id, seconds in finished.items()}
            # Apply creates the tasks concurrently, so which task lands in which round is OMS's
            # (creation order); the rounds are compared as the k-th finish forecast and seen.
            predicted = sorted(forecast.values())
            seen = sorted(by_address.values())
            rows = []
            for r in range(0, len(predicted), 5):
                p, a = max(predicted[r:r + 5]), max(seen[r:r + 5])
                rows.append([r // 5 + 1, len(predicted[r:r + 5]), f"{p:.0f}", f"{a:.0f}", f"{p / a:.3f}"])
            print(b.table(rows, ["round", "tasks", "forecast finish s", "actual finish s", "forecast/actual"]))
            whole_forecast = max(forecast.values())
            whole_actual = max(by_address.values())
            one_task = args.size  # seconds at 1 MiB/s
            print(f"{args.tasks} tasks of {args.size} MiB in cn-north-4 at 1 MiB/s each (window 00:00-24:00), "
                  f"at most {most_running} migrating at once")
            print(f"plan: forecast {whole_forecast:.0f} s, actual {whole_actual:.0f} s, forecast/actual "
                  f"{whole_forecast / whole_actual:.3f} (one task alone: {one_task} s; all at once would forecast "
                  f"{one_task / whole_actual:.3f} of the actual)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
