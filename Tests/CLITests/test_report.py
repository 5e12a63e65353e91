"""`oms-plan report` (issue 24, part 5) as users run it: after `apply --wait` against the
embedded sandbox, the report in every format says what `status --output json` says, and its
exit code tells whether it was written."""
import csv
import io
import json
import re

import pytest

FAST = {"OMS_PLAN_SANDBOX_TIME_SCALE": "600"}


@pytest.fixture
def applied(run):
    result = run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "5m", env=FAST, timeout=300)
    assert result.returncode == 0, result.stderr
    status = run("status", "plan", "--output", "json", env=FAST)
    assert status.returncode == 0, status.stderr
    return json.loads(status.stdout)


def test_every_format_says_what_status_says(run, applied, workdir):
    reports = {}
    for form in ("markdown", "json", "csv", "html"):
        result = run("report", "plan", "--output", form, env=FAST)
        assert result.returncode == 0, (form, result.stderr)
        reports[form] = result.stdout
    report = json.loads(reports["json"])
    entries = {e["address"]: e for e in applied["entries"]}
    resources = {r["address"]: r for r in report["resources"]}
    assert report["stack"] == applied["stack"] and set(resources) == set(entries)
    for address, e in entries.items():
        r = resources[address]
        assert r["status"] == e["status"], address
        if e["kind"] == "MigrationSyncTask":
            assert r["figuresAre"] == "month"
            continue
        assert r["objectsListed"] == e["objectsTotal"], address
        assert r["objectsCopied"] + r["objectsSkipped"] == e["objectsDone"], address
        assert r["objectsFailed"] == e["objectsFailed"], address
        assert r["bytesCopied"] == e["bytesDone"] and r["bytesTotal"] == e["bytesTotal"], address
        assert r["consistencyCheck"] in ("size_last_modified", "crc64", "no_check"), address
        if e["status"] == "Succeeded":
            assert r["firstStart"] and r["lists"]["successFolder"].startswith("oms/task"), address
    totals = report["totals"]
    assert totals["resources"] == len(entries)
    assert totals["bytesCopied"] == sum(e["bytesDone"] for e in entries.values() if e["kind"] != "MigrationSyncTask") \
        + sum(r["bytesCopied"] for r in resources.values() if r["kind"] == "MigrationSyncTask")
    assert totals["objectsFailed"] == sum(r["objectsFailed"] for r in resources.values())
    assert report["acceptances"] == []

    markdown = reports["markdown"]
    assert markdown.startswith(f"# Migration report: {applied['stack']}\n")
    for address in entries:
        assert f"### `{address}`:" in markdown
    assert f"| {totals['resources']} | {totals['objectsListed']} | {totals['objectsCopied']} |" in markdown
    assert "None: the plan accepts no failed objects." in markdown

    rows = list(csv.reader(io.StringIO(reports["csv"], newline="")))
    assert rows[0] == ["address", "key", "code", "reason", "accepted_by"]
    assert len(rows) - 1 == len(report["failedObjects"])

    html = reports["html"]
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html.lower()
    assert f'data-objects-listed="{totals["objectsListed"]}"' in html
    assert len(re.findall(r'<article class="resource"', html)) == len(entries)


def test_write_puts_the_report_in_a_file(run, applied, workdir):
    result = run("report", "plan", "--output", "html", "--write", "report.html", env=FAST)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and "wrote the html report" in result.stderr
    assert (workdir / "report.html").read_text().startswith("<!DOCTYPE html>")
    # RFC 4180 lines end CRLF (stdout is read as text here, which folds them).
    assert run("report", "plan", "--output", "csv", "--write", "report.csv", env=FAST).returncode == 0
    assert (workdir / "report.csv").read_bytes() == b"address,key,code,reason,accepted_by\r\n"


def test_exit_codes(run, workdir):
    assert run("report", "plan", "--output", "pdf").returncode == 64
    (workdir / "plan" / "broken.yaml").write_text("kind: MigrationTask\n")
    broken = run("report", "plan")
    assert broken.returncode == 1 and broken.stdout == "", broken.stderr
    (workdir / "plan" / "broken.yaml").unlink()
    # Nothing listens on port 9 of the loopback: OMS cannot be read.
    unreachable = run("report", "plan", "--endpoint", "http://127.0.0.1:9", "--project-id", "p", "--request-timeout", "2",
                      env={"HUAWEICLOUD_SDK_AK": "AKEXAMPLEREPORT1", "HUAWEICLOUD_SDK_SK": "SKEXAMPLEREPORTSECRET1"})
    assert unreachable.returncode == 1 and unreachable.stdout == "", unreachable.stderr
    assert "OMS could not be read" in unreachable.stderr
    assert "SKEXAMPLEREPORTSECRET1" not in unreachable.stderr


