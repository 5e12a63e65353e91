"""Issue 23, parts 1 and 2: a run that could not do what the plan asks exits 1 and its last line
names each failed address and what to do, whether the task failed while `apply --wait`
followed it, before `reconcile --once`, or under `diff --detailed-exitcode`;
`apply --output json` reports the whole run; `--unknown-regions` ranks above the environment and
the stack. The sandbox fails a URL-list task whose list names a file it does not serve."""
import json

FAST = {"OMS_PLAN_SANDBOX_TIME_SCALE": "600"}
WEB = "MigrationTask/web-assets"


def last_line(result):
    return result.stderr.strip().splitlines()[-1]


def break_web_assets(workdir, on_failure=None):
    """One URL of web-assets' list is a file the sandbox does not have: the task ends Failed."""
    urls = workdir / "plan/sandbox/buckets/HuaweiCloud/cn-north-4/quickstart-lists/urls.txt"
    with urls.open("a") as out:
        out.write("http://oms-sandbox/public/HuaweiCloud/cn-north-4/quickstart-web/missing.html\tsite/missing.html\n")
    if on_failure:
        tasks = workdir / "plan/tasks/lists.yaml"
        text = tasks.read_text()
        assert "    savePrefix: web/\n" in text
        tasks.write_text(text.replace("    savePrefix: web/\n", f"    savePrefix: web/\n  onFailure: {on_failure}\n"))


def test_a_task_that_fails_with_no_policy_fails_every_command_by_name(run, workdir):
    break_web_assets(workdir)
    target = ("--target", WEB)
    created = run("apply", "plan", "--auto-approve", *target, env=FAST)
    assert created.returncode == 0, created.stderr
    # The task fails while this run follows it: the run names it, not only the status table.
    waited = run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "5m", *target, env=FAST, timeout=300)
    assert waited.returncode == 1, waited.stdout[-2000:] + waited.stderr
    line = last_line(waited)
    assert line.startswith("oms-plan: not done: "), line
    # The object OMS could not copy is named by its code, read from the failed list.
    assert f"1 resource needs a person: {WEB} (failed (TRF.0062; objects still failing: NoSuchKey x1); onFailure is none" in line, line
    assert "set onFailure" in line, "says what to do: " + line

    once = run("reconcile", "plan", "--once", *target, env=FAST)
    assert once.returncode == 1, once.stderr
    assert WEB in last_line(once) and "set onFailure" in last_line(once), last_line(once)

    gated = run("diff", "plan", "--detailed-exitcode", *target)
    assert gated.returncode == 1, gated.stderr
    line = last_line(gated)
    assert line.startswith(f"oms-plan: failed: 1 resource failed in OMS and nothing will retry it: {WEB} ("), line
    assert run("diff", "plan", *target).returncode == 0, "without the flag diff itself succeeded"


def test_a_policy_that_gave_up_exits_1_and_says_how_to_try_again(run, workdir):
    break_web_assets(workdir, on_failure="{action: restart, maxAttempts: 1}")
    waited = run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "5m", "--target", WEB,
                 "--output", "json", env=FAST, timeout=300)
    assert waited.returncode == 1, waited.stdout[-2000:] + waited.stderr
    line = last_line(waited)
    assert line.startswith("oms-plan: not done: 1 created, 1 retried in 2 waves, 1 blocked; 1 resource needs a person: "), line
    assert f"oms-plan reset-attempts PLAN --address {WEB}" in line, line

    # The JSON document is the whole run: the create, the retry and the pass that gave up.
    document = json.loads(waited.stdout)
    assert [p["applied"] for p in document["passes"]][:2] == [True, True], document["passes"]
    assert document["passes"][0]["summary"]["create"] == 1
    assert document["passes"][1]["summary"]["retry"] == 1
    assert document["run"]["made"] == {"create": 1, "retry": 1}
    assert document["run"]["done"] is False and document["run"]["needsAttention"] == [WEB]
    web = [c for c in document["changes"] if c["address"] == WEB]
    assert web and web[0]["action"] == "blocked", web


def test_apply_wait_json_reports_every_wave(run, workdir):
    applied = run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "5m", "--output", "json",
                  env=FAST, timeout=300)
    assert applied.returncode == 0, applied.stderr
    document = json.loads(applied.stdout)
    # 10 resources in the first wave, photos-2024 (dependsOn photos-2023) in the second: the
    # contract's keys describe all of them, not the last pass (which created nothing).
    assert document["summary"]["create"] == 11, document["summary"]
    assert all(c.get("outcome", {}).get("status") == "succeeded" for c in document["changes"] if c["action"] == "create")
    assert document["run"]["waves"] == 2 and document["run"]["made"] == {"create": 11}, document["run"]
    assert document["run"]["done"] is True and document["run"]["settled"] is True
    assert sum(p["summary"]["create"] for p in document["passes"]) == 11
    assert document["passes"][-1]["applied"] is False


def test_unknown_regions_flag_beats_the_environment_which_beats_the_stack(run, workdir):
    stack = workdir / "plan" / "stack.yaml"
    text = stack.read_text()
    assert "region: cn-north-4\n" in text
    stack.write_text(text.replace("region: cn-north-4\n", "region: cn-north-99\n  unknownRegions: warning\n", 1))
    assert run("validate", "plan").returncode == 0
    assert run("validate", "plan", env={"OMS_PLAN_UNKNOWN_REGIONS": "error"}).returncode == 1
    flagged = run("validate", "plan", "--unknown-regions", "error")
    assert flagged.returncode == 1 and "cn-north-99" in flagged.stderr, flagged.stderr
    assert run("validate", "plan", "--unknown-regions", "warning", env={"OMS_PLAN_UNKNOWN_REGIONS": "error"}).returncode == 0
    diff = run("diff", "plan", "--unknown-regions", "error")
    assert diff.returncode == 1 and "cn-north-99" in diff.stderr, diff.stderr
    bad = run("validate", "plan", "--unknown-regions", "warn")
    assert bad.returncode == 64, bad.stderr
    for command in ("validate", "diff", "apply", "reconcile"):
        shown = run(command, "--help")
        assert "--unknown-regions <error|warning>" in shown.stdout, command


def test_a_wait_timeout_names_what_still_moves_and_the_json_says_so(run):
    result = run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "1s", "--output", "json",
                 env={"OMS_PLAN_SANDBOX_TIME_SCALE": "0.001"}, timeout=120)
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr
    line = last_line(result)
    assert line.startswith("oms-plan: not done: 10 created in 1 wave; --wait-timeout passed with "), line
    assert "still moving (MigrationTask/" in line and "longer --wait-timeout" in line, line
    # stdout still holds the document of the run so far (it used to hold nothing).
    document = json.loads(result.stdout)
    assert document["run"]["stoppedFollowing"] == "timed_out" and document["run"]["done"] is False
    assert document["summary"]["create"] == 10 and document["run"]["stillMoving"], document["run"]
