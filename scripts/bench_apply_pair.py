#!/usr/bin/env python3
"""Times `oms-plan apply` of 10,000 creates for two binaries, each against a fresh sandbox of
the second binary (`--manual-engine`, quotas raised), one after the other. Usage:
    python3 scripts/gen_sandbox_plan.py /tmp/bp/plan --tasks 10000 --files 100
    python3 scripts/bench_apply_pair.py BEFORE_BIN AFTER_BIN /tmp/bp/plan
"""
import shutil
import sys
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
import benchlib as b
from pathlib import Path
def run(bin, label, sandbox_bin, plan):
    tmp = Path(f"/tmp/bench-apply-{label}")
    shutil.rmtree(tmp, ignore_errors=True); tmp.mkdir(parents=True)
    box = b.Sandbox(sandbox_bin, tmp / "data", "--manual-engine", "--task-quota-per-day", "1000000", "--waiting-task-quota", "1000000", log=tmp / "sandbox.log")
    try:
        box.wait_ready()
        control = b.Control(box.base_url)
        control.seed_bucket("Aliyun", "cn-hangzhou", "bench-src", prefix="0/", objects=10)
        control.seed_bucket("HuaweiCloud", "cn-north-4", "bench-dst")
        b.seed_prefixes(box.data, "Aliyun", "cn-hangzhou", "bench-src", (f"{n}/" for n in range(10000)))
        env = b.cli_env({"BENCH_SRC_AK": "BENCHSRCAK0001", "BENCH_SRC_SK": "bench-src-secret", "BENCH_OBS_AK": "BENCHOBSAK0001", "BENCH_OBS_SK": "bench-obs-secret"})
        work = tmp / "work"; work.mkdir()
        r = b.time_command([bin, "apply", plan, "--endpoint", box.base_url, "--project-id", b.PROJECT_ID, "--no-color", "--auto-approve", "--parallelism", "16"], env=env, cwd=work)
        print(f"{label}: apply of 10000 creates: exit {r['exit']}, wall {r['wall_s']:.1f} s, peak RSS {r['rss_mb']:.0f} MB", flush=True)
    finally:
        box.stop()
if __name__ == "__main__":
    before, after, plan = sys.argv[1:4]
    run(before, "before", after, plan)
    run(after, "after", after, plan)
