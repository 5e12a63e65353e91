"""`oms-plan import` round trip: a task, a task group and a synchronization task made by hand with the official
SDK against `sandbox serve` (no oms-plan marker), the task and the group with bandwidth rules, are listed,
written as plan YAML with `spec.adopt`, accepted by `validate`, and the next `diff` shows each adopted with no
create, no replace and no delete, in JSON, text and Markdown; no key reaches the file."""
import json
import shutil
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "ConformanceTests"))

from huaweicloudsdkoms.v2 import (  # noqa: E402
    CreateSyncTaskRequest, CreateTaskGroupRequest, CreateTaskRequest, ShowTaskGroupRequest, ShowTaskRequest, StopSyncTaskRequest,
    StopTaskGroupRequest, StopTaskRequest)
from oms_helpers import AK, PROJECT_ID, SK, Sandbox, make_client  # noqa: E402

SRC_SK = "hand-made-tencent-secret-0001"
DST_SK = "hand-made-obs-secret-0001"
# Text OMS hands back that a careless writer would let the plan loader resolve or break on.
DESCRIPTION = "made by hand ${env:QUICKSTART_OBS_SK} #1: keep"
MIB = 1024 * 1024
# OMS's rules: hh:mm in its service zone (the quickstart's serviceTimezone, +08:00), split at
# midnight, 23:59 for the day's end. 09:00-17:00 there is 01:00-09:00 UTC: the plan must say 09:00-17:00.
RULES = [{"start": "09:00", "end": "17:00", "max_bandwidth": 50 * MIB},
         {"start": "22:00", "end": "23:59", "max_bandwidth": 10 * MIB},
         {"start": "00:00", "end": "06:00", "max_bandwidth": 10 * MIB}]