# Against `sandbox serve --obs-port` with objects made to fail through /control/object-failures
# (as test_failed_objects_status does): the CSV lists exactly the failed keys, spreadsheet
# formulas neutralised, and agrees with status's failedObjects.
def test_csv_lists_exactly_the_failed_objects(run, workdir, binary, tmp_path):
    import sys
    from pathlib import Path
    import requests
    repo = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(repo / "Tests" / "ConformanceTests"))
    sys.path.insert(0, str(repo / "Tests" / "CLITests"))
    from oms_helpers import AK, PROJECT_ID, SK, Sandbox
    from test_failed_objects_status import PLAN, free_port

    keys = ["p/ok.bin", "p/=SUM(1,2).bin", "p/<b>\"q\".bin", "p/gone.bin"]
    failing = {"p/=SUM(1,2).bin": "NoSuchKey", "p/<b>\"q\".bin": "InvalidObjectState", "p/gone.bin": "NoSuchKey"}
    data = tmp_path / "sandbox-data"
    source = data / "buckets" / "Aliyun" / "cn-hangzhou" / "src"
    for key in keys:
        (source / key).parent.mkdir(parents=True, exist_ok=True)
        (source / key).write_bytes(b"x" * 1024)
    (data / "buckets" / "HuaweiCloud" / "cn-north-4" / "dst").mkdir(parents=True)
    obs_port = free_port()
    box = Sandbox(Path(binary), data, tmp_path / "sandbox.log", "10", extra=["--obs-port", str(obs_port)])
    box.wait_ready()
    try:
        for key, code in failing.items():
            resp = requests.post(box.base_url + "/control/object-failures", timeout=30, json={
                "cloudType": "Aliyun", "region": "cn-hangzhou", "bucket": "src", "keyPrefix": key, "errorCode": code, "times": 0})
            assert resp.status_code == 200, resp.text
        plan = workdir / "fo"
        plan.mkdir()
        (plan / "plan.yaml").write_text(PLAN)
        env = {"OMS_ENDPOINT": box.base_url, "OMS_PROJECT_ID": PROJECT_ID, "HUAWEICLOUD_SDK_AK": AK,
               "HUAWEICLOUD_SDK_SK": SK, "OMS_OBS_ENDPOINT": f"http://127.0.0.1:{obs_port}", "FO_SRC_AK": "FOSRCAK0001",
               "FO_SRC_SK": "fo-source-secret-0001", "FO_OBS_AK": AK, "FO_OBS_SK": SK}
        applied = run("apply", "fo", "--auto-approve", "--wait", "--wait-timeout", "2m", env=env, timeout=200)
        assert applied.returncode == 1 and "MigrationTask/photos" in applied.stderr, applied.stderr

        status = json.loads(run("status", "fo", "--output", "json", env=env).stdout)
        entry = next(e for e in status["entries"] if e["address"] == "MigrationTask/photos")
        assert entry["failedObjects"]["count"] == 3, entry
        written = run("report", "fo", "--output", "csv", "--write", "failed.csv", "--parallelism", "2", env=env)
        assert written.returncode == 0, written.stderr
        rows = list(csv.reader(io.StringIO((workdir / "failed.csv").read_bytes().decode(), newline="")))
        assert rows[0] == ["address", "key", "code", "reason", "accepted_by"]
        got = {row[1]: row[2] for row in rows[1:]}
        assert all(row[0] == "MigrationTask/photos" and row[3] and row[4] == "" for row in rows[1:]), rows
        # Keys start with the plan's prefix "p/" (formula neutralising is proved in Swift): the
        # keys with a comma and with quotes round-trip through RFC 4180 quoting.
        assert got == failing, rows

        report = json.loads(run("report", "fo", "--output", "json", env=env).stdout)
        photos = next(r for r in report["resources"] if r["address"] == "MigrationTask/photos")
        assert photos["objectsFailed"] == entry["objectsFailed"] == 3 and "failedObjectsNote" not in photos, photos
        assert {c["code"]: c["count"] for c in photos["failedByCode"]} == entry["failedObjects"]["byCode"]
        assert photos["lists"]["failedList"] == entry["failedObjects"]["listFile"]
        # An acceptance in the plan: its reason is the accepted_by of exactly the objects it covers.
        (plan / "plan.yaml").write_text(PLAN + '  acceptFailures:\n    - {reason: "gone, ticket OPS-7", codes: [NoSuchKey]}\n')
        accepted = run("report", "fo", "--output", "csv", "--write", "accepted.csv", env=env)
        assert accepted.returncode == 0, accepted.stderr
        rows = list(csv.reader(io.StringIO((workdir / "accepted.csv").read_bytes().decode(), newline="")))[1:]
        assert {row[1]: row[4] for row in rows} == {k: ("gone, ticket OPS-7" if c == "NoSuchKey" else "") for k, c in failing.items()}
        markdown = run("report", "fo", env=env).stdout
        assert "| `MigrationTask/photos` | gone, ticket OPS-7 | code NoSuchKey | 2 |" in markdown, markdown
        html = run("report", "fo", "--output", "html", env=env).stdout
        assert "p/&lt;b&gt;&quot;q&quot;.bin" in html and "<b>\"q\"" not in html
        assert "| `p/=SUM(1,2).bin` | `NoSuchKey` |" in markdown
        for output in (written.stderr, html, markdown, json.dumps(report)):
            assert SK not in output and "Signature=" not in output
    finally:
        box.stop()
