"""Synchronization tasks (/work/shared/design/sync-tasks.md) through the official SDK: create,
list, show (monthly counters), stop, start, delete, sync events (each key copied at once from
the source bucket to the destination bucket, with the size/last-modified skip rule) and the
per-5-minute / per-hour statistics.

Sync tasks copy synchronously while the event request is answered, so these tests never run
the engine: after `create_sync_events` returns, the destination folder and the counters are
final. Every test that copies gets a fresh destination bucket (`dst_bucket`) so that a key is
a SUCCESS the first time, whatever other tests copied before.
"""

from __future__ import annotations

import itertools
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

import pytest
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkoms.v2 import (CreateSyncEventsRequest, CreateSyncTaskReq, CreateSyncTaskRequest,
                                  DeleteSyncTaskRequest, ListSyncTaskStatisticRequest, ListSyncTasksRequest,
                                  OmsClient, ShowSyncTaskRequest, StartSyncTaskReq, StartSyncTaskRequest,
                                  StopSyncTaskRequest, SyncObjectReq)

import oms_helpers as h

# A source bucket of its own (Aliyun, cn-hangzhou), seeded once for this module.
SYNC_SRC, SYNC_PREFIX, SYNC_OBJECTS, SYNC_SIZE = "sync-src", "sync/", 12, 3000
SEEDED_KEYS = [f"{SYNC_PREFIX}object-{i:05d}.bin" for i in range(SYNC_OBJECTS)]
MISSING_KEY = f"{SYNC_PREFIX}no-such-object.bin"

REQUIRED = ["src_region", "src_bucket", "src_ak", "src_sk", "dst_ak", "dst_sk", "dst_region", "dst_bucket"]
DATA_TYPES = ["REQUEST", "SUCCESS", "FAILURE", "SKIP", "SIZE"]
UNKNOWN_SYNC_ID = "00000000-0000-4000-8000-000000000000"

FIVE_MINUTES_MS = 5 * 60 * 1000
HOUR_MS = 60 * 60 * 1000
DAY_MS = 24 * HOUR_MS

_bucket_numbers = itertools.count(1)


# --------------------------------------------------------------------------- helpers

def sync_body(**overrides: Any) -> dict:
    """A createSyncTask body (dict: the SDK sends it as it is, so fields can be left out)."""
    body: dict[str, Any] = {
        "src_cloud_type": h.SRC_CLOUD, "src_region": h.SRC_REGION, "src_bucket": SYNC_SRC,
        "src_ak": h.SRC_AK, "src_sk": h.SRC_SK,
        "dst_ak": h.DST_AK, "dst_sk": h.DST_SK, "dst_region": h.DST_REGION, "dst_bucket": h.DST_BUCKET,
    }
    body.update(overrides)
    return body


def start_body(**kw: Any) -> StartSyncTaskReq:
    args = dict(src_ak=h.SRC_AK, src_sk=h.SRC_SK, dst_ak=h.DST_AK, dst_sk=h.DST_SK)
    args.update(kw)
    return StartSyncTaskReq(**args)


def encode(key: str, safe: str = "/") -> str:
    """An object key as OMS wants it in a sync event: percent-encoded (UTF-8)."""
    return quote(key, safe=safe)


def bucket_dir(sandbox: h.Sandbox, cloud: str, region: str, bucket: str) -> Path:
    return Path(sandbox.data) / "buckets" / cloud / region / bucket


def src_file(sandbox: h.Sandbox, key: str, bucket: str = SYNC_SRC) -> Path:
    return bucket_dir(sandbox, h.SRC_CLOUD, h.SRC_REGION, bucket) / key


def dst_file(sandbox: h.Sandbox, bucket: str, key: str) -> Path:
    return bucket_dir(sandbox, h.DST_CLOUD, h.DST_REGION, bucket) / key


