"""Issue 26, part 1: Notifications. A receiver on loopback (a small http.server thread) stands in
for Slack, Teams, Feishu, DingTalk, WeCom and a generic webhook. Over several passes of apply and
reconcile each event arrives exactly once, in each provider's format; a receiver that fails
(HTTP 500) or hangs neither fails nor stalls a pass beyond the delivery bound, and
oms_plan_notifications_total says so; the URL never appears in stdout, stderr or any file under
.oms-plan. The sandbox fails a URL-list task whose list names a file it does not serve."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

FAST = {"OMS_PLAN_SANDBOX_TIME_SCALE": "600"}
WEB = "MigrationTask/web-assets"
TARGET = ("--target", WEB)
PROVIDERS = ["slack", "teams", "feishu", "dingtalk", "wecom", "webhook"]
# The path's last part is what a real webhook URL hides: it must never be shown.
TOKEN = "hooktoken-q8vr2mzk"


class Receiver:
    """Records every POST by path; `behaviour[path]` is "ok", "fail" (HTTP 500) or "hang"."""

    def __init__(self):
        self.received = []
        self.behaviour = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.received.append((self.path, body))
                what = receiver.behaviour.get(self.path, "ok")
                if what == "hang":
                    time.sleep(30)
                status = 500 if what == "fail" else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name):
        return f"http://127.0.0.1:{self.server.server_address[1]}/{name}/{TOKEN}"

    def bodies(self, name):
        return [json.loads(body) for path, body in self.received if path == f"/{name}/{TOKEN}"]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def break_web_assets(workdir):
    """One URL of web-assets' list is a file the sandbox does not have: the task ends Failed. It
    alone gets the label the Notifications select (labels are not identity)."""
    urls = workdir / "plan/sandbox/buckets/HuaweiCloud/cn-north-4/quickstart-lists/urls.txt"
    with urls.open("a") as out:
        out.write("http://oms-sandbox/public/HuaweiCloud/cn-north-4/quickstart-web/missing.html\tsite/missing.html\n")
    tasks = workdir / "plan/tasks/lists.yaml"
    text = tasks.read_text()
    assert "  name: web-assets\n  labels: {team: web}\n" in text
    tasks.write_text(text.replace("  name: web-assets\n  labels: {team: web}\n", "  name: web-assets\n  labels: {team: web, alert: page}\n"))


def notification(name, provider, variable, events, extra=""):
    return (f"---\napiVersion: oms-plan/v1\nkind: Notification\nmetadata:\n  name: {name}\nspec:\n"
            f"  provider: {provider}\n  url: \"${{env:{variable}}}\"\n  events: [{', '.join(events)}]\n"
            f"  selector: {{alert: page}}\n{extra}")


def write_notifications(workdir, receiver, providers=PROVIDERS, events=("failed", "settled"), extra=""):
    env = {}
    docs = ""
    for p in providers:
        variable = f"TEAM_{p.upper()}_WEBHOOK_URL"
        env[variable] = receiver.url(p)
        docs += notification(f"to-{p}", p, variable, events, extra)
    (workdir / "plan/notify.yaml").write_text(docs)
    return env


def assert_url_hidden(receiver, workdir, *results):
    secrets = [receiver.url(p) for p in PROVIDERS] + [TOKEN]
    for result in results:
        for secret in secrets:
            assert secret not in result.stdout and secret not in result.stderr, (secret, result.stdout[-1500:], result.stderr[-1500:])
    for path in (workdir / ".oms-plan").rglob("*"):
        if path.is_file() and "/buckets/" not in path.as_posix():
            data = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in data, f"{path} holds the URL"


def text_of(provider, body):
    """The human text of one message, read from the provider's own format."""
    return {
        "slack": lambda b: b["text"],
        "teams": lambda b: b["text"],
        "feishu": lambda b: b["content"]["text"],
        "dingtalk": lambda b: b["text"]["content"],
        "wecom": lambda b: b["text"]["content"],
        "webhook": lambda b: b["message"],
    }[provider](body)