@pytest.fixture
def served(binary, workdir, tmp_path):
    data = tmp_path / "sandbox-data"
    data.mkdir()
    shutil.copytree(workdir / "plan" / "sandbox" / "buckets", data / "buckets")
    # A sparse 10 GiB object (no disk used), so that the hand-made group is still copying when
    # it is paused: a completed group keeps its rules, and its bandwidth would not be compared.
    with open(data / "buckets" / "Aliyun" / "cn-hangzhou" / "archive" / "2019" / "big.bin", "wb") as f:
        f.truncate(10 << 30)
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
        "bandwidth_policy": RULES,
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
        "enable_kms": False, "dst_storage_policy": "IA", "bandwidth_policy": RULES,
    })).group_id
    for _ in range(100):
        status = client.show_task_group(ShowTaskGroupRequest(group_id=group_id)).status
        if status == 3:  # Paused
            break
        if status == 1:  # Executing: pausable
            client.stop_task_group(StopTaskGroupRequest(group_id=group_id))
        time.sleep(0.1)
    assert status == 3, status

    sync_id = client.create_sync_task(CreateSyncTaskRequest(body={
        "src_cloud_type": "Aliyun", "src_region": "cn-hangzhou", "src_bucket": "uploads", "src_ak": "ALIYUNAK0001",
        "src_sk": SRC_SK, "dst_ak": "OBSAK0001", "dst_sk": DST_SK, "dst_region": "cn-north-4", "dst_bucket": "quickstart-obs",
        "description": "uploads by hand", "consistency_check": "crc64", "dst_storage_policy": "IA",
    })).sync_task_id
    client.stop_sync_task(StopSyncTaskRequest(sync_task_id=sync_id))

    listed = run("import", "plan", env=env)
    assert listed.returncode == 0, listed.stderr
    [row] = [line for line in listed.stdout.splitlines() if line.startswith(task_id)]
    assert "MigrationTask" in row and "media-1254563210" in row and "quickstart-obs" in row, row
    as_json = run("import", "plan", "--output", "json", env=env)
    [entry] = [e for e in json.loads(as_json.stdout) if e["id"] == task_id]
    assert entry["type"] == "prefix" and entry["prefixes"] == ["videos/"] and entry["savePrefix"] == "by-hand/"
    [group_entry] = [e for e in json.loads(as_json.stdout) if e["id"] == group_id]
    assert group_entry["kind"] == "MigrationTaskGroup" and group_entry["sourceBucket"] == "archive"
    [sync_entry] = [e for e in json.loads(as_json.stdout) if e["id"] == sync_id]
    assert sync_entry["kind"] == "MigrationSyncTask" and sync_entry["sourceBucket"] == "uploads"
    as_markdown = run("import", "plan", "--output", "markdown", env=env)
    assert as_markdown.returncode == 0, as_markdown.stderr
    assert as_markdown.stdout.startswith("| ID | KIND |") and f"| {sync_id} | MigrationSyncTask |" in as_markdown.stdout

    written = run("import", "plan", "--all", "--write", "plan/imported.yaml", "--output", "json", env=env)
    assert written.returncode == 0, written.stderr
    summary = json.loads(written.stdout)
    assert summary["file"] == "plan/imported.yaml" and summary["notes"] == [] and summary["skipped"] == [], summary
    assert {a.split("/")[0] for a in summary["written"]} == {"MigrationTask", "MigrationTaskGroup", "MigrationSyncTask"}, summary
    text = (workdir / "plan" / "imported.yaml").read_text()
    for live_id in [task_id, group_id, sync_id]:
        assert f'adopt:\n    id: "{live_id}"' in text, text
    assert 'kind: "MigrationSyncTask"' in text and 'credentials: "aliyun"' in text, text
    assert 'state: "paused"' in text, text
    # The windows as OMS holds them, in the service zone; the night as one window.
    windows = ('  bandwidth:\n    - start: "09:00"\n      end: "17:00"\n      limit: 52428800\n'
               '    - start: "22:00"\n      end: "06:00"\n      limit: 10485760\n')
    assert text.count(windows) == 2, text
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
    for live_id in [task_id, group_id, sync_id]:
        [adopted] = [c for c in report["changes"] if c.get("liveId") == live_id]
        assert adopted["action"] not in ("create", "replace"), adopted
        assert adopted["action"] == "noop" and adopted["fields"] == [], adopted
        assert [r["code"] for r in adopted["reasons"]][:1] == ["adopted"], adopted
    for live_id in [task_id, group_id]:
        [paused] = [c for c in report["changes"] if c.get("liveId") == live_id]
        # Paused, so bandwidth and every field were compared (nothing else to say but adopted).
        assert paused["liveStatus"] == "Paused" and len(paused["reasons"]) == 1, paused
    # It belongs to this stack now: no longer counted as unowned, no longer listed.
    assert report["unowned"] == {"tasks": 0, "taskGroups": 0, "syncTasks": 0}, report["unowned"]
    relisted = run("import", "plan", env=env)
    assert task_id not in relisted.stdout and group_id not in relisted.stdout and sync_id not in relisted.stdout

    # Text and Markdown show each adopted resource, one line each, and count them.
    adopted = {c["address"] for c in report["changes"] if c.get("liveId") in (task_id, group_id, sync_id)}
    assert len(adopted) == 3, adopted
    as_text = run("diff", "plan", env=env)
    assert as_text.returncode == 0, as_text.stderr
    for address in adopted:
        [line] = [x for x in as_text.stdout.splitlines() if address in x]
        assert line.startswith(f"  = {address} is adopted with nothing to change"), line
    assert "unchanged, 3 of them adopted, nothing to change" in as_text.stdout, as_text.stdout
    as_md = run("diff", "plan", "--output", "markdown", env=env)
    assert "Adopted by this stack, nothing to change: 3" in as_md.stdout, as_md.stdout
    for address in adopted:
        assert f"- `{address}`" in as_md.stdout, as_md.stdout


def test_import_offers_only_flags_it_uses(run):
    helped = run("import", "--help")
    assert helped.returncode == 0, helped.stderr
    for flag in ["--write", "--id", "--all", "--output", "--endpoint", "--allow-file-outside-repo"]:
        assert flag in helped.stdout, flag
    for flag in ["--target", "--selector", "--full", "--no-color"]:
        assert flag not in helped.stdout, flag
        refused = run("import", "plan", flag, *(["x=y"] if flag in ("--target", "--selector") else []))
        assert refused.returncode == 64 and "Unknown option" in refused.stderr, (flag, refused.stderr)
