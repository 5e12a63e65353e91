"""Sandbox authentication and secrets at rest (issue 10, parts 2 and 4): IAM password login
checks the configured (or generated) user and password, tokens are scoped to the project,
unauthenticated bodies are never buffered, oversized bodies get 413, a non-loopback --host
warns, DATA is private and holds no source/destination AK or SK."""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from huaweicloudsdkoms.v2 import (CreateTaskGroupRequest, CreateTaskRequest, ListTaskGroupRequest, ListTasksRequest,
                                  ShowTaskGroupRequest, ShowTaskRequest, StartTaskReq, StartTaskRequest)

import oms_helpers as h
from conftest import raw_get, raw_post

MIB = 1024 * 1024
TASKS = f"/v2/{h.PROJECT_ID}/tasks"
ALICE, ALICE_PW = "alice", "alice-pw-" + uuid.uuid4().hex[:12]
ENV_USER, ENV_PW = "env-user", "env-pw-" + uuid.uuid4().hex[:12]


def login(box, user: str, password: str, project: str = h.PROJECT_ID, pad: int = 0) -> requests.Response:
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {
            "user": {"name": user, "password": password, "domain": {"name": user}}}},
        "scope": {"project": {"id": project}}}}
    if pad:
        body["auth"]["padding"] = "p" * pad
    return requests.post(box.base_url + "/v3/auth/tokens", json=body, timeout=15)


def token_of(resp: requests.Response) -> str:
    assert resp.status_code in (200, 201), f"login refused: {resp.status_code} {resp.text}"
    token = resp.headers.get("X-Subject-Token")
    assert token, "the token is in X-Subject-Token"
    return token


def refused_login(resp: requests.Response, why: str) -> None:
    assert resp.status_code == 401, f"{why}: expected 401, got {resp.status_code} {resp.text}"
    assert not resp.headers.get("X-Subject-Token"), f"{why}: no token on a refused login"


def tasks_with(box, token: str, project: str = h.PROJECT_ID) -> requests.Response:
    return requests.get(f"{box.base_url}/v2/{project}/tasks", headers={"X-Auth-Token": token}, timeout=15)


def generated_password(box) -> str:
    path = box.data / "iam-password"
    assert path.is_file(), f"no password configured: the sandbox keeps a generated one in {path}"
    return path.read_text().strip()


@pytest.fixture(scope="module")
def plain(boxes, tmp_path_factory):
    """No IAM user or password configured; DATA does not exist before the start."""
    return boxes(tmp_path_factory.mktemp("plain") / "data", "--manual-engine")


@pytest.fixture(scope="module")
def configured(boxes, tmp_path_factory):
    return boxes(tmp_path_factory.mktemp("configured") / "data", "--iam-user", ALICE, "--iam-password", ALICE_PW)


# --------------------------------------------------------------------------- IAM login

def test_configured_user_logs_in(configured):
    token = token_of(login(configured, ALICE, ALICE_PW))
    assert tasks_with(configured, token).status_code == 200


@pytest.mark.parametrize("user, password", [
    (ALICE, "not-the-password"), ("bob", ALICE_PW), ("ALICE", ALICE_PW), (ALICE, ""), ("", ALICE_PW),
    (ALICE, ALICE_PW + " "), (ALICE, "sandbox-password"), ("conformance", "sandbox-password"),
    ("sandbox", "sandbox-password"),
])
def test_configured_login_refuses_anything_else(configured, user, password):
    refused_login(login(configured, user, password), f"user {user!r}")


def test_environment_configures_login(boxes, tmp_path):
    box = boxes(tmp_path / "data", env={"OMS_SANDBOX_IAM_USER": ENV_USER, "OMS_SANDBOX_IAM_PASSWORD": ENV_PW})
    assert tasks_with(box, token_of(login(box, ENV_USER, ENV_PW))).status_code == 200
    refused_login(login(box, "sandbox", ENV_PW), "default user name while OMS_SANDBOX_IAM_USER is set")
    refused_login(login(box, ENV_USER, "sandbox-password"), "the old fixed password")


