"""The plan's acceptFailures reach `status` (issue 24, part 4): against `sandbox serve --obs-port`,
objects made to fail with two codes, a plan that accepts one code and names a prefix nothing
matches; `status --output json` counts the accepted objects in `failedObjects.accepted` and lists
the unaccepted one first. Adding the acceptances changes nothing live: `diff` exits 0."""
import json
import time

import requests

# (The sibling module puts Tests/ConformanceTests on sys.path, for oms_helpers.)
from test_failed_objects_status import FAILING, PLAN, served  # noqa: F401  (the fixture)
from oms_helpers import AK, PROJECT_ID, SK  # noqa: E402

ACCEPTING = PLAN + """\
  acceptFailures:
    - {reason: "deleted at the source before the cut-over (ticket OPS-1234)", codes: [NoSuchKey]}
    - {reason: scratch files, prefix: p/tmp/}
"""


def test_status_counts_objects_the_plan_accepts(run, workdir, served):  # noqa: F811
    plan = workdir / "fo"
    plan.mkdir()
    (plan / "plan.yaml").write_text(PLAN)
    for key, code in FAILING.items():
        resp = requests.post(served.base_url + "/control/object-failures", timeout=30, json={
            "cloudType": "Aliyun", "region": "cn-hangzhou", "bucket": "src", "keyPrefix": key, "errorCode": code, "times": 0})
        assert resp.status_code == 200, resp.text
    env = {"OMS_ENDPOINT": served.base_url, "OMS_PROJECT_ID": PROJECT_ID, "HUAWEICLOUD_SDK_AK": AK,
           "HUAWEICLOUD_SDK_SK": SK, "OMS_OBS_ENDPOINT": served.obs_url, "FO_SRC_AK": "FOSRCAK0001",
           "FO_SRC_SK": "fo-source-secret-0001", "FO_OBS_AK": AK, "FO_OBS_SK": SK}
    applied = run("apply", "fo", "--auto-approve", env=env)
    assert applied.returncode == 0, applied.stdout + applied.stderr

    # Acceptances are written after the fact, in review: no change for diff.
    (plan / "plan.yaml").write_text(ACCEPTING)
    assert run("validate", "fo", env=env).returncode == 0
    deadline = time.time() + 90
    while True:
        status = run("status", "fo", "--output", "json", "--parallelism", "2", env=env)
        assert status.returncode == 0, status.stdout + status.stderr
        entry = next(e for e in json.loads(status.stdout)["entries"] if e["address"] == "MigrationTask/photos")
        if "failedObjects" in entry or time.time() > deadline:
            break
        time.sleep(0.5)
    failed = entry.get("failedObjects")
    assert failed, f"no failedObjects after 90 s: {entry}\n{served.log_tail()}"
    assert failed["count"] == 3 and failed["accepted"] == 2, failed
    assert failed["sample"][0]["code"] == "InvalidObjectState", failed["sample"]
    # Additive fields: not settled (one object unaccepted), and the prefix entry is stale.
    assert failed["settled"] is False and failed["unaccepted"] == 1, failed
    assert failed["staleAcceptances"] == [{"index": 1, "reason": "scratch files"}], failed
    assert entry["status"] != "Succeeded", entry
    text = run("status", "fo", "--parallelism", "2", env=env)
    assert text.returncode == 0, text.stdout + text.stderr
    assert "1 unaccepted failed object: " in text.stdout, text.stdout
    assert "stale acceptance: acceptFailures[1] (scratch files)" in text.stdout, text.stdout
    diff = run("diff", "fo", "--output", "json", env=env)
    assert diff.returncode == 0 or "failed" in diff.stdout, diff.stdout + diff.stderr
    changes = json.loads(diff.stdout)["changes"]
    photos = next(c for c in changes if c["address"] == "MigrationTask/photos")
    assert photos["action"] not in ("update", "replace"), photos
    # diff lists what the acceptances leave open and the stale entry, in JSON and text.
    assert photos["acceptance"]["unaccepted"] == 1 and photos["acceptance"]["accepted"] == 2, photos
    assert photos["acceptance"]["staleAcceptances"] == [{"index": 1, "reason": "scratch files"}], photos
    text = run("diff", "fo", env=env)
    assert "stale acceptance: acceptFailures[1] (scratch files)" in text.stdout, text.stdout


def test_apply_wait_exits_0_once_every_failed_object_is_accepted(run, workdir, served):  # noqa: F811
    plan = workdir / "fo"
    plan.mkdir()
    (plan / "plan.yaml").write_text(PLAN)
    for key, code in FAILING.items():
        resp = requests.post(served.base_url + "/control/object-failures", timeout=30, json={
            "cloudType": "Aliyun", "region": "cn-hangzhou", "bucket": "src", "keyPrefix": key, "errorCode": code, "times": 0})
        assert resp.status_code == 200, resp.text
    env = {"OMS_ENDPOINT": served.base_url, "OMS_PROJECT_ID": PROJECT_ID, "HUAWEICLOUD_SDK_AK": AK,
           "HUAWEICLOUD_SDK_SK": SK, "OMS_OBS_ENDPOINT": served.obs_url, "FO_SRC_AK": "FOSRCAK0001",
           "FO_SRC_SK": "fo-source-secret-0001", "FO_OBS_AK": AK, "FO_OBS_SK": SK}
    failed = run("apply", "fo", "--auto-approve", "--wait", "--wait-timeout", "90", env=env)
    assert failed.returncode != 0, failed.stdout + failed.stderr
    # The last line names the objects' codes, not only the task's.
    last = failed.stderr.strip().splitlines()[-1]
    assert "objects still failing:" in last and all(code in last for code in FAILING.values()), failed.stderr
    # Every code accepted: settled, nothing to retry, exit 0.
    (plan / "plan.yaml").write_text(PLAN + """\
  acceptFailures:
    - {reason: "deleted at the source before the cut-over (ticket OPS-1234)", codes: [NoSuchKey]}
    - {reason: archived on purpose (ticket OPS-1250), codes: [InvalidObjectState]}
""")
    settled = run("apply", "fo", "--auto-approve", "--wait", "--wait-timeout", "90", env=env)
    assert settled.returncode == 0, settled.stdout + settled.stderr
    # status: JSON keeps OMS's status and adds `settled`; text says it succeeded, with the reasons.
    status = run("status", "fo", "--output", "json", "--parallelism", "2", env=env)
    entry = next(e for e in json.loads(status.stdout)["entries"] if e["address"] == "MigrationTask/photos")
    assert entry["status"] != "Succeeded" and entry["failedObjects"]["settled"] is True, entry
    text = run("status", "fo", "--parallelism", "2", env=env)
    assert "Succeeded with 3 accepted failures (deleted at the source before the cut-over (ticket OPS-1234); " \
        "archived on purpose (ticket OPS-1250))" in text.stdout, text.stdout
