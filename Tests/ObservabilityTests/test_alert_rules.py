"""examples/ci/prometheus/oms-plan.rules.yml: promtool's syntax check and unit tests (fire and
not fire for each alert), and, with or without promtool, that every metric and state the rules
name is one oms-plan really exposes."""
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import RULE_TESTS, RULES, metric_names, missing_tool, oms_states, parse, rule_expressions

NEW_ALERTS = {"OmsPlanTransferStalled", "OmsPlanResourceFailed", "OmsPlanDeadlineMissed",
              "OmsPlanStackDeadlineMissed"}
OLD_ALERTS = {"OmsPlanNoSuccessfulPass", "OmsPlanReconcileNotRunning", "OmsPlanDriftPersists",
              "OmsPlanLoopDown"}


def promtool():
    path = shutil.which("promtool")
    if not path:
        missing_tool("promtool is not installed (Debian's prometheus package); scripts/system-deps.sh "
                    "installs it with apt-get when it can. The metric-name checks below still run.")
    return path


def test_promtool_check_rules():
    result = subprocess.run([promtool(), "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(OLD_ALERTS | NEW_ALERTS)} rules found" in result.stdout, result.stdout


def test_promtool_unit_tests():
    result = subprocess.run([promtool(), "test", "rules", str(RULE_TESTS)], cwd=RULE_TESTS.parent,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout, result.stdout


def test_every_alert_is_kept_labelled_and_unit_tested():
    rules = [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]
    assert {rule["alert"] for rule in rules} == OLD_ALERTS | NEW_ALERTS
    for rule in rules:
        assert rule["labels"]["severity"] in {"info", "warning", "critical"}, rule
        assert "{{ $labels.stack }}" in rule["annotations"]["summary"] or rule["alert"] == "OmsPlanLoopDown", rule
    tests = yaml.safe_load(RULE_TESTS.read_text())
    fired, quiet = set(), set()
    for case in tests["tests"]:
        for check in case["alert_rule_test"]:
            (fired if check.get("exp_alerts") else quiet).add(check["alertname"])
    assert fired == OLD_ALERTS | NEW_ALERTS, "every alert needs a unit test where it fires"
    assert NEW_ALERTS <= quiet, "every new alert needs a unit test where it stays quiet"


def test_rules_use_only_exposed_metrics(scrapes):
    """Also the fallback without promtool: every metric a rule selects is in a real scrape
    (the quickstart's and the forecast plan's), except Prometheus's own `up`."""
    exposed = set(parse(scrapes["quickstart"])) | set(parse(scrapes["forecast"]))
    for alert, expr in rule_expressions():
        names = metric_names(expr)
        assert names, f"{alert}: no metric found in {expr!r}"
        unknown = names - exposed - {"up"}
        assert not unknown, f"{alert} uses metrics oms-plan does not expose: {unknown}"


def test_rules_use_only_real_states_and_kinds():
    text = RULES.read_text()
    used = set()
    for op, value in re.findall(r'state(=~|=)"([^"]*)"', text):
        used |= set(value.split("|")) if op == "=~" else {value}
    assert used, "no state matcher found"
    assert used <= oms_states(), f"states that oms-plan never reports: {used - oms_states()}"
    kinds = set(re.findall(r'kind="([^"]*)"', text))
    assert kinds <= {"MigrationTask", "MigrationTaskGroup", "MigrationSyncTask"}, kinds


def test_rule_expressions_on_live_prometheus(scrapes):
    """The rules' expressions (without their `for`) against a Prometheus that scraped both
    loops: the forecast plan's task misses its 2020 deadline, nothing else does; its stack
    (deadline 2099) does not; a task moving at 1 MiB/s is not stalled; nothing failed."""
    results = scrapes["promql"]
    if results is None:
        missing_tool("prometheus is not installed; scripts/system-deps.sh installs Debian's prometheus with apt-get when it can")
    expr = dict(rule_expressions())

    def addresses(alert):
        return {(r["metric"]["stack"], r["metric"]["address"]) for r in results[expr[alert]]}

    assert addresses("OmsPlanDeadlineMissed") == {("forecast", "MigrationTask/bulk")}
    assert results[expr["OmsPlanStackDeadlineMissed"]] == []
    assert results[expr["OmsPlanResourceFailed"]] == []
    stalled = addresses("OmsPlanTransferStalled")
    assert ("forecast", "MigrationTask/bulk") not in stalled
    # Quickstart tasks may be Migrating at speed 0 for a moment (OMS still listing their
    # source): the 30 minutes of `for` are there for that.
    assert stalled <= {("quickstart", a) for a in scrapes["addresses"]}, stalled
    for r in results[expr["OmsPlanTransferStalled"]]:
        assert r["metric"]["state"] in {"Migrating", "Executing", "Monitoring"}, r
        assert {"job", "instance"} <= set(r["metric"]), r
