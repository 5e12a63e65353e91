"""Bucket operations, cloud types, regions (§6.4–6.6) and API versions (§6.1) through the
official SDK."""

from __future__ import annotations

import pytest
from huaweicloudsdkoms.v2 import (CheckPrefixReq, CheckPrefixRequest, ListApiVersionsRequest, ListBucketsReq,
                                  PrefixKeyInfo, ShowApiInfoRequest, ShowBucketListRequest, ShowBucketObjectsRequest,
                                  ShowBucketRegionReq, ShowBucketRegionRequest, ShowBucketReq, ShowCdnInfoReq,
                                  ShowCdnInfoRequest, ShowCloudTypeRequest, ShowRegionInfoRequest, SourceCdnReq)

import oms_helpers as h


def objects_page(client, marker: str = "", page_size: int = 10, prefix: str = h.SRC_PREFIX,
                 bucket: str = h.SRC_BUCKET, ak: str = h.SRC_AK, sk: str = h.SRC_SK) -> dict:
    resp = client.show_bucket_objects(ShowBucketObjectsRequest(body=ShowBucketReq(
        cloud_type=h.SRC_CLOUD, file_path=prefix, ak=ak, sk=sk, data_center=h.SRC_REGION,
        page_size=page_size, behind_filename=marker, bucket_name=bucket)))
    assert resp.status_code == 200
    return h.raw(resp)


# --------------------------------------------------------------------------- list objects

def test_list_bucket_objects_pages(client):
    first = objects_page(client, page_size=10)
    assert isinstance(first.get("records"), list) and len(first["records"]) == 10, first
    assert first.get("next_page") is True, "20 objects in pages of 10: a next page after the first"
    for rec in first["records"]:
        assert isinstance(rec.get("name"), str) and rec["name"], rec
        assert isinstance(rec.get("size"), str), f"ShowBucketRecord.size is a human-readable string: {rec!r}"
    marker = first.get("next_marker") or first["records"][-1]["name"]
    second = objects_page(client, marker=marker, page_size=10)
    names = [r["name"] for r in first["records"] + second["records"]]
    assert len(second["records"]) == 10, second
    assert len(set(names)) == h.SRC_OBJECTS, "two pages of 10 list the 20 objects once each"
    assert all(n.startswith(h.SRC_PREFIX) or "/" not in n for n in names), names
    if second.get("next_page"):
        third = objects_page(client, marker=second.get("next_marker") or names[-1], page_size=10)
        assert third["records"] in ([], None), "nothing after the last object"
        assert third.get("next_page") is False


def test_list_bucket_objects_whole_page(client):
    page = objects_page(client, page_size=100)
    assert len(page["records"]) == h.SRC_OBJECTS
    assert page.get("next_page") is False, "everything fit in one page"


def test_list_bucket_objects_refused_keys(client):
    err = h.refused(lambda: objects_page(client, bucket=h.LOCKED_BUCKET, ak="WRONGAK", sk="wrong"))
    assert err.status == 400, f"listing a bucket with refused keys is a 400: {err!r}"
    assert err.code.startswith("OMS."), err


def test_list_bucket_objects_accepted_keys(client):
    page = objects_page(client, bucket=h.LOCKED_BUCKET, ak=h.LOCKED_AK, sk=h.LOCKED_SK, page_size=100)
    assert len(page["records"]) == 10


def test_list_bucket_objects_missing_bucket(client):
    h.expect_error(lambda: client.show_bucket_objects(ShowBucketObjectsRequest(body={
        "cloud_type": h.SRC_CLOUD, "file_path": h.SRC_PREFIX, "ak": h.SRC_AK, "sk": h.SRC_SK,
        "data_center": h.SRC_REGION, "page_size": 10, "behind_filename": ""})), 400, None,
        "bucket_name is required")


# --------------------------------------------------------------------------- cdn-info

def test_show_cdn_info(client):
    keys = [f"{h.SRC_PREFIX}missing-object"]
    resp = client.show_cdn_info(ShowCdnInfoRequest(body=ShowCdnInfoReq(
        ak=h.SRC_AK, sk=h.SRC_SK, cloud_type=h.SRC_CLOUD, region=h.SRC_REGION, bucket=h.SRC_BUCKET,
        prefix=PrefixKeyInfo(keys=keys),
        source_cdn=SourceCdnReq(domain="cdn.example.com", protocol="https", authentication_type="NONE"))))
    assert resp.status_code == 200
    body = h.raw(resp)
    h.assert_type(body, "is_same_cloud_type", bool)
    h.assert_type(body, "is_download_available", bool)
    checked = body.get("checked_keys")
    assert checked is None or isinstance(checked, list)
    for ck in checked or []:
        assert isinstance(ck.get("key"), str)
        h.assert_type(ck, "is_etag_matching", bool)
        h.assert_type(ck, "is_object_existing", bool)
    h.assert_no_secrets(body)


def test_show_cdn_info_requires_source_cdn(client):
    h.expect_error(lambda: client.show_cdn_info(ShowCdnInfoRequest(body={
        "ak": h.SRC_AK, "sk": h.SRC_SK, "cloud_type": h.SRC_CLOUD, "region": h.SRC_REGION,
        "bucket": h.SRC_BUCKET})), 400, None, "source_cdn is required")


# --------------------------------------------------------------------------- buckets, region, prefix

