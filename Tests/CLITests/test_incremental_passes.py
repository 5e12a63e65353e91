"""Incremental passes through the CLI (issue 25, part 1): against `sandbox serve` on real time
(passes are due by the machine's clock, which the sandbox then shares), a plan whose task has
`incremental: {every: 1m}`; after the full copy, a new object at the source; a minute after the
full copy started `reconcile --once` creates pass 1 (logged on stderr), which copies just that object; the
pass is recorded in `.oms-plan/state/<stack>.passes.json`, `status --output json` shows
`entries[].passes` and `nextPass`, and `diff` lists the pass without planning any change for it."""
import json
import os
import time
from pathlib import Path

import pytest

# (The sibling module puts Tests/ConformanceTests on sys.path, for oms_helpers.)
from test_failed_objects_status import KEYS, PLAN
from oms_helpers import AK, PROJECT_ID, SK, Control, Sandbox  # noqa: E402

INCREMENTAL = PLAN + "  incremental: {every: 1m, overlap: 0, keep: 1}\n"


@pytest.fixture
def served(binary, tmp_path):
    """The sandbox at time scale 1: its clock is the machine's, which reconcile's `now` is."""
    data = tmp_path / "sandbox-data"
    source = data / "buckets" / "Aliyun" / "cn-hangzhou" / "src"
    for key in KEYS:
        path = source / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 1024)
        os.utime(path, (1_700_000_000, 1_700_000_000))
    (data / "buckets" / "HuaweiCloud" / "cn-north-4" / "dst").mkdir(parents=True)
    box = Sandbox(Path(binary), data, tmp_path / "sandbox.log", "1")
    box.wait_ready()
    yield box
    box.stop()


def test_reconcile_creates_records_and_shows_a_pass(run, workdir, served, tmp_path):
    plan = workdir / "inc"
    plan.mkdir()
    (plan / "plan.yaml").write_text(INCREMENTAL)
    env = {"OMS_ENDPOINT": served.base_url, "OMS_PROJECT_ID": PROJECT_ID, "HUAWEICLOUD_SDK_AK": AK,
           "HUAWEICLOUD_SDK_SK": SK, "FO_SRC_AK": "FOSRCAK0001", "FO_SRC_SK": "fo-source-secret-0001",
           "FO_OBS_AK": AK, "FO_OBS_SK": SK}
    control = Control(served.base_url)
    applied = run("apply", "inc", "--auto-approve", "--wait", "--wait-timeout", "5m", env=env, timeout=300)
    assert applied.returncode == 0, applied.stdout + applied.stderr

    # A new object at the source, modified (in sandbox time) after the full copy started.
    new = tmp_path / "sandbox-data" / "buckets" / "Aliyun" / "cn-hangzhou" / "src" / "p" / "new.bin"
    new.write_bytes(b"written after the full copy")
    stamp = control.now().timestamp() + 1
    os.utime(new, (stamp, stamp))

    # Not due before a minute after the full copy started; then pass 1.
    deadline = time.time() + 120
    while True:
        first = run("reconcile", "inc", "--once", env=env)
        assert first.returncode == 0, first.stdout + first.stderr
        if "pass 1" in first.stderr or time.time() > deadline:
            break
        time.sleep(3)
    assert "MigrationTask/photos pass 1: created" in first.stderr, first.stderr

    # Followed and recorded by the next passes of reconcile.
    deadline = time.time() + 120
    while True:
        control.run(5)
        again = run("reconcile", "inc", "--once", env=env)
        assert again.returncode == 0, again.stdout + again.stderr
        ledger = json.loads((workdir / ".oms-plan" / "state" / "fo.passes.json").read_text())
        passes = ledger["passes"]["MigrationTask/photos"]
        if passes[0]["status"] == "succeeded" or time.time() > deadline:
            break
    assert passes[0]["status"] == "succeeded", passes
    assert passes[0]["objectsCopied"] == 1 and passes[0]["objectsSkipped"] == 4, passes

    status = run("status", "inc", "--output", "json", env=env)
    assert status.returncode == 0, status.stdout + status.stderr
    entry = next(e for e in json.loads(status.stdout)["entries"] if e["address"] == "MigrationTask/photos")
    assert [(p["n"], p["status"], p["objects"]) for p in entry["passes"]] == [(1, "succeeded", 1)], entry
    assert set(entry["passes"][0]) == {"n", "start", "finish", "objects", "bytes", "failed", "status"}, entry
    assert entry["nextPass"].endswith("Z") or "+" in entry["nextPass"], entry
    text = run("status", "inc", env=env)
    assert "passes: 1 (last #1 succeeded" in text.stdout, text.stdout

    diff = run("diff", "inc", "--output", "json", env=env)
    assert diff.returncode == 0, diff.stdout + diff.stderr
    report = json.loads(diff.stdout)
    assert [(p["address"], p["n"], p["status"]) for p in report["incrementalPasses"]] == [("MigrationTask/photos", 1, "succeeded")], report
    assert all(c["action"] == "noop" for c in report["changes"]), report["changes"]
    assert report["unowned"]["tasks"] == 0, report["unowned"]
