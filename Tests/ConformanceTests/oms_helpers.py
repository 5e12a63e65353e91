"""Shared helpers of the conformance suite: constants, the control-endpoint client, a raw
signer built on the SDK's own `Signer`, request-body builders and assertions.

Everything that talks to the OMS API goes through the official SDK (`huaweicloudsdkoms`,
`huaweicloudsdkcore`); `RawSigner` reuses the SDK's `Signer` so that tests can alter a
request after it was signed.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from huaweicloudsdkoms.v2 import OmsClient

AK = os.environ.get("OMS_SANDBOX_AK", "SANDBOXACCESSKEY0001")
SK = os.environ.get("OMS_SANDBOX_SK", "sandbox-secret-key")
PROJECT_ID = os.environ.get("OMS_SANDBOX_PROJECT_ID", "0a1b2c3d4e5f60718293a4b5c6d7e8f9")
IAM_USER = "conformance"
IAM_PASSWORD = "conformance-iam-password"
OTHER_PROJECT_ID = "ffffffffffffffffffffffffffffffff"

# Seeded buckets (see conftest.seeded_buckets).
SRC_CLOUD, SRC_REGION, SRC_BUCKET, SRC_PREFIX, SRC_OBJECTS, SRC_SIZE = (
    "Aliyun", "cn-hangzhou", "src-photos", "2024/", 20, 2048)
DST_CLOUD, DST_REGION, DST_BUCKET = "HuaweiCloud", "cn-north-4", "dst-obs"
# Source bucket that only accepts one key pair (a `.keys` sidecar): wrong keys make tasks fail.
LOCKED_BUCKET, LOCKED_AK, LOCKED_SK = "src-locked", "LOCKEDAK0001", "locked-secret-0001"
# Source bucket a task group splits into several tasks.
GROUP_BUCKET, GROUP_PREFIX, GROUP_OBJECTS = "src-group", "data/", 120
# Source bucket holding one sparse 1 TiB object (written straight into the bucket directory,
# no disk used): throttled to 1 MiB/s, a task on it stays Migrating for the whole session, so
# states that need a running task (Migrating, Pausing, Monitoring) can be reached reliably.
HUGE_BUCKET, HUGE_PREFIX, HUGE_KEY, HUGE_SIZE = "src-huge", "huge/", "huge/sparse-0.bin", 1 << 40

SRC_AK, SRC_SK = "ALIYUNAK0001", "aliyun-src-secret-0001"
DST_AK, DST_SK = "HWCLOUDAK0001", "hw-dst-secret-0001"
CDN_KEY = "cdn-auth-key-never-returned"

MIB = 1024 * 1024
TASK_STATES = {1, 2, 3, 4, 5, 7}


# --------------------------------------------------------------------------- the sandbox process

STARTUP_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sandbox:
    """`oms-plan sandbox serve --control` on a free loopback port, output kept in a log file."""

    def __init__(self, binary: Path, data: Path, log: Path, time_scale: str, extra: Iterable[str] = ()):
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.data = data
        self.log_path = log
        self.args = [str(binary), "sandbox", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                     "--data", str(data), "--control", "--time-scale", time_scale,
                     "--iam-user", IAM_USER, "--iam-password", IAM_PASSWORD, *extra]
        self._log = open(log, "wb")
        self.proc = subprocess.Popen(self.args, stdout=self._log, stderr=subprocess.STDOUT, cwd=str(data))

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        last = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sandbox exited with {self.proc.returncode} before answering:\n"
                                   f"{' '.join(self.args)}\n{self.log_tail()}")
            try:
                r = requests.get(self.base_url + "/control/clock", timeout=2)
                if r.status_code == 200:
                    return
                last = f"{r.status_code} {r.text[:200]}"
            except requests.RequestException as e:
                last = str(e)
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"sandbox did not answer GET /control/clock within {STARTUP_TIMEOUT:.0f}s "
                           f"(last: {last}):\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


def make_client(base_url: str, ak: str = AK, sk: str = SK, project_id: str = PROJECT_ID) -> OmsClient:
    """An OmsClient as a user would build one: AK/SK credentials with a project id, no retries."""
    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True
    config.retry_times = 0
    config.timeout = (5, 60)
    return (OmsClient.new_builder()
            .with_http_config(config)
            .with_credentials(BasicCredentials(ak, sk, project_id))
            .with_endpoints([base_url])
            .build())


# --------------------------------------------------------------------------- control endpoints

class Control:
    """The sandbox's `/control/*` endpoints (no authentication)."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.session = requests.Session()

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        resp = self.session.request(method, self.base + path, json=body, timeout=120)
        assert resp.status_code < 300, f"control {method} {path} -> {resp.status_code}: {resp.text}"
        if not resp.content:
            return None
        try:
            return resp.json()
        except ValueError:
            return resp.text

    def clock(self) -> dict:
        return self._call("GET", "/control/clock")

    def now(self) -> datetime:
        return parse_rfc3339(self.clock()["now"])

    def advance(self, seconds: float) -> Any:
        return self._call("POST", "/control/clock/advance", {"seconds": seconds})

    def run(self, seconds: float) -> Any:
        """Runs the migration engine for `seconds` of sandbox time at once."""
        return self._call("POST", "/control/engine/run", {"seconds": seconds})

    def add_bucket(self, cloud_type: str, region: str, bucket: str, prefix: str = "",
                   objects: int = 0, object_size: int = 1024, keys: list[str] | None = None) -> Any:
        body: dict[str, Any] = {"cloudType": cloud_type, "region": region, "bucket": bucket,
                                "prefix": prefix, "objects": objects, "objectSize": object_size}
        if keys is not None:
            body["keys"] = keys
        return self._call("POST", "/control/buckets", body)

    def add_fault(self, **rule: Any) -> Any:
        return self._call("POST", "/control/faults", rule)

    def clear_faults(self) -> Any:
        return self._call("DELETE", "/control/faults")

    def stats(self) -> Any:
        return self._call("GET", "/control/stats")