def test_list_buckets(client):
    resp = client.show_bucket_list(ShowBucketListRequest(body=ListBucketsReq(
        cloud_type=h.SRC_CLOUD, ak=h.SRC_AK, sk=h.SRC_SK)))
    assert resp.status_code == 200
    names = h.raw(resp)
    assert isinstance(names, list) and all(isinstance(n, str) for n in names), \
        f"listBuckets answers a bare array of names: {names!r}"
    for bucket in (h.SRC_BUCKET, h.GROUP_BUCKET, h.HUGE_BUCKET):
        assert bucket in names, f"{bucket} is listed: {names}"
    assert h.DST_BUCKET not in names, "HuaweiCloud buckets are not Aliyun buckets"
    assert resp.body == names


def test_list_buckets_destination_cloud(client):
    names = h.raw(client.show_bucket_list(ShowBucketListRequest(body=ListBucketsReq(
        cloud_type=h.DST_CLOUD, ak=h.DST_AK, sk=h.DST_SK))))
    assert h.DST_BUCKET in names


def test_show_bucket_region(client):
    resp = client.show_bucket_region(ShowBucketRegionRequest(body=ShowBucketRegionReq(
        cloud_type=h.SRC_CLOUD, ak=h.SRC_AK, sk=h.SRC_SK, bucket_name=h.SRC_BUCKET)))
    assert resp.status_code == 200
    body = h.raw(resp)
    assert body.get("id") == h.SRC_REGION, body
    h.assert_type(body, "name", str)
    h.assert_type(body, "support", bool)


def test_show_bucket_region_unknown_bucket(client):
    h.expect_error(lambda: client.show_bucket_region(ShowBucketRegionRequest(body=ShowBucketRegionReq(
        cloud_type=h.SRC_CLOUD, ak=h.SRC_AK, sk=h.SRC_SK, bucket_name="no-such-bucket"))), 400, None,
        "region of a bucket that does not exist")


@pytest.mark.parametrize("prefix, exists", [(h.SRC_PREFIX, True), ("2023/", False)])
def test_check_prefix(client, prefix, exists):
    resp = client.check_prefix(CheckPrefixRequest(body=CheckPrefixReq(
        cloud_type=h.SRC_CLOUD, ak=h.SRC_AK, sk=h.SRC_SK, bucket_name=h.SRC_BUCKET, file_name=prefix,
        data_center=h.SRC_REGION)))
    assert resp.status_code == 200
    body = h.raw(resp)
    assert isinstance(body.get("exist"), bool), body
    assert body["exist"] is exists, f"prefix {prefix!r}: exist should be {exists}"


# --------------------------------------------------------------------------- cloud types, regions

def test_cloud_types_src(client):
    resp = client.show_cloud_type(ShowCloudTypeRequest(type="src"))
    assert resp.status_code == 200
    names = h.raw(resp)
    assert isinstance(names, list) and names and all(isinstance(n, str) for n in names), names
    assert "Aliyun" in names, names


def test_cloud_types_dst(client):
    names = h.raw(client.show_cloud_type(ShowCloudTypeRequest(type="dst")))
    assert isinstance(names, list) and names and all(isinstance(n, str) for n in names), names


def test_cloud_types_requires_type(client):
    err = h.refused(lambda: client.show_cloud_type(ShowCloudTypeRequest()))
    assert err.status == 400, f"type is mandatory: {err!r}"


def test_cloud_types_bad_type(client):
    err = h.refused(lambda: client.show_cloud_type(ShowCloudTypeRequest(type="middle")))
    assert err.status == 400, f"type is src or dst: {err!r}"


def test_regions(client):
    resp = client.show_region_info(ShowRegionInfoRequest())
    assert resp.status_code == 200
    services = h.raw(resp)
    assert isinstance(services, list) and services, services
    seen = set()
    for s in services:
        assert isinstance(s.get("service_name"), str), s
        assert isinstance(s.get("region_list"), list), s
        for r in s["region_list"]:
            assert isinstance(r.get("cloud_type"), str) and r["cloud_type"], r
            assert isinstance(r.get("value"), str) and r["value"], r
            h.assert_type(r, "description", str)
            seen.add((r["cloud_type"], r["value"]))
    assert (h.SRC_CLOUD, h.SRC_REGION) in seen, f"Aliyun cn-hangzhou is a supported region: {sorted(seen)[:20]}"


# --------------------------------------------------------------------------- API versions

def test_list_api_versions(client):
    resp = client.list_api_versions(ListApiVersionsRequest())
    assert resp.status_code == 200
    body = h.raw(resp)
    versions = body.get("versions")
    assert isinstance(versions, list) and versions, body
    ids = [v.get("id") for v in versions]
    assert "v2" in ids, ids
    for v in versions:
        assert v.get("status") in {"CURRENT", "SUPPORTED", "DEPRECATED"}, v
        for link in v.get("links") or []:
            assert isinstance(link.get("href"), str) and link.get("rel") == "self", link
        h.assert_type(v, "updated", str)


def test_show_api_version(client):
    resp = client.show_api_info(ShowApiInfoRequest(version="v2"))
    assert resp.status_code == 200
    body = h.raw(resp)
    assert body.get("id") == "v2", f"showApiVersion returns the Version at the top level: {body!r}"
    assert body.get("status") in {"CURRENT", "SUPPORTED", "DEPRECATED"}
    assert resp.id == "v2"


def test_show_unknown_api_version(client):
    err = h.refused(lambda: client.show_api_info(ShowApiInfoRequest(version="v9")))
    assert err.status in (400, 404), err
