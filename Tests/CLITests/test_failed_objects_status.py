"""`status` reads the failed-object lists OMS writes into the destination bucket (issue 24, part 3):
against `sandbox serve --obs-port`, objects made to fail with two codes through
`/control/object-failures`, `status --output json` shows `entries[].failedObjects` with the counts,
codes and keys, read over OBS's API at `OMS_OBS_ENDPOINT` with the plan's destination keys; the
text names each code with what to do. The secret key is in no output."""
import json
import socket
import sys
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "ConformanceTests"))

from oms_helpers import AK, PROJECT_ID, SK, Sandbox  # noqa: E402

PLAN = """\
apiVersion: oms-plan/v1
kind: Stack
metadata: {name: fo}
spec:
  region: cn-north-4
  serviceTimezone: "+08:00"
  defaults:
    destination: {bucket: dst, credentials: obs}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: aliyun}
spec: {accessKey: "${env:FO_SRC_AK}", secretKey: "${env:FO_SRC_SK}"}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: obs}
spec: {accessKey: "${env:FO_OBS_AK}", secretKey: "${env:FO_OBS_SK}"}
---
apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {name: photos}
spec:
  type: prefix
  source: {cloud: Aliyun, region: cn-hangzhou, bucket: src, credentials: aliyun, prefixes: ["p/"]}
  destination: {savePrefix: p/}
  options: {enableFailedObjectRecording: true}
"""
KEYS = ["p/a.bin", "p/b.bin", "p/c d.bin", "p/e.bin"]
FAILING = {"p/b.bin": "InvalidObjectState", "p/c d.bin": "NoSuchKey", "p/e.bin": "NoSuchKey"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(binary, tmp_path):
    data = tmp_path / "sandbox-data"
    source = data / "buckets" / "Aliyun" / "cn-hangzhou" / "src"
    for key in KEYS:
        path = source / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 1024)
    (data / "buckets" / "HuaweiCloud" / "cn-north-4" / "dst").mkdir(parents=True)
    obs_port = free_port()
    box = Sandbox(Path(binary), data, tmp_path / "sandbox.log", "10", extra=["--obs-port", str(obs_port)])
    box.wait_ready()
    box.obs_url = f"http://127.0.0.1:{obs_port}"
    yield box
    box.stop()


def test_status_json_shows_failed_objects_by_code(run, workdir, served):
    plan = workdir / "fo"
    plan.mkdir()
    (plan / "plan.yaml").write_text(PLAN)
    for key, code in FAILING.items():
        resp = requests.post(served.base_url + "/control/object-failures", timeout=30, json={
            "cloudType": "Aliyun", "region": "cn-hangzhou", "bucket": "src", "keyPrefix": key, "errorCode": code, "times": 0})
        assert resp.status_code == 200, resp.text
    # The bucket has no .keys list: over OBS's API it takes the sandbox's own keys, so the
    # plan's destination Credentials are those.
    env = {"OMS_ENDPOINT": served.base_url, "OMS_PROJECT_ID": PROJECT_ID, "HUAWEICLOUD_SDK_AK": AK,
           "HUAWEICLOUD_SDK_SK": SK, "OMS_OBS_ENDPOINT": served.obs_url, "FO_SRC_AK": "FOSRCAK0001",
           "FO_SRC_SK": "fo-source-secret-0001", "FO_OBS_AK": AK, "FO_OBS_SK": SK}
    applied = run("apply", "fo", "--auto-approve", env=env)
    assert applied.returncode == 0, applied.stdout + applied.stderr

    deadline = time.time() + 90
    while True:
        status = run("status", "fo", "--output", "json", "--parallelism", "2", env=env)
        assert status.returncode == 0, status.stdout + status.stderr
        document = json.loads(status.stdout)
        entry = next(e for e in document["entries"] if e["address"] == "MigrationTask/photos")
        if "failedObjects" in entry or time.time() > deadline:
            break
        time.sleep(0.5)
    failed = entry.get("failedObjects")
    assert failed, f"no failedObjects after 90 s: {entry}\n{served.log_tail()}"
    assert failed.get("note") is None, failed
    assert failed["count"] == 3
    assert failed["byCode"] == {"InvalidObjectState": 1, "NoSuchKey": 2}
    assert {s["key"]: s["code"] for s in failed["sample"]} == FAILING
    assert all(s["reason"] for s in failed["sample"])
    assert failed["listFile"].startswith("oms/task/") and failed["listFile"].endswith(".failed_list.txt"), failed
    assert failed["accepted"] == 0
    assert "enableRestore" in failed["explanations"]["InvalidObjectState"]["advice"]
    assert "acceptFailures" in failed["explanations"]["NoSuchKey"]["advice"]

    text = run("status", "fo", env=env)
    assert text.returncode == 0, text.stderr
    assert "3 failed objects" in text.stdout and "NoSuchKey x2" in text.stdout and "InvalidObjectState x1" in text.stdout
    assert "what to do: set options.enableRestore" in text.stdout and "p/c d.bin" in text.stdout
    for output in (status.stdout, status.stderr, text.stdout, text.stderr):
        assert SK not in output and "Signature=" not in output


def test_a_bad_obs_endpoint_is_a_note_and_status_still_answers(run, workdir, served):
    plan = workdir / "fo"
    plan.mkdir()
    (plan / "plan.yaml").write_text(PLAN)
    env = {"OMS_ENDPOINT": served.base_url, "OMS_PROJECT_ID": PROJECT_ID, "HUAWEICLOUD_SDK_AK": AK,
           "HUAWEICLOUD_SDK_SK": SK, "OMS_OBS_ENDPOINT": "not a url", "FO_SRC_AK": "FOSRCAK0001",
           "FO_SRC_SK": "fo-source-secret-0001", "FO_OBS_AK": AK, "FO_OBS_SK": SK}
    status = run("status", "fo", "--output", "json", env=env)
    assert status.returncode == 0, status.stderr
    assert "OMS_OBS_ENDPOINT must be an http(s)://host[:port] URL" in status.stderr
    json.loads(status.stdout)
    assert run("status", "fo", "--parallelism", "0", env=env).returncode == 64