def parse_rfc3339(text: str) -> datetime:
    text = text.replace("Z", "+00:00")
    if "." in text:  # trim fractions Python < 3.11 cannot read; keep the zone
        head, _, rest = text.partition(".")
        zone = rest[next((i for i, c in enumerate(rest) if c in "+-"), len(rest)):]
        text = head + zone
    return datetime.fromisoformat(text)


# --------------------------------------------------------------------------- raw signing

@dataclass
class _Keys:
    ak: str
    sk: str


@dataclass
class SignedRequest:
    method: str
    host: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


class RawSigner:
    """Signs a request with the SDK's own `Signer` and sends it with `requests`, optionally
    after changing method, path, query, body or headers (which must then fail to verify)."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.host = self.base.split("://", 1)[1]
        self.session = requests.Session()

    def sign(self, method: str, path: str, query: Iterable[tuple[str, Any]] = (),
             body: Any = None, headers: dict[str, str] | None = None, ak: str = AK, sk: str = SK,
             project_id: str | None = PROJECT_ID, date: datetime | None = None) -> SignedRequest:
        hdrs = {"Content-Type": "application/json"}
        if project_id:
            hdrs["X-Project-Id"] = project_id
        if date is not None:
            hdrs["X-Sdk-Date"] = date.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        hdrs.update(headers or {})
        if body is None:
            data = b""
        elif isinstance(body, (bytes, bytearray)):
            data = bytes(body)
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = json.dumps(body).encode()
        req = SdkRequest(method=method, schema="http", host=self.host, resource_path=path,
                         query_params=[(k, v) for k, v in query], header_params=hdrs, body=data)
        Signer(_Keys(ak, sk)).sign(req)
        q = req.uri.partition("?")[2]
        return SignedRequest(method, self.host, path, q, dict(req.header_params), data)

    def send(self, req: SignedRequest, *, method: str | None = None, path: str | None = None,
             query: str | None = None, body: bytes | None = None,
             headers: dict[str, str | None] | None = None) -> requests.Response:
        hdrs = dict(req.headers)
        for k, v in (headers or {}).items():
            for existing in [h for h in hdrs if h.lower() == k.lower()]:
                del hdrs[existing]
            if v is not None:
                hdrs[k] = v
        q = req.query if query is None else query
        url = self.base + (path or req.path) + (("?" + q) if q else "")
        return self.session.request(method or req.method, url, headers=hdrs,
                                    data=req.body if body is None else body, timeout=60)

    def call(self, method: str, path: str, query: Iterable[tuple[str, Any]] = (), body: Any = None,
             **kw: Any) -> requests.Response:
        return self.send(self.sign(method, path, query, body, **kw))


# --------------------------------------------------------------------------- bodies

def bw(start: str = "00:00", end: str = "23:59", max_bandwidth: int = 20 * MIB) -> dict:
    return {"start": start, "end": end, "max_bandwidth": max_bandwidth}


def task_body(bucket: str = SRC_BUCKET, prefixes: list[str] | None = None, task_type: str = "prefix",
              src_ak: str = SRC_AK, src_sk: str = SRC_SK, save_prefix: str | None = None,
              **extra: Any) -> dict:
    """A createTask body (dict, sent through the SDK which serialises it as JSON)."""
    body: dict[str, Any] = {
        "task_type": task_type,
        "src_node": {"cloud_type": SRC_CLOUD, "region": SRC_REGION, "ak": src_ak, "sk": src_sk,
                     "bucket": bucket, "object_key": prefixes if prefixes is not None else [SRC_PREFIX]},
        "dst_node": {"ak": DST_AK, "sk": DST_SK, "bucket": DST_BUCKET, "region": DST_REGION},
        "enable_kms": False,
    }
    if save_prefix is not None:
        body["dst_node"]["save_prefix"] = save_prefix
    body.update(extra)
    return body


def group_body(bucket: str = GROUP_BUCKET, prefixes: list[str] | None = None,
               src_ak: str = SRC_AK, src_sk: str = SRC_SK, **extra: Any) -> dict:
    body: dict[str, Any] = {
        "task_type": "PREFIX",
        "src_node": {"cloud_type": SRC_CLOUD, "region": SRC_REGION, "ak": src_ak, "sk": src_sk,
                     "bucket": bucket, "object_key": prefixes if prefixes is not None else [GROUP_PREFIX]},
        "dst_node": {"ak": DST_AK, "sk": DST_SK, "bucket": DST_BUCKET, "region": DST_REGION},
        "enable_kms": False,
    }
    body.update(extra)
    return body


# --------------------------------------------------------------------------- assertions

def raw(resp: Any) -> Any:
    """The JSON the sandbox actually sent (the SDK coerces types while deserialising)."""
    content = getattr(resp, "raw_content", None)
    assert content is not None, "SDK response carries no raw content"
    if not content:
        return None
    return json.loads(content)


def is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def assert_int(obj: dict, key: str, lo: int | None = 0, hi: int | None = None, nullable: bool = True) -> None:
    v = obj.get(key)
    if v is None and nullable:
        return
    assert is_int(v), f"{key} should be an integer, got {v!r} ({type(v).__name__})"
    if lo is not None:
        assert v >= lo, f"{key}={v} below {lo}"
    if hi is not None:
        assert v <= hi, f"{key}={v} above {hi}"


def assert_type(obj: dict, key: str, typ: type | tuple, nullable: bool = True) -> None:
    v = obj.get(key)
    if v is None and nullable:
        return
    if typ is bool:
        assert isinstance(v, bool), f"{key} should be a boolean, got {v!r}"
    elif typ is float:
        assert isinstance(v, (int, float)) and not isinstance(v, bool), f"{key} should be a number, got {v!r}"
    else:
        assert isinstance(v, typ), f"{key} should be {typ}, got {v!r} ({type(v).__name__})"


SECRET_KEYS = {"ak", "sk", "src_ak", "src_sk", "dst_ak", "dst_sk", "security_token",
               "src_security_token", "dst_security_token", "authentication_key",
               "source_cdn_authentication_key", "json_auth_file"}


def assert_no_secrets(document: Any, secrets: Iterable[str] = (SRC_SK, DST_SK, SRC_AK, DST_AK, CDN_KEY,
                                                             LOCKED_SK)) -> None:
    """No credential field names and no credential values anywhere in a response."""
    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                assert k not in SECRET_KEYS or v in (None, ""), f"response carries credential field {path}.{k}"
                walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")
    walk(document, "$")
    text = json.dumps(document)
    for s in secrets:
        assert s not in text, f"response leaks the credential value {s!r}"


class ApiError:
    """What a refused SDK call raised: status code and error code."""

    def __init__(self, exc: exceptions.ServiceResponseException):
        self.exc = exc
        self.status = exc.status_code
        self.code = exc.error_code
        self.msg = exc.error_msg

    def __repr__(self) -> str:
        return f"{self.status} {self.code}: {self.msg}"


def refused(call: Callable[[], Any]) -> ApiError:
    """Runs an SDK call that must fail with an HTTP error and returns that error."""
    try:
        result = call()
    except exceptions.ServiceResponseException as e:
        return ApiError(e)
    raise AssertionError(f"expected the call to be refused, it succeeded: {result}")


def expect_error(call: Callable[[], Any], status: int, codes: str | Iterable[str] | None = None,
                 why: str = "") -> ApiError:
    err = refused(call)
    allowed = {codes} if isinstance(codes, str) else (set(codes) if codes is not None else None)
    note = f" ({why})" if why else ""
    assert err.status == status, f"expected HTTP {status} {sorted(allowed or [])}{note}, got {err!r}"
    if allowed is not None:
        assert err.code in allowed, f"expected error code {sorted(allowed)}{note}, got {err!r}"
    assert err.msg, f"error body should carry error_msg{note}: {err!r}"
    return err


def expect_raw_error(resp: requests.Response, status: int, codes: str | Iterable[str] | None = None,
                     why: str = "") -> dict:
    note = f" ({why})" if why else ""
    assert resp.status_code == status, f"expected HTTP {status}{note}, got {resp.status_code}: {resp.text}"
    try:
        body = resp.json()
    except ValueError:
        raise AssertionError(f"error answer should be a JSON error body{note}, got {resp.text!r}")
    assert isinstance(body, dict) and body.get("error_code") and "error_msg" in body, \
        f"error body should be {{error_code, error_msg}}{note}, got {body!r}"
    if codes is not None:
        allowed = {codes} if isinstance(codes, str) else set(codes)
        assert body["error_code"] in allowed, f"expected {sorted(allowed)}{note}, got {body!r}"
    return body


def poll(fetch: Callable[[], Any], done: Callable[[Any], bool], control: Control,
         step: float = 300, max_steps: int = 40, what: str = "state") -> Any:
    """Fetches, and while `done` is false runs the engine for `step` sandbox seconds."""
    last = None
    for _ in range(max_steps):
        last = fetch()
        if done(last):
            return last
        control.run(step)
    last = fetch()
    if done(last):
        return last
    raise AssertionError(f"{what} not reached after {max_steps} engine runs of {step}s; last: {last!r}")


def sandbox_millis(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def utc_now_minus(minutes: float) -> datetime:
    return datetime.now(timezone.utc) - timedelta(minutes=minutes)
