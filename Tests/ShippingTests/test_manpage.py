"""The release's man page (scripts/release-manpage.sh, scripts/gen_manpage.py): a release always
ships man/oms-plan.1, from swift-argument-parser's generate-manual when its page passes the
check, else written from the binary's --experimental-dump-help, and no release without one.
Fast: the debug binary and stub tools stand in for a release build (none runs here)."""
import json
import re
import subprocess

import pytest

from conftest import REPO, optional_tool

GEN = REPO / "scripts" / "gen_manpage.py"
RELEASE_MANPAGE = REPO / "scripts" / "release-manpage.sh"


def run(*args, **kw):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120, **kw)


def commands_and_options(binary):
    info = json.loads(run(binary, "--experimental-dump-help").stdout)["command"]
    found = []

    def walk(command, path):
        path = path + [command["commandName"]]
        found.append(" ".join(path))
        for argument in command.get("arguments", []):
            for name in argument.get("names", []):
                if name["kind"] == "long" and argument.get("shouldDisplay", True):
                    found.append("--" + name["name"])
        for sub in command.get("subcommands", []):
            walk(sub, path)
    walk(info, [])
    return found


@pytest.fixture(scope="module")
def page(binary, tmp_path_factory):
    path = tmp_path_factory.mktemp("man") / "oms-plan.1"
    result = run("python3", GEN, binary, path, "--date", "2026-12-07")
    assert result.returncode == 0, result.stderr
    return path


def test_the_page_names_every_command_and_option(binary, page):
    plain = page.read_text().replace("\\-", "-")
    assert plain.startswith('.\\"') and '\n.TH "OMS-PLAN" "1" "2026-12-07"' in plain
    for item in commands_and_options(binary):
        assert item in plain, item
    assert run("python3", GEN, "--check", page, binary).returncode == 0


def test_groff_formats_it_without_a_warning(page):
    groff = optional_tool("groff", "Debian package groff-base")
    result = run(groff, "-man", "-Tutf8", "-ww", page)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    shown = re.sub(".\b", "", result.stdout).replace("\u2010", "-")  # without bold's overstrikes
    assert "oms-plan reconcile" in shown and "--detailed-exitcode" in shown


def test_check_refuses_a_missing_page_and_one_without_a_command(binary, page, tmp_path):
    result = run("python3", GEN, "--check", tmp_path / "none.1", binary)
    assert result.returncode == 1 and "none.1" in result.stderr
    cut = tmp_path / "cut.1"
    text = page.read_text()
    start = text.index('.SS "oms\\-plan reconcile"')
    cut.write_text(text[:start] + text[text.index(".SS", start + 3):])
    result = run("python3", GEN, "--check", cut, binary)
    assert result.returncode == 1 and "no command oms-plan reconcile" in result.stderr, result.stderr


def stub(path, body):
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


def release_manpage(binary, tool, man):
    return run("bash", RELEASE_MANPAGE, binary, tool, man, "2026-12-07")


def test_generate_manual_is_used_when_its_page_passes(binary, page, tmp_path):
    # A stand-in for generate-manual that writes a good page where it is asked to.
    tool = stub(tmp_path / "generate-manual", f'cp "{page}" "$3/oms-plan.1"')
    result = release_manpage(binary, tool, tmp_path / "man")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "generate-manual"
    assert (tmp_path / "man" / "oms-plan.1").read_text() == page.read_text()


@pytest.mark.parametrize("tool_body", [None, "exit 1", 'echo ".Dd x" > "$3/oms-plan.1"'],
                         ids=["not built", "fails", "writes a page without the commands"])
def test_the_page_is_written_from_the_binary_when_generate_manual_cannot(binary, tmp_path, tool_body):
    tool = tmp_path / "generate-manual"
    if tool_body is not None:
        stub(tool, tool_body)
    result = release_manpage(binary, tool, tmp_path / "man")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "gen_manpage.py"
    assert "--experimental-dump-help" in result.stderr
    assert run("python3", GEN, "--check", tmp_path / "man" / "oms-plan.1", binary).returncode == 0


def test_no_page_fails_the_release(tmp_path):
    # A binary that cannot describe itself, and no generate-manual: no page, exit 1.
    broken = stub(tmp_path / "oms-plan", "exit 3")
    result = release_manpage(broken, tmp_path / "generate-manual", tmp_path / "man")
    assert result.returncode == 1
    assert "no man page could be written" in result.stderr
    assert not (tmp_path / "man" / "oms-plan.1").exists()


def test_release_ships_the_page_and_check_release_checks_it():
    # release.sh itself builds for 20 minutes: here only that it uses the page writer above,
    # whose failure stops it (set -e), and that check-release.sh checks the archive's page.
    release = (REPO / "scripts" / "release.sh").read_text()
    assert 'manpage="$(bash "$work/scripts/release-manpage.sh" ' in release
    assert "set -euo pipefail" in release and "manpage=no" not in release
    check = (REPO / "scripts" / "check-release.sh").read_text()
    assert 'scripts/gen_manpage.py --check "$page"' in check and 'page="$root/opt/$name/man/oms-plan.1"' in check
