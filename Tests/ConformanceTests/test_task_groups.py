"""Migration task groups (§6.3) through the official SDK: list, create, show, delete, stop,
start, retry and update, with the state rules of oms-behaviour.md."""

from __future__ import annotations

import pytest
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkoms.v2 import (BandwidthPolicyDto, BatchUpdateTasksReq, BatchUpdateTasksRequest,
                                  CreateTaskGroupReq, CreateTaskGroupRequest, DeleteTaskGroupRequest,
                                  ListTaskGroupRequest, ListTasksRequest, RetryTaskGroupReq, RetryTaskGroupRequest,
                                  ShowTaskGroupRequest, SmnConfig, StartTaskGroupReq, StartTaskGroupRequest,
                                  StopTaskGroupRequest, TaskGroupDstNode, TaskGroupSrcNode, UpdateBandwidthPolicyReq,
                                  UpdateTaskGroupRequest)

import oms_helpers as h

UNKNOWN_GROUP = "00000000-0000-4000-8000-000000000000"
UPPER_CLOUD_TYPES = {"AWS", "AZURE", "ALIYUN", "TENCENT", "HUAWEICLOUD", "QINGCLOUD", "KINGSOFTCLOUD", "BAIDU",
                     "QINIU", "URLSOURCE", "UCLOUD", "GOOGLE"}


def check_group_resp(g: dict) -> None:
    assert isinstance(g.get("group_id"), str) and g["group_id"], g
    h.assert_int(g, "status", 0, 9, nullable=False)
    assert g.get("task_type") in {"LIST", "URL_LIST", "PREFIX"}, \
        f"group task_type is upper case (LIST, URL_LIST, PREFIX), got {g.get('task_type')!r}"
    src = g.get("src_node")
    assert isinstance(src, dict), g
    assert src.get("cloud_type") in UPPER_CLOUD_TYPES, \
        f"group src_node.cloud_type is upper case, got {src.get('cloud_type')!r}"
    assert isinstance(g.get("dst_node"), dict), g
    for key in ("migrate_since", "migrate_speed", "total_time", "start_time", "total_task_num", "create_task_num",
                "failed_task_num", "complete_task_num", "paused_task_num", "executing_task_num",
                "waiting_task_num", "total_num", "create_complete_num", "success_num", "fail_num", "skip_num",
                "total_size", "create_complete_size", "complete_size"):
        h.assert_int(g, key, 0)
    for key in ("enable_metadata_migration", "enable_failed_object_recording", "enable_restore", "enable_kms",
                "enable_requester_pays"):
        h.assert_type(g, key, bool)
    h.assert_type(g, "bandwidth_policy", list)
    assert "task_priority" not in g or g["task_priority"] is None, "TaskGroupResp has no task_priority"
    h.assert_no_secrets(g)


def group_tasks(client, group_id: str) -> tuple[list[dict], int]:
    page = h.raw(client.list_tasks(ListTasksRequest(group_id=group_id, limit=100)))
    return page["tasks"] or [], page["count"]


def start_body() -> StartTaskGroupReq:
    return StartTaskGroupReq(src_ak=h.SRC_AK, src_sk=h.SRC_SK, dst_ak=h.DST_AK, dst_sk=h.DST_SK)


@pytest.fixture(scope="module")
def completed_group(client, groups) -> str:
    group_id = groups.create(description="completed group")
    g = groups.wait(group_id, {4, 5, 6})
    assert g["status"] == 6, f"a group over a readable prefix completes (6), got {g}"
    return group_id


# --------------------------------------------------------------------------- create / show / list

