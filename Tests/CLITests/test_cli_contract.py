"""The CLI contract of ../shared/design/cli.md: exit codes, JSON document, reconcile."""
import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path


def test_diff_detailed_exitcode_and_json_contract(run):
    first = run("diff", "plan", "--detailed-exitcode", "--output", "json")
    assert first.returncode == 2, first.stderr
    assert "embedded OMS sandbox" in first.stderr
    document = json.loads(first.stdout)
    assert document["formatVersion"] == 1
    assert document["stack"] == "quickstart"
    assert set(document["summary"]) >= {"create", "update", "replace", "delete", "start", "pause",
                                         "retry", "blocked", "noop"}
    addresses = [c["address"] for c in document["changes"]]
    assert addresses == sorted(addresses)
    for change in document["changes"]:
        assert {"address", "action", "liveId", "liveStatus", "reasons", "fields", "dependsOn"} <= set(change)
    assert document["summary"]["create"] == 10  # 9 tasks and groups, 1 sync task
    assert "sandbox-aliyun-sk" not in first.stdout

    applied = run("apply", "plan", "--auto-approve", "--output", "json")
    assert applied.returncode == 0, applied.stderr
    outcomes = {c["address"]: c.get("outcome", {}).get("status") for c in json.loads(applied.stdout)["changes"]}
    assert outcomes["MigrationTask/photos-2023"] == "succeeded"

    again = run("diff", "plan", "--detailed-exitcode")
    # photos-2024 stays blocked until photos-2023 has succeeded; blocked is not a change.
    assert again.returncode == 0, again.stdout + again.stderr


def test_markdown_output_for_pull_requests(run):
    result = run("diff", "plan", "--output", "markdown")
    assert result.returncode == 0
    assert "<details>" in result.stdout and "MigrationTask/photos-2023" in result.stdout


def test_invalid_plan_exits_1_with_location(run, workdir):
    stack = workdir / "plan" / "stack.yaml"
    stack.write_text(stack.read_text().replace("region: cn-north-4", "regoin: cn-north-4"))
    result = run("diff", "plan")
    assert result.returncode == 1
    assert "stack.yaml:" in result.stderr and "error:" in result.stderr


def test_apply_without_terminal_needs_auto_approve(run):
    result = run("apply", "plan")
    assert result.returncode == 1
    assert "--auto-approve" in result.stderr


def test_endpoint_without_credentials_is_an_error_not_the_sandbox(run):
    result = run("diff", "plan", env={"OMS_ENDPOINT": "http://127.0.0.1:9"})
    assert result.returncode == 1
    assert "credentials" in result.stderr
    assert "using the embedded" not in result.stderr


