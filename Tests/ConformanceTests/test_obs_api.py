"""The sandbox's buckets over OBS's object API, driven by the official clients.

`oms-plan sandbox serve --obs-port N` serves the `HuaweiCloud` buckets of its data folder in
the S3 dialect OBS speaks. boto3 signs with AWS Signature V4 (path-style and virtual-host
style); esdk-obs-python signs with OBS's own signature (`Authorization: OBS AK:…`) when it
talks to a host name, and with the V2 `AWS AK:…` form when it talks to an IP address. Both
must put, list (v1 and v2, prefix, delimiter, pages), head, get (a range) and delete, and be
refused with S3's codes for a wrong secret, an unknown key, a missing bucket or key, and keys
that climb out of the bucket, which must leave no file outside the bucket folder.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any, Iterator

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials
import pytest
from botocore.exceptions import ClientError
from obs import GetObjectHeader, ObsClient
from obs import auth as obs_auth

import oms_helpers as h
from conftest import REPO, sandbox_binary

REGION = "cn-north-4"
BUCKET = "obs-conformance"
LOCKED = "obs-locked"
LOCKED_AK, LOCKED_SK = "OBSLOCKEDAK0001", "obs-locked-secret-0451"
SENTINEL_TEXT = b"SENTINEL-OBS-0451"


# --------------------------------------------------------------------------- name resolution

_real_getaddrinfo = socket.getaddrinfo


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    """`<bucket>.localhost` is the sandbox, as a wildcard DNS record makes `<bucket>.obs...`
    OBS's endpoint: virtual-host style needs the name to resolve."""
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(scope="module", autouse=True)
def _bucket_names_resolve() -> Iterator[None]:
    socket.getaddrinfo = _getaddrinfo
    yield
    socket.getaddrinfo = _real_getaddrinfo


# --------------------------------------------------------------------------- the sandbox

class OBSBox:
    def __init__(self, box: h.Sandbox, port: int):
        self.box = box
        self.port = port
        self.ip_url = f"http://127.0.0.1:{port}"
        self.name_url = f"http://localhost:{port}"
        self.bucket_dir = box.data / "buckets" / "HuaweiCloud" / REGION / BUCKET
        self.sentinel = box.data.parent / "sentinel"

    def outside_files(self) -> dict[str, bytes]:
        """Every file of the data folder's parent that is not inside a bucket folder, with
        its content (the SQLite state aside, which the API changes by itself)."""
        files = {}
        for path in self.box.data.parent.rglob("*"):
            if path.is_file() and "buckets" not in path.relative_to(self.box.data.parent).parts and "sqlite" not in path.name:
                files[str(path)] = path.read_bytes()
        return files


@pytest.fixture(scope="module")
def obs(sandbox_factory: Any) -> OBSBox:
    port = h._free_port()
    box = sandbox_factory("--obs-port", str(port))
    deadline = time.monotonic() + h.STARTUP_TIMEOUT
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"the OBS port {port} never opened:\n{box.log_tail()}", pytrace=False)
            time.sleep(0.1)
    control = h.Control(box.base_url)
    control.add_bucket("HuaweiCloud", REGION, BUCKET, objects=0)
    control.add_bucket("HuaweiCloud", REGION, LOCKED, objects=0, keys=[f"{LOCKED_AK}:{LOCKED_SK}"])
    env = OBSBox(box, port)
    env.sentinel.mkdir()
    (env.sentinel / "secret.txt").write_bytes(SENTINEL_TEXT)
    return env


def s3(url: str, style: str = "path", ak: str = h.AK, sk: str = h.SK) -> Any:
    return boto3.client(
        "s3", endpoint_url=url, aws_access_key_id=ak, aws_secret_access_key=sk, region_name=REGION,
        config=botocore.config.Config(s3={"addressing_style": style}, retries={"max_attempts": 1},
                                      connect_timeout=5, read_timeout=30))


class RecordingAuth:
    """Remembers the scheme of every Authorization header esdk-obs-python computes."""

    def __init__(self) -> None:
        self.schemes: list[str] = []

    def __enter__(self) -> "RecordingAuth":
        self.originals = (obs_auth.Authentication.doAuth, obs_auth.V4Authentication.doAuth)
        recorder = self

        def wrap(original: Any) -> Any:
            def do_auth(self: Any, *args: Any, **kwargs: Any) -> Any:
                result = original(self, *args, **kwargs)
                recorder.schemes.append(result["Authorization"].split(" ", 1)[0])
                return result
            return do_auth

        obs_auth.Authentication.doAuth = wrap(self.originals[0])
        obs_auth.V4Authentication.doAuth = wrap(self.originals[1])
        return self

    def __exit__(self, *exc: Any) -> None:
        obs_auth.Authentication.doAuth, obs_auth.V4Authentication.doAuth = self.originals