def test_each_event_arrives_once_in_each_providers_format(run, workdir, receiver):
    break_web_assets(workdir)
    env = {**FAST, **write_notifications(workdir, receiver)}
    assert run("validate", "plan", env=env).returncode == 0
    created = run("apply", "plan", "--auto-approve", *TARGET, env=env)
    assert created.returncode == 0, created.stderr
    waited = run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "5m", *TARGET, env=env, timeout=300)
    assert waited.returncode == 1, waited.stderr
    passes = [run("reconcile", "plan", "--once", *TARGET, env=env) for _ in range(3)]
    for p in passes:
        assert p.returncode == 1, p.stderr  # the failed task needs a person, notified or not

    for provider in PROVIDERS:
        bodies = receiver.bodies(provider)
        texts = [text_of(provider, b) for b in bodies]
        failed = [t for t in texts if "failed in OMS" in t]
        settled = [t for t in texts if "has settled" in t]
        assert len(failed) == 1, (provider, texts)
        assert len(settled) == 1, (provider, texts)
        assert WEB in failed[0] and "[quickstart]" in failed[0], failed[0]
        assert "oms-plan status" in failed[0], "says what to do: " + failed[0]

    slack = receiver.bodies("slack")[0]
    assert slack["blocks"][0]["type"] == "section" and slack["blocks"][0]["text"]["type"] == "mrkdwn"
    teams = receiver.bodies("teams")[0]
    assert teams["@type"] == "MessageCard" and teams["sections"][0]["facts"]
    assert receiver.bodies("feishu")[0]["msg_type"] == "text"
    assert receiver.bodies("dingtalk")[0]["msgtype"] == "text"
    assert receiver.bodies("wecom")[0]["msgtype"] == "text"
    generic = [b for b in receiver.bodies("webhook") if b["event"] == "failed"]
    assert len(generic) == 1
    assert set(generic[0]) == {"event", "stack", "address", "status", "message", "at", "details"}, generic[0]
    assert generic[0]["stack"] == "quickstart" and generic[0]["address"] == WEB

    state = json.loads((workdir / ".oms-plan/state/quickstart.notified.json").read_text())
    assert f"failed {WEB}" in state["notifications"]["to-webhook"], state
    assert "notified Notification/to-slack (slack): failed " + WEB in waited.stderr + "".join(p.stderr for p in passes)
    assert_url_hidden(receiver, workdir, created, waited, *passes)


def test_a_failing_receiver_neither_fails_nor_stalls_the_pass(run, workdir, receiver):
    break_web_assets(workdir)
    env = {**FAST, **write_notifications(workdir, receiver, providers=["webhook", "slack"], events=("failed",))}
    assert run("apply", "plan", "--auto-approve", *TARGET, env=env).returncode == 0
    receiver.behaviour = {f"/webhook/{TOKEN}": "fail", f"/slack/{TOKEN}": "hang"}
    waited = run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "5m", *TARGET, env=env, timeout=300)
    assert waited.returncode == 1, waited.stderr
    receiver.received.clear()

    started = time.monotonic()
    once = run("reconcile", "plan", "--once", *TARGET, "--metrics-textfile", "metrics.prom", env=env)
    elapsed = time.monotonic() - started
    # The same exit as without notifications (the failed task needs a person), within the bound
    # (15 s for the whole delivery) plus the pass itself.
    assert once.returncode == 1, once.stderr
    assert elapsed < 45, elapsed
    assert "could not deliver failed " + WEB in once.stderr, once.stderr
    assert "HTTP 500" in once.stderr and "the next pass tries again" in once.stderr, once.stderr
    metrics = (workdir / "metrics.prom").read_text()
    assert 'oms_plan_notifications_total{stack="quickstart",provider="webhook",result="failed"} 1' in metrics, metrics
    assert 'oms_plan_notifications_total{stack="quickstart",provider="slack",result="failed"} 1' in metrics, metrics
    # Retried (500s are), but bounded: a few attempts, not one per second of the pass.
    assert 1 < len(receiver.bodies("webhook")) <= 3, len(receiver.bodies("webhook"))

    # Once the receiver works again, the next pass delivers what could not be, once.
    receiver.behaviour = {}
    receiver.received.clear()
    again = run("reconcile", "plan", "--once", *TARGET, "--metrics-textfile", "metrics.prom", env=env)
    assert again.returncode == 1, again.stderr
    assert len(receiver.bodies("webhook")) == 1 and len(receiver.bodies("slack")) == 1, receiver.received
    assert 'oms_plan_notifications_total{stack="quickstart",provider="webhook",result="sent"} 1' in (workdir / "metrics.prom").read_text()
    assert_url_hidden(receiver, workdir, waited, once, again)


