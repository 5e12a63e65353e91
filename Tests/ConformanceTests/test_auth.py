"""Authentication: SDK-HMAC-SHA256 signatures made by the SDK (and then altered), the date
window, project scoping, IAM tokens, and the busy fault."""

from __future__ import annotations

import json

import pytest
import requests
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkoms.v2 import ListTasksRequest, ShowCloudTypeRequest

import oms_helpers as h

TASKS = f"/v2/{h.PROJECT_ID}/tasks"


def test_sdk_signed_request_accepted(client):
    resp = client.list_tasks(ListTasksRequest(limit=1))
    assert resp.status_code == 200


def test_raw_signed_request_accepted(signer):
    """The harness itself: a request signed by the SDK's Signer and sent unchanged verifies."""
    resp = signer.call("GET", TASKS, query=[("limit", 2), ("offset", 0)])
    assert resp.status_code == 200, resp.text
    assert "count" in resp.json()


def test_raw_signed_post_accepted(signer):
    resp = signer.call("POST", f"/v2/{h.PROJECT_ID}/objectstorage/buckets/prefix", body={
        "cloud_type": h.SRC_CLOUD, "ak": h.SRC_AK, "sk": h.SRC_SK, "bucket_name": h.SRC_BUCKET,
        "file_name": h.SRC_PREFIX, "data_center": h.SRC_REGION})
    assert resp.status_code == 200, resp.text


def test_wrong_secret_key(client_factory):
    bad = client_factory(sk="not-the-secret")
    err = h.refused(lambda: bad.list_tasks(ListTasksRequest()))
    assert err.status == 401, f"a wrong SK is a 401: {err!r}"
    assert err.code and err.code != "401", f"401 with an error body: {err!r}"


def test_unknown_access_key(client_factory):
    bad = client_factory(ak="UNKNOWNACCESSKEY0000")
    err = h.refused(lambda: bad.list_tasks(ListTasksRequest()))
    assert err.status == 401, err


def test_missing_authorization(sandbox):
    resp = requests.get(sandbox.base_url + TASKS, timeout=10)
    h.expect_raw_error(resp, 401, None, "no Authorization and no X-Auth-Token")


@pytest.mark.parametrize("value", [
    "SDK-HMAC-SHA256 garbage",
    "SDK-HMAC-SHA256 Access=SANDBOXACCESSKEY0001, SignedHeaders=host;x-sdk-date",
    "AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=00",
    "SDK-HMAC-SHA256 Access=SANDBOXACCESSKEY0001, SignedHeaders=host;x-sdk-date, Signature=zz",
])
def test_malformed_authorization(signer, value):
    req = signer.sign("GET", TASKS)
    h.expect_raw_error(signer.send(req, headers={"Authorization": value}), 401, None, "malformed Authorization")


def test_missing_sdk_date(signer):
    req = signer.sign("GET", TASKS)
    h.expect_raw_error(signer.send(req, headers={"X-Sdk-Date": None}), 401, None, "no X-Sdk-Date")


def test_tampered_body(signer):
    path = f"/v2/{h.PROJECT_ID}/objectstorage/buckets/prefix"
    body = {"cloud_type": h.SRC_CLOUD, "ak": h.SRC_AK, "sk": h.SRC_SK, "bucket_name": h.SRC_BUCKET,
            "file_name": h.SRC_PREFIX, "data_center": h.SRC_REGION}
    req = signer.sign("POST", path, body=body)
    altered = dict(body, file_name="2023/")
    h.expect_raw_error(signer.send(req, body=json.dumps(altered).encode()), 401, None, "body changed after signing")


def test_tampered_path(signer):
    req = signer.sign("GET", f"{TASKS}/1")
    h.expect_raw_error(signer.send(req, path=f"{TASKS}/2"), 401, None, "path changed after signing")


def test_tampered_query(signer):
    req = signer.sign("GET", TASKS, query=[("limit", 5)])
    assert req.query == "limit=5"
    h.expect_raw_error(signer.send(req, query="limit=6"), 401, None, "query changed after signing")
    h.expect_raw_error(signer.send(req, query="limit=5&offset=1"), 401, None, "query parameter added")
    h.expect_raw_error(signer.send(req, query=""), 401, None, "query parameter removed")


def test_tampered_method(signer):
    req = signer.sign("GET", f"{TASKS}/1")
    h.expect_raw_error(signer.send(req, method="DELETE"), 401, None, "method changed after signing")


def test_tampered_signed_header(signer):
    req = signer.sign("GET", TASKS)
    assert "x-project-id" in req.headers["Authorization"].lower()
    h.expect_raw_error(signer.send(req, headers={"X-Project-Id": h.OTHER_PROJECT_ID}), 401, None,
                       "a signed header changed after signing")


def test_unsigned_header_may_change(signer):
    req = signer.sign("GET", TASKS)
    resp = signer.send(req, headers={"User-Agent": "something-else", "Accept": "*/*"})
    assert resp.status_code == 200, "headers outside SignedHeaders do not matter"


@pytest.mark.parametrize("minutes", [20, -20])
def test_date_out_of_window(signer, minutes):
    resp = signer.call("GET", TASKS, date=h.utc_now_minus(minutes))
    h.expect_raw_error(resp, 401, None, f"X-Sdk-Date {minutes:+d} minutes off (window is 15)")


@pytest.mark.parametrize("minutes", [10, -10])
def test_date_inside_window(signer, minutes):
    resp = signer.call("GET", TASKS, date=h.utc_now_minus(minutes))
    assert resp.status_code == 200, f"X-Sdk-Date {minutes:+d} minutes off is within 15 minutes: {resp.text}"


