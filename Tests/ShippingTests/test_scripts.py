"""The release and install scripts: syntax, shellcheck, the version stamping, the completion
scripts the binary generates, and the README's one-line install against a local archive."""
import hashlib
import io
import re
import shutil
import subprocess
import tarfile

import pytest

from conftest import REPO, optional_tool

SCRIPTS = sorted((REPO / "scripts").glob("*.sh"))
SHIPPING = ["release.sh", "check-release.sh", "build-release-binary.sh", "stamp-buildinfo.sh",
            "release-manpage.sh", "action-install.sh", "system-deps.sh"]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_bash_syntax(script):
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_shellcheck_shipping_scripts():
    shellcheck = optional_tool("shellcheck", "Debian package shellcheck")
    result = subprocess.run([shellcheck, *[str(REPO / "scripts" / s) for s in SHIPPING]],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_shipping_scripts_are_executable_and_tracked_by_git():
    tracked = subprocess.run(["git", "ls-files", "scripts"], cwd=REPO, capture_output=True, text=True).stdout
    for name in SHIPPING:
        path = REPO / "scripts" / name
        assert path.stat().st_mode & 0o111, f"{name} is not executable"
        # release.sh builds from `git archive HEAD`: what it runs there must be committed.
        if name in ("build-release-binary.sh", "stamp-buildinfo.sh", "release-manpage.sh") and tracked:
            assert f"scripts/{name}" in tracked.split()


def test_build_outputs_are_ignored_by_git():
    paths = ["dist/oms-plan-1.0.0-linux-x86_64.tar.gz", ".build-release/src/x", ".build-rootfs/bookworm-minbase/x"]
    result = subprocess.run(["git", "check-ignore", *paths], cwd=REPO, capture_output=True, text=True)
    assert result.stdout.split() == paths


# ---- stamp-buildinfo.sh ----

BUILDINFO = '''enum BuildInfo {
    static let version = "0.4.0"
    static let commit = "development"

    static var versionLine: String { "\\(version) (commit \\(commit))" }
}
'''


def stamp(tmp_path, version, commit, text=BUILDINFO):
    target = tmp_path / "Sources/oms-plan/Support/BuildInfo.swift"
    target.parent.mkdir(parents=True, exist_ok=True)
    if text is not None:
        target.write_text(text)
    result = subprocess.run(["bash", str(REPO / "scripts/stamp-buildinfo.sh"), str(tmp_path), version, commit],
                            capture_output=True, text=True)
    return result, target


def test_stamp_rewrites_exactly_the_two_lines(tmp_path):
    result, target = stamp(tmp_path, "1.2.3", "abc1234")
    assert result.returncode == 0, result.stderr
    assert target.read_text() == BUILDINFO.replace('"0.4.0"', '"1.2.3"').replace('"development"', '"abc1234"')


@pytest.mark.parametrize("version,commit", [('1.0"; evil', "abc"), ("1.0", "a/b"), ("", "abc"), ("1.0\n", "abc")])
def test_stamp_refuses_unsafe_values(tmp_path, version, commit):
    result, target = stamp(tmp_path, version, commit)
    assert result.returncode == 2
    assert target.read_text() == BUILDINFO


def test_stamp_refuses_a_missing_or_changed_file(tmp_path):
    result, _ = stamp(tmp_path / "none", "1.0", "abc", text=None)
    assert result.returncode == 3
    result, _ = stamp(tmp_path / "twice", "1.0", "abc", text=BUILDINFO + '    static let version = "x"\n')
    assert result.returncode == 3


def test_stamp_matches_the_real_buildinfo(tmp_path):
    real = REPO / "Sources/oms-plan/Support/BuildInfo.swift"
    result, target = stamp(tmp_path, "9.9.9", "0123abc", text=real.read_text())
    assert result.returncode == 0, result.stderr
    assert 'static let version = "9.9.9"' in target.read_text()
    assert 'static let commit = "0123abc"' in target.read_text()


# ---- completion scripts, as release.sh packs them ----

@pytest.mark.parametrize("shell,check", [
    ("bash", ["bash", "-n"]),
    ("zsh", ["zsh", "-n"]),
    ("fish", ["fish", "--no-execute"]),
])
def test_completion_scripts_parse(binary, tmp_path, shell, check):
    if shell != "bash":
        optional_tool(shell, f"Debian package {shell}")
    script = subprocess.run([binary, "--generate-completion-script", shell],
                            capture_output=True, text=True, timeout=60)
    assert script.returncode == 0 and "oms-plan" in script.stdout, script.stderr
    path = tmp_path / f"completion.{shell}"
    path.write_text(script.stdout)
    result = subprocess.run([*check, str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# ---- the README's one-line install ----

def readme_install_line():
    text = (REPO / "README.md").read_text()
    section = text.split("## Install", 1)[1].split("\n## ", 1)[0]
    lines = [l for l in section.splitlines() if "sha256sum -c" in l]
    assert len(lines) == 1, "one install line with a checksum check"
    return lines[0]


def fake_release(folder, version, arch, corrupt=False):
    name = f"oms-plan-{version}-linux-{arch}"
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as tar:
        for member, body in ((f"{name}/oms-plan", b"#!/bin/sh\necho stub\n"), (f"{name}/README.md", b"x")):
            info = tarfile.TarInfo(member)
            info.size, info.mode = len(body), 0o755
            tar.addfile(info, io.BytesIO(body))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.tar.gz").write_bytes(data.getvalue())
    digest = hashlib.sha256(b"other" if corrupt else data.getvalue()).hexdigest()
    (folder / f"{name}.tar.gz.sha256").write_text(f"{digest}  {name}.tar.gz\n")


@pytest.mark.parametrize("corrupt", [False, True])
def test_readme_one_line_install(tmp_path, corrupt):
    if not shutil.which("curl") or not shutil.which("sha256sum"):
        pytest.skip("curl and sha256sum are needed")
    line = readme_install_line()
    version = re.search(r"\bV=(\S+)", line)[1]
    arch = subprocess.run(["uname", "-m"], capture_output=True, text=True).stdout.strip()
    fake_release(tmp_path / "releases" / f"v{version}", version, arch, corrupt=corrupt)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    command = (line.replace("https://github.com/your-org/oms-plan/releases/download", f"file://{tmp_path}/releases")
                   .replace("sudo ", "").replace("/usr/local/bin", str(bindir)))
    assert "your-org" not in command and "/usr/local" not in command
    work = tmp_path / "work"
    work.mkdir()
    result = subprocess.run(["bash", "-c", command], cwd=work, capture_output=True, text=True, timeout=60)
    if corrupt:
        assert result.returncode != 0 and not (bindir / "oms-plan").exists()
    else:
        assert result.returncode == 0, result.stdout + result.stderr
        assert sorted(p.name for p in bindir.iterdir()) == ["oms-plan"]
        assert subprocess.run([str(bindir / "oms-plan")], capture_output=True, text=True).stdout == "stub\n"