def test_generated_password(plain):
    path = plain.data / "iam-password"
    password = generated_password(plain)
    assert len(password) >= 16 and password != "sandbox-password", "a generated password is long and random"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, oct(os.stat(path).st_mode)
    assert tasks_with(plain, token_of(login(plain, "sandbox", password))).status_code == 200
    refused_login(login(plain, "someone-else", password), "wrong user, generated password")
    for user in ("sandbox", "conformance", "admin", ""):
        refused_login(login(plain, user, "sandbox-password"), f"old fixed password, user {user!r}")


def test_generated_password_belongs_to_the_data_directory(plain, boxes, tmp_path):
    password = generated_password(plain)
    other = boxes(tmp_path / "data")
    assert generated_password(other) != password, "each data directory generates its own password"
    refused_login(login(other, "sandbox", password), "another data directory's password")
    other.stop()
    again = boxes(plain.data, "--manual-engine")  # a second process on the same data directory
    assert generated_password(again) == password, "the generated password is kept, not regenerated"
    token_of(login(again, "sandbox", password))
    again.stop()


def test_token_is_scoped(plain, configured):
    token = token_of(login(plain, "sandbox", generated_password(plain)))
    assert tasks_with(plain, token).status_code == 200
    h.expect_raw_error(tasks_with(plain, token, h.OTHER_PROJECT_ID), 403, None, "token used on another project")
    h.expect_raw_error(tasks_with(plain, "MIIsandbox" + "0" * 96), 401, None, "garbage token")
    h.expect_raw_error(tasks_with(plain, token_of(login(configured, ALICE, ALICE_PW))), 401, None,
                       "a token another sandbox issued")
    refused_login(login(plain, "sandbox", generated_password(plain), project=h.OTHER_PROJECT_ID),
                  "login scoped to another project")


# --------------------------------------------------------------------------- request bodies

def test_unauthenticated_bodies_are_not_buffered(boxes, tmp_path):
    """30 concurrent unsigned 15 MB POSTs: 401 without reading the bodies, quickly, and the
    sandbox's memory hardly moves."""
    box = boxes(tmp_path / "data")
    rss_before, hwm_before = box.rss_kib(), box.rss_kib("VmHWM")
    body = b"x" * (15 * 1000 * 1000)
    peak, done = [rss_before], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], box.rss_kib())
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(30) as pool:
            results = list(pool.map(lambda _: raw_post(box.base_url, TASKS, {"Content-Type": "application/json"},
                                                       body, timeout=60), range(30)))
    finally:
        done.set()
        sampler.join()
    elapsed = time.monotonic() - started
    statuses = [status for status, _ in results]
    growth_mib = max(peak[0] - rss_before, box.rss_kib("VmHWM") - hwm_before) / 1024
    assert set(statuses) <= {401, None} and statuses.count(401) >= 15, f"unsigned POSTs are 401s: {statuses}"
    assert elapsed < 20, f"30 refused uploads took {elapsed:.1f}s"
    assert growth_mib < 200, f"RSS grew by {growth_mib:.0f} MiB for 30 unauthenticated 15 MB bodies"


def _json_of_size(size: int) -> bytes:
    return json.dumps({"pad": "x" * (size - 11)}).encode()


@pytest.mark.parametrize("size, expected", [(8 * MIB + 1, 413), (9 * MIB, 413), (7 * MIB, 400)])
def test_signed_body_limit(plain, size, expected):
    body = _json_of_size(size)
    req = h.RawSigner(plain.base_url).sign("POST", TASKS, body=body)
    status, answer = raw_post(plain.base_url, TASKS, req.headers, body)
    assert status == expected, f"signed {len(body)}-byte body: expected {expected}, got {status} {answer[:200]!r}"