def test_create_group_with_sdk_models(client, groups):
    """The SDK's CreateTaskGroupReq has no enable_kms field although the reference marks it
    mandatory: a request from the official SDK must still be accepted."""
    body = CreateTaskGroupReq(
        task_type="PREFIX",
        src_node=TaskGroupSrcNode(cloud_type=h.SRC_CLOUD, region=h.SRC_REGION, ak=h.SRC_AK, sk=h.SRC_SK,
                                  bucket=h.GROUP_BUCKET, object_key=[h.GROUP_PREFIX]),
        dst_node=TaskGroupDstNode(ak=h.DST_AK, sk=h.DST_SK, bucket=h.DST_BUCKET, region=h.DST_REGION,
                                  save_prefix="group-models/"),
        description="conformance group",
        migrate_since=1_700_000_000,
        bandwidth_policy=[BandwidthPolicyDto(start="00:00", end="23:59", max_bandwidth=50 * h.MIB)],
        smn_config=SmnConfig(topic_urn=f"urn:smn:{h.DST_REGION}:{h.PROJECT_ID}:oms-topic",
                             trigger_conditions=["FAILURE"]),
        enable_metadata_migration=False,
        enable_failed_object_recording=True,
        object_overwrite_mode="NO_OVERWRITE",
        consistency_check="crc64",
    )
    resp = client.create_task_group(CreateTaskGroupRequest(body=body))
    assert resp.status_code == 200, "createTaskGroup answers 200"
    created = h.raw(resp)
    assert isinstance(created.get("group_id"), str) and created["group_id"]
    g = groups.show(created["group_id"])
    check_group_resp(g)
    assert g["group_id"] == created["group_id"]
    assert g["task_type"] == "PREFIX"
    assert g["src_node"]["cloud_type"] == "ALIYUN", "group cloud_type is upper case in responses"
    assert g["src_node"].get("bucket") == h.GROUP_BUCKET
    assert g["dst_node"].get("bucket") == h.DST_BUCKET
    assert g["dst_node"].get("save_prefix") == "group-models/"
    assert g["description"] == "conformance group"
    assert g["migrate_since"] == 1_700_000_000_000, "group migrate_since: seconds in, milliseconds out"
    assert g["object_overwrite_mode"] == "NO_OVERWRITE"
    assert g["consistency_check"] == "crc64"
    assert [(r["start"], r["end"], r["max_bandwidth"]) for r in g["bandwidth_policy"]] == \
        [("00:00", "23:59", 50 * h.MIB)]
    assert g.get("smn_config") is None or isinstance(g["smn_config"], dict), \
        "group smn_config is an SmnInfo object (or null)"


def test_group_creates_group_tasks(client, groups):
    group_id = groups.create(description="group tasks")
    g = groups.wait(group_id, {2, 4, 5, 6}, step=60)
    assert g["status"] in {2, 6}, f"after creating its tasks a group is Monitoring (2) or Completed (6): {g}"
    listed, count = group_tasks(client, group_id)
    assert count >= 1 and len(listed) == count, "listing tasks with group_id returns the group's tasks"
    for t in listed:
        assert t.get("group_id") == group_id
        assert t.get("group_type") == "GROUP_TASK", f"group tasks have group_type GROUP_TASK: {t.get('group_type')!r}"
        assert t.get("task_type") in {"list", "url_list", "object", "prefix"}, \
            f"tasks keep lower-case task_type even inside a group: {t.get('task_type')!r}"
        assert t["src_node"].get("cloud_type") == "Aliyun", "tasks keep camel-case cloud_type"
        h.assert_no_secrets(t)
    g = groups.wait(group_id, {4, 5, 6})
    assert g["status"] == 6, g
    listed, count = group_tasks(client, group_id)
    if g.get("total_task_num") is not None:
        assert g["total_task_num"] == count, "total_task_num counts the group's tasks"
    assert sum(t.get("successful_num") or 0 for t in listed) == h.GROUP_OBJECTS, \
        "the group's tasks together migrate every object under the prefix"
    if g.get("success_num") is not None:
        assert g["success_num"] == h.GROUP_OBJECTS
    if g.get("total_num") is not None:
        assert g["total_num"] == h.GROUP_OBJECTS


def test_list_task_groups_pagination(client, groups):
    for i in range(3):
        groups.create(description=f"page {i}")
    full = h.raw(client.list_task_group(ListTaskGroupRequest(limit=100)))
    count = full["count"]
    assert count >= 3 and len(full["taskgroups"]) == count
    for g in full["taskgroups"]:
        check_group_resp(g)
    ids = [g["group_id"] for g in full["taskgroups"]]
    paged = []
    for offset in range(0, count, 2):
        page = h.raw(client.list_task_group(ListTaskGroupRequest(limit=2, offset=offset)))
        assert page["count"] == count
        assert len(page["taskgroups"]) <= 2
        paged.extend(g["group_id"] for g in page["taskgroups"])
    assert sorted(paged) == sorted(ids)
    default = h.raw(client.list_task_group(ListTaskGroupRequest()))
    assert len(default["taskgroups"]) == min(10, count), "limit defaults to 10"


def test_list_task_groups_status_filter(client, completed_group):
    page = h.raw(client.list_task_group(ListTaskGroupRequest(status=6, limit=100)))
    assert completed_group in [g["group_id"] for g in page["taskgroups"]]
    assert all(g["status"] == 6 for g in page["taskgroups"])


@pytest.mark.parametrize("query", [dict(limit=0), dict(limit=101), dict(offset=-1), dict(status=10)])
def test_list_task_groups_bad_query(client, query):
    h.expect_error(lambda: client.list_task_group(ListTaskGroupRequest(**query)), 400,
                   {"OMS.1003", "OMS.0051", "OMS.0052"}, f"listTaskGroups {query}")


