"""OMS runs at most 5 tasks at once per destination region; the sandbox too, through the
official SDK. Seven tasks each copying a 1 TiB object at 1 MiB/s stay Migrating, so the five
slots and the two waiting tasks can be seen without racing the engine; a paused task frees its
slot, and the oldest waiting task of the highest priority takes it. `--slots-per-region` is
checked like every other flag."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from huaweicloudsdkoms.v2 import CreateTaskRequest, ShowTaskRequest, StopTaskRequest

import oms_helpers as h
from conftest import sandbox_binary


def test_five_migrate_per_region_the_rest_wait_by_priority(sandbox_factory: Any) -> None:
    box = sandbox_factory()
    control = h.Control(box.base_url)
    client = h.make_client(box.base_url)
    control.add_bucket(h.DST_CLOUD, h.DST_REGION, h.DST_BUCKET, objects=0)
    control.add_bucket(h.SRC_CLOUD, h.SRC_REGION, h.HUGE_BUCKET, objects=0)
    huge = box.data / "buckets" / h.SRC_CLOUD / h.SRC_REGION / h.HUGE_BUCKET / h.HUGE_KEY
    huge.parent.mkdir(parents=True, exist_ok=True)
    with open(huge, "wb") as f:
        f.truncate(h.HUGE_SIZE)

    def create(priority: str) -> int:
        body = h.task_body(bucket=h.HUGE_BUCKET, prefixes=[h.HUGE_PREFIX], task_priority=priority,
                           bandwidth_policy=[h.bw("00:00", "23:59", h.MIB)])
        return client.create_task(CreateTaskRequest(body=body)).id

    def status(task_id: int) -> int:
        return h.raw(client.show_task(ShowTaskRequest(task_id=task_id)))["status"]

    ids = [create("MEDIUM") for _ in range(5)]
    control.run(2)
    # The slots are full: what comes now waits, whatever its priority.
    ids += [create("LOW"), create("HIGH")]
    control.run(2)
    assert [status(i) for i in ids] == [2, 2, 2, 2, 2, 1, 1], "five Migrating (2), the rest Waiting (1)"
    client.stop_task(StopTaskRequest(task_id=ids[0]))
    control.run(2)
    # The HIGH task, created last, takes the freed slot before the older LOW one.
    assert [status(i) for i in ids] == [3, 2, 2, 2, 2, 1, 2]


def test_slots_per_region_is_checked(tmp_path: Path) -> None:
    for bad in ["0", "10001", "-1", "five"]:
        result = subprocess.run([str(sandbox_binary()), "sandbox", "serve", "--slots-per-region", bad,
                                 "--data", str(tmp_path / "data")], capture_output=True, text=True, timeout=60)
        assert result.returncode == 64, (bad, result.stderr)
        if bad in ("0", "10001"):
            assert "--slots-per-region must be between 1 and 10000" in result.stderr, result.stderr
