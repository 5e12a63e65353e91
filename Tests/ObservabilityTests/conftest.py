"""Shared helpers of the observability checks: the oms-plan binary run as a server on a copy of
a plan (embedded sandbox, no OMS_* or HUAWEICLOUD_SDK_* variables), scrapes of its /metrics,
and the metric names a PromQL expression uses."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "examples/ci/prometheus/oms-plan.rules.yml"
RULE_TESTS = REPO / "examples/ci/prometheus/oms-plan.rules.test.yml"
DASHBOARD = REPO / "examples/grafana/oms-plan.json"

def missing_tool(message):
    """A tool that scripts/system-deps.sh installs is not there: the check skips on a developer's
    machine and fails in CI (CI=true), where system-deps.sh had to install it, so that a tool
    that went missing is never a green run that checked nothing."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true: a check without its tool fails instead of skipping)", pytrace=False)
    pytest.skip(message)


# The contract (Sources/Reconciler/Reconcile/ReconcileMetrics.swift): name -> (type, labels).
PASS_LABELS = {"stack"}
RESOURCE_LABELS = {"stack", "address", "kind"}
METRICS = {
    "oms_plan_passes_total": ("counter", PASS_LABELS),
    "oms_plan_changes_applied_total": ("counter", PASS_LABELS),
    "oms_plan_change_failures_total": ("counter", PASS_LABELS),
    "oms_plan_drift_resources": ("gauge", PASS_LABELS),
    "oms_plan_last_success_timestamp_seconds": ("gauge", PASS_LABELS),
    "oms_plan_last_pass_timestamp_seconds": ("gauge", PASS_LABELS),
    "oms_plan_resources": ("gauge", PASS_LABELS | {"action"}),
    "oms_plan_resource_state": ("gauge", RESOURCE_LABELS | {"state"}),
    "oms_plan_resource_progress_ratio": ("gauge", RESOURCE_LABELS),
    "oms_plan_resource_done_bytes": ("gauge", RESOURCE_LABELS),
    "oms_plan_resource_total_bytes": ("gauge", RESOURCE_LABELS),
    "oms_plan_resource_speed_bytes_per_second": ("gauge", RESOURCE_LABELS),
    "oms_plan_resource_failed_objects": ("gauge", RESOURCE_LABELS),
    "oms_plan_resource_forecast_finish_timestamp_seconds": ("gauge", RESOURCE_LABELS),
    "oms_plan_resource_deadline_timestamp_seconds": ("gauge", RESOURCE_LABELS),
    "oms_plan_resource_deadline_slack_seconds": ("gauge", RESOURCE_LABELS),
    "oms_plan_stack_forecast_finish_timestamp_seconds": ("gauge", PASS_LABELS),
    "oms_plan_stack_deadline_slack_seconds": ("gauge", PASS_LABELS),
    # Objects in OMS's failed lists, by error code (only while a task or group has such a list).
    "oms_plan_failed_objects": ("gauge", {"stack", "address", "code"}),
}
# Present only with a forecast or a deadline; the quickstart declares no deadline and its
# tasks finish before OMS has sized them, so only the "forecast" plan below shows them.
OPTIONAL = {
    "oms_plan_resource_forecast_finish_timestamp_seconds",
    "oms_plan_resource_deadline_timestamp_seconds",
    "oms_plan_resource_deadline_slack_seconds",
    "oms_plan_stack_forecast_finish_timestamp_seconds",
    "oms_plan_stack_deadline_slack_seconds",
    "oms_plan_failed_objects",
}


