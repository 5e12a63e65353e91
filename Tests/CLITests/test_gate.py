"""Issue 23, part 1: the gate tells the truth. `diff --detailed-exitcode` never passes a plan
that cannot be carried out, `apply --wait` ends with a line that sums up the whole run, a
missing secret's hint never suggests what the tool refuses; and `status` with no path reads
the current folder."""
import os
import subprocess

FAST = {"OMS_PLAN_SANDBOX_TIME_SCALE": "600"}


def last_line(result):
    return result.stderr.strip().splitlines()[-1]


def test_a_blocked_pre_flight_fails_the_gate_and_the_last_line_names_it(run, workdir):
    # The destination bucket of the sandbox's seed is in cn-north-4; the plan says cn-east-3.
    stack = workdir / "plan" / "stack.yaml"
    stack.write_text(stack.read_text().replace("region: cn-north-4", "region: cn-east-3"))
    gated = run("diff", "plan", "--detailed-exitcode")
    assert gated.returncode == 1, gated.stdout[-2000:] + gated.stderr
    line = last_line(gated)
    assert line.startswith("oms-plan: blocked:"), line
    assert "MigrationSyncTask/uploads" in line and "MigrationTask/docs" in line, line
    assert "destination bucket quickstart-obs is in cn-north-4, the plan says cn-east-3" in line, line
    assert "list file quickstart-lists/photos.txt" in line, "each reason is named"
    assert "\n" not in line

    as_json = run("diff", "plan", "--detailed-exitcode", "--output", "json")
    assert as_json.returncode == 1
    assert last_line(as_json).startswith("oms-plan: blocked:")

    shown = run("diff", "--help")
    assert "1 on error or when any change is blocked" in " ".join(shown.stdout.split()), shown.stdout

    # Without the flag, diff succeeded: exit 0, as before, and it still says what is blocked.
    plain = run("diff", "plan")
    assert plain.returncode == 0, plain.stderr
    assert last_line(plain) == line


def test_apply_wait_sums_up_every_wave_then_a_blocked_replacement_fails_the_gate(run, workdir):
    applied = run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "5m", env=FAST, timeout=300)
    assert applied.returncode == 0, applied.stdout[-3000:] + applied.stderr
    # 10 resources in the first wave, photos-2024 (dependsOn photos-2023) in the second.
    line = last_line(applied)
    assert line.startswith("oms-plan: done: 11 created in 2 waves, all settled"), line
    assert "already matched" not in line

    again = run("apply", "plan", "--auto-approve", env=FAST)
    assert again.returncode == 0
    assert last_line(again) == "oms-plan: done: OMS already matched the plan; nothing needs a person."
    assert run("diff", "plan", "--detailed-exitcode").returncode == 0

    # photos-2023 moved data: a new prefix (one with objects) is a replacement only a person may allow.
    photos = workdir / "plan" / "tasks" / "photos.yaml"
    photos.write_text(photos.read_text().replace('prefixes: ["2023/"]', 'prefixes: ["2023/", "2024/"]', 1))
    gated = run("diff", "plan", "--detailed-exitcode")
    assert gated.returncode == 1, gated.stdout[-2000:] + gated.stderr
    line = last_line(gated)
    assert line.startswith("oms-plan: blocked:") and "MigrationTask/photos-2023" in line, line
    assert "--allow-replace MigrationTask/photos-2023" in line, line
    assert run("diff", "plan").returncode == 0
    # Allowed, it is a change that can be made.
    allowed = run("diff", "plan", "--detailed-exitcode", "--allow-replace", "MigrationTask/photos-2023")
    assert allowed.returncode == 2, allowed.stderr


def test_a_missing_secret_hint_never_suggests_a_default(run):
    # An OMS and credentials are given, so no sandbox stand-ins: apply needs the bucket keys.
    result = run("apply", "plan", "--auto-approve",
                 env={"OMS_ENDPOINT": "http://127.0.0.1:9", "OMS_PROJECT_ID": "p",
                      "HUAWEICLOUD_SDK_AK": "api-access-key-0123456789", "HUAWEICLOUD_SDK_SK": "api-secret-key-0123456789"})
    assert result.returncode == 1
    assert "`QUICKSTART_ALIYUN_AK` is not set" in result.stderr, result.stderr
    assert ":-" not in result.stderr, result.stderr
    assert "set `QUICKSTART_ALIYUN_AK` where oms-plan runs" in result.stderr, result.stderr


def test_status_and_diff_with_no_path_read_the_current_folder(binary, workdir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUAWEICLOUD_SDK_", "OMS_"))}
    env["NO_COLOR"] = "1"

    def run_here(*args):
        return subprocess.run([binary, *args], cwd=workdir / "plan", capture_output=True, text=True,
                              timeout=120, env=env)

    status = run_here("status")
    assert status.returncode == 0, status.stderr
    assert "MigrationTask/photos-2023" in status.stdout
    diff = run_here("diff", "--output", "json")
    assert diff.returncode == 0, diff.stderr
    assert '"stack": "quickstart"' in diff.stdout
    assert run_here("validate").returncode == 0
    # Paths given still replace the default.
    assert run_here("status", "missing-folder").returncode == 1


def test_a_reconcile_loop_ends_with_the_sum_of_its_passes(binary, workdir):
    import signal
    import time
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUAWEICLOUD_SDK_", "OMS_"))}
    env["NO_COLOR"] = "1"
    process = subprocess.Popen([binary, "reconcile", "plan", "--interval", "1s", "--report", "report.json"],
                               cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 90
        while time.time() < deadline and not (workdir / "report.json").exists():
            time.sleep(0.2)
        assert (workdir / "report.json").exists(), "no pass finished within 90 s"
        time.sleep(1.5)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    line = err.strip().splitlines()[-1]
    # The first pass created the first wave (photos-2024 may follow in a later one); the line
    # counts every wave, whatever the last pass did.
    import re
    assert re.match(r"oms-plan: stopped after \d+ passes: (10 created in 1 wave|11 created in 2 waves); ", line), line
