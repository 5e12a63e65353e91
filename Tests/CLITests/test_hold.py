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


def test_apply_ignore_freeze_makes_every_change_and_says_so(run, workdir):
    add_to_stack(workdir, ALWAYS_FROZEN)
    refused = run("apply", "plan", "--auto-approve")
    assert refused.returncode == 1 and "--ignore-freeze" in last_line(refused), last_line(refused)
    before = json.loads(run("diff", "plan", "--output", "json").stdout)
    held = [c["address"] for c in before["changes"] if any(r["code"] == "held_by_freeze" for r in c["reasons"])]
    assert held, before["summary"]

    forced = run("apply", "plan", "--auto-approve", "--ignore-freeze", "--output", "json")
    assert forced.returncode == 0, forced.stdout[-2000:] + forced.stderr
    document = json.loads(forced.stdout)
    assert document["freeze"]["active"] is True and document["freeze"]["ignored"] is True, document["freeze"]
    assert not any(r["code"] == "held_by_freeze" for c in document["changes"] for r in c["reasons"]), document["summary"]
    # What the freeze held was made: the next diff (which does not ignore it) holds nothing.
    after = json.loads(run("diff", "plan", "--output", "json").stdout)
    still = [c["address"] for c in after["changes"] if any(r["code"] == "held_by_freeze" for r in c["reasons"])]
    assert len(still) < len(held), (held, still)
    assert "ignored" not in after["freeze"], after["freeze"]
    # reconcile has no such flag: a scheduled run never overrides a freeze.
    assert run("reconcile", "plan", "--once", "--ignore-freeze").returncode == 64