def test_reconcile_loop_reports_exposes_metrics_and_stops_on_sigterm(binary, workdir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUAWEICLOUD_SDK_", "OMS_"))}
    process = subprocess.Popen(
        [binary, "reconcile", "plan", "--interval", "1s", "--report", "report.json",
         "--metrics-textfile", "metrics.prom"],
        cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 90
        while time.time() < deadline and not (workdir / "metrics.prom").exists():
            time.sleep(0.2)
        assert (workdir / "report.json").exists(), "no pass finished within 90 s"
        time.sleep(1.5)  # let a second pass start or finish
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert code == 0, process.stderr.read()
    report = json.loads((workdir / "report.json").read_text())
    assert report["formatVersion"] == 1
    metrics = (workdir / "metrics.prom").read_text()
    assert "oms_plan_passes_total" in metrics
    assert "oms_plan_last_success_timestamp_seconds" in metrics


def stack_lock_path(scope: str, stack: str) -> Path:
    """Where oms-plan keeps the lock of `stack` for `scope` (the OMS and the project): one
    fixed folder per user, whatever the working directory, XDG_RUNTIME_DIR or TMPDIR."""
    folder = Path(f"/tmp/oms-plan-{os.geteuid()}") / "locks"
    value = 0xcbf29ce484222325
    for byte in (scope + "\0" + stack).encode():
        value = ((value ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return folder / f"{stack}-{value:x}.lock"


def test_second_run_of_a_stack_waits_for_the_lock_then_exits_1(run, workdir):
    import fcntl
    assert run("diff", "plan").returncode == 0  # creates the embedded sandbox's data folder
    data = os.path.realpath(workdir / ".oms-plan" / "sandbox")
    lock = stack_lock_path(f"sandbox:{data}|0a1b2c3d4e5f60718293a4b5c6d7e8f9", "quickstart")
    # Both folders private, as oms-plan makes them (it refuses a lock folder others can enter).
    for folder in (lock.parent.parent, lock.parent):
        folder.mkdir(mode=0o700, exist_ok=True)
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        started = time.time()
        result = run("apply", "plan", "--auto-approve", "--lock-timeout", "1")
        waited = time.time() - started
    assert result.returncode == 1
    assert "lock" in result.stderr and "--lock-timeout" in result.stderr
    assert waited >= 1
    # Released: the same command now runs.
    assert run("apply", "plan", "--auto-approve").returncode == 0


def test_reconcile_serves_prometheus_metrics(binary, workdir):
    import socket
    import urllib.request
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUAWEICLOUD_SDK_", "OMS_"))}
    process = subprocess.Popen(
        [binary, "reconcile", "plan", "--interval", "1s", "--metrics-port", str(port)],
        cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        body = ""
        deadline = time.time() + 90
        while time.time() < deadline and 'oms_plan_passes_total{stack="quickstart"} 1' not in body \
                and 'oms_plan_passes_total{stack="quickstart"} 2' not in body:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read().decode()
            except OSError:
                pass
            time.sleep(0.3)
        assert "oms_plan_drift_resources" in body, body
        assert 'oms_plan_resources{stack="quickstart",action="create"}' in body
        # Per resource, after the first pass's read: state, bytes, forecasts where known.
        assert 'oms_plan_resource_state{stack="quickstart",address="MigrationTask/photos-2023",kind="MigrationTask",state="Absent"} 1' in body \
            or 'address="MigrationTask/photos-2023",kind="MigrationTask",state=' in body, body
        assert 'oms_plan_resource_total_bytes{stack="quickstart",address="MigrationTaskGroup/archive",kind="MigrationTaskGroup"}' in body
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def test_target_and_selector_limit_the_diff(run):
    targeted = json.loads(run("diff", "plan", "--output", "json", "--target", "MigrationTask/photos-2024").stdout)
    # The target and what it depends on.
    assert [c["address"] for c in targeted["changes"]] == ["MigrationTask/photos-2023", "MigrationTask/photos-2024"]
    selected = json.loads(run("diff", "plan", "--output", "json", "--selector", "team=legal").stdout)
    assert [c["address"] for c in selected["changes"]] == ["MigrationTask/docs"]
    # Not an address: a usage error at parse time (issue 22), before the plan is read.
    bad = run("diff", "plan", "--target", "photos")
    assert bad.returncode == 64 and "MigrationTask/name" in bad.stderr


def test_apply_wait_follows_the_waves_and_exits_0(run, workdir):
    """photos-2024 waits for photos-2023: one `apply --wait` creates it once the first wave settled."""
    result = run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "5m",
                 env={"OMS_PLAN_SANDBOX_TIME_SCALE": "600"}, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "MigrationTask/photos-2024: POST /v2/{project_id}/tasks" in result.stdout
    # Not a terminal: the table once per wave, then one line per change of state.
    assert re.search(r"MigrationTask/photos-2023: \w+ -> Succeeded", result.stdout), result.stdout[-3000:]
    assert result.stdout.count("still in progress") <= 2, result.stdout[-3000:]
    assert "{new id}" not in result.stdout.split("Plan:")[-1]
    assert "CancellationError" not in result.stdout + result.stderr
    after = json.loads(run("diff", "plan", "--output", "json").stdout)
    assert after["summary"]["create"] == 0 and after["summary"]["blocked"] == 0, after["summary"]


def write_broken_task(workdir, extra=""):
    """MigrationTask/broken: a URL list naming an object that is not there, so it ends Failed."""
    lists = workdir / "plan" / "sandbox" / "buckets" / "HuaweiCloud" / "cn-north-4" / "quickstart-lists"
    (lists / "broken-urls.txt").write_text("http://oms-sandbox/public/Aliyun/cn-hangzhou/photos/no-such-object.jpg\n")
    (workdir / "plan" / "tasks" / "broken.yaml").write_text(
        "apiVersion: oms-plan/v1\nkind: MigrationTask\nmetadata: {name: broken}\nspec:\n  type: url_list\n"
        "  source: {cloud: URLSource, listFile: {bucket: quickstart-lists, key: broken-urls.txt}}\n"
        "  destination: {savePrefix: broken/}\n" + extra)


def test_exit_codes_tell_the_truth_about_failed_tasks(run, workdir):
    """A task that ends Failed with no onFailure policy (its URL list names an object that
    is not there): apply --wait and reconcile --once exit 1 and name it."""
    write_broken_task(workdir)
    applied = run("apply", "plan", "--auto-approve", "--wait", env={"OMS_PLAN_SANDBOX_TIME_SCALE": "600"}, timeout=300)
    assert applied.returncode == 1, applied.stderr
    assert "MigrationTask/broken: error:" in applied.stderr and "TRF.0062" in applied.stderr, applied.stderr
    again = run("reconcile", "plan", "--once")
    assert again.returncode == 1 and "MigrationTask/broken: error:" in again.stderr


def test_a_missing_destination_bucket_is_blocked_before_anything_is_created(run, workdir):
    (workdir / "plan" / "tasks" / "nowhere.yaml").write_text(
        "apiVersion: oms-plan/v1\nkind: MigrationTask\nmetadata: {name: nowhere}\nspec:\n  type: prefix\n"
        "  source: {cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: aliyun, prefixes: [\"2023/\"]}\n"
        "  destination: {bucket: no-such-obs-bucket, savePrefix: nowhere/}\n")
    diff = json.loads(run("diff", "plan", "--output", "json").stdout)
    change = next(c for c in diff["changes"] if c["address"] == "MigrationTask/nowhere")
    assert change["action"] == "blocked" and any("destination bucket no-such-obs-bucket" in r["message"] and r["code"] == "preflight_failed" for r in change["reasons"]), change
    applied = run("apply", "plan", "--auto-approve")
    assert applied.returncode == 1, applied.stderr
    assert "MigrationTask/nowhere: error: blocked: pre-flight: destination bucket no-such-obs-bucket" in applied.stderr, applied.stderr


def test_apply_without_wait_says_what_waits_and_exits_0(run):
    result = run("apply", "plan", "--auto-approve")
    assert result.returncode == 0, result.stderr
    assert "change waits for its dependencies" in result.stderr, result.stderr


def test_wait_timeout_exits_1_with_what_is_still_moving(run, workdir):
    result = run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "1s",
                 env={"OMS_PLAN_SANDBOX_TIME_SCALE": "0.001"}, timeout=120)
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr
    assert "--wait-timeout passed" in result.stderr


def test_an_unreachable_endpoint_fails_fast_and_names_it(run):
    import socket
    import time
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    result = run("diff", "plan", env={"OMS_ENDPOINT": endpoint, "HUAWEICLOUD_SDK_AK": "AKTEST",
                                      "HUAWEICLOUD_SDK_SK": "SKTEST", "OMS_PROJECT_ID": "p"}, timeout=120)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert endpoint in result.stderr and "cannot reach OMS" in result.stderr
    assert elapsed < 15, f"took {elapsed:.1f} s"


def test_reset_attempts_clears_a_give_up(run, workdir):
    state = workdir / ".oms-plan" / "state"
    state.mkdir(parents=True)
    ledger = state / "quickstart.attempts.json"
    ledger.write_text(json.dumps({"MigrationTask/docs#123": 3, "MigrationTask/logs-web#9": 1}))
    result = run("reset-attempts", "plan", "--address", "MigrationTask/docs")
    assert result.returncode == 0, result.stderr
    assert "MigrationTask/docs: attempt count cleared" in result.stdout
    assert json.loads(ledger.read_text()) == {"MigrationTask/logs-web#9": 1}
    assert run("reset-attempts", "plan", "--address", "docs").returncode == 64


def test_a_create_shows_every_attribute_it_sends_in_all_three_formats(run):
    """Reviewers see what a new task is before approving it: JSON fields with `after` and no
    `before`, a Markdown attribute table, `+` lines in text; secrets never, credentials by name."""
    document = json.loads(run("diff", "plan", "--output", "json").stdout)
    docs = next(c for c in document["changes"] if c["address"] == "MigrationTask/docs")
    assert docs["action"] == "create"
    fields = {f["path"]: f for f in docs["fields"]}
    for path in ["type", "source.cloud", "source.region", "source.bucket", "source.objects", "source.credentials",
                 "destination.region", "destination.bucket", "destination.savePrefix", "destination.credentials",
                 "bandwidth", "bandwidth.windows", "bandwidth.timezone", "options.objectOverwriteMode",
                 "options.consistencyCheck", "options.priority", "state"]:
        assert path in fields, (path, sorted(fields))
    assert all("before" not in f and "after" in f for f in docs["fields"]), docs["fields"]
    assert fields["source.credentials"]["after"] == "aliyun"
    assert fields["bandwidth.timezone"]["after"] == "Europe/Berlin"
    markdown = run("diff", "plan", "--output", "markdown").stdout
    assert "| attribute | value |" in markdown and "| `bandwidth.windows` |" in markdown
    assert len(markdown) < 65536
    text = run("diff", "plan").stdout
    assert '+ source.bucket: "docs"' in text and "# OMS rules for" in text


def test_every_apply_ends_with_one_sentence_of_what_happened(run):
    first = run("apply", "plan", "--auto-approve")
    assert first.returncode == 0, first.stderr
    last = first.stderr.strip().splitlines()[-1]
    assert last.startswith("oms-plan: done for now:") and "for dependencies" in last, last
    again = run("reconcile", "plan", "--once")
    assert again.stderr.strip().splitlines()[-1].startswith("oms-plan: done"), again.stderr


def test_a_blocked_replacement_of_moved_data_exits_1_and_names_what_needs_a_person(run, workdir):
    """Once photos-2023 moved data, changing its prefixes is a replacement only a person may
    allow: apply creates nothing for it, exits 1, and the last line says so."""
    settled = run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "5m",
                  env={"OMS_PLAN_SANDBOX_TIME_SCALE": "600"}, timeout=300)
    assert settled.returncode == 0, settled.stderr
    photos = workdir / "plan" / "tasks" / "photos.yaml"
    photos.write_text(photos.read_text().replace('prefixes: ["2023/"]', 'prefixes: ["2023/", "2022/"]', 1))
    applied = run("apply", "plan", "--auto-approve")
    assert applied.returncode == 1, applied.stdout[-2000:] + applied.stderr
    assert "MigrationTask/photos-2023: error: blocked:" in applied.stderr and "--allow-replace" in applied.stderr
    last = applied.stderr.strip().splitlines()[-1]
    assert last.startswith("oms-plan: not done:") and "MigrationTask/photos-2023" in last, last
    assert "Apply complete" not in applied.stdout


def test_one_apply_wait_finishes_a_three_wave_chain(run, workdir):
    """photos-2023 -> photos-2024 -> photos-copy: one `apply --wait` creates each wave as the
    one before succeeds, and leaves nothing to create."""
    (workdir / "plan" / "tasks" / "wave3.yaml").write_text(
        "apiVersion: oms-plan/v1\nkind: MigrationTask\nmetadata: {name: photos-copy}\nspec:\n  type: prefix\n"
        "  dependsOn: [MigrationTask/photos-2024]\n"
        "  source: {cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: aliyun, prefixes: [\"2024/\"]}\n"
        "  destination: {savePrefix: photos-copy/}\n")
    first = json.loads(run("diff", "plan", "--output", "json").stdout)
    waiting = {c["address"] for c in first["changes"] if c["action"] == "blocked"}
    assert {"MigrationTask/photos-2024", "MigrationTask/photos-copy"} <= waiting, waiting
    result = run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "5m",
                 env={"OMS_PLAN_SANDBOX_TIME_SCALE": "600"}, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    for address in ["MigrationTask/photos-2024", "MigrationTask/photos-copy"]:
        assert f"{address}: POST /v2/{{project_id}}/tasks" in result.stdout, result.stdout[-3000:]
    assert result.stderr.strip().splitlines()[-1].startswith("oms-plan: done:"), result.stderr
    after = json.loads(run("diff", "plan", "--output", "json").stdout)
    assert after["summary"]["create"] == 0 and after["summary"]["blocked"] == 0, after["summary"]


def test_retries_used_up_exit_1_and_say_how_to_reset(run, workdir):
    """onFailure restarts a failed task at most maxAttempts times; after that the change needs a
    person: reconcile --once exits 1 and names `reset-attempts`."""
    write_broken_task(workdir, extra="  onFailure: {action: restart, maxAttempts: 1}\n")
    # The embedded sandbox moves only while a command runs: each status call advances it.
    fast = {"OMS_PLAN_SANDBOX_TIME_SCALE": "6000"}

    def failed_again():
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            shown = run("status", "plan", "--output", "json", env=fast)
            assert shown.returncode == 0, shown.stderr
            status = json.loads(shown.stdout)
            entry = next(e for e in status["entries"] if e["address"] == "MigrationTask/broken")
            if entry["status"] == "Failed":
                return
            time.sleep(0.5)
        raise AssertionError("the broken task did not fail")

    run("apply", "plan", "--auto-approve", env=fast)
    failed_again()
    retried = run("reconcile", "plan", "--once", env=fast)
    assert "restart attempt 1 of 1" in retried.stdout, retried.stdout[-2000:]
    failed_again()
    gave_up = run("reconcile", "plan", "--once", env=fast)
    assert gave_up.returncode == 1, gave_up.stdout[-2000:] + gave_up.stderr
    assert "MigrationTask/broken: error: blocked:" in gave_up.stderr and "reset-attempts" in gave_up.stderr, gave_up.stderr
    assert gave_up.stderr.strip().splitlines()[-1].startswith("oms-plan: not done:"), gave_up.stderr
