"""MigrationSyncTask through the CLI against `sandbox serve --watch-sync`, with the official SDK
standing in for a person at the console: apply creates the sync task, files added to and changed
in the source bucket appear byte for byte in OBS and are counted, a task stopped by hand is
started again by `reconcile --once`, and `prune: true` deletes it once the plan drops it."""
import json
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "ConformanceTests"))

from huaweicloudsdkoms.v2 import ListSyncTasksRequest, ShowSyncTaskRequest, StopSyncTaskRequest  # noqa: E402
from oms_helpers import AK, PROJECT_ID, SK, Sandbox, make_client  # noqa: E402

ADDRESS = "MigrationSyncTask/uploads"


def wait_for(condition, what, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def served(binary, workdir, tmp_path):
    data = tmp_path / "sandbox-data"
    data.mkdir()
    shutil.copytree(workdir / "plan" / "sandbox" / "buckets", data / "buckets")
    box = Sandbox(Path(binary), data, tmp_path / "sandbox.log", "1", ["--watch-sync"])
    box.wait_ready()
    yield box
    box.stop()


def ours(client):
    tasks = client.list_sync_tasks(ListSyncTasksRequest(limit=100)).tasks or []
    return [t for t in tasks if re.search(r"oms-plan:quickstart:MigrationSyncTask/uploads#[0-9a-f]{8}$", t.description or "")]


def test_sync_task_follows_its_bucket_is_kept_running_and_pruned(run, workdir, served):
    env = {"OMS_ENDPOINT": served.base_url, "OMS_PROJECT_ID": PROJECT_ID, "HUAWEICLOUD_SDK_AK": AK, "HUAWEICLOUD_SDK_SK": SK}
    for cloud in ["ALIYUN", "TENCENT", "AWS", "OBS"]:
        env[f"QUICKSTART_{cloud}_AK"] = f"{cloud.lower()}-test-ak"
        env[f"QUICKSTART_{cloud}_SK"] = f"{cloud.lower()}-test-sk"
    client = make_client(served.base_url)

    applied = run("apply", "plan", "--auto-approve", env=env)
    assert applied.returncode == 0, applied.stderr
    assert f"{ADDRESS}: POST /v2/{{project_id}}/sync-tasks -> id" in applied.stdout
    [task] = ours(client)
    assert task.status == "SYNCHRONIZING" and task.src_bucket == "uploads" and task.dst_bucket == "quickstart-obs"
    assert task.consistency_check == "crc64"

    source = served.data / "buckets/Aliyun/cn-hangzhou/uploads/incoming"
    destination = served.data / "buckets/HuaweiCloud/cn-north-4/quickstart-obs/incoming"
    # What the bucket held already, then a new file and a changed one.
    wait_for(lambda: all((destination / n).exists() for n in ["README.txt", "orders-2024-12-01.csv"]), "the existing objects to be synced")
    assert (destination / "README.txt").read_bytes() == (source / "README.txt").read_bytes()
    first_version = (destination / "orders-2024-12-01.csv").stat().st_size
    (source / "orders-2024-12-02.csv").write_bytes(b"order,amount\n1003,99.00\n")
    (source / "orders-2024-12-01.csv").write_bytes(b"order,amount\n1001,25.00\n1002,12.50\n1002,-12.50\n")
    for name in ["orders-2024-12-02.csv", "orders-2024-12-01.csv"]:
        wait_for(lambda: (destination / name).exists() and (destination / name).read_bytes() == (source / name).read_bytes(),
                 f"{name} to reach OBS byte for byte")
    shown = client.show_sync_task(ShowSyncTaskRequest(sync_task_id=task.sync_task_id))
    assert shown.monthly_success_object == 4 and shown.monthly_failure_object == 0, shown
    # Bytes copied this month: the four files as they are now, and the first version of the changed one.
    total = sum(f.stat().st_size for f in destination.iterdir()) + first_version
    assert shown.monthly_size == total

    status = run("status", "plan", "--output", "json", env=env)
    assert status.returncode == 0, status.stderr
    [entry] = [e for e in json.loads(status.stdout)["entries"] if e["address"] == ADDRESS]
    assert entry["kind"] == "MigrationSyncTask" and entry["status"] == "SYNCHRONIZING"
    assert entry["sync"]["succeeded"] == 4 and entry["sync"]["bytesThisMonth"] == total and entry["sync"]["eventsLastHour"] == 4

    # Stopped by hand at the console: the next reconcile pass starts it again.
    client.stop_sync_task(StopSyncTaskRequest(sync_task_id=task.sync_task_id))
    diff = run("diff", "plan", "--output", "json", env=env)
    [change] = [c for c in json.loads(diff.stdout)["changes"] if c["address"] == ADDRESS]
    assert change["action"] == "start", change
    reconciled = run("reconcile", "plan", "--once", env=env)
    assert reconciled.returncode == 0, reconciled.stderr
    [task] = ours(client)
    assert task.status == "SYNCHRONIZING"

    # Dropped from the plan: kept until the stack prunes, then stopped and deleted.
    (workdir / "plan" / "sync" / "uploads.yaml").unlink()
    kept = run("apply", "plan", "--auto-approve", env=env)
    assert kept.returncode == 0, kept.stderr
    assert len(ours(client)) == 1
    stack = workdir / "plan" / "stack.yaml"
    stack.write_text(stack.read_text().replace("prune: false", "prune: true"))
    pruned = run("apply", "plan", "--auto-approve", env=env)
    assert pruned.returncode == 0, pruned.stderr
    assert f"sync-tasks/{task.sync_task_id}/stop" in pruned.stdout and f"DELETE /v2/{{project_id}}/sync-tasks/{task.sync_task_id}" in pruned.stdout
    assert ours(client) == []
