"""The /metrics contract of `oms-plan reconcile`: families, types and labels, parsed with
prometheus-client's text-format parser from a live loop (and from --metrics-textfile)."""
import subprocess

import pytest

from conftest import METRICS, OPTIONAL, check_contract, clean_env, copy_quickstart, metric_names, missing_tool, oms_states, parse

ACTIONS = {"create", "update", "replace", "delete", "start", "pause", "retry", "blocked", "noop"}


def test_metric_names_parser():
    assert metric_names("time() - max_over_time(oms_plan_last_success_timestamp_seconds[2h]) > 3600") == {
        "oms_plan_last_success_timestamp_seconds"}
    assert metric_names('sum by (stack, state) (oms_plan_resource_state{stack=~"$stack", state!="x"} == 1)'
                        " and on(stack, address) oms_plan_resource_speed_bytes_per_second == 0") == {
        "oms_plan_resource_state", "oms_plan_resource_speed_bytes_per_second"}
    assert metric_names('up{job="oms-plan"} == 0 or vector(1e3) offset 5m') == {"up"}
    assert metric_names("oms_plan_resource_deadline_slack_seconds * 1000 + $__range_s") == {
        "oms_plan_resource_deadline_slack_seconds"}


def test_quickstart_scrape_families_types_and_labels(scrapes):
    families = parse(scrapes["quickstart"])
    check_contract(families, "quickstart")
    missing = set(METRICS) - OPTIONAL - set(families)
    assert not missing, f"missing from the quickstart's /metrics: {missing}"
    passes = families["oms_plan_passes_total"][1][0].value
    assert passes >= 2
    # The first pass created the 9 tasks and groups and the sync task.
    assert families["oms_plan_changes_applied_total"][1][0].value >= 10
    assert families["oms_plan_change_failures_total"][1][0].value == 0
    assert {s.labels["action"] for s in families["oms_plan_resources"][1]} >= ACTIONS
    last_pass = families["oms_plan_last_pass_timestamp_seconds"][1][0].value
    assert families["oms_plan_last_success_timestamp_seconds"][1][0].value == last_pass > 1.7e9


def test_every_declared_quickstart_resource_has_one_state_and_its_gauges(scrapes):
    families = parse(scrapes["quickstart"])
    declared = scrapes["addresses"]
    assert len(declared) == 11, declared  # 9 tasks (3 from a task set), a group and a sync task
    states = {}
    for sample in families["oms_plan_resource_state"][1]:
        assert sample.value == 1, sample
        states.setdefault(sample.labels["address"], []).append(sample.labels["state"])
    assert set(states) == declared
    for address, found in states.items():
        assert len(found) == 1, f"{address} has several state series: {found}"
    vocabulary = oms_states()
    assert {s[0] for s in states.values()} <= vocabulary, states
    # After the second pass everything exists in OMS except photos-2024 (waits for photos-2023).
    assert states["MigrationSyncTask/uploads"] == ["SYNCHRONIZING"]
    assert states["MigrationTask/media-videos"][0] in ("Pausing", "Paused")
    for name in ("oms_plan_resource_progress_ratio", "oms_plan_resource_done_bytes",
                 "oms_plan_resource_total_bytes", "oms_plan_resource_speed_bytes_per_second",
                 "oms_plan_resource_failed_objects"):
        assert {s.labels["address"] for s in families[name][1]} == declared, name
    for sample in families["oms_plan_resource_progress_ratio"][1]:
        assert 0 <= sample.value <= 1, sample


def test_forecast_and_deadline_series(scrapes):
    """The forecast plan: one task at 1 MiB/s with a deadline in the past, the stack's in 2099."""
    families = parse(scrapes["forecast"])
    check_contract(families, "forecast")
    # Every series but the failed objects' (this plan's task has no failed list).
    assert set(families) == set(METRICS) - {"oms_plan_failed_objects"}, set(METRICS) - set(families)

    def value(name):
        samples = families[name][1]
        assert len(samples) == 1, samples
        return samples[0].value

    assert [s.labels["state"] for s in families["oms_plan_resource_state"][1]] == ["Migrating"]
    assert 0 < value("oms_plan_resource_speed_bytes_per_second") <= 1.1 * 1048576
    assert value("oms_plan_resource_total_bytes") == 16 * 1048576
    last_pass = value("oms_plan_last_pass_timestamp_seconds")
    finish = value("oms_plan_resource_forecast_finish_timestamp_seconds")
    assert last_pass < finish < last_pass + 3600
    assert value("oms_plan_resource_deadline_timestamp_seconds") == 1577836800  # 2020-01-01T00:00:00Z
    slack = value("oms_plan_resource_deadline_slack_seconds")
    assert slack < 0 and abs(slack - (1577836800 - finish)) < 1
    assert value("oms_plan_stack_forecast_finish_timestamp_seconds") == finish
    stack_slack = value("oms_plan_stack_deadline_slack_seconds")
    assert stack_slack > 0 and abs(stack_slack - (4070880000 - finish)) < 1  # 2099-01-01T00:00:00+08:00


def test_loops_stop_cleanly_on_sigterm(scrapes):
    assert scrapes["quickstart_exit"] == 0, scrapes["quickstart_log"][-3000:]
    assert scrapes["forecast_exit"] == 0, scrapes["forecast_log"][-3000:]


def test_textfile_has_the_same_contract(binary, tmp_path):
    copy_quickstart(tmp_path / "quickstart")
    result = subprocess.run([binary, "reconcile", "quickstart", "--once", "--metrics-textfile", "m.prom"],
                            cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    families = parse((tmp_path / "m.prom").read_text())
    check_contract(families, "quickstart")
    assert set(METRICS) - OPTIONAL <= set(families)
    assert families["oms_plan_passes_total"][1][0].value == 1


def test_prometheus_scrapes_both_loops(scrapes):
    if scrapes["promql"] is None:
        missing_tool("prometheus is not installed; scripts/system-deps.sh installs Debian's prometheus with apt-get when it can")
    up = {r["metric"]["instance"]: r["value"][1] for r in scrapes["promql_up"]}
    assert len(up) == 2 and set(up.values()) == {"1"}, up