def esdk(url: str, ak: str = h.AK, sk: str = h.SK, **kw: Any) -> ObsClient:
    return ObsClient(access_key_id=ak, secret_access_key=sk, server=url, max_retry_count=0, timeout=30, **kw)


KEYS = ["docs/a.txt", "docs/b b.txt", "docs/sub/c.txt", "docs/sub/d.txt", "docs/é.txt", "docs/z+plus.txt", "top.txt"]


def _listed_v2(client: Any, **kw: Any) -> tuple[list[str], list[str], int]:
    keys, prefixes, pages = [], [], 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, **kw):
        pages += 1
        keys += [c["Key"] for c in page.get("Contents", [])]
        prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
    return keys, prefixes, pages


# --------------------------------------------------------------------------- boto3

@pytest.mark.parametrize("style", ["path", "virtual"])
def test_boto3_puts_lists_heads_gets_and_deletes(obs: OBSBox, style: str) -> None:
    client = s3(obs.ip_url if style == "path" else obs.name_url, style)
    base = f"boto3-{style}/"
    for key in KEYS:
        client.put_object(Bucket=BUCKET, Key=base + key, Body=key.encode() * 3)
    # The objects are files of the bucket folder, byte for byte.
    for key in KEYS:
        assert (obs.bucket_dir / (base + key)).read_bytes() == key.encode() * 3

    # v2: everything, then pages of two with a delimiter.
    everything = client.list_objects_v2(Bucket=BUCKET, Prefix=base)
    assert [c["Key"] for c in everything["Contents"]] == sorted((base + k for k in KEYS), key=lambda k: k.encode())
    assert everything["KeyCount"] == len(KEYS) and not everything["IsTruncated"]
    sizes = {c["Key"]: c["Size"] for c in everything["Contents"]}
    assert sizes[base + "top.txt"] == len(b"top.txt" * 3)
    keys, prefixes, pages = _listed_v2(client, Prefix=base + "docs/", Delimiter="/", PaginationConfig={"PageSize": 2})
    assert keys == [base + k for k in ["docs/a.txt", "docs/b b.txt", "docs/z+plus.txt", "docs/é.txt"]]
    assert prefixes == [base + "docs/sub/"]
    assert pages == 3
    first = client.list_objects_v2(Bucket=BUCKET, Prefix=base, MaxKeys=2)
    assert first["IsTruncated"] and first["KeyCount"] == 2 and first["NextContinuationToken"]
    after = client.list_objects_v2(Bucket=BUCKET, Prefix=base, StartAfter=base + "docs/sub/d.txt")
    assert [c["Key"] for c in after["Contents"]] == [base + "docs/z+plus.txt", base + "docs/é.txt", base + "top.txt"]

    # v1: markers, by the paginator and by hand.
    v1 = [c["Key"] for page in client.get_paginator("list_objects").paginate(
        Bucket=BUCKET, Prefix=base, PaginationConfig={"PageSize": 3}) for c in page.get("Contents", [])]
    assert v1 == [c["Key"] for c in everything["Contents"]]
    page = client.list_objects(Bucket=BUCKET, Prefix=base, Delimiter="/", Marker=base + "docs/")
    assert [c["Key"] for c in page.get("Contents", [])] == [base + "top.txt"] and "CommonPrefixes" not in page
    top = client.list_objects(Bucket=BUCKET, Prefix=base, Delimiter="/")
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == [base + "docs/"]

    head = client.head_object(Bucket=BUCKET, Key=base + "docs/b b.txt")
    body = b"docs/b b.txt" * 3
    assert head["ContentLength"] == len(body) and head["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    got = client.get_object(Bucket=BUCKET, Key=base + "docs/b b.txt", Range="bytes=5-9")
    assert got["Body"].read() == body[5:10] and got["ContentRange"] == f"bytes 5-9/{len(body)}"
    assert client.get_object(Bucket=BUCKET, Key=base + "docs/é.txt")["Body"].read() == "docs/é.txt".encode() * 3

    client.delete_object(Bucket=BUCKET, Key=base + "docs/a.txt")
    assert not (obs.bucket_dir / base / "docs/a.txt").exists()
    with pytest.raises(ClientError) as e:
        client.head_object(Bucket=BUCKET, Key=base + "docs/a.txt")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert BUCKET in [b["Name"] for b in client.list_buckets()["Buckets"]]


def _code(call: Any) -> tuple[str, int]:
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_boto3_refusals_carry_s3_codes(obs: OBSBox) -> None:
    good = s3(obs.ip_url)
    good.put_object(Bucket=BUCKET, Key="refusals/x.txt", Body=b"x")
    assert _code(lambda: s3(obs.ip_url, sk="not-the-secret").get_object(Bucket=BUCKET, Key="refusals/x.txt")) == (
        "SignatureDoesNotMatch", 403)
    assert _code(lambda: s3(obs.ip_url, ak="NOSUCHKEY", sk="x").list_objects_v2(Bucket=BUCKET)) == ("InvalidAccessKeyId", 403)
    assert _code(lambda: good.list_objects_v2(Bucket="no-such-bucket")) == ("NoSuchBucket", 404)
    assert _code(lambda: good.get_object(Bucket="no-such-bucket", Key="x")) == ("NoSuchBucket", 404)
    assert _code(lambda: good.get_object(Bucket=BUCKET, Key="refusals/missing.txt")) == ("NoSuchKey", 404)
    assert _code(lambda: good.get_object(Bucket=BUCKET, Key="refusals/x.txt", Range="bytes=5-")) == ("InvalidRange", 416)
    # A bucket's own pair reaches that bucket only; the API's pair reaches every bucket.
    locked = s3(obs.ip_url, ak=LOCKED_AK, sk=LOCKED_SK)
    locked.put_object(Bucket=LOCKED, Key="mine.txt", Body=b"mine")
    assert good.get_object(Bucket=LOCKED, Key="mine.txt")["Body"].read() == b"mine"
    assert [b["Name"] for b in locked.list_buckets()["Buckets"]] == [LOCKED]
    assert _code(lambda: locked.get_object(Bucket=BUCKET, Key="refusals/x.txt")) == ("InvalidAccessKeyId", 403)
    assert _code(lambda: s3(obs.ip_url, ak=LOCKED_AK, sk="wrong").get_object(Bucket=LOCKED, Key="mine.txt")) == (
        "SignatureDoesNotMatch", 403)


# --------------------------------------------------------------------------- esdk-obs-python

@pytest.mark.parametrize("where", ["name", "ip"])
def test_esdk_puts_lists_heads_gets_and_deletes(obs: OBSBox, where: str) -> None:
    with RecordingAuth() as recorded:
        client = esdk(obs.name_url if where == "name" else obs.ip_url)
        base = f"esdk-{where}/"
        for key in KEYS:
            r = client.putContent(BUCKET, base + key, key * 2)
            assert r.status == 200, (r.errorCode, r.errorMessage)
        for key in KEYS:
            assert (obs.bucket_dir / (base + key)).read_bytes() == (key * 2).encode()

        r = client.listObjects(BUCKET, prefix=base)
        assert r.status == 200 and [c.key for c in r.body.contents] == sorted((base + k for k in KEYS), key=lambda k: k.encode())
        # Pages of two with a delimiter, following NextMarker.
        keys, prefixes, marker, pages = [], [], None, 0
        while True:
            r = client.listObjects(BUCKET, prefix=base + "docs/", delimiter="/", max_keys=2, marker=marker)
            assert r.status == 200, (r.errorCode, r.errorMessage)
            pages += 1
            keys += [c.key for c in r.body.contents]
            prefixes += [p.prefix for p in r.body.commonPrefixs]
            if not r.body.is_truncated:
                break
            marker = r.body.next_marker
        assert keys == [base + k for k in ["docs/a.txt", "docs/b b.txt", "docs/z+plus.txt", "docs/é.txt"]]
        assert prefixes == [base + "docs/sub/"] and pages == 3

        r = client.getObjectMetadata(BUCKET, base + "docs/sub/c.txt")
        assert r.status == 200 and int(r.body.contentLength) == len("docs/sub/c.txt" * 2)
        r = client.getObject(BUCKET, base + "docs/sub/c.txt", headers=GetObjectHeader(range="0-7"), loadStreamInMemory=True)
        assert r.status == 206 and r.body.buffer == b"docs/sub"
        r = client.getObject(BUCKET, base + "top.txt", loadStreamInMemory=True)
        assert r.status == 200 and r.body.buffer == b"top.txttop.txt"
        r = client.deleteObject(BUCKET, base + "top.txt")
        assert r.status == 204 and not (obs.bucket_dir / base / "top.txt").exists()
        r = client.listBuckets()
        assert r.status == 200 and BUCKET in [b.name for b in r.body.buckets]
        client.close()
    # A host name gets OBS's own signature (virtual-host style); an IP address the V2 form.
    assert set(recorded.schemes) == ({"OBS"} if where == "name" else {"AWS"}), recorded.schemes


@pytest.mark.parametrize("where", ["name", "ip"])
def test_esdk_refusals_carry_s3_codes(obs: OBSBox, where: str) -> None:
    url = obs.name_url if where == "name" else obs.ip_url
    good = esdk(url)
    assert good.putContent(BUCKET, "esdk-refusals/x.txt", "x").status == 200
    r = esdk(url, sk="not-the-secret").getObject(BUCKET, "esdk-refusals/x.txt", loadStreamInMemory=True)
    assert (r.status, r.errorCode) == (403, "SignatureDoesNotMatch")
    r = esdk(url, ak="NOSUCHKEY", sk="x").listObjects(BUCKET)
    assert (r.status, r.errorCode) == (403, "InvalidAccessKeyId")
    r = good.listObjects("no-such-bucket")
    assert (r.status, r.errorCode) == (404, "NoSuchBucket")
    r = good.getObject(BUCKET, "esdk-refusals/missing.txt", loadStreamInMemory=True)
    assert (r.status, r.errorCode) == (404, "NoSuchKey")
    assert good.getObjectMetadata(BUCKET, "esdk-refusals/missing.txt").status == 404
    r = esdk(url, ak=LOCKED_AK, sk=LOCKED_SK).putContent(LOCKED, "esdk.txt", "locked")
    assert r.status == 200, (r.errorCode, r.errorMessage)


# --------------------------------------------------------------------------- containment

TRAVERSAL_KEYS = [
    "../../etc/passwd", "../../../../sentinel/secret.txt", "a/../../../../../sentinel/secret.txt",
    "%2e%2e/%2e%2e/%2e%2e/%2e%2e/sentinel/secret.txt", "..\\..\\..\\..\\sentinel\\secret.txt",
    "../\u0301x/secret.txt", "a/./b", "/absolute.txt",
]

# The same keys as raw paths a client could send without normalising anything.
TRAVERSAL_PATHS = [
    "/{b}/../../etc/passwd", "/{b}/../../../../sentinel/secret.txt", "/{b}/a/../../../../../sentinel/secret.txt",
    "/{b}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/sentinel/secret.txt", "/{b}/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fsentinel%2Fsecret.txt",
    "/{b}/..%5c..%5c..%5c..%5csentinel%5csecret.txt", "/{b}/../%CC%81x/secret.txt", "/{b}/a/%2e/b", "/{b}//absolute.txt",
]


def _raw(obs: OBSBox, method: str, path: str, body: bytes = b"", host: str | None = None) -> tuple[int, bytes]:
    """A SigV4-signed request sent exactly as written (no client normalises its path)."""
    host = host or f"127.0.0.1:{obs.port}"
    request = botocore.awsrequest.AWSRequest(method=method, url=f"http://{host}{path}", data=body,
                                             headers={"x-amz-content-sha256": hashlib.sha256(body).hexdigest()})
    botocore.auth.S3SigV4Auth(botocore.credentials.Credentials(h.AK, h.SK), "s3", REGION).add_auth(request)
    conn = http.client.HTTPConnection("127.0.0.1", obs.port, timeout=30)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in request.headers.items():
        conn.putheader(name, value)
    conn.putheader("Host", host)
    conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body)
    response = conn.getresponse()
    answer = (response.status, response.read())
    conn.close()
    return answer