def test_dry_run_prints_what_would_be_sent_and_sends_nothing(run, workdir, receiver):
    break_web_assets(workdir)
    env = {**FAST, **write_notifications(workdir, receiver, providers=["webhook"], events=("failed",))}
    assert run("apply", "plan", "--auto-approve", *TARGET, "--dry-run-notifications", env=env).returncode == 0
    waited = run("apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "5m", *TARGET, "--dry-run-notifications",
                 env=env, timeout=300)
    assert waited.returncode == 1, waited.stderr
    dry = run("reconcile", "plan", "--once", *TARGET, "--dry-run-notifications", env=env)
    assert dry.returncode == 1, dry.stderr
    assert "would notify Notification/to-webhook (webhook, URL from ${env:TEAM_WEBHOOK_WEBHOOK_URL})" in dry.stdout, dry.stdout
    assert '"event":"failed"' in dry.stdout, dry.stdout
    assert receiver.received == []
    assert not (workdir / ".oms-plan/state/quickstart.notified.json").exists()
    assert_url_hidden(receiver, workdir, waited, dry)


def test_a_literal_or_plain_http_url_is_refused_at_its_location(run, workdir, receiver):
    notify = workdir / "plan/notify.yaml"
    notify.write_text(notification("chat", "slack", "X", ["failed"]).replace('"${env:X}"', "https://hooks.example.com/" + TOKEN))
    literal = run("validate", "plan")
    assert literal.returncode == 1
    assert "notify.yaml:8:8: error: `spec.url` is a literal secret" in literal.stderr, literal.stderr
    assert TOKEN not in literal.stdout + literal.stderr

    notify.write_text(notification("chat", "webhook", "TEAM_HOOK", ["failed", "gaveup"]))
    plain = run("validate", "plan", env={"TEAM_HOOK": "http://chat.example.com/" + TOKEN})
    assert plain.returncode == 1
    assert "notify.yaml:8:8: error: the URL `${env:TEAM_HOOK}` gives an http:// URL to a host other than this machine" in plain.stderr, plain.stderr
    assert "notify.yaml:9:20: error: unknown event `gaveup`" in plain.stderr and "did you mean `gaveUp`?" in plain.stderr, plain.stderr
    assert TOKEN not in plain.stdout + plain.stderr


def test_a_reconcile_loop_sends_each_event_once_over_its_passes(binary, workdir, receiver):
    import os
    import signal
    import subprocess
    break_web_assets(workdir)
    hooks = write_notifications(workdir, receiver, providers=["webhook"], events=("failed",))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUAWEICLOUD_SDK_", "OMS_"))}
    env.update({"NO_COLOR": "1", **FAST, **hooks})
    created = subprocess.run([binary, "apply", "plan", "--auto-approve", *TARGET], cwd=workdir, env=env,
                             capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stderr
    loop = subprocess.Popen([binary, "reconcile", "plan", "--interval", "1s", *TARGET], cwd=workdir, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        # The task fails while the loop runs; then a few more passes see it still failed.
        while time.monotonic() < deadline and not receiver.bodies("webhook"):
            time.sleep(0.5)
        time.sleep(5)
    finally:
        loop.send_signal(signal.SIGTERM)
        out, err = loop.communicate(timeout=60)
    assert "stopped after" in err, err[-2000:]
    passes = int(err.rsplit("stopped after ", 1)[1].split(" ", 1)[0])
    assert passes >= 3, err[-2000:]
    failed = [b for b in receiver.bodies("webhook") if b["event"] == "failed"]
    assert len(failed) == 1, receiver.received
    assert failed[0]["address"] == WEB
    for secret in (receiver.url("webhook"), TOKEN):
        assert secret not in out and secret not in err
