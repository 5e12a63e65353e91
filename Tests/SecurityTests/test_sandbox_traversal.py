"""Path containment (issue 10, part 1): every region, bucket, key, prefix, save_prefix, list
file and cloud type the sandbox gets is refused when it could name a place outside its bucket
folders (400 with OMS.0057 for src_node, OMS.0058 for dst_node, OMS.1003 for bucket operations
and control endpoints; 400/404 on the public read path), and symbolic links planted in the
buckets are never followed. Every test also runs the engine and proves (`contained`) that
nothing outside DATA was written, created, read or listed."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest
import requests
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkoms.v2 import (CheckPrefixRequest, CreateTaskGroupRequest, CreateTaskRequest, ShowBucketListRequest,
                                  ShowBucketObjectsRequest, ShowBucketRegionRequest, ShowCdnInfoRequest,
                                  ShowTaskRequest)

import oms_helpers as h
from conftest import World, raw_get

pytestmark = pytest.mark.usefixtures("contained")

SRC = "0057"
DST = "0058"
UP5 = "../../../../.."  # from a bucket folder to ROOT
LONG_KEY = "a/" * 520  # 1,040 bytes


# --------------------------------------------------------------------------- helpers

def text_of(result: Any) -> str:
    return (getattr(result, "raw_content", None) or str(result).encode()).decode(errors="replace")


def refuse(world: World, call: Callable[[], Any], code: str, status: int = 400) -> exceptions.ServiceResponseException:
    """The SDK call is refused with `status` and OMS.`code`; no answer carries sentinel data."""
    try:
        result = call()
    except exceptions.ServiceResponseException as e:
        world.assert_clean(str(e.error_msg or ""))
        assert (e.status_code, e.error_code) == (status, f"OMS.{code}"), \
            f"expected {status} OMS.{code}, got {e.status_code} {e.error_code}: {e.error_msg}"
        assert e.error_msg, "the error body carries error_msg"
        return e
    world.assert_clean(text_of(result))
    raise AssertionError(f"expected {status} OMS.{code}, the call was accepted: {text_of(result)[:300]}")


def src_node(**over: Any) -> dict:
    node = {"cloud_type": "Aliyun", "region": "cn-hangzhou", "ak": "SRCAK", "sk": "src-sk", "bucket": "src-photos", **over}
    return {k: v for k, v in node.items() if v is not None}


def dst_node(**over: Any) -> dict:
    return {"ak": "DSTAK", "sk": "dst-sk", "bucket": "dst-obs", "region": "cn-north-4", **over}


def task(task_type: str = "prefix", src: dict | None = None, dst: dict | None = None) -> dict:
    src = src if src is not None else src_node(object_key=["2024/"])
    if task_type in ("prefix", "object") and "object_key" not in src:
        src["object_key"] = ["2024/"] if task_type == "prefix" else ["2024/object-00000.bin"]
    if task_type in ("list", "url_list") and "list_file" not in src:
        src["list_file"] = {"list_file_key": "keys.txt", "obs_bucket": "lists"}
    return {"task_type": task_type, "src_node": src, "dst_node": dst or dst_node(), "enable_kms": False}


def group(task_type: str = "PREFIX", src: dict | None = None, dst: dict | None = None) -> dict:
    body = task(task_type.lower(), src, dst)
    body["task_type"] = task_type
    return body


def create(world: World, body: dict) -> int:
    return world.client.create_task(CreateTaskRequest(body=body)).id


def finished(world: World, task_id: int) -> dict:
    """The task once it settled (Failed or Succeeded), running the engine as needed."""
    show = lambda: json.loads(world.client.show_task(ShowTaskRequest(task_id=task_id)).raw_content)  # noqa: E731
    return h.poll(show, lambda t: t["status"] in (4, 5), world.control, step=900, max_steps=5)


def accepted_or_refused(world: World, body: dict, code: str) -> dict | None:
    """A lexically valid location the sandbox may refuse at create (400 OMS.`code`) or accept;
    accepted, the task runs and is returned once settled."""
    try:
        task_id = create(world, body)
    except exceptions.ServiceResponseException as e:
        assert (e.status_code, e.error_code) == (400, f"OMS.{code}"), f"{e.status_code} {e.error_code}: {e.error_msg}"
        return None
    return finished(world, task_id)


# --------------------------------------------------------------------------- the harness itself

def test_valid_task_still_migrates(world):
    """Containment must not break the sandbox: a plain task copies its 5 objects."""
    t = finished(world, create(world, task(dst=dst_node(save_prefix="ok/"))))
    assert t["status"] == 5, t
    copied = sorted(p.name for p in (world.bucket("HuaweiCloud", "cn-north-4", "dst-obs") / "ok" / "2024").iterdir())
    assert len(copied) == 5, copied


def test_valid_public_read_still_served(world):
    status, body = raw_get(world.box.base_url, "/public/Aliyun/cn-hangzhou/src-photos/2024/object-00000.bin")
    assert status == 200 and len(body) == 512, (status, body[:100])


# --------------------------------------------------------------------------- task creates

TASK_CASES = [
    # src_node region, bucket (OMS.0057)
    ("prefix", dict(region="../../..", bucket="sentinel", object_key=[""]), None, SRC),
    ("prefix", dict(region=".."), None, SRC),
    ("prefix", dict(region="."), None, SRC),
    ("prefix", dict(region="%2e%2e"), None, SRC),
    ("prefix", dict(region="..%2f..%2f..", bucket="sentinel"), None, SRC),
    ("prefix", dict(region="..\\..\\..", bucket="sentinel"), None, SRC),
    ("prefix", dict(region="cn-hangzhou\u0000"), None, SRC),
    ("prefix", dict(region="/etc"), None, SRC),
    ("prefix", dict(bucket="../../../../sentinel", object_key=[""]), None, SRC),
    ("prefix", dict(bucket=".."), None, SRC),
    ("prefix", dict(bucket="%2e%2e%2f%2e%2e%2fsentinel"), None, SRC),
    ("prefix", dict(bucket="..\\..\\..\\..\\sentinel"), None, SRC),
    ("prefix", dict(bucket="src-photos\u0000"), None, SRC),
    # src_node object_key
    ("object", dict(object_key=[UP5 + "/sentinel/secret.txt"]), None, SRC),
    ("object", dict(object_key=["/etc/passwd"]), None, SRC),
    ("object", dict(object_key=["2024/../../../../../../sentinel/secret.txt"]), None, SRC),
    ("object", dict(object_key=["..\\..\\..\\..\\..\\sentinel\\secret.txt"]), None, SRC),
    ("object", dict(object_key=["2024/object-00000.bin\u0000.txt"]), None, SRC),
    ("object", dict(object_key=["./2024/object-00000.bin"]), None, SRC),
    ("prefix", dict(object_key=["../"]), None, SRC),
    ("prefix", dict(object_key=["2024/./"]), None, SRC),
    ("prefix", dict(object_key=["..\\"]), None, SRC),
    ("prefix", dict(object_key=["/"]), None, SRC),
    ("prefix", dict(object_key=[UP5 + "/sentinel/"]), None, SRC),
    # list files
    ("list", dict(list_file={"list_file_key": UP5 + "/sentinel/list.txt", "obs_bucket": "lists"}), None, SRC),
    ("list", dict(list_file={"list_file_key": "/etc/passwd", "obs_bucket": "lists"}), None, SRC),
    ("list", dict(list_file={"list_file_key": "..\\..\\..\\..\\..\\sentinel\\list.txt", "obs_bucket": "lists"}), None, SRC),
    ("list", dict(list_file={"list_file_key": "list.txt", "obs_bucket": "../../../../sentinel"}), None, SRC),
    ("list", dict(list_file={"list_file_key": "keys.txt", "obs_bucket": ".."}), None, SRC),
    ("url_list", dict(cloud_type="URLSource", region=None, bucket=None, ak=None, sk=None,
                      list_file={"list_file_key": UP5 + "/sentinel/list.txt", "obs_bucket": "lists"}), None, SRC),
    ("url_list", dict(cloud_type="URLSource", region=None, bucket=None, ak=None, sk=None,
                      list_file={"list_file_key": "list.txt", "obs_bucket": "../../../../sentinel"}), None, SRC),
    # dst_node region, bucket, save_prefix (OMS.0058)
    ("prefix", {}, dict(region="../../..", bucket="sentinel"), DST),
    ("prefix", {}, dict(region=".."), DST),
    ("prefix", {}, dict(region="..\\..\\.."), DST),
    ("prefix", {}, dict(bucket="../../../../sentinel"), DST),
    ("prefix", {}, dict(bucket="."), DST),
    ("prefix", {}, dict(bucket="dst-obs/../../../../sentinel"), DST),
    ("prefix", {}, dict(save_prefix=UP5 + "/escape/"), DST),
    ("prefix", {}, dict(save_prefix=UP5 + "/sentinel/"), DST),
    ("prefix", {}, dict(save_prefix="/tmp/escape/"), DST),
    ("prefix", {}, dict(save_prefix="a/../../../../../../escape/"), DST),
    ("prefix", {}, dict(save_prefix="..\\..\\..\\..\\..\\escape\\"), DST),
    ("prefix", {}, dict(save_prefix="x\u0000/"), DST),
    ("prefix", {}, dict(save_prefix="./"), DST),
    ("prefix", {}, dict(save_prefix="x/" * 513), DST),
]


@pytest.mark.parametrize("task_type, src, dst, code", TASK_CASES,
                         ids=[f"{c[0]}-{'src' if c[3] == SRC else 'dst'}-{i}" for i, c in enumerate(TASK_CASES)])
def test_task_create_refused(world, task_type, src, dst, code):
    body = task(task_type, src_node(**src), dst_node(**(dst or {})))
    refuse(world, lambda: world.client.create_task(CreateTaskRequest(body=body)), code)


GROUP_CASES = [
    ("PREFIX", dict(region="../../..", bucket="sentinel", object_key=[""]), None, SRC),
    ("PREFIX", dict(object_key=[UP5 + "/sentinel/"]), None, SRC),
    ("PREFIX", dict(bucket=".."), None, SRC),
    ("PREFIX", dict(object_key=["..\\..\\"]), None, SRC),
    ("LIST", dict(list_file={"list_file_key": UP5 + "/sentinel/list.txt", "obs_bucket": "lists"}), None, SRC),
    ("PREFIX", {}, dict(save_prefix=UP5 + "/escape/"), DST),
    ("PREFIX", {}, dict(region=".."), DST),
    ("PREFIX", {}, dict(bucket="../../../../sentinel"), DST),
]


@pytest.mark.parametrize("task_type, src, dst, code", GROUP_CASES, ids=[f"group-{i}" for i in range(len(GROUP_CASES))])
def test_task_group_create_refused(world, task_type, src, dst, code):
    body = group(task_type, src_node(**src), dst_node(**(dst or {})))
    refuse(world, lambda: world.client.create_task_group(CreateTaskGroupRequest(body=body)), code)


# --------------------------------------------------------------------------- bucket operations

def _op(world: World, name: str, over: dict) -> Callable[[], Any]:
    keys = {"ak": "SRCAK", "sk": "src-sk"}
    c = world.client
    if name == "objects":
        body = {"cloud_type": "Aliyun", "data_center": "cn-hangzhou", "bucket_name": "src-photos", "file_path": "",
                "page_size": 100, "behind_filename": "", **keys, **over}
        return lambda: c.show_bucket_objects(ShowBucketObjectsRequest(body=body))
    if name == "prefix":
        body = {"cloud_type": "Aliyun", "data_center": "cn-hangzhou", "bucket_name": "src-photos", "file_name": "2024/",
                **keys, **over}
        return lambda: c.check_prefix(CheckPrefixRequest(body=body))
    if name == "regions":
        body = {"cloud_type": "Aliyun", "bucket_name": "src-photos", **keys, **over}
        return lambda: c.show_bucket_region(ShowBucketRegionRequest(body=body))
    if name == "cdn-info":
        body = {"cloud_type": "Aliyun", "region": "cn-hangzhou", "bucket": "src-photos", "prefix": {"keys": ["2024/x"]},
                "source_cdn": {"domain": "cdn.example.com", "protocol": "https", "authentication_type": "NONE"},
                **keys, **over}
        return lambda: c.show_cdn_info(ShowCdnInfoRequest(body=body))
    body = {"cloud_type": "Aliyun", **keys, **over}
    return lambda: c.show_bucket_list(ShowBucketListRequest(body=body))


BUCKET_CASES = [
    ("objects", dict(data_center="../../..", bucket_name="sentinel")),
    ("objects", dict(data_center=UP5)),
    ("objects", dict(bucket_name="../../../../sentinel")),
    ("objects", dict(bucket_name="%2e%2e")),
    ("objects", dict(bucket_name="..")),
    ("objects", dict(file_path=UP5 + "/sentinel/")),
    ("objects", dict(file_path="/etc/")),
    ("objects", dict(file_path="2024/\u0000/")),
    ("objects", dict(file_path="..\\..\\")),
    ("objects", dict(file_path="./")),
    ("objects", dict(file_path=LONG_KEY)),
    ("objects", dict(cloud_type="../..", data_center="..", bucket_name="sentinel")),
    ("objects", dict(data_center="cn-hangzhou\u0000")),
    ("prefix", dict(data_center="../../..", bucket_name="sentinel", file_name="secret")),
    ("prefix", dict(file_name=UP5 + "/sentinel/secret")),
    ("prefix", dict(bucket_name="..\\..\\..\\..\\sentinel", file_name="")),
    ("regions", dict(bucket_name="../../../../sentinel")),
    ("regions", dict(bucket_name="..")),
    ("regions", dict(cloud_type="../..", bucket_name="sentinel")),
    ("cdn-info", dict(region="../../..", bucket="sentinel", prefix={"keys": ["secret.txt"]})),
    ("cdn-info", dict(prefix={"keys": [UP5 + "/sentinel/secret.txt"]})),
    ("cdn-info", dict(prefix={"keys": ["/etc/passwd"]})),
    ("buckets", dict(cloud_type="../..")),
    ("buckets", dict(cloud_type="..\\..")),
]


@pytest.mark.parametrize("op, over", BUCKET_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(BUCKET_CASES)])
def test_bucket_operation_refused(world, op, over):
    refuse(world, _op(world, op, over), "1003")


# --------------------------------------------------------------------------- control endpoints

CONTROL_CASES = [
    dict(region="../../../escape-region"),
    dict(region="a\u0000b"),
    dict(region=".."),
    dict(bucket="../../../../escape-bucket"),
    dict(bucket="..\\..\\..\\..\\escape-bucket"),
    dict(prefix=UP5 + "/escape-prefix/", objects=1),
    dict(prefix="/abs-prefix/", objects=1),
    dict(prefix="..\\..\\..\\..\\..\\escape\\", objects=1),
    dict(cloudType="../..", region="..", bucket="escape-cloud"),
]


@pytest.mark.parametrize("over", CONTROL_CASES, ids=[f"seed-{i}" for i in range(len(CONTROL_CASES))])
def test_control_seed_refused(world, over):
    body = {"cloudType": "Aliyun", "region": "cn-hangzhou", "bucket": "seeded", "prefix": "", "objects": 0,
            "objectSize": 16, **over}
    resp = requests.post(world.box.base_url + "/control/buckets", json=body, timeout=30)
    world.assert_clean(resp.content)
    assert resp.status_code == 400, f"expected 400 OMS.1003, got {resp.status_code}: {resp.text}"
    assert resp.json().get("error_code") == "OMS.1003" and resp.json().get("error_msg"), resp.text


@pytest.mark.parametrize("cloud, region, bucket, prefix", [("Aliyun", "cn-hangzhou", "linkbucket", "x/"),
                                                      ("HuaweiCloud", "cn-north-4", "dst-linked", "out/")])
def test_control_seed_never_writes_through_links(world, cloud, region, bucket, prefix):
    resp = requests.post(world.box.base_url + "/control/buckets", timeout=30, json={
        "cloudType": cloud, "region": region, "bucket": bucket, "prefix": prefix, "objects": 1, "objectSize": 16})
    world.assert_clean(resp.content)
    # A bucket folder (or a key folder) that is a link out of DATA is a containment violation.
    assert resp.status_code == 400 and resp.json().get("error_code") == "OMS.1003", \
        f"seeding through a link: expected 400 OMS.1003, got {resp.status_code}: {resp.text}"


# --------------------------------------------------------------------------- the public read path

PUBLIC_CASES = [
    "/public/../../sentinel/secret.txt",
    "/public/../../data/oms-sandbox.sqlite",
    "/public/../../data/oms-sandbox.sqlite-wal",
    "/public/../../data/oms-sandbox.sqlite-shm",
    "/public/%2e%2e/%2e%2e/sentinel/secret.txt",
    "/public/Aliyun/..%2f..%2f../sentinel/secret.txt",
    "/public/Aliyun/..%2f..%2f../data/oms-sandbox.sqlite",
    "/public/Aliyun/cn-hangzhou/src-photos/..%2f..%2f..%2f..%2foms-sandbox.sqlite",
    "/public/Aliyun/cn-hangzhou/src-photos/..%2f..%2f..%2f..%2f..%2fsentinel%2fsecret.txt",
    "/public/Aliyun/cn-hangzhou/src-photos/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fsentinel%2fsecret.txt",
    "/public/Aliyun/cn-hangzhou/src-photos/..%5c..%5c..%5c..%5c..%5csentinel%5csecret.txt",
    "/public/Aliyun/cn-hangzhou/src-photos/%2Fetc%2Fpasswd",
    "/public/Aliyun/cn-hangzhou/src-photos/2024/object-00000.bin%00.txt",
    "/public/Aliyun/cn-hangzhou/src-photos/./2024/object-00000.bin",
    "/public/Aliyun/cn-hangzhou/%2e%2e/src-photos/2024/object-00000.bin",
    "/public/Aliyun/cn-hangzhou/pub/link.txt",
    "/public/Aliyun/cn-hangzhou/pub/linkdir/secret.txt",
    "/public/Aliyun/cn-hangzhou/linkbucket/secret.txt",
    "/public/Aliyun/evil-region/sentinel/secret.txt",
]


@pytest.mark.parametrize("path", PUBLIC_CASES)
def test_public_read_refused(world, path):
    status, body = raw_get(world.box.base_url, path)
    world.assert_clean(body)
    assert status in (400, 404), f"GET {path}: expected 400 or 404, got {status}: {body[:200]!r}"


# --------------------------------------------------------------------------- planted symbolic links

@pytest.mark.parametrize("over", [dict(bucket_name="linkbucket"), dict(data_center="evil-region", bucket_name="sentinel")],
                         ids=["linked-bucket", "linked-region"])
def test_list_objects_in_linked_folder_refused(world, over):
    """A bucket or region folder that is a link out of DATA is no bucket (invalid or missing)."""
    try:
        result = _op(world, "objects", over)()
    except exceptions.ServiceResponseException as e:
        assert e.status_code == 400 and e.error_code in ("OMS.1003", "OMS.1018"), (e.status_code, e.error_code)
        return
    world.assert_clean(text_of(result))
    raise AssertionError(f"listing a bucket that is a link out of DATA was answered: {text_of(result)[:300]}")


def test_list_objects_skips_links(world):
    for path in ("", "linkdir/"):
        try:
            result = _op(world, "objects", dict(bucket_name="pub", file_path=path))()
        except exceptions.ServiceResponseException as e:
            assert path and e.status_code == 400, f"{path!r}: {e.status_code} {e.error_code}"
            continue
        world.assert_clean(text_of(result))
        names = {r["name"][len(path):] for r in json.loads(text_of(result)).get("records") or []}
        assert not names & world.sentinel_names, f"file_path {path!r} lists the link's target: {sorted(names)}"


def test_list_buckets_does_not_list_through_linked_region(world):
    """DATA/buckets/Aliyun/evil-region is a link to ROOT: its folders are no buckets, and
    `contained` proves ROOT was not even listed."""
    names = json.loads(text_of(_op(world, "buckets", {})()))
    assert "src-photos" in names, names
    assert not {"sentinel", "data", "linkbucket"} & set(names), f"buckets seen through links: {names}"


def test_check_prefix_and_cdn_info_do_not_follow_links(world):
    for file_name in ("linkdir/", "linkdir/secret", "link.txt"):
        try:
            result = _op(world, "prefix", dict(bucket_name="pub", file_name=file_name))()
            assert json.loads(text_of(result)).get("exist") is False, f"{file_name!r} seen through a link"
        except exceptions.ServiceResponseException as e:
            assert e.status_code == 400, (e.status_code, e.error_code)
    try:
        result = _op(world, "cdn-info", dict(bucket="pub", prefix={"keys": ["link.txt", "linkdir/secret.txt"]}))()
        checked = json.loads(text_of(result)).get("checked_keys") or []
        assert not any(k.get("is_object_existing") for k in checked), checked
    except exceptions.ServiceResponseException as e:
        assert e.status_code == 400, (e.status_code, e.error_code)


def test_symlinked_object_fails_not_copied(world):
    t = accepted_or_refused(world, task("object", src_node(bucket="pub", object_key=["link.txt"]),
                                        dst_node(save_prefix="sym-obj/")), SRC)
    if t is not None:
        assert t["status"] == 4, f"a symlinked source object is a failed object: {t}"
    assert not (world.bucket("HuaweiCloud", "cn-north-4", "dst-obs") / "sym-obj").exists()


def test_symlinks_in_prefix_task_not_copied(world):
    t = finished(world, create(world, task("prefix", src_node(bucket="pub", object_key=[""]),
                                           dst_node(save_prefix="sym-pfx/"))))
    copied = sorted(str(p.relative_to(world.bucket("HuaweiCloud", "cn-north-4", "dst-obs") / "sym-pfx"))
                    for p in (world.bucket("HuaweiCloud", "cn-north-4", "dst-obs") / "sym-pfx").rglob("*") if p.is_file())
    assert copied == ["docs/object-00000.bin", "docs/object-00001.bin"], copied
    assert t["status"] in (4, 5) and t.get("successful_num") == 2, t
    if t["status"] == 4:
        assert (t.get("failed_num") or 0) >= 1, t


@pytest.mark.parametrize("src, dst, code", [
    (dict(bucket="linkbucket", object_key=[""]), {}, SRC),
    (dict(region="evil-region", bucket="sentinel", object_key=[""]), {}, SRC),
    (dict(), dict(bucket="dst-linked", save_prefix="out/"), DST),
    (dict(), dict(bucket="dst-escape"), DST),
], ids=["src-linked-bucket", "src-linked-region", "dst-through-link", "dst-linked-bucket"])
def test_task_through_links_never_succeeds(world, src, dst, code):
    t = accepted_or_refused(world, task("prefix", src_node(**src), dst_node(**dst)), code)
    if t is not None:
        assert t["status"] == 4, f"a task whose folders are links out of DATA must fail: {t}"


@pytest.mark.parametrize("key", ["evil.txt", "evildir/"])
def test_list_task_with_linked_list_file_fails(world, key):
    t = accepted_or_refused(world, task("list", src_node(list_file={"list_file_key": key, "obs_bucket": "lists"})), SRC)
    if t is not None:
        assert t["status"] == 4, f"a list file that is a link out of DATA cannot be read: {t}"