def test_show_unknown_group_is_404(client):
    err = h.expect_error(lambda: client.show_task_group(ShowTaskGroupRequest(group_id=UNKNOWN_GROUP)), 404, None,
                         "get of an unknown group")
    assert err.code != "404", f"a 404 still carries an error body with error_code: {err!r}"


# --------------------------------------------------------------------------- state refusals

def test_completed_group_refusals(client, completed_group):
    gid = completed_group
    h.expect_error(lambda: client.update_task_group(UpdateTaskGroupRequest(group_id=gid, body=UpdateBandwidthPolicyReq(
        bandwidth_policy=[BandwidthPolicyDto(start="00:00", end="01:00", max_bandwidth=h.MIB)]))),
        400, "OMS.1036", "update of a Completed group")
    h.expect_error(lambda: client.stop_task_group(StopTaskGroupRequest(group_id=gid)), 400, "OMS.1038",
                   "stop of a Completed group")
    h.expect_error(lambda: client.start_task_group(StartTaskGroupRequest(group_id=gid, body=start_body())),
                   400, "OMS.1039", "start of a Completed group")
    h.expect_error(lambda: client.retry_task_group(RetryTaskGroupRequest(group_id=gid, body=RetryTaskGroupReq())),
                   400, "OMS.1040", "retry of a Completed group")


def test_batch_update_by_group_id(client, groups):
    group_id = groups.create(description="batch by group")
    groups.wait(group_id, {2, 3, 4, 5, 6}, step=60)
    resp = client.batch_update_tasks(BatchUpdateTasksRequest(body=BatchUpdateTasksReq(
        group_id=group_id, bandwidth_policy=[BandwidthPolicyDto(start="02:00", end="03:00",
                                                                 max_bandwidth=3 * h.MIB)])))
    assert resp.status_code == 200
    listed, _ = group_tasks(client, group_id)
    for t in listed:
        if t["status"] != 5:
            assert [(r["start"], r["end"], r["max_bandwidth"]) for r in t["bandwidth_policy"]] == \
                [("02:00", "03:00", 3 * h.MIB)], t


def test_stop_start_delete_group(client, groups):
    group_id = groups.create(bucket=h.HUGE_BUCKET, prefixes=[h.HUGE_PREFIX], description="huge group",
                             bandwidth_policy=[h.bw("00:00", "23:59", h.MIB)])
    try:
        g = groups.wait(group_id, {2, 3, 4, 5, 6}, step=1, max_steps=10)
        assert g["status"] == 2, f"a group over a 1 TiB object at 1 MiB/s should be Monitoring (2), got {g}"
        check_group_resp(g)
        h.expect_error(lambda: client.delete_task_group(DeleteTaskGroupRequest(group_id=group_id)), 400,
                       "OMS.0063", "delete of a Monitoring group")
        h.expect_error(lambda: client.start_task_group(StartTaskGroupRequest(group_id=group_id, body=start_body())),
                       400, "OMS.1039", "start (resume) of a Monitoring group")
        h.expect_error(lambda: client.retry_task_group(RetryTaskGroupRequest(group_id=group_id,
                                                                             body=RetryTaskGroupReq())),
                       400, "OMS.1040", "retry of a Monitoring group")

        upd = client.update_task_group(UpdateTaskGroupRequest(group_id=group_id, body=UpdateBandwidthPolicyReq(
            bandwidth_policy=[BandwidthPolicyDto(start="00:00", end="23:59", max_bandwidth=2 * h.MIB)])))
        assert upd.status_code == 200, "a Monitoring group's bandwidth can change"
        assert [(r["start"], r["end"], r["max_bandwidth"]) for r in groups.show(group_id)["bandwidth_policy"]] == \
            [("00:00", "23:59", 2 * h.MIB)]

        assert client.stop_task_group(StopTaskGroupRequest(group_id=group_id)).status_code == 200
        st = groups.show(group_id)["status"]
        assert st in {7, 3}, f"stop moves a group to Pausing (7) then Paused (3), got {st}"
        if st == 7:
            # Pausing lasts one engine step, so the delete may race with Pausing -> Paused: a
            # refusal must be OMS.0063; an acceptance means the group was Paused by then.
            try:
                client.delete_task_group(DeleteTaskGroupRequest(group_id=group_id))
                return
            except exceptions.ServiceResponseException as e:
                assert (e.status_code, e.error_code) == (400, "OMS.0063"), f"delete of a Pausing group: {e}"
        groups.wait(group_id, {3}, step=1, max_steps=10)
        listed, _ = group_tasks(client, group_id)
        assert listed and all(t["status"] == 3 for t in listed), \
            f"a Paused group's tasks are Paused: {[t['status'] for t in listed]}"
        h.expect_error(lambda: client.stop_task_group(StopTaskGroupRequest(group_id=group_id)), 400, "OMS.1038",
                       "stop of a Paused group")
        h.expect_error(lambda: client.retry_task_group(RetryTaskGroupRequest(group_id=group_id,
                                                                             body=RetryTaskGroupReq())),
                       400, "OMS.1040", "retry of a Paused group")
        h.expect_error(lambda: client.start_task_group(StartTaskGroupRequest(group_id=group_id, body={
            "src_ak": h.SRC_AK, "src_sk": h.SRC_SK})), 400, "OMS.1004", "resume needs dst_ak/dst_sk")

        assert client.start_task_group(StartTaskGroupRequest(group_id=group_id, body=start_body())).status_code == 200
        st = groups.show(group_id)["status"]
        assert st in {1, 2}, f"a resumed group runs again (Executing or Monitoring), got {st}"

        assert client.stop_task_group(StopTaskGroupRequest(group_id=group_id)).status_code == 200
        groups.wait(group_id, {3}, step=1, max_steps=10)
        assert client.delete_task_group(DeleteTaskGroupRequest(group_id=group_id)).status_code == 200, \
            "a Paused group can be deleted"
        st = _show_or_404(client, group_id)
        assert st is None or st["status"] in {8, 9}, f"a deleted group is Waiting for deletion (8) or gone: {st}"
        gone = h.poll(lambda: _show_or_404(client, group_id), lambda g: g is None or g.get("status") == 9,
                      groups.control, step=1, max_steps=10, what="deleted group gone")
        assert gone is None or gone["status"] == 9
    finally:
        groups.dispose(group_id)


