"""The diff workflow's comment (and job summary) shows the diff (stdout) and what diff said on
stderr (warnings, or the blocked reasons) for every exit code: when diff exits 1 because a change
is blocked, reviewers must see both the report and why (issue 23, part 1). The step's own shell
runs here, with a stand-in `oms-plan` on PATH."""
import os
import subprocess

import pytest
import yaml

from conftest import REPO

WORKFLOW = REPO / "examples/ci/github/oms-plan-diff.yml"
REPORT = "## oms-plan diff: 1 to create\n\n| action | count |\n"
BLOCKED = "oms-plan: blocked: 1 change cannot be made as the plan is written: MigrationTask/docs (pre-flight: no bucket)."


def step_script():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    return next(s for s in workflow["jobs"]["diff"]["steps"] if s.get("id") == "diff")["run"]


@pytest.mark.parametrize("code,result", [(0, "no-changes"), (2, "changes"), (1, "error")])
def test_the_comment_shows_the_report_and_stderr(tmp_path, code, result):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "oms-plan"
    fake.write_text(
        "#!/bin/bash\n"
        'if [ "$1" = validate ]; then echo "valid: 0 errors" >&2; exit 0; fi\n'
        f"printf '%s' '{REPORT}'\n"
        f"echo '{BLOCKED}' >&2\n"
        f"exit {code}\n")
    fake.chmod(0o755)
    (tmp_path / "out").write_text("")
    (tmp_path / "summary").write_text("")
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}", "HUAWEICLOUD_SDK_AK": "ak", "IS_FORK": "false",
        "PLANS_DIR": "plans/", "MARKER": "<!-- oms-plan-diff: plans/ -->", "HEAD_SHA": "0123456789abcdef",
        "RUN_URL": "https://example.invalid/run", "GITHUB_OUTPUT": str(tmp_path / "out"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }
    ran = subprocess.run(["bash", "-eo", "pipefail", "-c", step_script()], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert f"result={result}" in (tmp_path / "out").read_text()
    for shown in [(tmp_path / "comment.md").read_text(), (tmp_path / "summary").read_text()]:
        assert shown.startswith("<!-- oms-plan-diff: plans/ -->"), shown
        assert REPORT.strip() in shown, "the diff itself: " + shown
        assert BLOCKED in shown, "what diff said on stderr: " + shown
        assert f"exit code {code}" in shown
