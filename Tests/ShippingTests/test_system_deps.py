"""scripts/system-deps.sh tells a machine without apt (exit 0, it says so) from a broken set-up
(exit 1, naming what is missing), and a missing tool fails the checks under CI=true instead of
skipping them. The script runs with a PATH of stubs: an `apt-get` that answers as told, and
none of the tools it installs."""
import os
import shutil
import subprocess

import pytest

from conftest import REPO, missing_tool

SCRIPT = REPO / "scripts/system-deps.sh"
TOOLS = ["shellcheck", "zsh", "fish", "promtool", "chromium", "groff"]

APT_GET = """#!/bin/bash
# A stand-in for apt-get: STUB_MODE says how it answers.
case "$1" in
    update)
        [ "$STUB_MODE" = offline ] && echo "W: Failed to fetch http://deb.debian.org/x  Temporary failure resolving"
        exit 0 ;;
    install)
        [ "$STUB_MODE" = installs ] || exit 100
        # Installs what it is asked for, except that chromium provides no command.
        for package in "$@"; do
            case "$package" in
                -*|install|chromium) ;;
                prometheus) printf '#!/bin/sh\\n' >"$STUB_BIN/promtool"; chmod +x "$STUB_BIN/promtool" ;;
                groff-base) printf '#!/bin/sh\\n' >"$STUB_BIN/groff"; chmod +x "$STUB_BIN/groff" ;;
                *) printf '#!/bin/sh\\n' >"$STUB_BIN/$package"; chmod +x "$STUB_BIN/$package" ;;
            esac
        done
        exit 0 ;;
esac
exit 0
"""


def run(tmp_path, mode, apt=True, root=True):
    stub_bin = tmp_path / "bin"
    stub_bin.mkdir()
    for name in ("timeout", "grep", "tr"):
        os.symlink(shutil.which(name), stub_bin / name)
    (stub_bin / "id").write_text(f"#!/bin/sh\necho {0 if root else 1000}\n")
    if apt:
        (stub_bin / "apt-get").write_text(APT_GET)
    for path in stub_bin.iterdir():
        path.chmod(0o755)
    env = {"PATH": str(stub_bin), "STUB_MODE": mode, "STUB_BIN": str(stub_bin)}
    return subprocess.run([shutil.which("bash"), str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)


def test_apt_answers_but_a_package_cannot_be_installed(tmp_path):
    result = run(tmp_path, "broken")
    assert result.returncode == 1, result.stderr
    for tool in TOOLS:
        assert f"{tool} is still missing" in result.stderr, result.stderr
    assert "apt-get install prometheus" in result.stderr


def test_a_package_that_installs_without_its_command_is_named(tmp_path):
    result = run(tmp_path, "installs")
    assert result.returncode == 1, result.stderr
    still = [line for line in result.stderr.splitlines() if "still missing" in line]
    assert still == ["system-deps: chromium is still missing after apt-get install chromium"], result.stderr


@pytest.mark.parametrize("mode,apt,root,why", [
    ("offline", True, True, "could not reach the package mirror"),
    ("broken", False, True, "no apt-get"),
    ("broken", True, False, "not root"),
])
def test_without_apt_it_says_so_and_succeeds(tmp_path, mode, apt, root, why):
    result = run(tmp_path, mode, apt=apt, root=root)
    assert result.returncode == 0, result.stderr
    assert why in result.stderr and "prometheus" in result.stderr and "CI=true" in result.stderr


def test_a_missing_tool_skips_here_and_fails_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        missing_tool("promtool is not installed")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="promtool is not installed"):
        missing_tool("promtool is not installed")