def clean_env(**extra):
    """The environment of a user with no OMS endpoint and no credentials (embedded sandbox)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUAWEICLOUD_SDK_", "OMS_"))}
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.headers, response.read().decode()


class Server:
    """An oms-plan command that serves HTTP on 127.0.0.1:port until SIGTERM."""

    def __init__(self, args, cwd, port):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(Path(cwd) / f"server-{port}.log", "w+")
        self.process = subprocess.Popen(args, cwd=cwd, env=clean_env(), stdout=self.log,
                                        stderr=subprocess.STDOUT, text=True)

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def wait_for_port(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"exited with {self.process.returncode}:\n{self.output()}"
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"nothing listens on port {self.port} after {timeout} s:\n{self.output()}")

    def wait_until(self, path, predicate, timeout=30, what="the condition"):
        """GETs path until predicate(body) holds; returns that body."""
        deadline = time.monotonic() + timeout
        body = None
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"exited with {self.process.returncode}:\n{self.output()}"
            try:
                body = get(self.base + path)[2]
                if predicate(body):
                    return body
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{what} did not hold within {timeout} s; last {path}:\n{body}\n{self.output()}")

    def stop(self):
        """SIGTERM; the command must stop cleanly (exit 0) within 20 s."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"did not stop within 20 s of SIGTERM:\n{self.output()}")
        return code

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if not self.log.closed:
            self.log.close()


def parse(text):
    """{family name as exposed: (type, [samples])}; counters keep their _total name."""
    families = {}
    for family in text_string_to_metric_families(text):
        samples = list(family.samples)
        name = family.name + "_total" if family.type == "counter" else family.name
        families[name] = (family.type, samples)
    return families


KINDS = {"MigrationTask", "MigrationTaskGroup", "MigrationSyncTask"}


def check_contract(families, stack):
    """Every family is known, of its type, every sample has exactly the contract's labels and
    the stack's name as `stack`."""
    unknown = set(families) - set(METRICS)
    assert not unknown, f"families not in the contract (add them to the test, the dashboard and the docs): {unknown}"
    for name, (kind, samples) in families.items():
        want_type, want_labels = METRICS[name]
        assert kind == want_type, f"{name} is a {kind}, the contract says {want_type}"
        assert samples, f"{name} has TYPE but no sample"
        for sample in samples:
            assert sample.name == name, f"{name}: sample {sample.name}"
            assert set(sample.labels) == want_labels, f"{name}: labels {sample.labels}, want {want_labels}"
            assert sample.labels["stack"] == stack, sample
            if "kind" in sample.labels:
                assert sample.labels["kind"] in KINDS, sample
                assert sample.labels["address"].startswith(sample.labels["kind"] + "/"), sample


def passes(text):
    return sum(s.value for f in text_string_to_metric_families(text) if f.name == "oms_plan_passes"
               for s in f.samples if s.name == "oms_plan_passes_total")


def copy_quickstart(dest):
    shutil.copytree(REPO / "examples/quickstart", dest, ignore=shutil.ignore_patterns(".oms-plan"))
    return dest


def write_forecast_plan(plan):
    """A one-task stack whose task runs long enough to be forecast: 16 MiB at 1 MiB/s (the
    sandbox honours bandwidth rules), with a deadline already past (negative slack) and a stack
    deadline years ahead (positive slack)."""
    bulk = plan / "sandbox/buckets/Aliyun/cn-hangzhou/bulk/data"
    bulk.mkdir(parents=True)
    for i in range(16):
        (bulk / f"part-{i:02d}.bin").write_bytes(b"\0" * 1048576)
    obs = plan / "sandbox/buckets/HuaweiCloud/cn-north-4/forecast-obs"
    obs.mkdir(parents=True)
    (obs / ".keep").write_text("")
    (plan / "stack.yaml").write_text("""apiVersion: oms-plan/v1
kind: Stack
metadata: {name: forecast}
spec:
  region: cn-north-4
  serviceTimezone: "+08:00"
  deadline: "2099-01-01T00:00:00+08:00"
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: src}
spec: {accessKey: "${env:FORECAST_AK}", secretKey: "${env:FORECAST_SK}"}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: obs}
spec: {accessKey: "${env:FORECAST_OBS_AK}", secretKey: "${env:FORECAST_OBS_SK}"}
---
apiVersion: oms-plan/v1
kind: BandwidthSchedule
metadata: {name: trickle}
spec:
  windows:
    - {start: "00:00", end: "24:00", limit: 1MiB/s}
---
apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {name: bulk}
spec:
  type: prefix
  source: {cloud: Aliyun, region: cn-hangzhou, bucket: bulk, credentials: src, prefixes: ["data/"]}
  destination: {bucket: forecast-obs, credentials: obs}
  bandwidth: trickle
  deadline: "2020-01-01T00:00:00Z"
""")
    return plan


