"""Migration tasks (§6.2) through the official SDK: create, list, show, stop, start, delete,
bandwidth policy and batch update, with the state rules of oms-behaviour.md."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkoms.v2 import (BandwidthPolicyDto, BatchUpdateTasksReq, BatchUpdateTasksRequest,
                                  CreateTaskReq, CreateTaskRequest, DeleteTaskRequest, DstNodeReq,
                                  ListTasksRequest, ShowTaskRequest, SmnConfig, SourceCdnReq, SrcNodeReq,
                                  StartTaskReq, StartTaskRequest, StopTaskRequest, UpdateBandwidthPolicyReq,
                                  UpdateBandwidthPolicyRequest)

import oms_helpers as h

UNKNOWN_ID = 987654321012
MIGRATE_SINCE_S = 1_600_000_000


def start_body(**kw) -> StartTaskReq:
    args = dict(src_ak=h.SRC_AK, src_sk=h.SRC_SK, dst_ak=h.DST_AK, dst_sk=h.DST_SK)
    args.update(kw)
    return StartTaskReq(**args)


def list_all(client, **query) -> tuple[list[dict], int]:
    """Every task (raw JSON) matching the query, 100 per page, and the reported count."""
    out: list[dict] = []
    offset = 0
    count = None
    while True:
        page = h.raw(client.list_tasks(ListTasksRequest(limit=100, offset=offset, **query)))
        count = page["count"]
        out.extend(page["tasks"] or [])
        offset += 100
        if offset >= count or not page["tasks"]:
            return out, count


def check_task_resp(t: dict) -> None:
    """Types and ranges of a TaskResp (api-v2-fields.md)."""
    h.assert_int(t, "id", 0, 9_999_999_999_999_999, nullable=False)
    h.assert_int(t, "status", 1, 7, nullable=False)
    assert t["status"] in h.TASK_STATES, t["status"]
    h.assert_type(t, "name", str, nullable=False)
    assert t.get("task_type") in {"list", "url_list", "object", "prefix"}, t.get("task_type")
    for key in ("complete_size", "failed_num", "left_time", "migrate_since", "migrate_speed", "real_size",
                "skipped_num", "start_time", "successful_num", "total_num", "total_size", "total_time"):
        h.assert_int(t, key, 0)
    h.assert_type(t, "progress", float)
    if t.get("progress") is not None:
        assert 0 <= t["progress"] <= 1, f"progress is a fraction 0..1, got {t['progress']}"
    for key in ("enable_failed_object_recording", "enable_kms", "enable_metadata_migration",
                "enable_restore", "is_query_over", "enable_requester_pays"):
        h.assert_type(t, key, bool)
    h.assert_type(t, "description", str)
    h.assert_type(t, "bandwidth_policy", list)
    for rule in t.get("bandwidth_policy") or []:
        assert isinstance(rule.get("start"), str) and isinstance(rule.get("end"), str), rule
        h.assert_int(rule, "max_bandwidth", 1_048_576, 209_715_200, nullable=False)
    src, dst = t.get("src_node"), t.get("dst_node")
    assert isinstance(src, dict) and isinstance(dst, dict), "src_node and dst_node are objects"
    if t.get("group_type") is not None:
        assert t["group_type"] in {"NORMAL_TASK", "SYNC_TASK", "GROUP_TASK"}, t["group_type"]
    if t.get("task_priority") is not None:
        assert t["task_priority"] in {"HIGH", "MEDIUM", "LOW"}, t["task_priority"]
    er = t.get("error_reason")
    assert er in (None, "") or isinstance(er, dict), f"error_reason is an object, '' or null: {er!r}"
    h.assert_no_secrets(t)


# --------------------------------------------------------------------------- create / show / list

def test_create_task_with_sdk_models(client, control, sandbox, tasks):
    body = CreateTaskReq(
        task_type="prefix",
        src_node=SrcNodeReq(cloud_type=h.SRC_CLOUD, region=h.SRC_REGION, ak=h.SRC_AK, sk=h.SRC_SK,
                            bucket=h.SRC_BUCKET, object_key=[h.SRC_PREFIX]),
        dst_node=DstNodeReq(ak=h.DST_AK, sk=h.DST_SK, bucket=h.DST_BUCKET, region=h.DST_REGION,
                            save_prefix="sdk-models/"),
        description="conformance: sdk models",
        migrate_since=MIGRATE_SINCE_S,
        bandwidth_policy=[BandwidthPolicyDto(start="00:00", end="11:59", max_bandwidth=10 * h.MIB),
                          BandwidthPolicyDto(start="12:00", end="23:59", max_bandwidth=20 * h.MIB)],
        smn_config=SmnConfig(language="en-us", topic_urn=f"urn:smn:{h.DST_REGION}:{h.PROJECT_ID}:oms-topic",
                             trigger_conditions=["SUCCESS", "FAILURE"]),
        enable_metadata_migration=True,
        enable_restore=False,
        enable_failed_object_recording=True,
        object_overwrite_mode="FULL_OVERWRITE",
        dst_storage_policy="STANDARD",
        consistency_check="size_last_modified",
        enable_requester_pays=False,
        task_priority="HIGH",
    )
    resp = client.create_task(CreateTaskRequest(body=body))
    assert resp.status_code == 200, "createTask answers 200 (not 201)"
    created = h.raw(resp)
    h.assert_int(created, "id", 0, 9_999_999_999_999_999, nullable=False)
    assert isinstance(created.get("task_name"), str) and created["task_name"], created
    task_id = created["id"]

    listed, _ = list_all(client)
    mine = [t for t in listed if t["id"] == task_id]
    assert len(mine) == 1, f"the new task {task_id} should be listed once"
    # 40 KiB may already be migrated at 600x; test_new_task_listed_running checks 1/2 strictly.
    assert mine[0]["status"] in {1, 2, 5}, mine[0]["status"]

    t = tasks.show(task_id)
    check_task_resp(t)
    assert t["name"] == created["task_name"], "showTask name is createTask's task_name"
    assert t["task_type"] == "prefix"
    assert t["description"] == "conformance: sdk models"
    assert t["migrate_since"] == MIGRATE_SINCE_S * 1000, \
        f"migrate_since is seconds in the request, milliseconds in the response: {t['migrate_since']}"
    assert t["src_node"].get("cloud_type") == "Aliyun", "task cloud_type keeps its request casing"
    assert t["src_node"].get("bucket") == h.SRC_BUCKET and t["src_node"].get("region") == h.SRC_REGION
    assert t["src_node"].get("object_key") == [h.SRC_PREFIX]
    assert t["dst_node"].get("bucket") == h.DST_BUCKET and t["dst_node"].get("region") == h.DST_REGION
    assert t["dst_node"].get("save_prefix") == "sdk-models/"
    assert [(r["start"], r["end"], r["max_bandwidth"]) for r in t["bandwidth_policy"]] == \
        [("00:00", "11:59", 10 * h.MIB), ("12:00", "23:59", 20 * h.MIB)]
    assert "smn_config" not in t, "request smn_config comes back as smn_info, not smn_config"
    assert "smn_info" in t, "a task created with smn_config reports smn_info"
    assert t["object_overwrite_mode"] == "FULL_OVERWRITE"
    assert t["consistency_check"] == "size_last_modified"
    assert t["dst_storage_policy"] == "STANDARD"
    assert t["task_priority"] == "HIGH"
    assert t["enable_metadata_migration"] is True
    assert t["enable_failed_object_recording"] is True
    assert t.get("group_type") in (None, "NORMAL_TASK"), "a task created directly is a NORMAL_TASK"
    assert not t.get("group_id"), "a task created directly has no group_id"

    # ... and it migrates: every object lands under save_prefix in the destination directory.
    done = tasks.wait(task_id, {5})
    check_task_resp(done)
    assert done["total_num"] == h.SRC_OBJECTS, done
    assert done["successful_num"] == h.SRC_OBJECTS, done
    assert done["failed_num"] == 0, done
    assert done["total_size"] == h.SRC_OBJECTS * h.SRC_SIZE, done
    assert done["complete_size"] == h.SRC_OBJECTS * h.SRC_SIZE, done
    assert done["progress"] == 1, done
    assert done["is_query_over"] is True, done
    assert isinstance(done.get("smn_info"), dict), f"smn_info of a finished task is an object: {done!r}"
    now_ms = h.sandbox_millis(control.now())
    assert 0 < done["start_time"] <= now_ms, "start_time is Unix ms of sandbox time"
    dst_dir = Path(sandbox.data) / "buckets" / h.DST_CLOUD / h.DST_REGION / h.DST_BUCKET / "sdk-models"
    copied = [p for p in dst_dir.rglob("*") if p.is_file()]
    assert len(copied) == h.SRC_OBJECTS, f"expected {h.SRC_OBJECTS} objects under {dst_dir}, found {len(copied)}"
    assert all(p.stat().st_size == h.SRC_SIZE for p in copied)


def test_new_task_listed_running(client, tasks):
    """A task starts by itself: right after creation it is listed Waiting (1) or Migrating (2).
    (The task reads the 1 TiB object, so it cannot have finished by then.)"""
    task_id = tasks.create(bucket=h.HUGE_BUCKET, prefixes=[h.HUGE_PREFIX],
                           bandwidth_policy=[h.bw("00:00", "23:59", h.MIB)])
    try:
        page = h.raw(client.list_tasks(ListTasksRequest(limit=100)))
        mine = [t for t in page["tasks"] if t["id"] == task_id]
        assert len(mine) == 1 and mine[0]["status"] in {1, 2}, mine
        t = tasks.wait(task_id, {2, 3, 4, 5}, step=1, max_steps=10)
        assert t["status"] == 2, f"the engine picks a Waiting task up: {t}"
    finally:
        tasks.dispose(task_id)


def test_migrate_since_is_seconds(client, control, sandbox, tasks):
    """Objects last modified before migrate_since (a seconds timestamp) are not migrated."""
    control.add_bucket(h.SRC_CLOUD, h.SRC_REGION, "src-dated", prefix="dated/", objects=4, object_size=512)
    root = Path(sandbox.data) / "buckets" / h.SRC_CLOUD / h.SRC_REGION / "src-dated"
    files = sorted(p for p in root.rglob("*") if p.is_file())
    assert len(files) == 4
    old, new = 1_577_836_800, 1_735_689_600  # 2020-01-01, 2025-01-01
    for i, p in enumerate(files):
        ts = old if i < 2 else new
        os.utime(p, (ts, ts))
    since = 1_672_531_200  # 2023-01-01, in seconds
    task_id = tasks.create(bucket="src-dated", prefixes=["dated/"], migrate_since=since, save_prefix="dated-copy/")
    t = tasks.wait(task_id, {4, 5})
    assert t["status"] == 5, t
    assert t["migrate_since"] == since * 1000
    assert t["successful_num"] == 2, f"only the 2 objects modified after migrate_since move: {t}"
    assert t["skipped_num"] == 2, f"the 2 older objects are skipped: {t}"


def test_create_defaults(client, tasks):
    task_id = tasks.create(save_prefix="defaults/")
    t = tasks.show(task_id)
    check_task_resp(t)
    assert t.get("migrate_since") in (0, None), "no migrate_since means 0"
    assert t.get("object_overwrite_mode") == "SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE"
    assert t.get("consistency_check") == "size_last_modified"
    assert t.get("dst_storage_policy") == "STANDARD"
    assert t.get("task_priority") == "MEDIUM"
    assert t.get("enable_failed_object_recording") is True, "enable_failed_object_recording defaults to true"
    assert t.get("enable_metadata_migration") is False
    assert t.get("enable_restore") is False
    assert t.get("enable_kms") in (False, None)
    assert t.get("bandwidth_policy") in ([], None)
    assert t.get("description") in ("", None)


def test_task_type_object_keys(tasks):
    keys = [f"{h.SRC_PREFIX}"]  # a trailing "/" means a folder for object tasks
    task_id = tasks.create(task_type="object", prefixes=keys, save_prefix="object-type/")
    t = tasks.wait(task_id, {4, 5})
    assert t["task_type"] == "object"
    assert t["status"] == 5, f"an object task on a folder key migrates the folder: {t}"
    assert t["successful_num"] == h.SRC_OBJECTS


def test_show_task_via_sdk_model(client, tasks):
    task_id = tasks.create(save_prefix="show/")
    resp = client.show_task(ShowTaskRequest(task_id=task_id))
    assert resp.status_code == 200
    assert resp.id == task_id
    assert resp.src_node.cloud_type == "Aliyun"
    assert resp.dst_node.bucket == h.DST_BUCKET


def test_list_tasks_pagination(client, tasks):
    for i in range(12):
        tasks.create(save_prefix=f"page-{i}/")
    everything, count = list_all(client)
    assert count >= 12 and len(everything) == count, (count, len(everything))
    ids = [t["id"] for t in everything]
    assert len(set(ids)) == len(ids), "a task appears once"

    default = h.raw(client.list_tasks(ListTasksRequest()))
    assert default["count"] == count, "count is the total, not the page size"
    assert len(default["tasks"]) == min(10, count), "limit defaults to 10"

    paged: list[int] = []
    offset = 0
    while offset < count:
        page = h.raw(client.list_tasks(ListTasksRequest(limit=5, offset=offset)))
        assert page["count"] == count
        assert 0 < len(page["tasks"]) <= 5
        for t in page["tasks"]:
            h.assert_type(t, "status", int, nullable=False)
        paged.extend(t["id"] for t in page["tasks"])
        offset += 5
    assert sorted(paged) == sorted(ids), "pages of 5 cover every task exactly once"

    beyond = h.raw(client.list_tasks(ListTasksRequest(limit=5, offset=count + 10)))
    assert beyond["tasks"] in ([], None) and beyond["count"] == count

    big = h.raw(client.list_tasks(ListTasksRequest(limit=100)))
    assert len(big["tasks"]) == min(100, count)


def test_list_tasks_status_filter(client, tasks):
    tasks.succeeded(save_prefix="filter/")
    page = h.raw(client.list_tasks(ListTasksRequest(status=5, limit=100)))
    assert page["count"] >= 1
    assert all(t["status"] == 5 for t in page["tasks"]), "status filter returns only that status"
    none = h.raw(client.list_tasks(ListTasksRequest(status=7, limit=100)))
    assert all(t["status"] == 7 for t in none["tasks"] or [])


def test_listed_tasks_never_carry_credentials(client, tasks):
    tasks.create(save_prefix="nosecrets/")
    everything, _ = list_all(client)
    for t in everything:
        h.assert_no_secrets(t)


# --------------------------------------------------------------------------- state machine

def test_stop_start_running_task(client, control, tasks):
    task_id = tasks.running(save_prefix="lifecycle/")
    try:
        h.expect_error(lambda: client.start_task(StartTaskRequest(task_id=task_id, body=start_body())),
                       400, "OMS.0065", "start of a Migrating task")
        assert client.stop_task(StopTaskRequest(task_id=task_id)).status_code == 200
        st = tasks.status(task_id)
        assert st in {7, 3}, f"stop moves a Migrating task to Pausing (7) then Paused (3), got {st}"
        paused = tasks.wait(task_id, {3}, step=1, max_steps=10)
        h.expect_error(lambda: client.stop_task(StopTaskRequest(task_id=task_id)), 400, "OMS.0066",
                       "stop of a Paused task: not in progress")
        h.expect_error(lambda: client.start_task(StartTaskRequest(task_id=task_id, body={
            "src_ak": h.SRC_AK, "src_sk": h.SRC_SK})), 400, "OMS.1004", "start needs dst_ak/dst_sk")
        h.expect_error(lambda: client.start_task(StartTaskRequest(task_id=task_id, body={
            "dst_ak": h.DST_AK, "dst_sk": h.DST_SK})), 400, "OMS.1004", "start needs src_ak/src_sk (not url_list)")

        assert client.start_task(StartTaskRequest(task_id=task_id, body=start_body())).status_code == 200
        st = tasks.status(task_id)
        assert st in {1, 2}, f"start moves a Paused task to Waiting (1) or Migrating (2), got {st}"
        h.expect_error(lambda: client.start_task(StartTaskRequest(task_id=task_id, body=start_body())),
                       400, "OMS.0065", "start of a task that is running again")
        running = tasks.wait(task_id, {2}, step=1, max_steps=10)
        assert running["progress"] >= paused["progress"], "a resumed task keeps its progress"
        assert 0 <= running["progress"] < 1
        assert running["total_size"] == h.HUGE_SIZE, running
        assert running["total_num"] == 1, running

        assert client.stop_task(StopTaskRequest(task_id=task_id)).status_code == 200
        tasks.wait(task_id, {3}, step=1, max_steps=10)
        assert client.delete_task(DeleteTaskRequest(task_id=task_id)).status_code == 200, "Paused tasks delete"
        h.expect_error(lambda: client.show_task(ShowTaskRequest(task_id=task_id)), 400, "OMS.1009",
                       "a deleted task is unknown")
    finally:
        tasks.dispose(task_id)


def test_succeeded_task_refusals(client, tasks):
    task_id = tasks.succeeded(save_prefix="succeeded/")
    h.expect_error(lambda: client.stop_task(StopTaskRequest(task_id=task_id)), 400, "OMS.0070",
                   "stop of a Succeeded task")
    h.expect_error(lambda: client.start_task(StartTaskRequest(task_id=task_id, body=start_body())),
                   400, "OMS.0070", "start of a Succeeded task")
    assert client.delete_task(DeleteTaskRequest(task_id=task_id)).status_code == 200, "Succeeded tasks delete"
    h.expect_error(lambda: client.delete_task(DeleteTaskRequest(task_id=task_id)), 400, "OMS.1009",
                   "delete of a deleted task")


def test_delete_migrating_task_refused(client, control, tasks):
    task_id = tasks.running()
    try:
        h.expect_error(lambda: client.delete_task(DeleteTaskRequest(task_id=task_id)), 400, "OMS.0063",
                       "delete of a Migrating task")
        client.stop_task(StopTaskRequest(task_id=task_id))
        if tasks.status(task_id) == 7:
            # Pausing lasts one engine step, so the delete may race with Pausing -> Paused: a
            # refusal must be OMS.0063; an acceptance is only fine once the task is Paused.
            try:
                client.delete_task(DeleteTaskRequest(task_id=task_id))
                return
            except exceptions.ServiceResponseException as e:
                assert (e.status_code, e.error_code) == (400, "OMS.0063"), f"delete of a Pausing task: {e}"
        tasks.wait(task_id, {3}, step=1, max_steps=10)
        assert client.delete_task(DeleteTaskRequest(task_id=task_id)).status_code == 200
    finally:
        tasks.dispose(task_id)


def test_stop_waiting_task_allowed(client, control, tasks):
    """oms-behaviour.md: stop is allowed in 2 (and 1). Creating a task and stopping it at once
    usually catches it Waiting; either way the stop must be accepted."""
    task_id = tasks.create(bucket=h.HUGE_BUCKET, prefixes=[h.HUGE_PREFIX],
                           bandwidth_policy=[h.bw("00:00", "23:59", h.MIB)])
    try:
        assert client.stop_task(StopTaskRequest(task_id=task_id)).status_code == 200
        tasks.wait(task_id, {3}, step=1, max_steps=10)
    finally:
        tasks.dispose(task_id)


def test_failed_task_restarts(client, control, tasks):
    task_id = tasks.failed()
    t = tasks.show(task_id)
    check_task_resp(t)
    er = t.get("error_reason")
    assert isinstance(er, dict) and str(er.get("error_code", "")).startswith("TRF."), \
        f"a failed task carries error_reason.error_code TRF.xxxx, got {er!r}"
    h.expect_error(lambda: client.stop_task(StopTaskRequest(task_id=task_id)), 400, "OMS.0066",
                   "stop of a Failed task: not in progress")
    resp = client.start_task(StartTaskRequest(task_id=task_id, body=start_body(
        src_ak=h.LOCKED_AK, src_sk=h.LOCKED_SK)))
    assert resp.status_code == 200, "a Failed task can be started again"
    assert tasks.status(task_id) in {1, 2, 5}
    done = tasks.wait(task_id, {4, 5})
    assert done["status"] == 5, f"with the right source keys the restarted task succeeds: {done}"
    h.assert_no_secrets(done)


def test_delete_failed_and_waiting_tasks(client, tasks):
    failed = tasks.failed()
    assert client.delete_task(DeleteTaskRequest(task_id=failed)).status_code == 200
    h.expect_error(lambda: client.delete_task(DeleteTaskRequest(task_id=failed)), 400, "OMS.1009")


@pytest.mark.parametrize("op", ["show", "stop", "start", "delete", "bandwidth"])
def test_unknown_task_id(client, op):
    calls = {
        "show": lambda: client.show_task(ShowTaskRequest(task_id=UNKNOWN_ID)),
        "stop": lambda: client.stop_task(StopTaskRequest(task_id=UNKNOWN_ID)),
        "start": lambda: client.start_task(StartTaskRequest(task_id=UNKNOWN_ID, body=start_body())),
        "delete": lambda: client.delete_task(DeleteTaskRequest(task_id=UNKNOWN_ID)),
        "bandwidth": lambda: client.update_bandwidth_policy(UpdateBandwidthPolicyRequest(
            task_id=UNKNOWN_ID, body=UpdateBandwidthPolicyReq(bandwidth_policy=[]))),
    }
    codes = "OMS.1009" if op != "bandwidth" else {"OMS.1009", "OMS.0086"}
    h.expect_error(calls[op], 400, codes, f"{op} of an unknown task id")


@pytest.mark.parametrize("op", ["show", "stop", "start", "delete"])
def test_non_numeric_task_id(client, op):
    bad = "not-a-number"
    calls = {
        "show": lambda: client.show_task(ShowTaskRequest(task_id=bad)),
        "stop": lambda: client.stop_task(StopTaskRequest(task_id=bad)),
        "start": lambda: client.start_task(StartTaskRequest(task_id=bad, body=start_body())),
        "delete": lambda: client.delete_task(DeleteTaskRequest(task_id=bad)),
    }
    h.expect_error(calls[op], 400, "OMS.0054", f"{op} of a non-numeric task id")


# --------------------------------------------------------------------------- bandwidth / batch

def test_update_bandwidth_policy(client, tasks):
    task_id = tasks.running()
    try:
        policy = [BandwidthPolicyDto(start="00:00", end="02:30", max_bandwidth=2 * h.MIB),
                  BandwidthPolicyDto(start="02:31", end="23:59", max_bandwidth=209_715_200)]
        resp = client.update_bandwidth_policy(UpdateBandwidthPolicyRequest(
            task_id=task_id, body=UpdateBandwidthPolicyReq(bandwidth_policy=policy)))
        assert resp.status_code == 200, "a Migrating task's bandwidth can change"
        t = tasks.show(task_id)
        assert [(r["start"], r["end"], r["max_bandwidth"]) for r in t["bandwidth_policy"]] == \
            [("00:00", "02:30", 2 * h.MIB), ("02:31", "23:59", 209_715_200)]
        client.update_bandwidth_policy(UpdateBandwidthPolicyRequest(
            task_id=task_id, body=UpdateBandwidthPolicyReq(bandwidth_policy=[BandwidthPolicyDto(
                start="00:00", end="23:59", max_bandwidth=h.MIB)])))
        assert len(tasks.show(task_id)["bandwidth_policy"]) == 1
    finally:
        tasks.dispose(task_id)


def test_bandwidth_limit_is_honoured(client, control, tasks):
    """A 1 MiB/s rule over the whole day: the bytes moved stay near 1 MiB per second of sandbox
    time. Progress is only updated when the engine steps, and the background engine steps every
    fraction of a real second at the running time scale, so the bound allows half a real second
    of sandbox time on top (300 s at 600x); unthrottled, the sandbox would move ~1 GiB/s."""
    task_id = tasks.running()
    try:
        clock = control.clock()
        slack = max(2.0, 0.5 * float(clock.get("timeScale") or 1))
        t0 = h.parse_rfc3339(clock["now"])
        before = tasks.show(task_id)
        control.run(60)
        after = tasks.show(task_id)
        t1 = control.now()
        assert after["status"] == 2
        moved = (after["progress"] - before["progress"]) * after["total_size"]
        elapsed = (t1 - t0).total_seconds()
        assert elapsed >= 60
        assert 30 * h.MIB < moved <= (elapsed + slack) * h.MIB, \
            f"moved {moved:.0f} bytes in {elapsed:.0f} sandbox seconds at 1 MiB/s (slack {slack:.0f} s)"
        assert 0 <= (after.get("migrate_speed") or 0) <= 2 * h.MIB, after.get("migrate_speed")
        # Times are milliseconds: total_time grew by at least the 60 s run, start_time is Unix ms.
        assert after["total_time"] - (before["total_time"] or 0) >= 60_000, \
            f"total_time is in ms: {before['total_time']} -> {after['total_time']} over {elapsed:.0f} s"
        assert after["start_time"] > 10 ** 12, f"start_time is Unix ms: {after['start_time']}"
        assert after["start_time"] <= h.sandbox_millis(t1)
        if after.get("left_time"):
            # ~1 TiB left at 1 MiB/s is ~1e6 s, i.e. ~1e9 ms; in seconds it would be ~1e6.
            assert after["left_time"] > 10 ** 8, f"left_time is in ms: {after['left_time']}"
    finally:
        tasks.dispose(task_id)


def test_update_bandwidth_policy_refused_when_succeeded(client, tasks):
    task_id = tasks.succeeded(save_prefix="bw-done/")
    h.expect_error(lambda: client.update_bandwidth_policy(UpdateBandwidthPolicyRequest(
        task_id=task_id, body=UpdateBandwidthPolicyReq(bandwidth_policy=[BandwidthPolicyDto(
            start="00:00", end="01:00", max_bandwidth=h.MIB)]))), 400, None,
        "bandwidth-policy of a Succeeded task")


@pytest.mark.parametrize("policy, code", [
    ([h.bw(f"{2 * i:02d}:00", f"{2 * i:02d}:59") for i in range(6)], "OMS.0083"),
    ([h.bw(max_bandwidth=1_048_575)], "OMS.0084"),
    ([h.bw(max_bandwidth=209_715_201)], "OMS.0084"),
    ([h.bw("00:00", "12:00"), h.bw("11:00", "13:00")], "OMS.0085"),
    ([h.bw("25:00", "26:00")], "OMS.0087"),
])
def test_update_bandwidth_policy_validation(client, tasks, policy, code):
    task_id = tasks.failed()
    h.expect_error(lambda: client.update_bandwidth_policy(UpdateBandwidthPolicyRequest(
        task_id=task_id, body={"bandwidth_policy": policy})), 400, code)


def test_update_bandwidth_policy_missing_body_field(client, tasks):
    task_id = tasks.failed()
    h.expect_error(lambda: client.update_bandwidth_policy(UpdateBandwidthPolicyRequest(
        task_id=task_id, body={"unexpected": 1})), 400, "OMS.1004", "bandwidth_policy is required")


def test_batch_update_by_ids(client, tasks):
    a, b = tasks.failed(), tasks.failed()
    resp = client.batch_update_tasks(BatchUpdateTasksRequest(body=BatchUpdateTasksReq(
        ids=[a, b], bandwidth_policy=[BandwidthPolicyDto(start="08:00", end="18:00", max_bandwidth=5 * h.MIB)],
        task_priority="LOW")))
    assert resp.status_code == 200
    for task_id in (a, b):
        t = tasks.show(task_id)
        assert [(r["start"], r["end"], r["max_bandwidth"]) for r in t["bandwidth_policy"]] == \
            [("08:00", "18:00", 5 * h.MIB)]
        assert t["task_priority"] == "LOW", "priority applies to Failed tasks"


def test_batch_update_too_many_ids(client, tasks):
    ids = [tasks.failed()] + [UNKNOWN_ID + i for i in range(20)]
    h.expect_error(lambda: client.batch_update_tasks(BatchUpdateTasksRequest(body=BatchUpdateTasksReq(
        ids=ids, bandwidth_policy=[]))), 400, "OMS.1003", "at most 20 ids")


def test_batch_update_needs_ids_or_group(client):
    h.expect_error(lambda: client.batch_update_tasks(BatchUpdateTasksRequest(body=BatchUpdateTasksReq(
        bandwidth_policy=[]))), 400, "OMS.1004", "either group_id or ids is required")


def test_batch_update_priority_refused_for_succeeded(client, tasks):
    task_id = tasks.succeeded(save_prefix="batch-done/")
    h.expect_error(lambda: client.batch_update_tasks(BatchUpdateTasksRequest(body=BatchUpdateTasksReq(
        ids=[task_id], bandwidth_policy=[], task_priority="HIGH"))), 400, None,
        "priority only for Waiting, Paused and Failed tasks")


def test_batch_update_bandwidth_validation(client, tasks):
    task_id = tasks.failed()
    h.expect_error(lambda: client.batch_update_tasks(BatchUpdateTasksRequest(body={
        "ids": [task_id], "bandwidth_policy": [h.bw("00:00", "12:00"), h.bw("06:00", "18:00")]})),
        400, "OMS.0085")


# --------------------------------------------------------------------------- special fields

def test_source_cdn_key_never_returned(client, tasks):
    body = h.task_body(save_prefix="cdn/", source_cdn={
        "domain": "cdn.example.com", "protocol": "https", "authentication_type": "ALIYUN_OSS_A",
        "authentication_key": h.CDN_KEY})
    resp = client.create_task(CreateTaskRequest(body=body))
    t = tasks.show(resp.id)
    cdn = t.get("source_cdn")
    assert isinstance(cdn, dict), f"a CDN task reports source_cdn: {t!r}"
    assert cdn.get("domain") == "cdn.example.com"
    assert str(cdn.get("protocol", "")).upper() == "HTTPS"
    assert cdn.get("authentication_type") == "ALIYUN_OSS_A"
    assert "authentication_key" not in cdn, "source_cdn.authentication_key is never returned"
    h.assert_no_secrets(t)


def test_created_task_model_without_enable_kms(client, tasks):
    """The SDK's CreateTaskReq has no enable_kms field: the sandbox must accept it as optional."""
    body = CreateTaskReq(
        task_type="prefix",
        src_node=SrcNodeReq(cloud_type=h.SRC_CLOUD, region=h.SRC_REGION, ak=h.SRC_AK, sk=h.SRC_SK,
                            bucket=h.SRC_BUCKET, object_key=[h.SRC_PREFIX]),
        dst_node=DstNodeReq(ak=h.DST_AK, sk=h.DST_SK, bucket=h.DST_BUCKET, region=h.DST_REGION),
        source_cdn=None)
    resp = client.create_task(CreateTaskRequest(body=body))
    assert resp.status_code == 200
    assert tasks.show(resp.id).get("enable_kms") in (False, None)


def test_task_with_cdn_model(client, tasks):
    body = CreateTaskReq(
        task_type="prefix",
        src_node=SrcNodeReq(cloud_type=h.SRC_CLOUD, region=h.SRC_REGION, ak=h.SRC_AK, sk=h.SRC_SK,
                            bucket=h.SRC_BUCKET, object_key=[h.SRC_PREFIX]),
        dst_node=DstNodeReq(ak=h.DST_AK, sk=h.DST_SK, bucket=h.DST_BUCKET, region=h.DST_REGION,
                            save_prefix="cdn-model/"),
        source_cdn=SourceCdnReq(domain="cdn.example.com", protocol="HTTPS", authentication_type="NONE"))
    resp = client.create_task(CreateTaskRequest(body=body))
    assert resp.status_code == 200, "protocol HTTPS (upper case, as the request tables spell it) is accepted"
