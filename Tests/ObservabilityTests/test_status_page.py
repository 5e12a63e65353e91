"""The status page of `oms-plan status PLAN --serve` in headless Chromium: every declared
resource has its row with a forecast cell, the charts are there, nothing is loaded from
elsewhere, and it works without JavaScript; a screenshot; and a 1,000-resource stack whose page
loads in under 2 s (Chromium's own Navigation Timing, see test_thousand_resources)."""
import json
import os
import re
import shutil
import struct
import subprocess
import threading
from datetime import datetime
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from browser import DevTools, chromium, dump_dom, screenshot
from conftest import REPO, Server, check_contract, clean_env, copy_quickstart, free_port, get, oms_states, parse

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    @property
    def classes(self):
        return set((self.attrs.get("class") or "").split())

    def walk(self):
        for child in self.children:
            yield child
            yield from child.walk()

    def find(self, tag=None, cls=None, id=None):
        return [n for n in self.walk() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
                and (id is None or n.attrs.get("id") == id)]


class Tree(HTMLParser):
    """A DOM-ish tree from HTML (enough for Chromium's serialized DOM and oms-plan's page)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent


EXTERNAL = [
    re.compile(r"""\b(?:src|href|action|poster|data|xlink:href|srcset)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//""", re.I),
    re.compile(r"""url\(\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//""", re.I),
    re.compile(r"@import", re.I),
]


def external_references(html):
    return [m.group(0) for pattern in EXTERNAL for m in pattern.finditer(html)]


