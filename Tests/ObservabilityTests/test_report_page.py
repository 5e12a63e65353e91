"""The HTML report of `oms-plan report --output html` (issue 24, part 5) in headless Chromium,
as the status page is checked: one article per resource with the figures `status --output json`
gives, totals, nothing loaded from elsewhere, no script, and the inline stylesheet applied under
the file's own Content-Security-Policy (a wrong digest would leave the page unstyled)."""
import json
import subprocess

from browser import DevTools, chromium, dump_dom, screenshot
from conftest import clean_env, copy_quickstart
from test_status_page import Tree, external_references, png_size


def run(binary, cwd, *args):
    result = subprocess.run([binary, *args], cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return result


def test_report_renders_in_chromium(binary, tmp_path):
    chromium()
    copy_quickstart(tmp_path / "quickstart")
    run(binary, tmp_path, "reconcile", "quickstart", "--once")
    status = json.loads(run(binary, tmp_path, "status", "quickstart", "--output", "json").stdout)
    report_file = tmp_path / "report.html"
    run(binary, tmp_path, "report", "quickstart", "--output", "html", "--write", str(report_file))
    html = report_file.read_text()
    assert not external_references(html), external_references(html)
    assert "<script" not in html.lower()

    url = report_file.as_uri()
    dom, _ = dump_dom(url, tmp_path / "profile")
    tree = Tree(dom).root
    articles = {a.attrs["data-address"]: a for a in tree.find("article", cls="resource")}
    assert sorted(articles) == sorted(e["address"] for e in status["entries"])
    for entry in status["entries"]:
        assert articles[entry["address"]].attrs["data-objects-failed"] == str(entry["objectsFailed"]), entry["address"]
    totals = tree.find("section", id="totals")
    assert len(totals) == 1
    assert tree.find("section", id="acceptances") and tree.find("section", id="failed-objects")
    assert not external_references(dom), external_references(dom)

    browser = DevTools(tmp_path / "devtools")
    try:
        browser.load(url)
        assert browser.evaluate("document.scripts.length") == 0
        # The stylesheet ran under the page's CSP: tables collapse their borders as it says.
        assert browser.evaluate("getComputedStyle(document.querySelector('table')).borderCollapse") == "collapse"
        assert browser.evaluate("document.querySelectorAll('article.resource').length") == len(articles)
    finally:
        browser.close()

    shot = tmp_path / "report.png"
    screenshot(url, shot, tmp_path / "profile")
    assert png_size(shot) == (1400, 2000) and shot.stat().st_size > 20_000
