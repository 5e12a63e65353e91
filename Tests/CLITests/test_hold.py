"""Issue 26, parts 2 and 3, through the binary and its embedded sandbox: a change freeze makes
apply exit 1 (it refuses the held changes and says until when) while reconcile --once exits 0
and diff --detailed-exitcode does not count held changes as blocked; a suspended stack is sent
nothing and every command exits as if nothing had to change (docs/cli.md)."""
import json


def last_line(result):
    return result.stderr.strip().splitlines()[-1]


def add_to_stack(workdir, text):
    stack = workdir / "plan/stack.yaml"
    stack.write_text(stack.read_text().rstrip("\n") + "\n" + text)


ALWAYS_FROZEN = '  freezes:\n    - {start: "00:00", end: "24:00", reason: "release week (CAB-7)"}\n'


def test_a_freeze_makes_apply_refuse_and_reconcile_wait(run, workdir):
    add_to_stack(workdir, ALWAYS_FROZEN)
    gated = run("diff", "plan", "--detailed-exitcode")
    assert gated.returncode == 0, gated.stdout[-2000:] + gated.stderr
    assert "held by the change freeze until" in gated.stdout
    assert "A change freeze in force until" in gated.stdout

    document = json.loads(run("diff", "plan", "--output", "json").stdout)
    assert document["freeze"]["active"] is True and document["freeze"]["reason"] == "release week (CAB-7)"
    held = [c for c in document["changes"] if any(r["code"] == "held_by_freeze" for r in c["reasons"])]
    assert held and all(c["action"] == "blocked" for c in held), document["summary"]

    as_json = run("apply", "plan", "--auto-approve", "--output", "json")
    assert as_json.returncode == 1, as_json.stderr
    assert json.loads(as_json.stdout)["freeze"]["end"] == document["freeze"]["end"]

    applied = run("apply", "plan", "--auto-approve")
    assert applied.returncode == 1, applied.stdout[-2000:] + applied.stderr
    line = last_line(applied)
    assert line.startswith("oms-plan: not done: "), line
    assert "held by the change freeze until" in line and "(release week (CAB-7))" in line, line

    once = run("reconcile", "plan", "--once")
    assert once.returncode == 0, once.stdout[-2000:] + once.stderr
    line = last_line(once)
    assert line.startswith("oms-plan: done for now: "), line
    assert "held by the change freeze until" in line and "will be made by a later run" in line, line

    status = json.loads(run("status", "plan", "--output", "json").stdout)
    assert status["freeze"]["active"] is True, status.get("freeze")


def test_a_suspended_stack_is_left_alone_and_exits_0(run, workdir):
    add_to_stack(workdir, '  suspend: {reason: "audit (SEC-9)"}\n')
    applied = run("apply", "plan", "--auto-approve")
    assert applied.returncode == 0, applied.stdout[-2000:] + applied.stderr
    assert "Stack/quickstart is suspended until the plan drops it: audit (SEC-9)" in applied.stdout, applied.stdout[-2000:]
    # OMS does not match the plan, on purpose: neither the diff nor the last line says it does.
    assert "No changes." in applied.stdout and "OMS matches the plan" not in applied.stdout, applied.stdout[-2000:]
    assert "suspended resources are left as they are (spec.suspend)." in applied.stdout
    line = last_line(applied)
    assert line.startswith("oms-plan: done: nothing was changed; ") and line.endswith(
        " suspended resources are left as they are (spec.suspend); nothing needs a person."), line
    document = json.loads(run("diff", "plan", "--output", "json").stdout)
    assert all(c["suspended"]["stack"] is True for c in document["changes"]), document["summary"]
    assert {c["suspended"]["heldAction"] for c in document["changes"]} >= {"create"}
    # Nothing was created: the status lists every resource absent, each suspended.
    status = json.loads(run("status", "plan", "--output", "json").stdout)
    assert all(e["status"] == "Absent" and e["suspended"]["reason"] == "audit (SEC-9)" for e in status["entries"]), status["entries"][:2]
    assert run("diff", "plan", "--detailed-exitcode").returncode == 0
