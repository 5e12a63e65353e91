"""Failed objects as OMS records them (issue 24, part 2; docs/sandbox-objects.md), seen through
the official SDK: a task whose objects fail ends Failed (4) with failed_num and its
failed_object_record; the list in the destination bucket has one tab-separated line per object;
start with migrate_failed_object retries exactly those. Failures are made with
`/control/object-failures` (plain HTTP) and the bucket's archive sidecar."""

from __future__ import annotations

import re
from typing import Any, Iterator

import pytest
from huaweicloudsdkoms.v2 import (RetryTaskGroupReq, RetryTaskGroupRequest, StartTaskReq, StartTaskRequest)

import oms_helpers as h

BUCKET = "src-objfail"
GROUP_BUCKET = "src-objfail-group"
PREFIX = "f/"
GROUP_PREFIX = "g/"  # other keys than the task's: the destination is the same bucket


def fail(control: h.Control, bucket: str, key_prefix: str, code: str, times: int = 0) -> dict:
    resp = control.session.post(control.base + "/control/object-failures", timeout=30, json={
        "cloudType": h.SRC_CLOUD, "region": h.SRC_REGION, "bucket": bucket, "keyPrefix": key_prefix,
        "errorCode": code, "times": times})
    assert resp.status_code == 200, resp.text
    return resp.json()


def clear(control: h.Control) -> int:
    resp = control.session.delete(control.base + "/control/object-failures", timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()["cleared"]


@pytest.fixture()
def failures(control: h.Control) -> Iterator[h.Control]:
    """Object-failure rules never outlive the test that added them."""
    clear(control)
    yield control
    clear(control)


def seed(control: h.Control, bucket: str, prefix: str, objects: int, archived: list[str]) -> None:
    control._call("POST", "/control/buckets", {
        "cloudType": h.SRC_CLOUD, "region": h.SRC_REGION, "bucket": bucket, "prefix": prefix,
        "objects": objects, "objectSize": 512, "archived": archived})


def list_lines(sandbox: h.Sandbox, key: str) -> list[list[str]]:
    path = sandbox.data / "buckets" / h.DST_CLOUD / h.DST_REGION / h.DST_BUCKET / key
    text = path.read_bytes().decode("utf-8")
    assert text.endswith("\n"), text
    return [line.split("\t") for line in text.split("\n")[:-1]]


def test_failed_objects_are_recorded_and_retried(sandbox: h.Sandbox, tasks: Any, client: Any,
                                                  failures: h.Control) -> None:
    seed(failures, BUCKET, PREFIX, 6, archived=[f"{PREFIX}object-00005.bin"])
    rule = fail(failures, BUCKET, f"{PREFIX}object-00001", "AccessDenied")
    assert isinstance(rule["id"], int) and rule["times"] == 0, rule
    fail(failures, BUCKET, f"{PREFIX}object-00002", "InternalError")
    task_id = tasks.create(bucket=BUCKET, prefixes=[PREFIX], enable_failed_object_recording=True)
    t = tasks.wait(task_id, {4, 5})

    assert t["status"] == 4, f"a task with failed objects ends Failed (4): {t}"
    assert (t["total_num"], t["successful_num"], t["failed_num"], t["skipped_num"]) == (6, 3, 3, 0), t
    assert t["error_reason"]["error_code"] == "TRF.0062", t["error_reason"]
    record = t["failed_object_record"]
    assert record["result"] is True and record["error_code"] == "", record
    assert re.fullmatch(rf"oms/task/{re.escape(t['name'])}/failed_object_lists/\d+\.failed_list\.txt",
                        record["list_file_key"]), record
    assert t["success_record_error_reason"] == "" and t["skip_record_error_reason"] == "", t

    lines = list_lines(sandbox, record["list_file_key"])
    assert all(len(fields) == 5 for fields in lines), lines
    assert {fields[3]: fields[4] for fields in lines} == {
        f"{PREFIX}object-00001.bin": "AccessDenied", f"{PREFIX}object-00002.bin": "InternalError",
        f"{PREFIX}object-00005.bin": "InvalidObjectState"}, lines
    for reason, time, encoded, key, _ in lines:
        assert reason and encoded == key, (reason, encoded, key)
        # The region's time zone (sandbox serve's default +08:00).
        assert h.parse_rfc3339(time) and time.endswith("+08:00"), time

    # Clear the rules; the archived object stays archived and fails again.
    assert clear(failures) == 2
    client.start_task(StartTaskRequest(task_id=task_id, body=StartTaskReq(
        src_ak=h.SRC_AK, src_sk=h.SRC_SK, dst_ak=h.DST_AK, dst_sk=h.DST_SK, migrate_failed_object=True)))
    again = tasks.wait(task_id, {4, 5})
    assert again["status"] == 4, again
    assert (again["successful_num"], again["failed_num"]) == (5, 1), again
    second = again["failed_object_record"]["list_file_key"]
    assert second != record["list_file_key"], again["failed_object_record"]
    assert [fields[3] for fields in list_lines(sandbox, second)] == [f"{PREFIX}object-00005.bin"]
    assert len(list_lines(sandbox, record["list_file_key"])) == 3, "the first failed list stays in the bucket"


def test_a_group_answers_where_its_failed_lists_are(sandbox: h.Sandbox, groups: Any, client: Any,
                                                    failures: h.Control) -> None:
    seed(failures, GROUP_BUCKET, GROUP_PREFIX, 4, archived=[])
    fail(failures, GROUP_BUCKET, f"{GROUP_PREFIX}object-00003", "AccessDenied", times=1)
    group_id = groups.create(bucket=GROUP_BUCKET, prefixes=[GROUP_PREFIX], enable_failed_object_recording=True)
    g = groups.wait(group_id, {5, 6})
    assert g["status"] == 5, f"a group with a failed object ends MIGRATION_FAILED (5): {g}"
    assert g["fail_num"] == 1 and g["success_num"] == 3, g
    assert g["failed_object_record"] == {
        "result": True, "list_file_key": f"oms/task_group/{group_id}/failed_object_lists/", "error_code": ""}, g
    folder = sandbox.data / "buckets" / h.DST_CLOUD / h.DST_REGION / h.DST_BUCKET / "oms" / "task_group" / group_id
    failed_lists = sorted(p.relative_to(folder).as_posix() for p in (folder / "failed_object_lists").rglob("*.txt"))
    assert len(failed_lists) == 1 and re.fullmatch(r"failed_object_lists/task_\d+/\d+\.failed_list\.txt",
                                                   failed_lists[0]), failed_lists
    # The rule failed the object once: retrying the failed objects completes the group.
    client.retry_task_group(RetryTaskGroupRequest(group_id=group_id, body=RetryTaskGroupReq(
        src_ak=h.SRC_AK, src_sk=h.SRC_SK, dst_ak=h.DST_AK, dst_sk=h.DST_SK, migrate_failed_object=True)))
    done = groups.wait(group_id, {5, 6})
    assert done["status"] == 6 and done["success_num"] == 4, done
