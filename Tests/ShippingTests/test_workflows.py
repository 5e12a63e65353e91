"""The example workflows: actionlint (with shellcheck when installed) finds nothing, they install
oms-plan with the action at a pinned version on a plain runner, use the current majors of the
actions/* actions, and still do what docs/ci.md describes."""
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import REPO, missing_tool, required_tool

WORKFLOWS = sorted((REPO / "examples/ci/github").glob("*.yml"))

# The current major of each action (runs.using: node24); the previous majors run on node20.
CURRENT = {
    "actions/checkout": "v7",
    "actions/cache/restore": "v5",
    "actions/cache/save": "v5",
    "actions/upload-artifact": "v7",
    "actions/github-script": "v8",
}


def load(path):
    return yaml.safe_load(path.read_text())


def steps(workflow):
    for job in workflow["jobs"].values():
        yield from job["steps"]


def test_there_are_three():
    assert [p.name for p in WORKFLOWS] == ["oms-plan-apply.yml", "oms-plan-diff.yml", "oms-plan-reconcile.yml"]


def test_actionlint_finds_nothing():
    shellcheck = shutil.which("shellcheck")
    result = subprocess.run(
        [required_tool("actionlint"), "-oneline", f"-shellcheck={shellcheck or ''}", *map(str, WORKFLOWS)],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_ran_shellcheck():
    if not shutil.which("shellcheck"):
        missing_tool("shellcheck is not installed, so actionlint checked the run: blocks without it; "
                    "scripts/system-deps.sh installs it with apt-get when it can")
    # A workflow with a shell mistake proves that the check above had shellcheck behind it.
    text = "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $UNQUOTED_PATH\n"
    result = subprocess.run([required_tool("actionlint"), "-oneline", f"-shellcheck={shutil.which('shellcheck')}", "-"],
                            input=text, capture_output=True, text=True)
    assert result.returncode == 1 and "SC2086" in result.stdout, result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_installs_a_pinned_release_with_the_action(path):
    workflow = load(path)
    assert re.fullmatch(r"\d+\.\d+\.\d+", workflow["env"]["OMS_PLAN_VERSION"])
    for job in workflow["jobs"].values():
        assert job["runs-on"] == "ubuntu-latest"
        assert "container" not in job, "the release binary needs no Swift image"
    installs = [s for s in steps(workflow) if s.get("uses", "").startswith("your-org/oms-plan@")]
    assert len(installs) == 1
    assert installs[0]["uses"] == "your-org/oms-plan@v1"
    assert installs[0]["with"]["version"] == "${{ env.OMS_PLAN_VERSION }}"
    text = path.read_text()
    for gone in ("swift build", "_oms-plan-src", "libsqlite3-dev", "OMS_PLAN_REF"):
        assert gone not in text


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_at_their_current_major(path):
    for step in steps(load(path)):
        uses = step.get("uses", "")
        if uses.startswith("actions/"):
            name, version = uses.split("@")
            assert CURRENT.get(name) == version, f"{uses}: expected @{CURRENT.get(name)}"


def test_diff_comment_and_exit_codes_are_kept():
    workflow = load(REPO / "examples/ci/github/oms-plan-diff.yml")
    job = workflow["jobs"]["diff"]
    assert job["env"]["MARKER"] == "<!-- oms-plan-diff: plans/ -->"
    run = next(s for s in job["steps"] if s.get("id") == "diff")["run"]
    assert "--detailed-exitcode" in run
    assert re.search(r"0\) result=no-changes", run) and re.search(r"2\) result=changes", run)
    script = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/github-script"))
    assert "startsWith(marker)" in script["with"]["script"] and "updateComment" in script["with"]["script"]


@pytest.mark.parametrize("name,step_id,err", [
    ("oms-plan-apply.yml", "apply", "apply.err"),
    ("oms-plan-reconcile.yml", "reconcile", "reconcile.err"),
])
def test_apply_and_reconcile_keep_their_checks_and_summary(name, step_id, err):
    workflow = load(REPO / "examples/ci/github" / name)
    assert workflow["concurrency"] == {"group": "oms-plan-media", "cancel-in-progress": False}
    job = next(iter(workflow["jobs"].values()))
    assert "REQUIRED_ENV" in job["env"]
    all_steps = job["steps"]
    names = [s.get("name", "") for s in all_steps]
    assert "Check that every secret is set" in names
    # The secret check comes before anything runs oms-plan.
    assert names.index("Check that every secret is set") < next(
        i for i, s in enumerate(all_steps) if s.get("uses", "").startswith("your-org/oms-plan@"))
    run = next(s for s in all_steps if s.get("id") == step_id)["run"]
    assert f"tail -n 1 {err}" in run, "the job summary shows the run's last line"
    assert 'echo "exitcode=$code" >> "$GITHUB_OUTPUT"' in run
    assert any(s.get("if") == f"steps.{step_id}.outputs.exitcode != '0'" for s in all_steps)
