"""The status page against hostile text from OMS (issue 21, attack 4).

`status --serve` reads a served sandbox through a small loopback proxy that forwards every
signed request unchanged (the signature covers the request, not the answer) and rewrites the
JSON of the answers: first every task's `error_reason` becomes markup, then every task list is
refused with markup as its `error_msg`. The page must show that text as text: parsed with
Python's html.parser, no element and no attribute comes from it (no img, script or svg with
onerror/onload), and the page is served with a strict Content-Security-Policy (default-src
'none', no 'unsafe-inline' script).
"""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import free_port

HOSTILE_CODE = "\u0600<img src=x onerror=alert(1)>"
HOSTILE_MSG = '"><script>alert(1)</script>\u0301<svg onload=alert(2)>'
HOSTILE_READ = "\u0600<img src=y onerror=alert(3)>'\"><iframe srcdoc=x>"
# The plan's secret key, with HTML specials: OMS echoes it in the error message (the proxy makes
# it), and the page must show it masked, although it is HTML-escaped there (core: w8pq3zrt).
SECRET = 'hostile<&"sk-w8pq3zrt'
SECRET_CORE = "w8pq3zrt"
# What must be visible as text once the page is parsed (entities decoded).
VISIBLE = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "<svg onload=alert(2)>"]
# The page's own markup: anything else came from the text.
EVENT_ATTRIBUTE = re.compile(r"^on", re.I)
FOREIGN_TAGS = {"img", "script", "iframe", "object", "embed", "frame", "link", "base", "form", "input"}

AK, SK = "SANDBOXACCESSKEY0001", "sandbox-secret-key"
PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

PLAN = """\
apiVersion: oms-plan/v1
kind: Stack
metadata: {name: hostile}
spec: {region: cn-north-4, serviceTimezone: "+08:00"}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: keys}
spec: {accessKey: "${env:HOSTILE_AK}", secretKey: "${env:HOSTILE_SK}"}
---
apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {name: victim}
spec:
  type: prefix
  source: {cloud: Aliyun, region: cn-hangzhou, bucket: h-src, credentials: keys, prefixes: ["data/"]}
  destination: {bucket: h-dst, credentials: keys, savePrefix: "h/"}
  description: shown on the page
"""


class Page(HTMLParser):
    """Every element with its attributes, and the text, of a page."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements, self.text = [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


class Rewriter:
    """The proxy's mode: `reason` rewrites tasks' error reasons, `refuse` refuses task lists."""

    def __init__(self):
        self.mode = "reason"
        self.rewritten = 0

    def answer(self, path, status, body):
        if self.mode == "refuse" and re.search(r"/tasks(\?|$)", path):
            self.rewritten += 1
            return 400, json.dumps({"error_code": "OMS.0001", "error_msg": HOSTILE_READ + " key " + SECRET}).encode()
        try:
            document = json.loads(body)
        except ValueError:
            return status, body
        for task in (document.get("tasks") or []) if isinstance(document, dict) else []:
            task["error_reason"] = {"error_code": HOSTILE_CODE, "error_msg": HOSTILE_MSG + " key " + SECRET}
            self.rewritten += 1
        if isinstance(document, dict) and "error_reason" in document and "id" in document:
            document["error_reason"] = {"error_code": HOSTILE_CODE, "error_msg": HOSTILE_MSG + " key " + SECRET}
        return status, json.dumps(document).encode()


def start_proxy(upstream_port, rewriter):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 30

        def _forward(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
            try:
                conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    if name.lower() not in ("connection", "content-length", "accept-encoding"):
                        conn.putheader(name, value)
                conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body)
                resp = conn.getresponse()
                status, answer, headers = resp.status, resp.read(), resp.getheaders()
            finally:
                conn.close()
            status, answer = rewriter.answer(self.path, status, answer)
            self.send_response(status)
            for name, value in headers:
                if name.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_POST = do_PUT = do_DELETE = _forward

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def wait_port(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"exited with {process.returncode}"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def fetch(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def wait_page(port, predicate, what, timeout=40):
    deadline, body = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        try:
            status, headers, body = fetch(port, "/")
            if status == 200 and predicate(body):
                return headers, body
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{what} never showed on the page within {timeout} s; last page:\n{body[-3000:]}")


def check_page(html, what):
    """No element or attribute came from the text; returns the page's visible text."""
    assert SECRET_CORE not in html, f"{what}: the page shows the secret key (HTML-escaped, not masked): " + \
        html[max(0, html.find(SECRET_CORE) - 80):html.find(SECRET_CORE) + 20]
    page = Page(html)
    foreign = [(tag, attrs) for tag, attrs in page.elements if tag in FOREIGN_TAGS]
    events = [(tag, name) for tag, attrs in page.elements for name in attrs if EVENT_ATTRIBUTE.match(name)]
    assert not foreign and not events, \
        f"{what}: text from OMS became markup: elements {foreign}, event attributes {events}\n{html[-3000:]}"
    return "".join(page.text)