def test_raw_traversal_paths_are_invalid_arguments(obs: OBSBox) -> None:
    before = obs.outside_files()
    for template in TRAVERSAL_PATHS:
        for host in [None, f"{BUCKET}.localhost:{obs.port}"]:
            path = template.format(b=BUCKET) if host is None else template.replace("/{b}", "")
            for method in ["PUT", "GET", "HEAD", "DELETE"]:
                status, body = _raw(obs, method, path, b"ESCAPED" if method == "PUT" else b"", host)
                assert status == 400, (method, host, path, status, body[:300])
                if method != "HEAD":
                    assert b"<Code>InvalidArgument</Code>" in body, (method, path, body[:300])
                assert SENTINEL_TEXT not in body and b"root:" not in body
    assert obs.outside_files() == before
    assert not (obs.box.data / "buckets" / "HuaweiCloud" / "etc").exists()
    assert (obs.sentinel / "secret.txt").read_bytes() == SENTINEL_TEXT


def test_clients_cannot_write_or_read_outside_the_bucket(obs: OBSBox) -> None:
    before = obs.outside_files()
    bucket_root = obs.bucket_dir.resolve()
    clients = [s3(obs.ip_url), s3(obs.name_url, "virtual")]
    for key in TRAVERSAL_KEYS:
        for client in clients:
            try:
                client.put_object(Bucket=BUCKET, Key=key, Body=b"ESCAPED")
            except ClientError as e:
                assert e.response["Error"]["Code"] in {"InvalidArgument", "SignatureDoesNotMatch", "NoSuchBucket"}, e.response
            try:
                body = client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
                assert body == b"ESCAPED"  # only ever a file the put above wrote inside the bucket
            except ClientError as e:
                assert e.response["Error"]["Code"] in {"InvalidArgument", "SignatureDoesNotMatch", "NoSuchBucket", "NoSuchKey"}
        for url in [obs.name_url, obs.ip_url]:
            r = esdk(url).putContent(BUCKET, key, "ESCAPED")
            assert r.status in (200, 400, 403, 404), (key, r.status, r.errorCode)
            if r.status != 200:
                assert r.errorCode in {"InvalidArgument", "SignatureDoesNotMatch", "NoSuchBucket"}, (key, r.errorCode)
    # Whatever was stored lies inside the bucket folder; nothing outside changed.
    for path in obs.box.data.rglob("*"):
        if path.is_file() and path.read_bytes() == b"ESCAPED":
            assert bucket_root in path.resolve().parents, path
    assert obs.outside_files() == before
    assert (obs.sentinel / "secret.txt").read_bytes() == SENTINEL_TEXT
    assert not (obs.box.data / "buckets" / "HuaweiCloud" / "etc").exists()
    assert not (obs.box.data / "buckets" / "etc").exists()