def rfc3339(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def serve_flag(binary):
    help_text = subprocess.run([binary, "status", "--help"], capture_output=True, text=True, timeout=60).stdout
    assert "--serve" in help_text, help_text
    chromium()


def declared_addresses(binary, cwd, plan):
    result = subprocess.run([binary, "status", plan, "--output", "json"], cwd=cwd, env=clean_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [e["address"] for e in json.loads(result.stdout)["entries"]]


def check_page(dom, addresses):
    """The DOM contract of the page, for every declared resource."""
    tree = Tree(dom).root
    rows = tree.find("tr", cls="resource")
    by_address = {}
    for row in rows:
        address = row.attrs.get("data-address")
        assert address and address not in by_address, f"missing or repeated data-address: {row.attrs}"
        by_address[address] = row
    assert sorted(by_address) == sorted(addresses), set(by_address) ^ set(addresses)
    vocabulary = oms_states()
    for address, row in by_address.items():
        assert row.attrs.get("data-state") in vocabulary, (address, row.attrs)
        forecast = row.find("td", cls="forecast")
        assert len(forecast) == 1, f"{address}: {len(forecast)} forecast cells"
        finish = forecast[0].attrs.get("data-finish")
        assert finish is not None, f"{address}: forecast cell without data-finish"
        if finish:
            rfc3339(finish)
        assert len(row.find("td", cls="deadline")) == 1, address
    summary = tree.find("section", id="summary")
    assert len(summary) == 1 and "data-forecast-finish" in summary[0].attrs
    if summary[0].attrs["data-forecast-finish"]:
        rfc3339(summary[0].attrs["data-forecast-finish"])
    assert tree.find("svg", id="throughput"), "no <svg id=throughput>"
    windows = tree.find("svg", id="windows")
    assert windows and windows[0].find(id="now-marker"), "no <svg id=windows> with #now-marker"
    assert tree.find("section", id="last-pass"), "no <section id=last-pass>"
    refresh = [m for m in tree.find("meta") if (m.attrs.get("http-equiv") or "").lower() == "refresh"]
    assert refresh and int(refresh[0].attrs["content"].split(";")[0]) > 0
    return tree


def check_served_html(html, addresses):
    """What a browser without JavaScript (or curl) gets: the whole page, nothing external."""
    assert not external_references(html), external_references(html)
    assert "<script" not in html.lower(), "the page must work without JavaScript"
    assert len(re.findall(r'<tr class="resource"', html)) == len(addresses)


def png_size(path):
    data = open(path, "rb").read(32)
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_quickstart_page(serve_flag, binary, tmp_path):
    copy_quickstart(tmp_path / "quickstart")
    # Create the resources first, so that the page shows them live (states, progress, reasons).
    applied = subprocess.run([binary, "reconcile", "quickstart", "--once"], cwd=tmp_path, env=clean_env(),
                             capture_output=True, text=True, timeout=120)
    assert applied.returncode == 0, applied.stderr
    addresses = declared_addresses(binary, tmp_path, "quickstart")
    assert len(addresses) == 11
    port = free_port()
    with Server([binary, "status", "quickstart", "--serve", f"127.0.0.1:{port}", "--refresh", "1s"], tmp_path, port) as server:
        server.wait_for_port()
        html = server.wait_until("/", lambda b: b.count('<tr class="resource"') == len(addresses), what="every row")
        check_served_html(html, addresses)
        _, headers, _ = get(server.base + "/")
        assert headers["Content-Type"].startswith("text/html")

        dom, _ = dump_dom(server.base + "/", tmp_path / "profile")
        check_page(dom, addresses)
        assert not external_references(dom), external_references(dom)

        status = json.loads(get(server.base + "/status.json")[2])
        assert sorted(e["address"] for e in status["entries"]) == sorted(addresses)
        families = parse(get(server.base + "/metrics")[2])
        check_contract(families, "quickstart")
        assert {s.labels["address"] for s in families["oms_plan_resource_state"][1]} == set(addresses)

        # A few reads later the sandbox has started the tasks and the throughput chart has
        # points; then the picture.
        server.wait_until("/", lambda b: "<polyline" in b and 'data-state="Waiting"' not in b, timeout=30,
                          what="tasks started and a throughput line")
        shot = tmp_path / "status-page.png"
        screenshot(server.base + "/", shot, tmp_path / "profile")
        assert png_size(shot) == (1400, 2000)
        assert shot.stat().st_size > 20_000, "a blank page?"
        print(f"screenshot: {shot}")
        if os.environ.get("UPDATE_SCREENSHOT") == "1":
            target = REPO / "docs/images/status-page.png"
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(shot, target)
        assert server.stop() == 0, server.output()[-3000:]


def test_reconcile_serves_the_page_with_its_last_pass(serve_flag, binary, tmp_path):
    """`reconcile --interval --serve`: the same page, whose last-pass section lists the changes
    the loop made, and /metrics with the pass series as well as the resources'."""
    copy_quickstart(tmp_path / "quickstart")
    addresses = declared_addresses(binary, tmp_path, "quickstart")
    port = free_port()
    with Server([binary, "reconcile", "quickstart", "--interval", "1s", "--serve", f"127.0.0.1:{port}"], tmp_path, port) as server:
        server.wait_for_port()
        html = server.wait_until(
            "/", lambda b: b.count('<tr class="resource"') == len(addresses) and re.search(r'id="last-pass".*<li>', b, re.S),
            what="rows and the first pass's changes")
        check_served_html(html, addresses)
        dom, _ = dump_dom(server.base + "/", tmp_path / "profile")
        tree = check_page(dom, addresses)
        last_pass = tree.find("section", id="last-pass")[0]
        assert len(last_pass.find("li")) >= 1, "the last pass made changes; the section lists none"
        metrics = server.wait_until("/metrics", lambda b: "oms_plan_passes_total{" in b, what="pass metrics")
        families = parse(metrics)
        check_contract(families, "quickstart")
        assert families["oms_plan_passes_total"][1][0].value >= 1
        assert server.stop() == 0, server.output()[-3000:]


def write_thousand(plan, count=1000):
    plan.mkdir()
    items = "\n".join(f'    - {{n: "{i:04d}"}}' for i in range(count))
    (plan / "stack.yaml").write_text(f"""apiVersion: oms-plan/v1
kind: Stack
metadata: {{name: thousand}}
spec:
  region: cn-north-4
  serviceTimezone: "+08:00"
  deadline: "2099-01-01T00:00:00+08:00"
  defaults:
    destination: {{bucket: thousand-obs, credentials: obs}}
    bandwidth: office-hours
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {{name: src}}
spec: {{accessKey: "${{env:THOUSAND_AK}}", secretKey: "${{env:THOUSAND_SK}}"}}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {{name: obs}}
spec: {{accessKey: "${{env:THOUSAND_OBS_AK}}", secretKey: "${{env:THOUSAND_OBS_SK}}"}}
---
apiVersion: oms-plan/v1
kind: BandwidthSchedule
metadata: {{name: office-hours}}
spec:
  windows:
    - {{start: "08:00", end: "19:00", limit: 20MiB/s}}
    - {{start: "19:00", end: "08:00", limit: 200MiB/s}}
---
apiVersion: oms-plan/v1
kind: MigrationTaskSet
metadata: {{name: parts}}
spec:
  forEach:
{items}
  name: "part-${{item.n}}"
  template:
    type: prefix
    source: {{cloud: Aliyun, region: cn-hangzhou, bucket: archive, credentials: src, prefixes: ["${{item.n}}/"]}}
    destination: {{savePrefix: "parts/${{item.n}}/"}}
    deadline: "2099-01-01T00:00:00+08:00"
""")


class Baseline(BaseHTTPRequestHandler):
    """A tiny static page on loopback: what loading any page costs."""

    def do_GET(self):
        body = b"<!DOCTYPE html><html><head><meta charset=utf-8><title>baseline</title></head><body><p>baseline</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_thousand_resources(serve_flag, binary, tmp_path, record_property):
    """1,000 tasks from one MigrationTaskSet (not created: the page lists them Absent, each with
    its row, forecast reason and deadline). The load time asserted is Chromium's own Navigation
    Timing of the page: loadEventEnd, from the start of the navigation to the end of the load
    event (request, oms-plan rendering the page, transfer, HTML parsing and the DOM of 1,000
    rows), measured inside one browser already started, so that the browser's own start-up is
    not counted. For comparison it also records the wall time of `chromium --dump-dom` on the
    page minus the same on a tiny static page (start-up and shutdown cancel out, roughly)."""
    write_thousand(tmp_path / "thousand")
    addresses = declared_addresses(binary, tmp_path, "thousand")
    assert len(addresses) == 1000
    port = free_port()
    # The DevTools browser starts first: it is forked before this process has other threads.
    browser = DevTools(tmp_path / "devtools")
    baseline = ThreadingHTTPServer(("127.0.0.1", 0), Baseline)
    threading.Thread(target=baseline.serve_forever, daemon=True).start()
    baseline_url = f"http://127.0.0.1:{baseline.server_address[1]}/"
    try:
        with Server([binary, "status", "thousand", "--serve", f"127.0.0.1:{port}"], tmp_path, port) as server:
            server.wait_for_port()
            html = server.wait_until("/", lambda b: b.count('<tr class="resource"') == 1000, timeout=60, what="1,000 rows")
            check_served_html(html, addresses)

            dom, page_wall = dump_dom(server.base + "/", tmp_path / "profile")
            tree = check_page(dom, addresses)
            assert len(tree.find("tr", cls="resource")) == 1000
            _, baseline_wall = dump_dom(baseline_url, tmp_path / "profile")

            base = browser.load(baseline_url)
            page = browser.load(server.base + "/")
            rows = browser.evaluate("document.querySelectorAll('tr.resource').length")
            assert server.stop() == 0, server.output()[-3000:]
    finally:
        browser.close()
        baseline.shutdown()

    assert rows == 1000
    numbers = {
        "html_bytes": len(html.encode()),
        "load_event_end_ms": round(page["loadEventEnd"], 1),
        "response_start_ms": round(page["responseStart"] - page["requestStart"], 1),
        "response_end_ms": round(page["responseEnd"], 1),
        "dom_interactive_ms": round(page["domInteractive"], 1),
        "first_contentful_paint_ms": page["paint"].get("first-contentful-paint"),
        "baseline_load_event_end_ms": round(base["loadEventEnd"], 1),
        "dump_dom_wall_s": round(page_wall, 3),
        "dump_dom_baseline_wall_s": round(baseline_wall, 3),
        "dump_dom_difference_s": round(page_wall - baseline_wall, 3),
    }
    for key, value in numbers.items():
        record_property(key, value)
    print("1,000-resource page:", json.dumps(numbers))
    (tmp_path / "timing.json").write_text(json.dumps(numbers, indent=2))
    assert page["loadEventEnd"] < 2000, numbers
