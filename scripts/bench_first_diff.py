#!/usr/bin/env python3
"""Issue 23, part 7: the first `oms-plan diff` of a big estate, at the API floor.

For each N in --tasks:
1. Starts `oms-plan sandbox serve --manual-engine` and seeds one source bucket
   (Aliyun/cn-hangzhou/bench-src) with one object under each of N prefixes `NNNNN/`, and one
   empty destination bucket (HuaweiCloud/cn-north-4/bench-dst).
2. Writes a plan of N prefix tasks `t-NNNNN` that do not exist in OMS yet, alike but for
   their names and prefixes (no description, no savePrefix: the shape a generated estate has).
3. Injects LATENCY ms on every /v2/ request (POST /control/faults) and runs `oms-plan diff`
   under /usr/bin/time -v: wall time, peak RSS, output lines, and the OMS requests it sent by
   route (GET /control/stats before and after).
Then prints a table and the verdict against the goals: 10,000 creates in at most 200 requests
and under 5 s at 20 ms; 50,000 within 1,000 requests.

Usage: bench_first_diff.py BIN [--tasks 10000,50000] [--latency 20] [--files 100] [--runs 1]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import benchlib as b

PLAN_ENV = {"BENCH_SRC_AK": "BENCHSRCAK0001", "BENCH_SRC_SK": "bench-src-secret", "BENCH_OBS_AK": "BENCHOBSAK0001",
            "BENCH_OBS_SK": "bench-obs-secret"}
GOALS = {10000: (200, 5.0), 50000: (1000, None)}


def write_plan(out: Path, tasks: int, files: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "stack.yaml").write_text("""apiVersion: oms-plan/v1
kind: Stack
metadata: {name: firstdiff}
spec:
  region: cn-north-4
  prune: false
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
""")
    per_file = (tasks + files - 1) // files
    for f in range(files):
        docs = []
        for n in range(f * per_file, min(tasks, (f + 1) * per_file)):
            docs.append(f"""apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {{name: t-{n:05d}}}
spec:
  type: prefix
  source: {{cloud: Aliyun, region: cn-hangzhou, bucket: bench-src, credentials: src, prefixes: ["{n:05d}/"]}}
""")
        if docs:
            (out / f"tasks-{f:03d}.yaml").write_text("---\n".join(docs))


def measure(binary: str, tasks: int, latency: int, files: int, runs: int, tmp: Path) -> list[dict]:
    plan = tmp / f"plan-{tasks}"
    write_plan(plan, tasks, files)
    box = b.Sandbox(binary, tmp / f"data-{tasks}", "--manual-engine", log=tmp / f"sandbox-{tasks}.log")
    results = []
    try:
        box.wait_ready()
        control = b.Control(box.base_url)
        control.seed_bucket("Aliyun", "cn-hangzhou", "bench-src")
        control.seed_bucket("HuaweiCloud", "cn-north-4", "bench-dst")
        b.seed_prefixes(box.data, "Aliyun", "cn-hangzhou", "bench-src", (f"{n:05d}/" for n in range(tasks)))
        env = b.cli_env(PLAN_ENV)
        common = ["--endpoint", box.base_url, "--project-id", b.PROJECT_ID, "--no-color"]
        control.clear_faults()
        if latency:
            control.add_fault(kind="latency", latencyMs=latency, fraction=1)
        for run in range(1, runs + 1):
            out = tmp / f"diff-{tasks}-{run}.txt"
            before = control.stats()
            r = b.time_command([binary, "diff", str(plan), *common], env=env, cwd=tmp, stdout_path=out)
            delta = b.stats_delta(before, control.stats())
            text = out.read_text(errors="replace")
            if r["exit"] != 0:
                raise RuntimeError(f"diff exited {r['exit']}: {r['stderr'][-1500:]}")
            summary = next((line for line in text.splitlines() if line.startswith("Plan:")), "(no summary)")
            if f"Plan: {tasks} to create" not in summary:
                raise RuntimeError(f"expected {tasks} creates, got: {summary}\n{text[:2000]}")
            results.append({"tasks": tasks, "run": run, "wall_s": r["wall_s"], "rss_mb": r["rss_mb"],
                            "requests": sum(delta.values()), "routes": delta, "lines": len(text.splitlines()),
                            "summary": summary})
        control.clear_faults()
    finally:
        box.stop()
    return results


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("--tasks", default="10000,50000")
    ap.add_argument("--latency", type=int, default=20)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--runs", type=int, default=1)
    a = ap.parse_args()
    binary = str(Path(a.bin).resolve())
    rows, ok = [], True
    with tempfile.TemporaryDirectory(prefix="bench-first-diff-") as tmp:
        for tasks in (int(x) for x in a.tasks.split(",")):
            results = measure(binary, tasks, a.latency, a.files, a.runs, Path(tmp))
            for r in results:
                routes = ", ".join(f"{v} {k}" for k, v in sorted(r["routes"].items(), key=lambda kv: -kv[1]))
                rows.append([f"{tasks:,}", r["run"], f"{r['wall_s']:.2f}", f"{r['rss_mb']:.0f}", r["requests"], r["lines"], routes])
            wall = statistics.median(r["wall_s"] for r in results)
            most = max(r["requests"] for r in results)
            goal = GOALS.get(tasks)
            verdict = ""
            if goal:
                met = most <= goal[0] and (goal[1] is None or a.latency != 20 or wall < goal[1])
                ok &= met
                verdict = f" (goal: <= {goal[0]} requests" + (f", < {goal[1]:.0f} s at 20 ms" if goal[1] else "") \
                    + f": {'met' if met else 'MISSED'})"
            print(f"{tasks:,} creates at {a.latency} ms: median wall {wall:.2f} s, {most} requests, "
                  f"max RSS {max(r['rss_mb'] for r in results):.0f} MB, {results[0]['lines']} output lines{verdict}")
    print()
    print(b.table(rows, ["creates", "run", "wall s", "peak RSS MB", "OMS requests", "output lines", "requests by route"]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