def test_no_secret_reaches_answers_or_the_log(obs: OBSBox) -> None:
    for call in [lambda: s3(obs.ip_url, sk=LOCKED_SK + "-wrong").get_object(Bucket=LOCKED, Key="mine.txt"),
                 lambda: s3(obs.ip_url, ak=LOCKED_AK, sk=LOCKED_SK + "-wrong").get_object(Bucket=LOCKED, Key="mine.txt")]:
        with pytest.raises(ClientError) as e:
            call()
        text = str(e.value.response)
        assert LOCKED_SK not in text and h.SK not in text
    log = obs.box.log_path.read_text(errors="replace")
    assert LOCKED_SK not in log and "Signature=" not in log and "OBS " + h.AK not in log


def test_the_embedded_sandbox_names_its_obs_port(tmp_path: Path) -> None:
    """A command on the embedded sandbox says, in its one stderr line, where the buckets are
    served over OBS's API (a loopback port of its own)."""
    shutil.copytree(REPO / "examples" / "quickstart", tmp_path / "plan")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUAWEICLOUD_SDK_", "OMS_"))}
    result = subprocess.run([str(sandbox_binary()), "diff", "plan"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, env=env)
    line = next((l for l in result.stderr.splitlines() if "embedded OMS sandbox" in l), "")
    found = re.search(r"OBS's API on http://127\.0\.0\.1:(\d+)\)", line)
    assert found, result.stderr[-2000:]
    assert 0 < int(found.group(1)) < 65536


def test_the_obs_port_must_differ_from_the_api_port(tmp_path: Path) -> None:
    result = subprocess.run([str(sandbox_binary()), "sandbox", "serve", "--port", "18999", "--obs-port", "18999",
                             "--data", str(tmp_path / "data")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 64, result.stderr
    assert "--obs-port must be another port than --port" in result.stderr
    for bad in ["65536", "-1", "nine"]:
        result = subprocess.run([str(sandbox_binary()), "sandbox", "serve", "--obs-port", bad, "--data", str(tmp_path / "data")],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 64, (bad, result.stderr)