def test_wrong_project_sdk(client_factory):
    other = client_factory(project_id=h.OTHER_PROJECT_ID)
    err = h.refused(lambda: other.list_tasks(ListTasksRequest()))
    assert err.status == 403, f"valid signature, project the keys may not use: 403, got {err!r}"


def test_wrong_project_path_only(signer):
    resp = signer.call("GET", f"/v2/{h.OTHER_PROJECT_ID}/tasks")
    h.expect_raw_error(resp, 403, None, "valid signature on another project's path")


def test_wrong_project_objectstorage(signer):
    resp = signer.call("GET", f"/v2/{h.OTHER_PROJECT_ID}/objectstorage/cloud-type", query=[("type", "src")],
                       project_id=h.OTHER_PROJECT_ID)
    h.expect_raw_error(resp, 403, None, "objectstorage calls on another project")


# --------------------------------------------------------------------------- IAM

def _token(sandbox, password: str = h.IAM_PASSWORD, project_id: str = h.PROJECT_ID) -> requests.Response:
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {
            "user": {"name": "conformance", "password": password, "domain": {"name": "conformance"}}}},
        "scope": {"project": {"id": project_id}}}}
    return requests.post(sandbox.base_url + "/v3/auth/tokens", json=body, timeout=10)


@pytest.fixture(scope="module")
def token(sandbox) -> str:
    resp = _token(sandbox)
    assert resp.status_code in (200, 201), f"password login: {resp.status_code} {resp.text}"
    tok = resp.headers.get("X-Subject-Token")
    assert tok, "the token is in the X-Subject-Token response header"
    return tok


def test_token_login_body(sandbox):
    resp = _token(sandbox)
    assert resp.status_code in (200, 201)
    body = resp.json()
    assert isinstance(body.get("token"), dict), body
    assert isinstance(body["token"].get("expires_at"), str), body
    project = body["token"].get("project") or {}
    assert project.get("id") == h.PROJECT_ID, body


def test_token_auth(sandbox, token):
    resp = requests.get(sandbox.base_url + TASKS, headers={"X-Auth-Token": token}, timeout=10)
    assert resp.status_code == 200, resp.text
    assert "tasks" in resp.json()


def test_token_wrong_project(sandbox, token):
    resp = requests.get(sandbox.base_url + f"/v2/{h.OTHER_PROJECT_ID}/tasks", headers={"X-Auth-Token": token},
                        timeout=10)
    h.expect_raw_error(resp, 403, None, "token scoped to another project")


def test_token_wrong_password(sandbox):
    resp = _token(sandbox, password="not-the-password")
    assert resp.status_code == 401, resp.text
    assert not resp.headers.get("X-Subject-Token")


def test_unknown_token(sandbox):
    resp = requests.get(sandbox.base_url + TASKS, headers={"X-Auth-Token": "MIIbogus-token"}, timeout=10)
    h.expect_raw_error(resp, 401, None, "unknown token")


def test_projects_with_token(sandbox, token):
    resp = requests.get(sandbox.base_url + "/v3/projects", headers={"X-Auth-Token": token}, timeout=10)
    assert resp.status_code == 200, resp.text
    ids = [p.get("id") for p in resp.json().get("projects", [])]
    assert h.PROJECT_ID in ids, ids


def test_projects_with_aksk(signer):
    """The SDK finds a missing project id with a signed GET /v3/projects (IamHelper)."""
    resp = signer.call("GET", "/v3/projects", project_id=None)
    assert resp.status_code == 200, resp.text
    projects = resp.json().get("projects")
    assert isinstance(projects, list) and h.PROJECT_ID in [p.get("id") for p in projects], projects


# --------------------------------------------------------------------------- busy

def test_busy_fault_is_503(client, control):
    control.add_fault(kind="busy", count=1, pathPrefix="/v2/")
    err = h.refused(lambda: client.show_cloud_type(ShowCloudTypeRequest(type="src")))
    assert isinstance(err.exc, exceptions.ServerResponseException)
    assert err.status == 503 and err.code == "OMS.2004", err
    assert client.show_cloud_type(ShowCloudTypeRequest(type="src")).status_code == 200, "count=1: next call passes"


def test_drop_fault_closes_connection(client, control):
    """docs/sandbox.md: `drop` closes the connection without an answer. The call must fail
    without a usable response (an SDK connection error, or a broken read)."""
    control.add_fault(kind="drop", count=1, pathPrefix="/v2/")
    with pytest.raises(Exception) as info:
        client.show_cloud_type(ShowCloudTypeRequest(type="src"))
    assert not isinstance(info.value, exceptions.ServiceResponseException), \
        f"a dropped connection has no HTTP answer: {info.value!r}"
    assert client.show_cloud_type(ShowCloudTypeRequest(type="src")).status_code == 200


def test_latency_fault_delays(client, control):
    import time
    control.add_fault(kind="latency", count=1, latencyMs=300, pathPrefix="/v2/")
    t0 = time.monotonic()
    assert client.show_cloud_type(ShowCloudTypeRequest(type="src")).status_code == 200
    assert time.monotonic() - t0 >= 0.25, "latency fault delays the answer"


def test_stats_count_requests(client, control):
    before = control.stats()
    assert isinstance(before, dict)
    client.list_tasks(ListTasksRequest(limit=1))
    after = control.stats()
    grown = {k: after.get(k, 0) - before.get(k, 0) for k in after if after.get(k, 0) > before.get(k, 0)}
    assert any("tasks" in k for k in grown), f"GET /control/stats counts requests per route: {grown}"