# --- metric names in PromQL -----------------------------------------------------------------

_KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
             "group_left", "group_right", "inf", "nan", "atan2", "start", "end",
             # aggregation operators, which may have `by (...)` before their parenthesis
             "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
             "bottomk", "topk", "quantile", "limitk", "limit_ratio"}


def metric_names(expr):
    """The metric names a PromQL expression selects (Grafana variables allowed in matchers,
    ranges and strings). Function names, keywords, label names in by/on/... lists, label
    matchers, strings, durations and numbers are not metric names."""
    s = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    s = re.sub(r"\{[^}]*\}", " ", s)
    s = re.sub(r"\[[^\]]*\]", " ", s)
    s = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", r" \1 ", s)
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", s):
        before = s[m.start() - 1] if m.start() else " "
        after = s[m.end():].lstrip()[:1]
        if before.isdigit() or before in ".$" or after == "(" or m.group().lower() in _KEYWORDS:
            continue
        names.add(m.group())
    return names


# --- fixtures -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def binary():
    path = Path(os.environ.get("OMS_PLAN_BIN", REPO / ".build/debug/oms-plan")).resolve()
    assert path.exists(), f"build oms-plan first ({path} is missing)"
    return str(path)


@pytest.fixture(scope="session")
def scrapes(binary, tmp_path_factory):
    """Scrapes of `reconcile --interval 1s --metrics-port` on a copy of the quickstart and on the
    forecast plan, both running at once: the last /metrics of each after two passes (and, for
    the forecast plan, once its forecast is there), the declared quickstart addresses, and the
    exit codes after SIGTERM. When Debian's prometheus is installed, a real Prometheus scrapes
    both loops meanwhile, and every expression of the dashboard and of the alert rules is
    evaluated against it (result["promql"]: expression -> result vector)."""
    root = tmp_path_factory.mktemp("scrape")
    quick, forecast = root / "quick", root / "forecast"
    copy_quickstart(quick / "quickstart")
    write_forecast_plan(forecast / "forecast")

    declared = subprocess.run([binary, "status", "quickstart", "--output", "json"], cwd=quick,
                              env=clean_env(), capture_output=True, text=True, timeout=60)
    assert declared.returncode == 0, declared.stderr
    addresses = {e["address"] for e in json.loads(declared.stdout)["entries"]}

    result = {"addresses": addresses, "promql": None}
    servers = []
    prometheus = None
    try:
        for name, cwd in (("quickstart", quick), ("forecast", forecast)):
            port = free_port()
            servers.append((name, Server([binary, "reconcile", name, "--interval", "1s",
                                          "--metrics-port", str(port)], cwd, port)))
        if shutil.which("prometheus"):
            prometheus = Prometheus(root / "prometheus", [server.port for _, server in servers])
        for name, server in servers:
            server.wait_for_port()
        for name, server in servers:
            if name == "quickstart":
                text = server.wait_until("/metrics", lambda b: passes(b) >= 2, what="two passes")
            else:
                text = server.wait_until(
                    "/metrics", lambda b: passes(b) >= 2 and "oms_plan_stack_forecast_finish_timestamp_seconds{" in b,
                    what="two passes and a stack forecast")
            result[name] = text
        if prometheus:
            prometheus.wait_for(
                'count(oms_plan_passes_total >= 2) == 2 and on() count(oms_plan_stack_forecast_finish_timestamp_seconds{stack="forecast"}) == 1',
                what="both loops scraped after their second pass")
            result["promql"] = {expr: prometheus.query(expr) for expr in promql_expressions()}
            result["promql_up"] = prometheus.query('up{job="oms-plan"}')
        for name, server in servers:
            result[name + "_exit"] = server.stop()
            result[name + "_log"] = server.output()
    finally:
        for _, server in servers:
            server.__exit__(None)
        if prometheus:
            prometheus.stop()
    return result


