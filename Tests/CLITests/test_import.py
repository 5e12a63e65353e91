"""`oms-plan import` round trip: a task and a task group made by hand with the official SDK against `sandbox serve`
(no oms-plan marker) is listed, written as plan YAML with `spec.adopt`, accepted by `validate`,
and the next `diff` shows each adopted with no create and no replace; no key reaches the file."""
import json
import shutil
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "ConformanceTests"))

from huaweicloudsdkoms.v2 import CreateTaskGroupRequest, CreateTaskRequest, ShowTaskRequest, StopTaskRequest  # noqa: E402
from oms_helpers import AK, PROJECT_ID, SK, Sandbox, make_client  # noqa: E402

SRC_SK = "hand-made-tencent-secret-0001"
DST_SK = "hand-made-obs-secret-0001"
# Text OMS hands back that a careless writer would let the plan loader resolve or break on.
DESCRIPTION = "made by hand ${env:QUICKSTART_OBS_SK} #1: keep"


@pytest.fixture
def served(binary, workdir, tmp_path):
    data = tmp_path / "sandbox-data"
    data.mkdir()
    shutil.copytree(workdir / "plan" / "sandbox" / "buckets", data / "buckets")
    box = Sandbox(Path(binary), data, tmp_path / "sandbox.log", "1")
    box.wait_ready()
    yield box
    box.stop()


def test_import_lists_writes_and_adopts_a_hand_made_task(run, workdir, served):
    env = {"OMS_ENDPOINT": served.base_url, "OMS_PROJECT_ID": PROJECT_ID, "HUAWEICLOUD_SDK_AK": AK, "HUAWEICLOUD_SDK_SK": SK}
    for cloud in ["ALIYUN", "TENCENT", "AWS", "OBS"]:
        env[f"QUICKSTART_{cloud}_AK"] = f"{cloud.lower()}-test-ak"
        env[f"QUICKSTART_{cloud}_SK"] = f"{cloud.lower()}-test-sk"
    client = make_client(served.base_url)
    body = {
        "task_type": "prefix",
        "src_node": {"cloud_type": "Tencent", "region": "ap-guangzhou", "bucket": "media-1254563210", "app_id": "1254563210",
                     "ak": "TENCENTAK0001", "sk": SRC_SK, "object_key": ["videos/"]},
        "dst_node": {"region": "cn-north-4", "bucket": "quickstart-obs", "ak": "OBSAK0001", "sk": DST_SK, "save_prefix": "by-hand/"},
        "description": DESCRIPTION,
        "consistency_check": "crc64",
    }
    task_id = str(client.create_task(CreateTaskRequest(body=body)).id)
    # Paused, so that diff compares every field (a completed task has nothing left to change).
    client.stop_task(StopTaskRequest(task_id=int(task_id)))
    for _ in range(100):
        if client.show_task(ShowTaskRequest(task_id=int(task_id))).status == 3:
            break
        time.sleep(0.1)

    group_id = client.create_task_group(CreateTaskGroupRequest(body={
        "task_type": "PREFIX",
        "src_node": {"cloud_type": "Aliyun", "region": "cn-hangzhou", "bucket": "archive", "ak": "ALIYUNAK0001",
                     "sk": SRC_SK, "object_key": ["2019/"]},
        "dst_node": {"region": "cn-north-4", "bucket": "quickstart-obs", "ak": "OBSAK0001", "sk": DST_SK},
        "enable_kms": False, "dst_storage_policy": "IA",
    })).group_id

    listed = run("import", "plan", env=env)
    assert listed.returncode == 0, listed.stderr
    [row] = [line for line in listed.stdout.splitlines() if line.startswith(task_id)]
    assert "MigrationTask" in row and "media-1254563210" in row and "quickstart-obs" in row, row
    as_json = run("import", "plan", "--output", "json", env=env)
    [entry] = [e for e in json.loads(as_json.stdout) if e["id"] == task_id]
    assert entry["type"] == "prefix" and entry["prefixes"] == ["videos/"] and entry["savePrefix"] == "by-hand/"
    [group_entry] = [e for e in json.loads(as_json.stdout) if e["id"] == group_id]
    assert group_entry["kind"] == "MigrationTaskGroup" and group_entry["sourceBucket"] == "archive"

    written = run("import", "plan", "--all", "--write", "plan/imported.yaml", env=env)
    assert written.returncode == 0, written.stderr
    text = (workdir / "plan" / "imported.yaml").read_text()
    assert f'adopt:\n    id: "{task_id}"' in text and f'adopt:\n    id: "{group_id}"' in text, text
    assert 'state: "paused"' in text, text
    for secret in [SRC_SK, DST_SK, "test-sk", "test-ak"]:
        assert secret not in text
    # Text from OMS is never a reference: its `${` is written as the literal `$${`.
    assert '"made by hand $${env:QUICKSTART_OBS_SK} #1: keep"' in text, text
    again = run("import", "plan", "--all", "--write", "plan/imported.yaml", env=env)
    assert again.returncode == 1 and "exists" in again.stderr

    validated = run("validate", "plan", env=env)
    assert validated.returncode == 0, validated.stdout + validated.stderr

    diff = run("diff", "plan", "--output", "json", env=env)
    assert diff.returncode == 0, diff.stderr
    report = json.loads(diff.stdout)
    for live_id in [task_id, group_id]:
        [adopted] = [c for c in report["changes"] if c.get("liveId") == live_id]
        assert adopted["action"] not in ("create", "replace"), adopted
        assert adopted["action"] == "noop" and adopted["fields"] == [], adopted
        assert [r["code"] for r in adopted["reasons"]][:1] == ["adopted"], adopted
    [task_change] = [c for c in report["changes"] if c.get("liveId") == task_id]
    assert task_change["liveStatus"] == "Paused" and len(task_change["reasons"]) == 1, task_change
    # It belongs to this stack now: no longer counted as unowned, no longer listed.
    assert report["unowned"] == {"tasks": 0, "taskGroups": 0, "syncTasks": 0}, report["unowned"]
    relisted = run("import", "plan", env=env)
    assert task_id not in relisted.stdout and group_id not in relisted.stdout