def put_file(path: Path, data: bytes, mtime: float | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def objects_in(folder: Path) -> dict[str, int]:
    """Key -> size of every regular file below a bucket folder."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def sandbox_ms(control: h.Control) -> int:
    """Sandbox time in ms, truncated to the second (GET /control/clock has no fractions)."""
    return h.sandbox_millis(control.now())


def steady_month(control: h.Control) -> None:
    """The sandbox clock runs 600x: if it is within a day of a month boundary (UTC), move it
    past the boundary so that 'this calendar month' (in any time zone) cannot change during
    a test."""
    now = control.now().astimezone(timezone.utc)
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (first + timedelta(days=32)).replace(day=1)
    if following - now < timedelta(days=2):
        control.advance((following - now).total_seconds() + 2 * 86400)
    elif now - first < timedelta(days=1):
        control.advance(86400)


class SyncTasks:
    """Sync-task calls through the SDK, answers as the raw JSON the sandbox sent."""

    def __init__(self, client: OmsClient, control: h.Control):
        self.client = client
        self.control = control

    def create(self, body: Any = None, **kw: Any) -> str:
        resp = self.client.create_sync_task(CreateSyncTaskRequest(body=body if body is not None else sync_body(**kw)))
        assert resp.status_code == 200, resp
        created = h.raw(resp)
        assert isinstance(created, dict) and isinstance(created.get("sync_task_id"), str) and created["sync_task_id"], \
            f"createSyncTask answers {{\"sync_task_id\": \"<string>\"}}, got {created!r}"
        h.assert_no_secrets(created)
        return created["sync_task_id"]

    def show(self, task_id: str, query_time: int | None = None) -> dict:
        return h.raw(self.client.show_sync_task(ShowSyncTaskRequest(sync_task_id=task_id, query_time=query_time)))

    def status(self, task_id: str) -> str:
        return self.show(task_id)["status"]

    def stop(self, task_id: str) -> Any:
        resp = self.client.stop_sync_task(StopSyncTaskRequest(sync_task_id=task_id))
        assert resp.status_code == 200, resp
        return resp

    def start(self, task_id: str, body: Any = None) -> Any:
        resp = self.client.start_sync_task(StartSyncTaskRequest(
            sync_task_id=task_id, body=body if body is not None else start_body()))
        assert resp.status_code == 200, resp
        return resp

    def events(self, task_id: str, keys: list[str]) -> Any:
        """Posts already-encoded keys; the answer must be a 200."""
        resp = self.client.create_sync_events(CreateSyncEventsRequest(
            sync_task_id=task_id, body=SyncObjectReq(object_keys=keys)))
        assert resp.status_code == 200, resp
        return resp

    def list_page(self, **query: Any) -> dict:
        return h.raw(self.client.list_sync_tasks(ListSyncTasksRequest(**query)))

    def list_all(self, **query: Any) -> tuple[list[dict], int]:
        out: list[dict] = []
        offset = 0
        while True:
            page = self.list_page(limit=100, offset=offset, **query)
            count = page["count"]
            out.extend(page["tasks"] or [])
            offset += 100
            if offset >= count or not page["tasks"]:
                return out, count

    def statistics(self, task_id: str, start: int, end: int, types: Iterable[str] = DATA_TYPES) -> dict:
        return h.raw(self.client.list_sync_task_statistic(ListSyncTaskStatisticRequest(
            sync_task_id=task_id, data_type=",".join(types), start_time=start, end_time=end)))

    def sums(self, task_id: str, start: int, end: int, types: Iterable[str] = DATA_TYPES) -> dict[str, int]:
        """Per data type, the sum of statistic_num over every bucket of [start, end]."""
        types = list(types)
        stats = self.statistics(task_id, start, end, types)
        check_statistics(stats, task_id, types)
        return {d["data_type"]: sum(p["statistic_num"] for p in d.get("data") or []) for d in stats["statistic_datas"]}

    def dispose(self, task_id: str) -> None:
        try:
            self.client.delete_sync_task(DeleteSyncTaskRequest(sync_task_id=task_id))
        except exceptions.ServiceResponseException:
            pass


def check_sync_task_info(t: dict) -> None:
    """Types of a SyncTaskInfo (the SDK model); credentials never come back."""
    h.assert_type(t, "sync_task_id", str, nullable=False)
    assert t["status"] in {"SYNCHRONIZING", "STOPPED"}, f"status is SYNCHRONIZING or STOPPED, got {t.get('status')!r}"
    for key in ("src_cloud_type", "src_region", "src_bucket", "dst_bucket", "dst_region"):
        h.assert_type(t, key, str, nullable=False)
    h.assert_int(t, "create_time", 10 ** 12, nullable=False)
    h.assert_int(t, "last_start_time", 0)
    for key in ("description", "app_id", "object_overwrite_mode", "dst_storage_policy", "consistency_check"):
        h.assert_type(t, key, str)
    for key in ("enable_metadata_migration", "enable_restore"):
        h.assert_type(t, key, bool)
    h.assert_no_secrets(t)


MONTHLY = ("monthly_acceptance_request", "monthly_success_object", "monthly_failure_object",
           "monthly_skip_object", "monthly_size")


def monthly(t: dict) -> dict[str, int]:
    for key in MONTHLY:
        h.assert_int(t, key, 0, nullable=False)
    return {key: t[key] for key in MONTHLY}


def expected_monthly(request: int, success: int, failure: int, skip: int, size: int) -> dict[str, int]:
    return dict(zip(MONTHLY, (request, success, failure, skip, size)))


def check_statistics(stats: dict, task_id: str, types: list[str]) -> None:
    assert stats.get("sync_task_id") == task_id, f"statistics name their task: {stats!r}"
    assert stats.get("statistic_time_type") in {"FIVE_MINUTES", "ONE_HOUR"}, stats
    datas = stats.get("statistic_datas")
    assert isinstance(datas, list), f"statistic_datas is a list: {stats!r}"
    listed = [d.get("data_type") for d in datas]
    assert sorted(listed) == sorted(types), f"one entry per requested data type {types}, got {listed}"
    step = FIVE_MINUTES_MS if stats["statistic_time_type"] == "FIVE_MINUTES" else HOUR_MS
    for d in datas:
        assert isinstance(d.get("data"), list), f"each entry has a data list: {d!r}"
        for point in d["data"]:
            h.assert_int(point, "time_stamp", 0, nullable=False)
            h.assert_int(point, "statistic_num", 0, nullable=False)
            assert point["time_stamp"] % step == 0, \
                f"time_stamp is the start of a {stats['statistic_time_type']} bucket: {point}"


def stats_window(before: int, after: int) -> tuple[int, int]:
    """A window under 24 h around [before, after] (sandbox ms), wide enough for the buckets."""
    return before - 2 * FIVE_MINUTES_MS, after + 1000


def expected_sums(request: int, success: int, failure: int, skip: int, size: int) -> dict[str, int]:
    return {"REQUEST": request, "SUCCESS": success, "FAILURE": failure, "SKIP": skip, "SIZE": size}


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def sync_source(sandbox: h.Sandbox, control: h.Control, seeded_buckets: dict) -> str:
    control.add_bucket(h.SRC_CLOUD, h.SRC_REGION, SYNC_SRC, prefix=SYNC_PREFIX, objects=SYNC_OBJECTS,
                       object_size=SYNC_SIZE)
    files = objects_in(bucket_dir(sandbox, h.SRC_CLOUD, h.SRC_REGION, SYNC_SRC))
    assert files == {k: SYNC_SIZE for k in SEEDED_KEYS}, f"seeded source bucket: {files}"
    return SYNC_SRC


@pytest.fixture
def dst_bucket(control: h.Control, seeded_buckets: dict) -> str:
    """A new, empty destination bucket (HuaweiCloud, cn-north-4) for one test."""
    name = f"sync-dst-{next(_bucket_numbers):03d}"
    control.add_bucket(h.DST_CLOUD, h.DST_REGION, name, objects=0)
    return name


@pytest.fixture(scope="module")
def sync(client: OmsClient, control: h.Control, sync_source: str) -> SyncTasks:
    return SyncTasks(client, control)


# --------------------------------------------------------------------------- create / show

def test_create_sync_task_with_sdk_model(client, control, sync):
    before = sandbox_ms(control)
    resp = client.create_sync_task(CreateSyncTaskRequest(body=CreateSyncTaskReq(
        src_cloud_type=h.SRC_CLOUD, src_region=h.SRC_REGION, src_bucket=SYNC_SRC,
        src_ak=h.SRC_AK, src_sk=h.SRC_SK, dst_ak=h.DST_AK, dst_sk=h.DST_SK,
        dst_region=h.DST_REGION, dst_bucket=h.DST_BUCKET,
        description="conformance sync task", enable_metadata_migration=True, enable_restore=False,
        dst_storage_policy="IA", consistency_check="crc64")))
    assert resp.status_code == 200, "createSyncTask answers 200"
    created = h.raw(resp)
    assert set(created) == {"sync_task_id"}, f"createSyncTask answers only sync_task_id: {created!r}"
    task_id = created["sync_task_id"]
    assert isinstance(task_id, str) and task_id, f"sync_task_id is a non-empty string: {task_id!r}"
    assert resp.sync_task_id == task_id
    after = sandbox_ms(control) + 1000

    t = sync.show(task_id)
    check_sync_task_info(t)
    assert t["sync_task_id"] == task_id
    assert t["status"] == "SYNCHRONIZING", f"a new sync task is SYNCHRONIZING: {t!r}"
    assert t["src_cloud_type"] == h.SRC_CLOUD
    assert (t["src_region"], t["src_bucket"]) == (h.SRC_REGION, SYNC_SRC)
    assert (t["dst_region"], t["dst_bucket"]) == (h.DST_REGION, h.DST_BUCKET)
    assert t["description"] == "conformance sync task"
    assert t["enable_metadata_migration"] is True
    assert t["enable_restore"] is False
    assert t["dst_storage_policy"] == "IA"
    assert t["consistency_check"] == "crc64"
    assert before <= t["create_time"] <= after, \
        f"create_time is sandbox Unix ms of the creation: {before} <= {t['create_time']} <= {after}"


def test_show_sync_task_via_sdk_model(client, sync):
    task_id = sync.create()
    resp = client.show_sync_task(ShowSyncTaskRequest(sync_task_id=task_id))
    assert resp.status_code == 200
    assert resp.sync_task_id == task_id
    assert resp.status == "SYNCHRONIZING"
    assert resp.src_bucket == SYNC_SRC and resp.dst_bucket == h.DST_BUCKET
    assert isinstance(resp.create_time, int)


def test_new_sync_task_has_zero_monthly_counters(sync):
    t = sync.show(sync.create())
    assert monthly(t) == expected_monthly(0, 0, 0, 0, 0), t


def test_src_cloud_type_defaults_to_aliyun(sandbox, sync, dst_bucket):
    body = sync_body(dst_bucket=dst_bucket)
    del body["src_cloud_type"]
    task_id = sync.create(body)
    t = sync.show(task_id)
    assert t["src_cloud_type"] == "Aliyun", f"src_cloud_type defaults to Aliyun: {t!r}"
    # ... and the source really is the Aliyun bucket: an event copies from it.
    sync.events(task_id, [SEEDED_KEYS[0]])
    assert objects_in(bucket_dir(sandbox, h.DST_CLOUD, h.DST_REGION, dst_bucket)) == {SEEDED_KEYS[0]: SYNC_SIZE}


def test_create_and_show_never_return_keys(client, sync):
    resp = client.create_sync_task(CreateSyncTaskRequest(body=sync_body()))
    h.assert_no_secrets(h.raw(resp))
    task_id = h.raw(resp)["sync_task_id"]
    t = sync.show(task_id)
    h.assert_no_secrets(t)
    for key in ("src_ak", "src_sk", "dst_ak", "dst_sk"):
        assert key not in t, f"show never carries {key}"


def test_listed_sync_tasks_never_carry_keys(sync):
    sync.create()
    everything, _ = sync.list_all()
    assert everything
    for t in everything:
        h.assert_no_secrets(t)


# --------------------------------------------------------------------------- create validation

@pytest.mark.parametrize("field", REQUIRED)
def test_create_missing_required_field(client, sync, field):
    body = sync_body()
    del body[field]
    h.expect_error(lambda: client.create_sync_task(CreateSyncTaskRequest(body=body)), 400, "OMS.1004",
                   f"{field} is required")


@pytest.mark.parametrize("char", list('<>()"\'&'), ids=["lt", "gt", "lparen", "rparen", "quote", "apostrophe", "amp"])
def test_create_description_forbidden_character(client, sync, char):
    body = sync_body(description=f"before {char} after")
    h.expect_error(lambda: client.create_sync_task(CreateSyncTaskRequest(body=body)), 400, "OMS.0078",
                   f"description with {char!r}")


def test_create_description_too_long(client, sync):
    h.expect_error(lambda: client.create_sync_task(CreateSyncTaskRequest(body=sync_body(description="d" * 256))),
                   400, "OMS.1003", "description of 256 characters")


def test_create_description_255_accepted(sync):
    task_id = sync.create(description="d" * 255)
    assert sync.show(task_id)["description"] == "d" * 255


@pytest.mark.parametrize("field", ["src_ak", "src_sk", "dst_ak", "dst_sk"])
def test_create_key_too_long(client, sync, field):
    h.expect_error(lambda: client.create_sync_task(CreateSyncTaskRequest(body=sync_body(**{field: "K" * 101}))),
                   400, "OMS.1003", f"{field} of 101 characters")


def test_create_keys_of_100_characters_accepted(sync):
    task_id = sync.create(src_ak="A" * 100, src_sk="B" * 100, dst_ak="C" * 100, dst_sk="D" * 100)
    t = sync.show(task_id)
    assert t["status"] == "SYNCHRONIZING"
    h.assert_no_secrets(t, ("A" * 100, "B" * 100, "C" * 100, "D" * 100))


BAD_REGIONS = ["cn hangzhou", "../cn-hangzhou", "cn-hangzhou/x", "区域"]
BAD_BUCKETS = ["bad bucket", "../sync-src", "bad/bucket", ".hidden"]


@pytest.mark.parametrize("region", BAD_REGIONS)
def test_create_malformed_source_region(client, sync, region):
    h.expect_error(lambda: client.create_sync_task(CreateSyncTaskRequest(body=sync_body(src_region=region))),
                   400, "OMS.0057", f"src_region {region!r}")


@pytest.mark.parametrize("bucket", BAD_BUCKETS)
def test_create_malformed_source_bucket(client, sync, bucket):
    h.expect_error(lambda: client.create_sync_task(CreateSyncTaskRequest(body=sync_body(src_bucket=bucket))),
                   400, "OMS.0057", f"src_bucket {bucket!r}")


@pytest.mark.parametrize("region", BAD_REGIONS)
def test_create_malformed_destination_region(client, sync, region):
    h.expect_error(lambda: client.create_sync_task(CreateSyncTaskRequest(body=sync_body(dst_region=region))),
                   400, "OMS.0058", f"dst_region {region!r}")


@pytest.mark.parametrize("bucket", BAD_BUCKETS)
def test_create_malformed_destination_bucket(client, sync, bucket):
    h.expect_error(lambda: client.create_sync_task(CreateSyncTaskRequest(body=sync_body(dst_bucket=bucket))),
                   400, "OMS.0058", f"dst_bucket {bucket!r}")


def test_refused_create_adds_no_task(client, sync):
    _, before = sync.list_all()
    h.refused(lambda: client.create_sync_task(CreateSyncTaskRequest(body=sync_body(description="a<b"))))
    h.refused(lambda: client.create_sync_task(CreateSyncTaskRequest(body=sync_body(src_ak="K" * 101))))
    _, after = sync.list_all()
    assert after == before, f"refused creations add no task: count {before} -> {after}"


# --------------------------------------------------------------------------- list

def test_list_sync_tasks_pagination(sync):
    created = {sync.create() for _ in range(12)}
    everything, count = sync.list_all()
    ids = [t["sync_task_id"] for t in everything]
    assert len(ids) == count, f"count is the number of tasks: {count} vs {len(ids)} listed"
    assert len(set(ids)) == len(ids), "a sync task appears once"
    assert created <= set(ids), "every new sync task is listed"
    for t in everything:
        check_sync_task_info(t)

    default = sync.list_page()
    assert default["count"] == count, "count is the total, not the page size"
    assert len(default["tasks"]) == min(10, count), "limit defaults to 10"

    paged: list[str] = []
    offset = 0
    while offset < count:
        page = sync.list_page(limit=5, offset=offset)
        assert page["count"] == count, "count is the total on every page"
        assert 0 < len(page["tasks"]) <= 5, page
        paged.extend(t["sync_task_id"] for t in page["tasks"])
        offset += 5
    assert sorted(paged) == sorted(ids), "pages of 5 cover every sync task exactly once"

    beyond = sync.list_page(limit=5, offset=count + 10)
    assert beyond["tasks"] in ([], None) and beyond["count"] == count


def test_list_sync_tasks_via_sdk_model(client, sync):
    task_id = sync.create(description="listed via model")
    resp = client.list_sync_tasks(ListSyncTasksRequest(limit=100, status="SYNCHRONIZING"))
    assert resp.status_code == 200
    assert isinstance(resp.count, int) and resp.count >= 1
    assert all(t.status == "SYNCHRONIZING" for t in resp.tasks)
    offset = 100
    ids = {t.sync_task_id for t in resp.tasks}
    while offset < resp.count:
        ids |= {t.sync_task_id for t in client.list_sync_tasks(ListSyncTasksRequest(
            limit=100, offset=offset, status="SYNCHRONIZING")).tasks}
        offset += 100
    assert task_id in ids


def test_list_sync_tasks_limit_bounds_accepted(sync):
    sync.create()
    sync.create()
    _, count = sync.list_all()
    one = sync.list_page(limit=1)
    assert len(one["tasks"]) == 1 and one["count"] == count
    hundred = sync.list_page(limit=100)
    assert len(hundred["tasks"]) == min(100, count) and hundred["count"] == count


@pytest.mark.parametrize("limit", [0, 101, -1])
def test_list_sync_tasks_limit_out_of_range(client, sync, limit):
    h.expect_error(lambda: client.list_sync_tasks(ListSyncTasksRequest(limit=limit)), 400, "OMS.1003",
                   f"limit={limit}")


@pytest.mark.parametrize("status", ["RUNNING", "PAUSED", "synchronizing-ish", "1"])
def test_list_sync_tasks_unknown_status(client, sync, status):
    h.expect_error(lambda: client.list_sync_tasks(ListSyncTasksRequest(status=status)), 400, "OMS.1003",
                   f"status={status}")


def test_list_sync_tasks_status_filter(sync):
    running, stopped = sync.create(), sync.create()
    sync.stop(stopped)
    _, total = sync.list_all()
    sync_list, sync_count = sync.list_all(status="SYNCHRONIZING")
    stop_list, stop_count = sync.list_all(status="STOPPED")
    assert all(t["status"] == "SYNCHRONIZING" for t in sync_list), "status=SYNCHRONIZING lists only those"
    assert all(t["status"] == "STOPPED" for t in stop_list), "status=STOPPED lists only those"
    assert len(sync_list) == sync_count and len(stop_list) == stop_count, "count is the number matching"
    assert running in {t["sync_task_id"] for t in sync_list}
    assert running not in {t["sync_task_id"] for t in stop_list}
    assert stopped in {t["sync_task_id"] for t in stop_list}
    assert stopped not in {t["sync_task_id"] for t in sync_list}
    assert sync_count + stop_count == total, \
        f"every sync task is SYNCHRONIZING or STOPPED: {sync_count} + {stop_count} != {total}"
    page = sync.list_page(status="STOPPED", limit=1)
    assert page["count"] == stop_count, "a filtered page's count is the number matching, not the page size"


# --------------------------------------------------------------------------- stop / start / delete

def test_stop_then_stop_again_refused(client, sync):
    task_id = sync.create()
    sync.stop(task_id)
    assert sync.status(task_id) == "STOPPED", "stop makes a SYNCHRONIZING task STOPPED"
    h.expect_error(lambda: client.stop_sync_task(StopSyncTaskRequest(sync_task_id=task_id)), 400, "OMS.0066",
                   "stop of a STOPPED sync task")
    assert sync.status(task_id) == "STOPPED"


def test_start_running_task_refused(client, sync):
    task_id = sync.create()
    h.expect_error(lambda: client.start_sync_task(StartSyncTaskRequest(sync_task_id=task_id, body=start_body())),
                   400, "OMS.0065", "start of a SYNCHRONIZING sync task")
    assert sync.status(task_id) == "SYNCHRONIZING"


def test_start_stopped_task(client, control, sync):
    task_id = sync.create()
    sync.stop(task_id)
    before = sandbox_ms(control)
    resp = client.start_sync_task(StartSyncTaskRequest(sync_task_id=task_id, body=start_body()))
    assert resp.status_code == 200
    after = sandbox_ms(control) + 1000
    t = sync.show(task_id)
    check_sync_task_info(t)
    assert t["status"] == "SYNCHRONIZING", f"start makes a STOPPED task SYNCHRONIZING: {t!r}"
    assert h.is_int(t.get("last_start_time")), f"start sets last_start_time: {t!r}"
    assert before <= t["last_start_time"] <= after, \
        f"last_start_time is the sandbox time of the start: {before} <= {t['last_start_time']} <= {after}"
    assert t["last_start_time"] >= t["create_time"]
    h.expect_error(lambda: client.start_sync_task(StartSyncTaskRequest(sync_task_id=task_id, body=start_body())),
                   400, "OMS.0065", "start of a sync task that is synchronizing again")


def test_delete_stopped_sync_task(client, sync):
    task_id = sync.create()
    sync.stop(task_id)
    _, before = sync.list_all()
    resp = client.delete_sync_task(DeleteSyncTaskRequest(sync_task_id=task_id))
    assert resp.status_code == 200
    h.expect_error(lambda: client.show_sync_task(ShowSyncTaskRequest(sync_task_id=task_id)), 400, "OMS.1009",
                   "show of a deleted sync task")
    listed, after = sync.list_all()
    assert task_id not in {t["sync_task_id"] for t in listed}, "a deleted sync task is not listed"
    assert after == before - 1, f"count drops by one: {before} -> {after}"


def test_delete_synchronizing_sync_task(client, sync):
    task_id = sync.create()
    resp = client.delete_sync_task(DeleteSyncTaskRequest(sync_task_id=task_id))
    assert resp.status_code == 200, "DELETE answers 200 whatever the state"
    h.expect_error(lambda: client.show_sync_task(ShowSyncTaskRequest(sync_task_id=task_id)), 400, "OMS.1009",
                   "show of a deleted sync task")


def test_deleted_sync_task_is_unknown_everywhere(client, sync):
    task_id = sync.create()
    client.delete_sync_task(DeleteSyncTaskRequest(sync_task_id=task_id))
    h.expect_error(lambda: client.delete_sync_task(DeleteSyncTaskRequest(sync_task_id=task_id)), 400, "OMS.1009",
                   "delete of a deleted sync task")
    h.expect_error(lambda: client.create_sync_events(CreateSyncEventsRequest(
        sync_task_id=task_id, body=SyncObjectReq(object_keys=[SEEDED_KEYS[0]]))), 400, "OMS.1009",
        "events to a deleted sync task")


@pytest.mark.parametrize("op", ["show", "stop", "start", "delete", "events", "statistics"])
def test_unknown_sync_task_id(client, sync, op):
    calls = {
        "show": lambda: client.show_sync_task(ShowSyncTaskRequest(sync_task_id=UNKNOWN_SYNC_ID)),
        "stop": lambda: client.stop_sync_task(StopSyncTaskRequest(sync_task_id=UNKNOWN_SYNC_ID)),
        "start": lambda: client.start_sync_task(StartSyncTaskRequest(sync_task_id=UNKNOWN_SYNC_ID,
                                                                     body=start_body())),
        "delete": lambda: client.delete_sync_task(DeleteSyncTaskRequest(sync_task_id=UNKNOWN_SYNC_ID)),
        "events": lambda: client.create_sync_events(CreateSyncEventsRequest(
            sync_task_id=UNKNOWN_SYNC_ID, body=SyncObjectReq(object_keys=[SEEDED_KEYS[0]]))),
        "statistics": lambda: client.list_sync_task_statistic(ListSyncTaskStatisticRequest(
            sync_task_id=UNKNOWN_SYNC_ID, data_type="REQUEST", start_time=0, end_time=DAY_MS)),
    }
    h.expect_error(calls[op], 400, "OMS.1009", f"{op} of an unknown sync task id")


# --------------------------------------------------------------------------- events: copying

def test_event_copies_object_to_destination(sandbox, sync, dst_bucket):
    task_id = sync.create(dst_bucket=dst_bucket)
    key = SEEDED_KEYS[1]
    resp = sync.events(task_id, [encode(key)])
    assert h.raw(resp) in (None, {}), f"createSyncEvents answers an empty body: {resp.raw_content!r}"
    copied = dst_file(sandbox, dst_bucket, key)
    assert copied.is_file(), f"the key is copied before the answer: {copied} missing"
    assert copied.read_bytes() == src_file(sandbox, key).read_bytes(), "the copy has the source's bytes"
    assert objects_in(bucket_dir(sandbox, h.DST_CLOUD, h.DST_REGION, dst_bucket)) == {key: SYNC_SIZE}, \
        "only the posted key is copied, to the same key"


def test_event_with_several_keys_copies_each(sandbox, sync, dst_bucket):
    task_id = sync.create(dst_bucket=dst_bucket)
    keys = SEEDED_KEYS[2:6]
    sync.events(task_id, [encode(k) for k in keys])
    assert objects_in(bucket_dir(sandbox, h.DST_CLOUD, h.DST_REGION, dst_bucket)) == {k: SYNC_SIZE for k in keys}


def test_event_ten_keys_accepted(control, sandbox, sync, dst_bucket):
    task_id = sync.create(dst_bucket=dst_bucket)
    keys = SEEDED_KEYS[:10]
    before = sandbox_ms(control)
    sync.events(task_id, [encode(k) for k in keys])
    after = sandbox_ms(control)
    assert objects_in(bucket_dir(sandbox, h.DST_CLOUD, h.DST_REGION, dst_bucket)) == {k: SYNC_SIZE for k in keys}
    assert sync.sums(task_id, *stats_window(before, after)) == expected_sums(10, 10, 0, 0, 10 * SYNC_SIZE)


def test_second_event_for_same_key_is_skip(control, sandbox, sync, dst_bucket):
    task_id = sync.create(dst_bucket=dst_bucket)
    key = SEEDED_KEYS[3]
    before = sandbox_ms(control)
    sync.events(task_id, [encode(key)])
    mid = sandbox_ms(control)
    assert sync.sums(task_id, *stats_window(before, mid)) == expected_sums(1, 1, 0, 0, SYNC_SIZE), \
        "the first event copies the key"
    copy = dst_file(sandbox, dst_bucket, key)
    first_mtime = copy.stat().st_mtime_ns
    sync.events(task_id, [encode(key)])
    after = sandbox_ms(control)
    assert sync.sums(task_id, *stats_window(before, after)) == expected_sums(2, 1, 0, 1, SYNC_SIZE), \
        "the same key again is a SKIP (same size, destination not older), not a SUCCESS; SIZE counts copies only"
    assert copy.stat().st_mtime_ns == first_mtime, "a skipped key is not written again"


def test_missing_source_key_is_failure(control, sandbox, sync, dst_bucket):
    task_id = sync.create(dst_bucket=dst_bucket)
    before = sandbox_ms(control)
    sync.events(task_id, [encode(MISSING_KEY)])
    after = sandbox_ms(control)
    assert sync.sums(task_id, *stats_window(before, after)) == expected_sums(1, 0, 1, 0, 0)
    assert objects_in(bucket_dir(sandbox, h.DST_CLOUD, h.DST_REGION, dst_bucket)) == {}, "nothing is copied"


def test_mixed_event_counts(control, sandbox, sync, dst_bucket):
    """Two existing keys and a missing one, twice: REQUEST counts every key on arrival, the
    first round copies (SUCCESS 2, FAILURE 1), the second skips (SKIP 2, FAILURE 1 again)."""
    task_id = sync.create(dst_bucket=dst_bucket)
    keys = [SEEDED_KEYS[4], MISSING_KEY, SEEDED_KEYS[5]]
    before = sandbox_ms(control)
    sync.events(task_id, [encode(k) for k in keys])
    sync.events(task_id, [encode(k) for k in keys])
    after = sandbox_ms(control)
    assert sync.sums(task_id, *stats_window(before, after)) == expected_sums(6, 2, 2, 2, 2 * SYNC_SIZE)
    assert objects_in(bucket_dir(sandbox, h.DST_CLOUD, h.DST_REGION, dst_bucket)) == \
        {SEEDED_KEYS[4]: SYNC_SIZE, SEEDED_KEYS[5]: SYNC_SIZE}


def test_changed_source_object_is_copied_again(control, sandbox, sync, dst_bucket):
    task_id = sync.create(dst_bucket=dst_bucket)
    key = "changing/size.bin"
    src = src_file(sandbox, key)
    put_file(src, b"a" * 100, mtime=1_710_000_000)
    before = sandbox_ms(control)
    sync.events(task_id, [encode(key)])
    put_file(src, b"b" * 250, mtime=1_710_000_000)  # a new size, the same time
    sync.events(task_id, [encode(key)])
    after = sandbox_ms(control)
    assert dst_file(sandbox, dst_bucket, key).read_bytes() == b"b" * 250, "a different size is copied again"
    assert sync.sums(task_id, *stats_window(before, after)) == expected_sums(2, 2, 0, 0, 350)


def test_older_destination_copy_is_replaced(control, sandbox, sync, dst_bucket):
    """Same size, destination last-modified earlier than the source's: not a skip."""
    task_id = sync.create(dst_bucket=dst_bucket)
    key = "older-dst/object.bin"
    put_file(src_file(sandbox, key), b"new-content!", mtime=1_720_000_000)
    put_file(dst_file(sandbox, dst_bucket, key), b"old-content!", mtime=1_720_000_000 - 3600)
    before = sandbox_ms(control)
    sync.events(task_id, [encode(key)])
    after = sandbox_ms(control)
    assert dst_file(sandbox, dst_bucket, key).read_bytes() == b"new-content!"
    assert sync.sums(task_id, *stats_window(before, after)) == expected_sums(1, 1, 0, 0, 12)


def test_newer_destination_copy_of_same_size_is_skipped(control, sandbox, sync, dst_bucket):
    """Same size, destination last-modified later than the source's: a SKIP, left untouched."""
    task_id = sync.create(dst_bucket=dst_bucket)
    key = "newer-dst/object.bin"
    put_file(src_file(sandbox, key), b"source-bytes", mtime=1_720_000_000)
    put_file(dst_file(sandbox, dst_bucket, key), b"dest-bytes!!", mtime=1_720_000_000 + 3600)
    before = sandbox_ms(control)
    sync.events(task_id, [encode(key)])
    after = sandbox_ms(control)
    assert dst_file(sandbox, dst_bucket, key).read_bytes() == b"dest-bytes!!", "a skipped object is left alone"
    assert sync.sums(task_id, *stats_window(before, after)) == expected_sums(1, 0, 0, 1, 0)


def test_newer_destination_copy_of_other_size_is_replaced(control, sandbox, sync, dst_bucket):
    task_id = sync.create(dst_bucket=dst_bucket)
    key = "newer-dst-other-size/object.bin"
    put_file(src_file(sandbox, key), b"source-bytes", mtime=1_720_000_000)
    put_file(dst_file(sandbox, dst_bucket, key), b"short", mtime=1_720_000_000 + 3600)
    before = sandbox_ms(control)
    sync.events(task_id, [encode(key)])
    after = sandbox_ms(control)
    assert dst_file(sandbox, dst_bucket, key).read_bytes() == b"source-bytes"
    assert sync.sums(task_id, *stats_window(before, after)) == expected_sums(1, 1, 0, 0, 12)


def test_url_encoded_keys_are_decoded(control, sandbox, sync, dst_bucket):
    """Keys with a space, non-ASCII characters and a literal % arrive percent-encoded and are
    copied under their decoded names (decoded once: %25 is a %, not a second escape)."""
    task_id = sync.create(dst_bucket=dst_bucket)
    keys = {"special/with space.txt": b"space!",
            "special/été-日本語.txt": "non-ascii 日本".encode(),
            "special/50% off.txt": b"percent-literal"}
    for key, data in keys.items():
        put_file(src_file(sandbox, key), data, mtime=1_715_000_000)
    encoded = [encode(k) for k in keys]
    assert encoded == ["special/with%20space.txt", "special/%C3%A9t%C3%A9-%E6%97%A5%E6%9C%AC%E8%AA%9E.txt",
                       "special/50%25%20off.txt"]
    before = sandbox_ms(control)
    sync.events(task_id, encoded)
    after = sandbox_ms(control)
    assert objects_in(bucket_dir(sandbox, h.DST_CLOUD, h.DST_REGION, dst_bucket)) == \
        {k: len(v) for k, v in keys.items()}, "each key is copied under its decoded name"
    for key, data in keys.items():
        assert dst_file(sandbox, dst_bucket, key).read_bytes() == data
    assert sync.sums(task_id, *stats_window(before, after)) == \
        expected_sums(3, 3, 0, 0, sum(len(v) for v in keys.values()))


def test_url_encoded_slash_is_decoded(sandbox, sync, dst_bucket):
    """A fully encoded key (/ as %2F) names the same object as the plain one."""
    task_id = sync.create(dst_bucket=dst_bucket)
    key = SEEDED_KEYS[7]
    sync.events(task_id, [encode(key, safe="")])
    assert objects_in(bucket_dir(sandbox, h.DST_CLOUD, h.DST_REGION, dst_bucket)) == {key: SYNC_SIZE}


def test_event_key_cannot_escape_the_buckets(control, sandbox, sync, dst_bucket):
    """A key with `..` segments must not read or write outside the two buckets: refused with
    a 400, or counted as a FAILURE; never copied."""
    task_id = sync.create(dst_bucket=dst_bucket)
    key = f"../{SYNC_SRC}/{SEEDED_KEYS[0]}"  # joined naively: the real source object, copied beside dst_bucket
    escaped = bucket_dir(sandbox, h.DST_CLOUD, h.DST_REGION, SYNC_SRC)
    before = sandbox_ms(control)
    try:
        sync.client.create_sync_events(CreateSyncEventsRequest(
            sync_task_id=task_id, body=SyncObjectReq(object_keys=[encode(key)])))
        accepted = True
    except exceptions.ServiceResponseException as e:
        assert e.status_code == 400, f"a refusal of a `..` key is a 400: {e}"
        accepted = False
    after = sandbox_ms(control)
    assert not escaped.exists(), f"a `..` key wrote outside the destination bucket: {escaped}"
    assert objects_in(bucket_dir(sandbox, h.DST_CLOUD, h.DST_REGION, dst_bucket)) == {}
    if accepted:
        assert sync.sums(task_id, *stats_window(before, after)) == expected_sums(1, 0, 1, 0, 0), \
            "an accepted `..` key can only be a FAILURE"


# --------------------------------------------------------------------------- events: refusals

def test_events_eleven_keys_refused(client, sandbox, sync, dst_bucket):
    task_id = sync.create(dst_bucket=dst_bucket)
    keys = [encode(k) for k in SEEDED_KEYS[:11]]
    h.expect_error(lambda: client.create_sync_events(CreateSyncEventsRequest(
        sync_task_id=task_id, body=SyncObjectReq(object_keys=keys))), 400, "OMS.1003", "11 keys")
    assert objects_in(bucket_dir(sandbox, h.DST_CLOUD, h.DST_REGION, dst_bucket)) == {}, \
        "a refused event request copies nothing"


def test_events_empty_list_refused(client, sync):
    task_id = sync.create()
    h.expect_error(lambda: client.create_sync_events(CreateSyncEventsRequest(
        sync_task_id=task_id, body=SyncObjectReq(object_keys=[]))), 400, "OMS.1004", "no keys")


def test_events_without_object_keys_refused(client, sync):
    task_id = sync.create()
    h.expect_error(lambda: client.create_sync_events(CreateSyncEventsRequest(
        sync_task_id=task_id, body={})), 400, "OMS.1004", "object_keys is required")


def test_events_to_stopped_task_refused(client, control, sandbox, sync, dst_bucket):
    task_id = sync.create(dst_bucket=dst_bucket)
    sync.stop(task_id)
    before = sandbox_ms(control)
    h.expect_error(lambda: client.create_sync_events(CreateSyncEventsRequest(
        sync_task_id=task_id, body=SyncObjectReq(object_keys=[encode(SEEDED_KEYS[0])]))), 400, "OMS.0066",
        "events to a STOPPED sync task")
    after = sandbox_ms(control)
    assert objects_in(bucket_dir(sandbox, h.DST_CLOUD, h.DST_REGION, dst_bucket)) == {}, \
        "a STOPPED task copies nothing"
    assert sync.sums(task_id, *stats_window(before, after)) == expected_sums(0, 0, 0, 0, 0), \
        "a refused event request is not counted"


def test_events_after_restart_copy_again(control, sandbox, sync, dst_bucket):
    task_id = sync.create(dst_bucket=dst_bucket)
    sync.stop(task_id)
    sync.start(task_id)
    before = sandbox_ms(control)
    sync.events(task_id, [encode(SEEDED_KEYS[8])])
    after = sandbox_ms(control)
    assert objects_in(bucket_dir(sandbox, h.DST_CLOUD, h.DST_REGION, dst_bucket)) == {SEEDED_KEYS[8]: SYNC_SIZE}
    assert sync.sums(task_id, *stats_window(before, after)) == expected_sums(1, 1, 0, 0, SYNC_SIZE)


# --------------------------------------------------------------------------- monthly counters

def test_monthly_counters_follow_events(control, sync, dst_bucket):
    steady_month(control)
    task_id = sync.create(dst_bucket=dst_bucket)
    keys = [encode(SEEDED_KEYS[9]), encode(MISSING_KEY), encode(SEEDED_KEYS[10])]
    sync.events(task_id, keys)
    event_time = sandbox_ms(control)
    sync.events(task_id, keys)
    want = expected_monthly(6, 2, 2, 2, 2 * SYNC_SIZE)
    assert monthly(sync.show(task_id)) == want, "monthly counters of this calendar month"
    assert monthly(sync.show(task_id, query_time=event_time)) == want, "query_time in this month"


def test_monthly_counters_of_another_month_are_zero(control, sync, dst_bucket):
    steady_month(control)
    task_id = sync.create(dst_bucket=dst_bucket)
    sync.events(task_id, [encode(SEEDED_KEYS[11])])
    now = control.now()
    assert monthly(sync.show(task_id))["monthly_success_object"] == 1
    last_month = h.sandbox_millis(now - timedelta(days=40))
    assert monthly(sync.show(task_id, query_time=last_month)) == expected_monthly(0, 0, 0, 0, 0), \
        "query_time picks the month: nothing happened 40 days earlier"


# --------------------------------------------------------------------------- statistics

def test_statistics_shape_five_minutes(control, sync, dst_bucket):
    task_id = sync.create(dst_bucket=dst_bucket)
    before = sandbox_ms(control)
    sync.events(task_id, [encode(SEEDED_KEYS[0]), encode(MISSING_KEY)])
    after = sandbox_ms(control)
    start, end = stats_window(before, after)
    stats = sync.statistics(task_id, start, end)
    check_statistics(stats, task_id, DATA_TYPES)
    assert stats["statistic_time_type"] == "FIVE_MINUTES", f"a range under 24 h is in 5-minute buckets: {stats!r}"
    first_bucket = before // FIVE_MINUTES_MS * FIVE_MINUTES_MS
    for d in stats["statistic_datas"]:
        for p in d["data"]:
            if p["statistic_num"]:
                assert first_bucket <= p["time_stamp"] <= after + 1000, \
                    f"activity lies in the buckets of the events ({first_bucket}..{after}): {p}"


def test_statistics_one_hour_for_ranges_over_a_day(control, sync, dst_bucket):
    task_id = sync.create(dst_bucket=dst_bucket)
    before = sandbox_ms(control)
    sync.events(task_id, [encode(SEEDED_KEYS[0]), encode(SEEDED_KEYS[1]), encode(MISSING_KEY)])
    after = sandbox_ms(control)
    start, end = before - 2 * DAY_MS, after + 1000
    stats = sync.statistics(task_id, start, end)
    check_statistics(stats, task_id, DATA_TYPES)
    assert stats["statistic_time_type"] == "ONE_HOUR", f"a range over 24 h is in hour buckets: {stats!r}"
    first_bucket = before // HOUR_MS * HOUR_MS
    for d in stats["statistic_datas"]:
        for p in d["data"]:
            if p["statistic_num"]:
                assert first_bucket <= p["time_stamp"] <= after + 1000, p
    assert sync.sums(task_id, start, end) == expected_sums(3, 2, 1, 0, 2 * SYNC_SIZE)


def test_statistics_exactly_24_hours_is_five_minutes(control, sync):
    task_id = sync.create()
    end = sandbox_ms(control)
    assert sync.statistics(task_id, end - DAY_MS, end)["statistic_time_type"] == "FIVE_MINUTES", \
        "a range of exactly 24 h is still in 5-minute buckets (up to 24 h)"
    assert sync.statistics(task_id, end - DAY_MS - HOUR_MS, end)["statistic_time_type"] == "ONE_HOUR", \
        "25 h is in hour buckets"


def test_statistics_only_requested_types(control, sync, dst_bucket):
    task_id = sync.create(dst_bucket=dst_bucket)
    before = sandbox_ms(control)
    sync.events(task_id, [encode(SEEDED_KEYS[2]), encode(SEEDED_KEYS[2])])
    after = sandbox_ms(control)
    start, end = stats_window(before, after)
    assert sync.sums(task_id, start, end, ["SKIP", "SIZE"]) == {"SKIP": 1, "SIZE": SYNC_SIZE}
    assert sync.sums(task_id, start, end, ["REQUEST"]) == {"REQUEST": 2}


def test_statistics_outside_the_window_are_empty(control, sync, dst_bucket):
    task_id = sync.create(dst_bucket=dst_bucket)
    before = sandbox_ms(control)
    sync.events(task_id, [encode(SEEDED_KEYS[3])])
    after = sandbox_ms(control)
    earlier = sync.sums(task_id, before - 3 * HOUR_MS, before - 2 * HOUR_MS)
    assert earlier == expected_sums(0, 0, 0, 0, 0), f"nothing happened hours before the events: {earlier}"
    assert sync.sums(task_id, *stats_window(before, after)) == expected_sums(1, 1, 0, 0, SYNC_SIZE)


def test_statistics_are_per_task(control, sync, dst_bucket):
    busy, idle = sync.create(dst_bucket=dst_bucket), sync.create(dst_bucket=dst_bucket)
    before = sandbox_ms(control)
    sync.events(busy, [encode(SEEDED_KEYS[4])])
    after = sandbox_ms(control)
    assert sync.sums(busy, *stats_window(before, after)) == expected_sums(1, 1, 0, 0, SYNC_SIZE)
    assert sync.sums(idle, *stats_window(before, after)) == expected_sums(0, 0, 0, 0, 0)


@pytest.mark.parametrize("missing", ["data_type", "start_time", "end_time"])
def test_statistics_missing_parameter(client, control, sync, missing):
    task_id = sync.create()
    now = sandbox_ms(control)
    query = dict(data_type="REQUEST,SUCCESS", start_time=now - HOUR_MS, end_time=now)
    query[missing] = None  # the SDK leaves None out of the query
    h.expect_error(lambda: client.list_sync_task_statistic(ListSyncTaskStatisticRequest(
        sync_task_id=task_id, **query)), 400, "OMS.1004", f"{missing} is required")


@pytest.mark.parametrize("data_type", ["BYTES", "REQUEST,BANDWIDTH"])
def test_statistics_unknown_data_type(client, control, sync, data_type):
    task_id = sync.create()
    now = sandbox_ms(control)
    h.expect_error(lambda: client.list_sync_task_statistic(ListSyncTaskStatisticRequest(
        sync_task_id=task_id, data_type=data_type, start_time=now - HOUR_MS, end_time=now)), 400, "OMS.1003",
        f"data_type={data_type}")


def test_statistics_start_after_end(client, control, sync):
    task_id = sync.create()
    now = sandbox_ms(control)
    h.expect_error(lambda: client.list_sync_task_statistic(ListSyncTaskStatisticRequest(
        sync_task_id=task_id, data_type="REQUEST", start_time=now, end_time=now - HOUR_MS)), 400, "OMS.1003",
        "start_time after end_time")