@pytest.mark.parametrize("size, expected", [(9 * MIB, 413), (1 * MIB, 400)])
def test_token_body_limit(plain, size, expected):
    token = token_of(login(plain, "sandbox", generated_password(plain)))
    status, answer = raw_post(plain.base_url, TASKS, {"X-Auth-Token": token, "Content-Type": "application/json"},
                              _json_of_size(size))
    assert status == expected, f"token, {size}-byte body: expected {expected}, got {status} {answer[:200]!r}"


def test_unsigned_oversized_body_is_401(plain):
    status, answer = raw_post(plain.base_url, TASKS, {"Content-Type": "application/json"}, _json_of_size(9 * MIB))
    assert status == 401, f"unauthenticated comes before too large: got {status} {answer[:200]!r}"


def test_login_body_limit(plain):
    resp = login(plain, "sandbox", generated_password(plain), pad=65 * 1024)
    assert resp.status_code == 413, f"a login body over 64 KiB: {resp.status_code} {resp.text[:200]}"
    token_of(login(plain, "sandbox", generated_password(plain), pad=1024))


# --------------------------------------------------------------------------- --host

def test_non_loopback_host_warns(boxes, tmp_path):
    box = boxes(tmp_path / "data", host="0.0.0.0")
    err = box.stderr()
    assert "loopback" in err.lower() and "0.0.0.0" in err, f"--host 0.0.0.0 warns on stderr; stderr was:\n{err}"


# --------------------------------------------------------------------------- secrets at rest

SECRETS = {name: f"{prefix}{uuid.uuid4().hex.upper() if prefix.isupper() else uuid.uuid4().hex}"
           for name, prefix in [("src_ak", "SECSRCAK"), ("src_sk", "sec-src-sk-"), ("dst_ak", "SECDSTAK"),
                                ("dst_sk", "sec-dst-sk-"), ("wrong_sk", "sec-wrong-sk-"), ("grp_ak", "SECGRPAK"),
                                ("grp_sk", "sec-grp-sk-"), ("grp_dst_ak", "SECGDSTAK"), ("grp_dst_sk", "sec-gdst-sk-"),
                                ("restart_dst_sk", "sec-rdst-sk-")]}


def _body(bucket: str, prefix: str, src: tuple[str, str], dst: tuple[str, str], task_type: str = "prefix") -> dict:
    return {"task_type": task_type, "enable_kms": False,
            "src_node": {"cloud_type": "Aliyun", "region": "cn-hangzhou", "ak": src[0], "sk": src[1], "bucket": bucket,
                         "object_key": [prefix]},
            "dst_node": {"ak": dst[0], "sk": dst[1], "bucket": "vault-dst", "region": "cn-north-4"}}


