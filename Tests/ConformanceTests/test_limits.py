"""Quotas and the Waiting state, on a second sandbox started with small limits:
`--task-quota-per-day 4 --waiting-task-quota 2 --group-quota-per-day 1 --max-concurrent-tasks 1`.
With one task migrating a 1 TiB object at 1 MiB/s, every further task stays Waiting (1), so the
rules for Waiting tasks can be checked without racing the engine."""

from __future__ import annotations

from typing import Any

import pytest
from huaweicloudsdkoms.v2 import (BatchUpdateTasksReq, BatchUpdateTasksRequest, CreateTaskGroupRequest,
                                  CreateTaskRequest, DeleteTaskRequest, ShowTaskRequest, StartTaskReq,
                                  StartTaskRequest, StopTaskRequest, UpdateBandwidthPolicyRequest)

import oms_helpers as h

LIMITS = ("--task-quota-per-day", "4", "--waiting-task-quota", "2", "--group-quota-per-day", "1",
          "--max-concurrent-tasks", "1")
DAY = 86_400


class Limited:
    def __init__(self, box: Any):
        self.box = box
        self.control = h.Control(box.base_url)
        self.client = h.make_client(box.base_url)

    def create(self) -> int:
        body = h.task_body(bucket=h.HUGE_BUCKET, prefixes=[h.HUGE_PREFIX],
                           bandwidth_policy=[h.bw("00:00", "23:59", h.MIB)])
        return self.client.create_task(CreateTaskRequest(body=body)).id

    def show(self, task_id: int) -> dict:
        return h.raw(self.client.show_task(ShowTaskRequest(task_id=task_id)))


@pytest.fixture(scope="module")
def limited(sandbox_factory) -> Limited:
    box = sandbox_factory(*LIMITS)
    lim = Limited(box)
    lim.control.add_bucket(h.DST_CLOUD, h.DST_REGION, h.DST_BUCKET, objects=0)
    lim.control.add_bucket(h.SRC_CLOUD, h.SRC_REGION, h.HUGE_BUCKET, objects=0)
    huge = box.data / "buckets" / h.SRC_CLOUD / h.SRC_REGION / h.HUGE_BUCKET / h.HUGE_KEY
    huge.parent.mkdir(parents=True, exist_ok=True)
    with open(huge, "wb") as f:
        f.truncate(h.HUGE_SIZE)
    return lim


def test_quotas_and_waiting_tasks(limited):
    lim, client = limited, limited.client
    first = lim.create()
    h.poll(lambda: lim.show(first), lambda t: t["status"] == 2, lim.control, step=1, max_steps=10,
           what="first task Migrating")

    second = lim.create()
    lim.control.run(5)
    assert lim.show(second)["status"] == 1, "with --max-concurrent-tasks 1 the second task waits (1)"
    assert lim.show(first)["status"] == 2

    # Waiting counts as running for start; priority and bandwidth may change while Waiting.
    h.expect_error(lambda: client.start_task(StartTaskRequest(task_id=second, body=StartTaskReq(
        src_ak=h.SRC_AK, src_sk=h.SRC_SK, dst_ak=h.DST_AK, dst_sk=h.DST_SK))), 400, "OMS.0065",
        "start of a Waiting task")
    assert client.batch_update_tasks(BatchUpdateTasksRequest(body=BatchUpdateTasksReq(
        ids=[second], bandwidth_policy=[h.bw("00:00", "23:59", 2 * h.MIB)], task_priority="HIGH"))).status_code == 200
    t = lim.show(second)
    assert t["task_priority"] == "HIGH", "priority changes for a Waiting task"
    assert t["bandwidth_policy"][0]["max_bandwidth"] == 2 * h.MIB
    assert client.update_bandwidth_policy(UpdateBandwidthPolicyRequest(
        task_id=second, body={"bandwidth_policy": [h.bw("00:00", "23:59", h.MIB)]})).status_code == 200

    third = lim.create()
    assert lim.show(third)["status"] == 1
    h.expect_error(lambda: lim.create(), 400, "OMS.0077", "a third Waiting task exceeds --waiting-task-quota 2")

    assert client.delete_task(DeleteTaskRequest(task_id=third)).status_code == 200, "a Waiting task can be deleted"
    assert client.stop_task(StopTaskRequest(task_id=second)).status_code == 200, "a Waiting task can be stopped"
    assert h.poll(lambda: lim.show(second), lambda t: t["status"] == 3, lim.control, step=1, max_steps=10,
                  what="stopped Waiting task Paused")["status"] == 3

    fourth = lim.create()  # the fourth creation of the day
    assert lim.show(fourth)["status"] == 1
    h.expect_error(lambda: lim.create(), 400, "OMS.0077", "a fifth task in 24 h exceeds --task-quota-per-day 4")

    lim.control.advance(DAY + 60)
    assert client.delete_task(DeleteTaskRequest(task_id=fourth)).status_code == 200
    fifth = lim.create()
    assert isinstance(fifth, int), "a day later (sandbox time) the daily task quota is free again"
    assert lim.show(first)["status"] == 2, "the 1 TiB task is still migrating a sandbox day later"


def test_group_quota(limited):
    client = limited.client
    first = client.create_task_group(CreateTaskGroupRequest(body=h.group_body(bucket=h.HUGE_BUCKET,
                                                                              prefixes=[h.HUGE_PREFIX])))
    assert first.status_code == 200
    h.expect_error(lambda: client.create_task_group(CreateTaskGroupRequest(body=h.group_body(
        bucket=h.HUGE_BUCKET, prefixes=[h.HUGE_PREFIX]))), 400, "OMS.1037",
        "a second group in 24 h exceeds --group-quota-per-day 1")
    limited.control.advance(DAY + 60)
    again = client.create_task_group(CreateTaskGroupRequest(body=h.group_body(bucket=h.HUGE_BUCKET,
                                                                              prefixes=[h.HUGE_PREFIX])))
    assert again.status_code == 200, "a day later (sandbox time) the group quota is free again"
