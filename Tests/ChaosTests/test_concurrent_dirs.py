"""Three applies of one plan started at once from three working directories on one machine
(issue 12): the stack lock is keyed by OMS, project and stack in the user's lock folder, not by
the working directory, so they take turns and OMS ends with exactly one task per address.
Repeated ROUNDS times, each round with a new stack so that every round races on creates."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import benchlib as b  # noqa: E402

ROUNDS = int(os.environ.get("CONCURRENT_ROUNDS", "20"))
TASKS = 10
ENV = {"CC_SRC_AK": "CCSRCAK0001", "CC_SRC_SK": "cc-src-secret", "CC_OBS_AK": "CCOBSAK0001", "CC_OBS_SK": "cc-obs-secret"}


def plan(stack: str) -> str:
    head = f"""apiVersion: oms-plan/v1
kind: Stack
metadata: {{name: {stack}}}
spec: {{region: cn-north-4, prune: false}}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {{name: src}}
spec: {{accessKey: "${{env:CC_SRC_AK}}", secretKey: "${{env:CC_SRC_SK}}"}}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {{name: obs}}
spec: {{accessKey: "${{env:CC_OBS_AK}}", secretKey: "${{env:CC_OBS_SK}}"}}
"""
    tasks = "".join(f"""---
apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {{name: t-{i:02d}}}
spec:
  type: prefix
  source: {{cloud: Aliyun, region: cn-hangzhou, bucket: cc-src, credentials: src, prefixes: ["small/"]}}
  destination: {{bucket: cc-dst, credentials: obs, savePrefix: "t-{i:02d}/"}}
  state: paused
""" for i in range(TASKS))
    return head + tasks


def test_three_directories_never_duplicate(tmp_path: Path) -> None:
    binary = Path(os.environ.get("OMS_PLAN_BIN", str(REPO / ".build" / "debug" / "oms-plan")))
    if not binary.is_absolute():
        binary = REPO / binary
    box = b.Sandbox(binary, tmp_path / "data", "--task-quota-per-day", "100000", "--waiting-task-quota", "100000",
                    log=tmp_path / "sandbox.log")
    box.wait_ready()
    try:
        control = b.Control(box.base_url)
        control.seed_bucket("Aliyun", "cn-hangzhou", "cc-src", prefix="small/", objects=2, object_size=512)
        control.seed_bucket("HuaweiCloud", "cn-north-4", "cc-dst")
        env = b.cli_env(ENV)
        env.update({"OMS_ENDPOINT": box.base_url, "OMS_PROJECT_ID": b.PROJECT_ID,
                    "HUAWEICLOUD_SDK_AK": b.AK, "HUAWEICLOUD_SDK_SK": b.SK})
        for round_ in range(ROUNDS):
            stack = f"cc{round_:02d}"
            runs = []
            for d in range(3):
                work = tmp_path / f"round{round_:02d}-dir{d}"
                (work / "plan").mkdir(parents=True)
                (work / "plan" / "plan.yaml").write_text(plan(stack))
                runs.append(subprocess.Popen([str(binary), "apply", "plan", "--auto-approve", "--no-color", "--lock-timeout", "120"],
                                             cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
            for run in runs:
                out, err = run.communicate(timeout=300)
                assert run.returncode == 0, f"round {round_}: {err[-2000:]}"
            owned = Counter()
            for task in b.Api(box.base_url).all_tasks():
                description = task.get("description") or ""
                marker = f"oms-plan:{stack}:MigrationTask/"
                if marker in description:
                    owned[description.split(marker, 1)[1].split("#", 1)[0]] += 1
            assert len(owned) == TASKS, f"round {round_}: {sorted(owned)}"
            assert all(count == 1 for count in owned.values()), f"round {round_}: duplicates {owned}"
    finally:
        box.stop()
