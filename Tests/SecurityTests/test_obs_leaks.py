"""Secrets never reach an output (issue 10), extended to the sandbox's OBS port (issue 24).

`oms-plan sandbox serve --obs-port` runs with a canary as its own secret key, and a bucket whose
`.keys` pair is made of canaries. boto3 (Signature V4) and esdk-obs-python (OBS signature) then
put, list, get and delete with the right keys, and are refused with wrong secrets that are
canaries too. Every answer body, every answer header, and the server's stdout and stderr are
searched for each canary in all its forms (cli_support.find_leaks), and for every signature a
client computed: a signature is derived from a secret, so it is never echoed either.
"""
import json
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from cli_support import CANARIES, binary_path, find_leaks, leak_context

boto3 = pytest.importorskip("boto3")
botocore_config = pytest.importorskip("botocore.config")
obs_module = pytest.importorskip("obs")

REGION = "cn-north-4"
OPEN_BUCKET = "leak-open"
LOCKED_BUCKET = "leak-locked"
API_AK = "LEAKOBSAPIAK0001"
API_SK = CANARIES["HUAWEICLOUD_SDK_SK"]
BUCKET_AK = CANARIES["LEAK_AK"]
BUCKET_SK = CANARIES["FILE_SK"]
WRONG_SK = CANARIES["OMS_AUTH_TOKEN"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the sandbox exited early"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"port {port} never opened")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A served sandbox with an OBS port; yields (obs url, answers list, signatures list,
    a function returning the server's output once it has stopped)."""
    root = tmp_path_factory.mktemp("obs-leaks")
    api_port, obs_port = _free_port(), _free_port()
    args = [str(binary_path()), "sandbox", "serve", "--host", "127.0.0.1", "--port", str(api_port),
            "--obs-port", str(obs_port), "--data", str(root / "data"), "--control",
            "--access-key", API_AK, "--secret-key", API_SK]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    output = {}
    try:
        _wait_for(api_port, process)
        _wait_for(obs_port, process)
        for bucket, keys in ((OPEN_BUCKET, None), (LOCKED_BUCKET, [f"{BUCKET_AK}:{BUCKET_SK}"])):
            body = {"cloudType": "HuaweiCloud", "region": REGION, "bucket": bucket, "prefix": "",
                    "objects": 1, "objectSize": 64}
            if keys:
                body["keys"] = keys
            request = urllib.request.Request(f"http://127.0.0.1:{api_port}/control/buckets",
                                             data=json.dumps(body).encode(), method="POST",
                                             headers={"Content-Type": "application/json"})
            urllib.request.urlopen(request, timeout=10).read()

        def stop() -> bytes:
            if "log" not in output:
                process.send_signal(signal.SIGTERM)
                out, err = process.communicate(timeout=60)
                output["log"] = out + err
            return output["log"]

        yield f"http://127.0.0.1:{obs_port}", [], [], stop
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)


def _boto(url: str, ak: str, sk: str, answers: list, signatures: list):
    client = boto3.client("s3", endpoint_url=url, aws_access_key_id=ak, aws_secret_access_key=sk,
                          region_name=REGION,
                          config=botocore_config.Config(s3={"addressing_style": "path"},
                                                        retries={"max_attempts": 1}))

    def keep_signature(request, **_):
        header = request.headers.get("Authorization", b"")
        header = header.decode() if isinstance(header, bytes) else header
        if "Signature=" in header:
            signatures.append(header.rsplit("Signature=", 1)[1])

    def keep_answer(http_response, streaming=False):
        # A streaming answer's body (GetObject) is the object itself, read by the caller.
        if not streaming:
            answers.append(bytes(http_response.content or b""))
        answers.append(json.dumps(dict(http_response.headers)).encode())

    client.meta.events.register("before-send.s3", keep_signature)
    client.meta.events.register("after-call.s3", lambda **kw: keep_answer(
        kw["http_response"], streaming=kw["model"].has_streaming_output and kw["http_response"].status_code < 300))
    client.meta.events.register("needs-retry.s3", lambda **kw: keep_answer(kw["response"][0])
                                if kw.get("response") and kw["response"][0].status_code >= 300 else None)
    return client


def _assert_clean(label: str, data: bytes, signatures: list) -> None:
    hits = find_leaks(data)
    assert not hits, f"{label} shows secrets {sorted(set(h[0] for h in hits))}: {hits}\n{leak_context(data)}"
    for signature in signatures:
        assert signature.encode() not in data, f"{label} echoes a request's signature"


def test_no_secret_or_signature_reaches_obs_answers_or_the_log(served):
    url, answers, signatures, stop = served
    good = _boto(url, BUCKET_AK, BUCKET_SK, answers, signatures)
    good.put_object(Bucket=LOCKED_BUCKET, Key="leak/a.txt", Body=b"hello")
    assert good.get_object(Bucket=LOCKED_BUCKET, Key="leak/a.txt")["Body"].read() == b"hello"
    assert [o["Key"] for o in good.list_objects_v2(Bucket=LOCKED_BUCKET, Prefix="leak/")["Contents"]] == ["leak/a.txt"]
    good.delete_object(Bucket=LOCKED_BUCKET, Key="leak/a.txt")

    api = _boto(url, API_AK, API_SK, answers, signatures)
    api.put_object(Bucket=OPEN_BUCKET, Key="leak/b.txt", Body=b"world")
    api.list_objects(Bucket=OPEN_BUCKET)

    refusals = []
    for ak, sk, bucket in ((BUCKET_AK, WRONG_SK, LOCKED_BUCKET), (API_AK, WRONG_SK, OPEN_BUCKET),
                           (API_AK, API_SK, LOCKED_BUCKET), (BUCKET_AK, BUCKET_SK, OPEN_BUCKET)):
        try:
            _boto(url, ak, sk, answers, signatures).get_object(Bucket=bucket, Key="leak/b.txt")
        except Exception as error:  # botocore.exceptions.ClientError
            refusals.append(error.response["Error"]["Code"])
            answers.append(json.dumps(error.response, default=str).encode())
    assert refusals[0] == "SignatureDoesNotMatch" and refusals[1] == "SignatureDoesNotMatch", refusals
    assert len(refusals) == 4, f"a wrong key was let in: {refusals}"

    # esdk-obs-python: OBS's own signature (host name) with a wrong secret and with the right one.
    for sk, code in ((WRONG_SK, "SignatureDoesNotMatch"), (BUCKET_SK, "NoSuchKey")):
        client = obs_module.ObsClient(access_key_id=BUCKET_AK, secret_access_key=sk,
                                      server=url.replace("127.0.0.1", "localhost"),
                                      max_retry_count=0, timeout=30, path_style=True)
        result = client.getObject(LOCKED_BUCKET, "missing.txt", loadStreamInMemory=True)
        answers.append(json.dumps({"status": result.status, "code": result.errorCode,
                                   "message": result.errorMessage, "body": str(result.body)}).encode())
        client.close()
        assert result.errorCode == code, (result.status, result.errorCode)

    assert signatures, "no request was signed"
    for index, answer in enumerate(answers):
        _assert_clean(f"OBS answer {index}", answer, signatures)
    _assert_clean("the sandbox's output", stop(), signatures)