def _show_or_404(client, group_id):
    try:
        return h.raw(client.show_task_group(ShowTaskGroupRequest(group_id=group_id)))
    except Exception as e:  # noqa: BLE001 - a 404 means gone
        if getattr(e, "status_code", None) == 404:
            return None
        raise


def test_delete_completed_group(client, groups):
    group_id = groups.create(description="delete me")
    groups.wait(group_id, {6})
    assert client.delete_task_group(DeleteTaskGroupRequest(group_id=group_id)).status_code == 200
    st = _show_or_404(client, group_id)
    assert st is None or st["status"] in {8, 9}, f"a deleted group is Waiting for deletion (8) or gone: {st}"
    gone = h.poll(lambda: _show_or_404(client, group_id), lambda g: g is None or g.get("status") == 9,
                  groups.control, step=60, max_steps=10, what="deleted group gone")
    assert gone is None or gone["status"] == 9


def test_failed_group_retry(client, groups):
    group_id = groups.create(bucket=h.LOCKED_BUCKET, prefixes=[h.SRC_PREFIX], src_ak="WRONGAK",
                             src_sk="wrong-secret", description="failing group")
    g = groups.wait(group_id, {4, 5, 6})
    assert g["status"] in {4, 5}, f"a group whose source keys are refused fails (4 or 5), got {g}"
    h.expect_error(lambda: client.stop_task_group(StopTaskGroupRequest(group_id=group_id)), 400, "OMS.1038",
                   "stop of a failed group")
    h.expect_error(lambda: client.start_task_group(StartTaskGroupRequest(group_id=group_id, body=start_body())),
                   400, "OMS.1039", "start of a failed group")
    resp = client.retry_task_group(RetryTaskGroupRequest(group_id=group_id, body=RetryTaskGroupReq(
        src_ak=h.LOCKED_AK, src_sk=h.LOCKED_SK, dst_ak=h.DST_AK, dst_sk=h.DST_SK)))
    assert resp.status_code == 200, "a failed group can be retried"
    g = groups.wait(group_id, {4, 5, 6})
    assert g["status"] == 6, f"with the right keys the retried group completes: {g}"
    h.assert_no_secrets(g)


def test_update_group_validation(client, groups):
    group_id = groups.create(bucket=h.LOCKED_BUCKET, prefixes=[h.SRC_PREFIX], src_ak="WRONGAK",
                             src_sk="wrong-secret", description="validation group")
    groups.wait(group_id, {4, 5, 6})
    for policy, code in [([h.bw(f"{2 * i:02d}:00", f"{2 * i:02d}:59") for i in range(6)], "OMS.0083"),
                         ([h.bw(max_bandwidth=1)], "OMS.0084"),
                         ([h.bw("00:00", "12:00"), h.bw("11:00", "13:00")], "OMS.0085"),
                         ([h.bw("7h", "8h")], "OMS.0087")]:
        h.expect_error(lambda: client.update_task_group(UpdateTaskGroupRequest(
            group_id=group_id, body={"bandwidth_policy": policy})), 400, code)