def check_policy(headers, what):
    policy = headers.get("content-security-policy")
    assert policy, f"{what}: the page is served without a Content-Security-Policy header: {headers}"
    directives = {d.split()[0].lower(): d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives.get("default-src") == ["'none'"], f"{what}: default-src must be 'none': {policy}"
    scripts = directives.get("script-src", directives.get("default-src"))
    assert "'unsafe-inline'" not in scripts and "*" not in scripts, f"{what}: scripts may run inline: {policy}"


@pytest.fixture(scope="module")
def hostile(binary, tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    src = data / "buckets" / "Aliyun" / "cn-hangzhou" / "h-src" / "data"
    src.mkdir(parents=True)
    for i in range(3):
        (src / f"part-{i}.bin").write_bytes(b"x" * 2048)
    dst = data / "buckets" / "HuaweiCloud" / "cn-north-4" / "h-dst"
    dst.mkdir(parents=True)
    (dst / ".keep").write_text("")
    plan = root / "plan"
    plan.mkdir()
    (plan / "stack.yaml").write_text(PLAN)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUAWEICLOUD_SDK_", "OMS_"))}
    env.update(NO_COLOR="1", HUAWEICLOUD_SDK_AK=AK, HUAWEICLOUD_SDK_SK=SK, OMS_PROJECT_ID=PROJECT,
               HOSTILE_AK="hostileak0001", HOSTILE_SK=SECRET)
    port = free_port()
    log = open(root / "sandbox.log", "wb")
    sandbox = subprocess.Popen([binary, "sandbox", "serve", "--host", "127.0.0.1", "--port", str(port), "--data",
                                str(data), "--time-scale", "600"], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
    server, status_proc = None, None
    try:
        wait_port(port, sandbox)
        applied = subprocess.run([binary, "apply", "plan", "--auto-approve"], cwd=root, capture_output=True, text=True,
                                 env=dict(env, OMS_ENDPOINT=f"http://127.0.0.1:{port}"), timeout=120)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        rewriter = Rewriter()
        server = start_proxy(port, rewriter)
        page_port = free_port()
        status_log = open(root / "status.log", "w+")
        status_proc = subprocess.Popen(
            [binary, "status", "plan", "--serve", f"127.0.0.1:{page_port}", "--refresh", "1s"], cwd=root,
            env=dict(env, OMS_ENDPOINT=f"http://127.0.0.1:{server.server_address[1]}"), stdout=status_log,
            stderr=subprocess.STDOUT)
        wait_port(page_port, status_proc)
        yield rewriter, page_port, status_log
    finally:
        for process in (status_proc, sandbox):
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if server:
            server.shutdown()
            server.server_close()
        log.close()


def test_error_reason_markup_is_shown_as_text(hostile):
    rewriter, port, log = hostile
    _, html = wait_page(port, lambda b: 'class="resource"' in b and "alert(1)" in b, "a task's error reason")
    assert rewriter.rewritten, "the proxy rewrote no answer: the page did not read tasks through it"
    text = check_page(html, "error reason")
    missing = [v for v in VISIBLE if v not in text]
    assert not missing, f"the error reason is not visible as text (missing {missing}):\n{html[-3000:]}"


def test_failed_read_markup_is_shown_as_text(hostile):
    rewriter, port, log = hostile
    rewriter.mode = "refuse"
    try:
        _, html = wait_page(port, lambda b: "alert(3)" in b, "the message of a failed read")
    finally:
        rewriter.mode = "reason"
    text = check_page(html, "failed read")
    assert "<img src=y onerror=alert(3)>" in text and "<iframe srcdoc=x>" in text, \
        f"the failed read's message is not visible as text:\n{html[-3000:]}"


def test_page_is_served_with_a_strict_content_security_policy(hostile):
    _, port, _ = hostile
    status, headers, _ = fetch(port, "/")
    assert status == 200
    check_policy(headers, "GET /")


def test_status_json_carries_the_text_as_data(hostile):
    """/status.json is JSON: the same text is a string value there, exactly as OMS sent it."""
    _, port, _ = hostile
    deadline, errors = time.monotonic() + 20, []
    while time.monotonic() < deadline:
        status, headers, body = fetch(port, "/status.json")
        assert status == 200, body
        assert headers.get("content-type", "").startswith("application/json"), headers
        errors = [e.get("error") or "" for e in json.loads(body).get("entries") or []]
        if any(HOSTILE_CODE in e for e in errors):
            break
        time.sleep(0.3)
    assert any(HOSTILE_CODE in e and HOSTILE_MSG in e for e in errors), f"the error reason is not in /status.json: {errors}"
    assert SECRET_CORE not in body, f"/status.json shows the secret key: {errors}"
    metrics = fetch(port, "/metrics")[2]
    assert SECRET_CORE not in metrics, "/metrics shows the secret key"


def test_the_command_log_does_not_show_the_secret(hostile):
    _, _, log = hostile
    log.flush()
    log.seek(0)
    text = log.read()
    assert SECRET_CORE not in text, "`status --serve` printed the secret key:\n" + text[-2000:]
