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
