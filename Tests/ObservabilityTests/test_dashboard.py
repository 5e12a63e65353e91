"""examples/grafana/oms-plan.json: valid JSON, a data-source variable and a `stack` variable,
the panels the issue asks for, and expressions that only use metrics oms-plan exposes (and,
with Debian's prometheus installed, that parse and return data from a real scrape)."""
import json
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import DASHBOARD, dashboard_expressions, grafana_to_promql, metric_names, missing_tool, parse

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}


@pytest.fixture(scope="module")
def dashboard():
    return json.loads(DASHBOARD.read_text())


def test_variables(dashboard):
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    stack = variables["stack"]
    assert stack["type"] == "query"
    assert stack["datasource"] == DATASOURCE
    assert stack["query"]["query"] == stack["definition"] == "label_values(oms_plan_passes_total, stack)"
    assert stack["multi"] and stack["includeAll"]


def test_panels(dashboard):
    panels = dashboard["panels"]
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in panels:
        assert panel["datasource"] == DATASOURCE, panel["title"]
        assert set(panel["gridPos"]) == {"x", "y", "w", "h"} and panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"] == DATASOURCE, panel["title"]
        refs = [t["refId"] for t in panel["targets"]]
        assert len(refs) == len(set(refs)), panel["title"]

    def panel(kind, *metrics):
        for p in panels:
            exprs = " ".join(t["expr"] for t in p["targets"])
            if p["type"] == kind and all(m in exprs for m in metrics):
                return p
        raise AssertionError(f"no {kind} panel with {metrics}")

    table = panel("table", "oms_plan_resource_state", "oms_plan_resource_progress_ratio",
                  "oms_plan_resource_forecast_finish_timestamp_seconds", "oms_plan_resource_deadline_timestamp_seconds")
    assert all(t.get("format") == "table" and t.get("instant") for t in table["targets"])
    assert table["transformations"][0]["id"] == "merge"
    throughput = panel("timeseries", "sum by (stack) (oms_plan_resource_speed_bytes_per_second")
    assert throughput["fieldConfig"]["defaults"]["unit"] == "binBps"
    panel("table", "oms_plan_resource_forecast_finish_timestamp_seconds", "oms_plan_resource_deadline_timestamp_seconds",
          "oms_plan_resource_deadline_slack_seconds")
    panel("timeseries", "oms_plan_resource_failed_objects")
    panel("stat", "oms_plan_drift_resources")
    panel("stat", "oms_plan_last_success_timestamp_seconds")
    panel("bargauge", "count by (state) (oms_plan_resource_state")


def test_every_selector_is_limited_to_the_chosen_stacks():
    for title, expr in dashboard_expressions():
        if title.startswith("variable "):
            continue
        stripped = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
        for m in re.finditer(r"oms_plan_\w+", stripped):
            assert stripped[m.end():].startswith("{"), f"{title}: {m.group()} without a stack matcher in {expr}"
        selectors = re.findall(r"oms_plan_\w+\{([^}]*)\}", expr)
        assert selectors and all('stack=~"$stack"' in s for s in selectors), f"{title}: {expr}"


def test_expressions_use_only_scraped_metrics(scrapes):
    exposed = set(parse(scrapes["quickstart"])) | set(parse(scrapes["forecast"]))
    for title, expr in dashboard_expressions():
        names = metric_names(grafana_to_promql(expr))
        assert names, f"{title}: no metric in {expr!r}"
        assert names <= exposed, f"{title}: {names - exposed} is not in oms-plan's /metrics"


def test_expressions_parse_with_promtool(tmp_path):
    """promtool has no expression checker, so every expression becomes a recording rule."""
    promtool = shutil.which("promtool")
    if not promtool:
        missing_tool("promtool is not installed; scripts/system-deps.sh installs Debian's prometheus with apt-get when it can")
    rules = [{"record": f"dashboard:expr_{i}", "expr": grafana_to_promql(expr)}
             for i, (_, expr) in enumerate(dashboard_expressions())]
    (tmp_path / "dashboard.rules.yml").write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = subprocess.run([promtool, "check", "rules", str(tmp_path / "dashboard.rules.yml")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_expressions_return_data_from_a_real_scrape(scrapes):
    results = scrapes["promql"]
    if results is None:
        missing_tool("prometheus is not installed; scripts/system-deps.sh installs Debian's prometheus with apt-get when it can")
    for title, expr in dashboard_expressions():
        result = results[grafana_to_promql(expr)]
        # `... > 0` (resources with failed objects, planned actions other than noop) may be
        # empty on a healthy scrape; everything else has data.
        if not expr.endswith("> 0"):
            assert result, f"{title}: `{expr}` returned nothing from Prometheus"
    table = [e for t, e in dashboard_expressions() if t == "Resources"]
    # The merge transformation joins rows on stack, address, kind: every table query must give
    # one row per resource with exactly those labels (plus state for the state query).
    for expr in table:
        for row in results[grafana_to_promql(expr)]:
            labels = set(row["metric"])
            assert labels in ({"stack", "address", "kind"}, {"stack", "address", "kind", "state"}), (expr, labels)
    states = results[grafana_to_promql(table[0])]
    assert {r["metric"]["stack"] for r in states} == {"quickstart", "forecast"}
    assert len(states) == len(scrapes["addresses"]) + 1