def test_credentials_not_at_rest(plain):
    s = SECRETS
    control, client = h.Control(plain.base_url), h.make_client(plain.base_url)
    control.add_bucket("Aliyun", "cn-hangzhou", "vault", prefix="v/", objects=3, object_size=64,
                       keys=[f"{s['src_ak']}:{s['src_sk']}"])
    control.add_bucket("Aliyun", "cn-hangzhou", "vault-g", prefix="g/", objects=3, object_size=64,
                       keys=[f"{s['grp_ak']}:{s['grp_sk']}"])
    control.add_bucket("HuaweiCloud", "cn-north-4", "vault-dst")
    good = client.create_task(CreateTaskRequest(body=_body("vault", "v/", (s["src_ak"], s["src_sk"]),
                                                           (s["dst_ak"], s["dst_sk"])))).id
    bad = client.create_task(CreateTaskRequest(body=_body("vault", "v/", (s["src_ak"], s["wrong_sk"]),
                                                          (s["dst_ak"], s["dst_sk"])))).id
    group_id = client.create_task_group(CreateTaskGroupRequest(body=_body(
        "vault-g", "g/", (s["grp_ak"], s["grp_sk"]), (s["grp_dst_ak"], s["grp_dst_sk"]), "PREFIX"))).group_id
    show = lambda i: json.loads(client.show_task(ShowTaskRequest(task_id=i)).raw_content)  # noqa: E731
    h.poll(lambda: (show(good), show(bad)), lambda t: t[0]["status"] in (4, 5) and t[1]["status"] in (4, 5), control)
    assert show(good)["status"] == 5, f"the bucket's keys still verify: {show(good)}"
    assert show(bad)["status"] == 4, f"a wrong SK is still refused by the bucket: {show(bad)}"
    client.start_task(StartTaskRequest(task_id=bad, body=StartTaskReq(
        src_ak=s["src_ak"], src_sk=s["src_sk"], dst_ak=s["dst_ak"], dst_sk=s["restart_dst_sk"])))
    h.poll(lambda: show(bad), lambda t: t["status"] == 5, control, what="restarted task with the right keys")
    group_tasks = h.poll(lambda: json.loads(client.list_tasks(ListTasksRequest(group_id=group_id, limit=100)).raw_content),
                         lambda p: p["tasks"] and all(t["status"] in (4, 5) for t in p["tasks"]), control)
    assert all(t["status"] == 5 for t in group_tasks["tasks"]), f"group tasks verify the group's keys: {group_tasks}"

    answers = [client.list_tasks(ListTasksRequest(limit=100)).raw_content, client.show_task(ShowTaskRequest(task_id=good)).raw_content,
               client.list_task_group(ListTaskGroupRequest(limit=100)).raw_content,
               client.show_task_group(ShowTaskGroupRequest(group_id=group_id)).raw_content]
    for answer in answers:
        h.assert_no_secrets(json.loads(answer), secrets=list(s.values()))

    hits = []
    for path in sorted(p for p in plain.data.rglob("*") if p.is_file() and not p.is_symlink()):
        if path.name.endswith(".keys"):
            continue  # the bucket sidecars this test wrote itself
        data = path.read_bytes()
        for name, value in s.items():
            forms = {value.encode(), value.encode().hex().encode(), base64.b64encode(value.encode()).rstrip(b"=")}
            if any(form in data for form in forms):
                hits.append(f"{path.relative_to(plain.data)}: {name}")
    assert not hits, "AK/SK values stored in the data directory:\n  " + "\n  ".join(hits)


def test_data_directory_is_private(plain):
    """Runs after the tasks above wrote state (WAL and all)."""
    data = plain.data
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700, f"DATA mode {oct(os.stat(data).st_mode)}"
    modes = {p.name: stat.S_IMODE(os.stat(p).st_mode) for p in data.iterdir() if p.is_file()}
    assert "oms-sandbox.sqlite" in modes and "iam-password" in modes, sorted(modes)
    for name in ("oms-sandbox.sqlite", "oms-sandbox.sqlite-wal", "oms-sandbox.sqlite-shm", "iam-password"):
        if name in modes:
            assert modes[name] == 0o600, f"{name} mode {oct(modes[name])}"
    loose = {n: oct(m) for n, m in modes.items() if m & 0o077}
    assert not loose, f"files in DATA readable by group or others: {loose}"


def test_state_files_never_served(plain):
    """The SQLite files and the generated password, asked for through the public read path."""
    password = generated_password(plain).encode()
    for name in ("oms-sandbox.sqlite", "oms-sandbox.sqlite-wal", "iam-password"):
        for path in (f"/public/../../{plain.data.name}/{name}", f"/public/Aliyun/..%2f..%2f../{plain.data.name}/{name}",
                     f"/public/HuaweiCloud/cn-north-4/vault-dst/..%2f..%2f..%2f..%2f{name}"):
            status, answer = raw_get(plain.base_url, path)
            assert status in (400, 404), f"GET {path}: {status} {answer[:80]!r}"
            assert b"SQLite format 3" not in answer and password not in answer, f"GET {path} served state"