@pytest.mark.parametrize("op", ["stop", "start", "retry", "update", "delete"])
def test_unknown_group_operations(client, op):
    calls = {
        "stop": lambda: client.stop_task_group(StopTaskGroupRequest(group_id=UNKNOWN_GROUP)),
        "start": lambda: client.start_task_group(StartTaskGroupRequest(group_id=UNKNOWN_GROUP, body=start_body())),
        "retry": lambda: client.retry_task_group(RetryTaskGroupRequest(group_id=UNKNOWN_GROUP, body=RetryTaskGroupReq())),
        "update": lambda: client.update_task_group(UpdateTaskGroupRequest(
            group_id=UNKNOWN_GROUP, body=UpdateBandwidthPolicyReq(bandwidth_policy=[]))),
        "delete": lambda: client.delete_task_group(DeleteTaskGroupRequest(group_id=UNKNOWN_GROUP)),
    }
    err = h.refused(calls[op])
    assert err.status in (400, 404), f"{op} of an unknown group is refused with 400 or 404: {err!r}"
    assert err.code.startswith("OMS."), f"with an OMS error code: {err!r}"


# --------------------------------------------------------------------------- validation

@pytest.mark.parametrize("change, code", [
    (lambda b: b.pop("dst_node"), "OMS.1004"),
    (lambda b: b.pop("src_node"), "OMS.1004"),
    (lambda b: b.update(task_type="OBJECT"), "OMS.1003"),
    (lambda b: b.update(task_type="prefix"), "OMS.1003"),
    (lambda b: b.update(description="a<b"), "OMS.0078"),
    (lambda b: b.update(enable_kms="no"), "OMS.1002"),
    (lambda b: b.update(migrate_since="yesterday"), "OMS.1002"),
    (lambda b: b.update(bandwidth_policy=[h.bw(f"{2 * i:02d}:00", f"{2 * i:02d}:59") for i in range(6)]), "OMS.0083"),
    (lambda b: b.update(bandwidth_policy=[h.bw(max_bandwidth=300 * h.MIB)]), "OMS.0084"),
    (lambda b: b.update(bandwidth_policy=[h.bw("00:00", "10:00"), h.bw("09:59", "11:00")]), "OMS.0085"),
    (lambda b: b.update(bandwidth_policy=[h.bw("00:60", "01:00")]), "OMS.0087"),
    (lambda b: (b.update(task_type="URL_LIST"),
                b["src_node"].update(list_file={"list_file_key": "urls/", "obs_bucket": h.DST_BUCKET})), "OMS.0057"),
], ids=["no-dst", "no-src", "OBJECT", "lowercase-prefix", "description", "enable_kms-type", "migrate_since-type",
        "6-rules", "bandwidth-range", "overlap", "hhmm", "url-list-aliyun"])
def test_create_group_validation(client, change, code):
    body = h.group_body()
    change(body)
    h.expect_error(lambda: client.create_task_group(CreateTaskGroupRequest(body=body)), 400, code)


@pytest.mark.parametrize("cloud, region, upper", [
    ("Aliyun", "cn-hangzhou", "ALIYUN"), ("HuaweiCloud", "cn-north-4", "HUAWEICLOUD"), ("AWS", "us-east-1", "AWS"),
    ("UCloud", "cn-bj2", "UCLOUD"), ("KingsoftCloud", "cn-beijing-6", "KINGSOFTCLOUD"), ("Azure", "eastus", "AZURE"),
    ("QingCloud", "pek3", "QINGCLOUD"), ("Baidu", "bj", "BAIDU"), ("Qiniu", "cn-east-1", "QINIU"),
])
def test_group_cloud_type_upper_case(client, groups, cloud, region, upper):
    body = h.group_body(bucket="casing-bucket", description=f"casing {cloud}")
    body["src_node"].update(cloud_type=cloud, region=region)
    body.pop("task_type")
    group_id = groups.create(body=body)
    try:
        g = groups.show(group_id)
        assert g["src_node"]["cloud_type"] == upper, \
            f"request cloud_type {cloud} is {upper} in group responses, got {g['src_node']['cloud_type']!r}"
        assert g["task_type"] == "PREFIX", "a group without task_type is a PREFIX group"
    finally:
        groups.dispose(group_id)