class Prometheus:
    """Debian's prometheus, scraping the given loopback ports every second as job oms-plan."""

    def __init__(self, folder, ports):
        folder.mkdir()
        self.port = free_port()
        targets = ", ".join(f'"127.0.0.1:{p}"' for p in ports)
        (folder / "prometheus.yml").write_text(
            "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
            f"scrape_configs:\n  - job_name: oms-plan\n    static_configs:\n      - targets: [{targets}]\n")
        self.log = open(folder / "prometheus.log", "w+")
        self.process = subprocess.Popen(
            ["prometheus", f"--config.file={folder / 'prometheus.yml'}", f"--storage.tsdb.path={folder / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            cwd=folder, stdout=self.log, stderr=subprocess.STDOUT)

    def query(self, expr):
        url = f"http://127.0.0.1:{self.port}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
        try:
            body = json.loads(get(url)[2])
        except urllib.error.HTTPError as error:
            body = json.loads(error.read().decode())
        assert body["status"] == "success", f"{expr}: {body}"
        return body["data"]["result"]

    def wait_for(self, expr, timeout=30, what="the query"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                if self.query(expr):
                    return
            except (OSError, AssertionError):
                pass
            time.sleep(0.3)
        raise AssertionError(f"{what}: `{expr}` stayed empty for {timeout} s\n{self.output()}")

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-4000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def dashboard_expressions():
    """Every PromQL expression of the Grafana dashboard, with its panel title."""
    dashboard = json.loads(DASHBOARD.read_text())
    found = []
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            found.append((panel["title"], target["expr"]))
    for variable in dashboard["templating"]["list"]:
        query = variable.get("query")
        if isinstance(query, dict):
            query = query.get("query")
        if variable["type"] == "query":
            found.append((f"variable {variable['name']}", query))
    return found


def rule_expressions():
    rules = yaml.safe_load(RULES.read_text())
    return [(rule["alert"], rule["expr"]) for group in rules["groups"] for rule in group["rules"]]


def grafana_to_promql(expr):
    """A dashboard expression as Prometheus runs it with every stack selected."""
    m = re.fullmatch(r"label_values\((\w+),\s*(\w+)\)", expr)
    if m:
        return m.group(1)
    return (expr.replace("$stack", ".*").replace("$__rate_interval", "1m")
            .replace("$__interval", "1m").replace("$__range", "1h"))


def promql_expressions():
    return sorted({grafana_to_promql(e) for _, e in dashboard_expressions()} | {e for _, e in rule_expressions()})

def oms_states():
    """Every state string oms_plan_resource_state can carry, from the OMS wire tables the Swift
    models are generated from: task and group status labels (TaskStatus, TaskGroupStatus),
    sync-task statuses (SyncTaskStatus), and Absent."""
    wire = REPO / "Sources/OMSModels/Wire"
    types = {t["name"]: t for name in ("Enums.json", "SyncTask.json")
             for t in json.loads((wire / name).read_text())["types"]}
    states = {"Absent"}
    for name in ("TaskStatus", "TaskGroupStatus"):
        found = {case["label"] for case in types[name]["cases"]}
        assert found, f"no status names found in {name}"
        states |= found
    found = {case["value"] for case in types["SyncTaskStatus"]["cases"]}
    assert found, "no sync-task statuses found"
    return states | found
