"""oms-plan cutover PATH NAME [--now] [--wait] (issue 25, part 2): the runbook command exits 0
only when the Cutover is done, and non-zero naming what blocks it."""
import json

from test_cli_contract import write_broken_task

FAST = {"OMS_PLAN_SANDBOX_TIME_SCALE": "600"}


def write_cutover(workdir, of):
    (workdir / "plan" / "cutover.yaml").write_text(
        "apiVersion: oms-plan/v1\nkind: Cutover\nmetadata: {name: go-live}\n"
        f"spec:\n  of: [{of}]\n  require: {{maxFinalPass: 30m}}\n")


def test_shown_then_done_with_now_and_wait(run, workdir):
    write_cutover(workdir, "MigrationTask/docs")
    shown = run("cutover", "plan", "go-live")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("cutover go-live: waiting"), shown.stdout
    assert "MigrationTask/docs is not in OMS yet" in shown.stdout, shown.stdout
    applied = run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "5m", env=FAST, timeout=300)
    assert applied.returncode == 0, applied.stderr[-3000:]
    status = json.loads(run("status", "plan", "--output", "json").stdout)
    assert [c["name"] for c in status["cutovers"]] == ["go-live"], status.get("cutovers")
    assert status["cutovers"][0]["state"] == "ready", status["cutovers"]
    assert set(status["cutovers"][0]) >= {"name", "state", "at", "predictedFinalPass", "reasons"}
    done = run("cutover", "plan", "go-live", "--now", "--wait", "--wait-timeout", "5m", "--output", "json", env=FAST, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert json.loads(done.stdout)["state"] == "done", done.stdout


def test_an_unaccepted_failure_exits_1_naming_it(run, workdir):
    write_broken_task(workdir)
    write_cutover(workdir, "MigrationTask/broken")
    run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "5m", env=FAST, timeout=300)
    blocked = run("cutover", "plan", "go-live", "--now", "--wait", "--wait-timeout", "5m", env=FAST, timeout=300)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "cutover go-live: waiting" in blocked.stdout, blocked.stdout
    assert "`cutover --now` asked for it, but it is not ready" in blocked.stdout, blocked.stdout
    assert "MigrationTask/broken's full copy failed" in blocked.stdout, blocked.stdout
    assert "not accepted by acceptFailures" in blocked.stdout, blocked.stdout


def test_an_undeclared_cutover_is_an_error(run):
    result = run("cutover", "plan", "nope")
    assert result.returncode == 1 and "the plan declares no Cutover `nope`" in result.stderr, result.stderr
    assert run("cutover", "plan", "Not_A_Name").returncode == 64


def test_the_runbook_command_tells_the_plans_notifications(run, workdir):
    """cutoverReady and cutoverDone reach a webhook once each from `cutover --now --wait` (issue 26)."""
    from test_notifications import Receiver, assert_url_hidden
    receiver = Receiver()
    try:
        write_cutover(workdir, "MigrationTask/docs")
        (workdir / "plan" / "notify.yaml").write_text(
            "apiVersion: oms-plan/v1\nkind: Notification\nmetadata: {name: go-live-hook}\nspec:\n"
            "  provider: webhook\n  url: \"${env:GO_LIVE_HOOK}\"\n  events: [cutoverReady, cutoverDone]\n")
        env = {**FAST, "GO_LIVE_HOOK": receiver.url("webhook")}
        applied = run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "5m", env=env, timeout=300)
        assert applied.returncode == 0, applied.stderr[-3000:]
        done = run("cutover", "plan", "go-live", "--now", "--wait", "--wait-timeout", "5m", env=env, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr[-3000:]
        again = run("cutover", "plan", "go-live", "--now", "--wait", "--wait-timeout", "1m", env=env, timeout=300)
        assert again.returncode == 0, again.stdout + again.stderr[-3000:]
        events = [(b["event"], b["address"]) for b in receiver.bodies("webhook")]
        assert events.count(("cutoverDone", "Cutover/go-live")) == 1, events
        assert events.count(("cutoverReady", "Cutover/go-live")) == 1, events
        assert_url_hidden(receiver, workdir, applied, done, again)
    finally:
        receiver.close()
