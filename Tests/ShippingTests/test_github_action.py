"""action.yml: its metadata and steps pass actionlint, and its install script does what it says
(download, checksum, tool cache, PATH, outputs), tested against a local HTTP server."""
import hashlib
import http.server
import io
import os
import shutil
import subprocess
import tarfile
import threading
from pathlib import Path

import pytest
import yaml

from conftest import REPO, required_tool

ACTION = REPO / "action.yml"
INSTALL = REPO / "scripts/action-install.sh"


def action():
    return yaml.safe_load(ACTION.read_text())


def actionlint(path, cwd):
    args = [required_tool("actionlint"), "-oneline"]
    shellcheck = shutil.which("shellcheck")
    args.append(f"-shellcheck={shellcheck or ''}")
    args.append(str(path))
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True)


def test_metadata():
    meta = action()
    assert meta["runs"]["using"] == "composite"
    inputs = meta["inputs"]
    assert inputs["version"]["default"] == "latest"
    assert inputs["repository"]["default"] == "${{ github.action_repository }}"
    assert inputs["token"]["default"] == "${{ github.token }}"
    assert inputs["sha256"]["default"] == "" and inputs["sha256"]["required"] is False
    install = next(step for step in meta["runs"]["steps"] if step.get("id") == "install")
    assert install["env"]["INPUT_SHA256"] == "${{ inputs.sha256 }}"
    # The documentation says what the release's own checksum proves, and what it does not.
    assert "same release (or mirror) as the archive" in ACTION.read_text()
    assert set(meta["outputs"]) >= {"version", "path"}
    steps = meta["runs"]["steps"]
    assert any('scripts/action-install.sh' in step.get("run", "") for step in steps)
    assert steps[-1]["run"].strip() == "oms-plan --version"
    for step in steps:
        # Inputs reach the shell as environment variables, never pasted into the script.
        assert "${{" not in step.get("run", ""), step


def test_actionlint_accepts_a_workflow_that_uses_the_action(tmp_path):
    """actionlint reads the metadata of a local action (`uses: ./`) and checks the inputs."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # actionlint's project root
    (tmp_path / "action.yml").write_text(ACTION.read_text())
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True)
    (workflows / "use.yml").write_text(
        "on: push\n"
        "jobs:\n"
        "  install:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v7\n"
        "      - id: oms\n"
        "        uses: ./\n"
        "        with:\n"
        "          version: 0.4.0\n"
        "      - run: echo \"$P $V\"\n"
        "        env:\n"
        "          P: ${{ steps.oms.outputs.path }}\n"
        "          V: ${{ steps.oms.outputs.version }}\n")
    result = actionlint(workflows / "use.yml", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    # And it does read the metadata: an input the action does not have is reported.
    text = (workflows / "use.yml").read_text().replace("version: 0.4.0", "versoin: 0.4.0")
    (workflows / "typo.yml").write_text(text)
    result = actionlint(workflows / "typo.yml", tmp_path)
    assert result.returncode == 1 and "versoin" in result.stdout, result.stdout


def test_actionlint_and_shellcheck_accept_the_action_steps(tmp_path):
    """The composite steps, lifted into a workflow job, so that actionlint checks their
    expressions and runs shellcheck on their scripts."""
    meta = action()
    workflow = {
        "on": {"workflow_call": {"inputs": {
            name: {"type": "string", "required": False} for name in meta["inputs"]}}},
        "jobs": {"install": {"runs-on": "ubuntu-latest", "steps": meta["runs"]["steps"]}},
    }
    path = tmp_path / "steps.yml"
    path.write_text(yaml.safe_dump(workflow, sort_keys=False))
    result = actionlint(path, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


# ---- the install script against a local "release server" ----

VERSION = "9.8.7"


def make_release(root, arch, version=VERSION, checksum=None):
    """root/v<version>/oms-plan-<version>-linux-<arch>.tar.gz (+ .sha256) with a stub binary."""
    name = f"oms-plan-{version}-linux-{arch}"
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as tar:
        script = f"#!/bin/sh\necho '{version} (commit test)'\n".encode()
        info = tarfile.TarInfo(f"{name}/oms-plan")
        info.size, info.mode = len(script), 0o755
        tar.addfile(info, io.BytesIO(script))
    folder = root / f"v{version}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.tar.gz").write_bytes(data.getvalue())
    digest = checksum or hashlib.sha256(data.getvalue()).hexdigest()
    (folder / f"{name}.tar.gz.sha256").write_text(f"{digest}  {name}.tar.gz\n")
    return folder


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "releases"
    root.mkdir()
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):
            requests.append(self.path)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}", requests
    httpd.shutdown()


def run_install(tmp_path, url, version=VERSION, arch="X64", runner_os="Linux", extra=None):
    cache, temp = tmp_path / "toolcache", tmp_path / "runner-temp"
    cache.mkdir(exist_ok=True)
    temp.mkdir(exist_ok=True)
    out, path_file = tmp_path / "github_output", tmp_path / "github_path"
    out.write_text("")
    path_file.write_text("")
    env = {
        "PATH": os.environ["PATH"], "HOME": str(tmp_path),
        "RUNNER_OS": runner_os, "RUNNER_ARCH": arch, "RUNNER_TOOL_CACHE": str(cache),
        "RUNNER_TEMP": str(temp), "GITHUB_OUTPUT": str(out), "GITHUB_PATH": str(path_file),
        "INPUT_VERSION": version, "INPUT_REPOSITORY": "example/oms-plan", "INPUT_DOWNLOAD_URL": url,
        "GH_TOKEN": "not-sent-to-mirrors",
    }
    env.update(extra or {})
    result = subprocess.run(["bash", str(INSTALL)], env=env, capture_output=True, text=True, timeout=60)
    outputs = dict(line.split("=", 1) for line in out.read_text().splitlines() if "=" in line)
    return result, outputs, path_file.read_text().splitlines(), cache


def test_installs_verifies_caches_and_reuses(tmp_path, server):
    root, url, requests = server
    make_release(root, "x86_64")
    result, outputs, paths, cache = run_install(tmp_path, url, version="v" + VERSION)
    assert result.returncode == 0, result.stdout + result.stderr
    dest = cache / "oms-plan" / VERSION / "x86_64"
    assert outputs == {"version": VERSION, "path": str(dest / "oms-plan"), "cache-hit": "false"}
    assert paths == [str(dest)]
    assert (cache / "oms-plan" / VERSION / "x86_64.complete").exists()
    assert subprocess.run([outputs["path"]], capture_output=True, text=True).stdout.startswith(VERSION)
    assert "checksum OK" in result.stderr
    downloads = len(requests)
    assert downloads == 2  # the archive and its .sha256

    # Second job on the same runner: from the tool cache, nothing downloaded.
    result, outputs, paths, _ = run_install(tmp_path, url)
    assert result.returncode == 0, result.stderr
    assert outputs["cache-hit"] == "true" and paths == [str(dest)]
    assert len(requests) == downloads


def test_checksum_mismatch_fails_and_caches_nothing(tmp_path, server):
    root, url, _ = server
    make_release(root, "x86_64", checksum="0" * 64)
    result, outputs, paths, cache = run_install(tmp_path, url)
    assert result.returncode == 1
    assert "checksum mismatch" in result.stdout
    assert outputs == {} and paths == []
    assert not (cache / "oms-plan" / VERSION / "x86_64.complete").exists()


def test_arm64_runner_gets_the_aarch64_archive(tmp_path, server):
    root, url, requests = server
    make_release(root, "aarch64")
    result, outputs, _, cache = run_install(tmp_path, url, arch="ARM64")
    assert result.returncode == 0, result.stdout + result.stderr
    assert outputs["path"] == str(cache / "oms-plan" / VERSION / "aarch64" / "oms-plan")
    assert all("linux-aarch64" in r for r in requests)


@pytest.mark.parametrize("runner_os,arch,message", [
    ("macOS", "ARM64", "built for Linux"),
    ("Linux", "ARM", "X64 and ARM64 only"),
])
def test_unsupported_runners_are_refused(tmp_path, server, runner_os, arch, message):
    _, url, _ = server
    result, outputs, _, _ = run_install(tmp_path, url, arch=arch, runner_os=runner_os)
    assert result.returncode == 1 and message in result.stdout and outputs == {}


def test_latest_needs_github_releases(tmp_path, server):
    _, url, requests = server
    result, _, _, _ = run_install(tmp_path, url, version="latest")
    assert result.returncode == 1 and "exact version" in result.stdout and requests == []


def test_repository_defaults_to_the_action_checkout(tmp_path, server):
    """github.action_repository can be empty in composite actions: the folder names it."""
    root, url, _ = server
    make_release(root, "x86_64")
    action_path = tmp_path / "_actions" / "acme" / "oms-plan-fork" / "v1"
    result, outputs, _, _ = run_install(tmp_path, url, extra={
        "INPUT_REPOSITORY": "", "ACTION_REPOSITORY": "", "GITHUB_ACTION_PATH": str(action_path)})
    assert result.returncode == 0, result.stderr
    result, _, _, _ = run_install(tmp_path, url, extra={
        "INPUT_REPOSITORY": "", "ACTION_REPOSITORY": "", "GITHUB_ACTION_PATH": ""})
    assert result.returncode == 1 and "set the input repository" in result.stdout


# ---- a pinned sha256 (issue 21): the release's own .sha256 proves integrity, not authenticity ----

def archive_digest(root, arch="x86_64", version=VERSION):
    name = f"oms-plan-{version}-linux-{arch}.tar.gz"
    return hashlib.sha256((root / f"v{version}" / name).read_bytes()).hexdigest()


def test_a_pinned_sha256_must_match(tmp_path, server):
    root, url, _ = server
    make_release(root, "x86_64")
    good = archive_digest(root)
    result, outputs, _, cache = run_install(tmp_path, url, extra={"INPUT_SHA256": good.upper()})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "matches the pinned sha256" in result.stderr and outputs["cache-hit"] == "false"
    assert (cache / "oms-plan" / VERSION / "x86_64.complete").read_text().strip() == good


def test_a_replaced_release_passes_its_own_checksum_but_not_the_pin(tmp_path, server):
    """Whoever can replace the archive can replace its .sha256: only the pin notices."""
    root, url, _ = server
    make_release(root, "x86_64")
    genuine = archive_digest(root)
    (root / f"v{VERSION}" / f"oms-plan-{VERSION}-linux-x86_64.tar.gz").write_bytes(b"evil")
    evil = hashlib.sha256(b"evil").hexdigest()
    (root / f"v{VERSION}" / f"oms-plan-{VERSION}-linux-x86_64.tar.gz.sha256").write_text(f"{evil}  x\n")
    result, outputs, paths, cache = run_install(tmp_path, url, extra={"INPUT_SHA256": genuine})
    assert result.returncode == 1
    assert "does not match the pinned sha256" in result.stdout, result.stdout + result.stderr
    assert outputs == {} and paths == []
    assert not (cache / "oms-plan" / VERSION / "x86_64.complete").exists()


def test_several_pinned_digests_serve_both_architectures(tmp_path, server):
    root, url, _ = server
    make_release(root, "x86_64")
    make_release(root, "aarch64")
    pins = f"{archive_digest(root)}, {archive_digest(root, 'aarch64')}"
    for arch in ("X64", "ARM64"):
        result, _, _, _ = run_install(tmp_path, url, arch=arch, extra={"INPUT_SHA256": pins})
        assert result.returncode == 0, result.stdout + result.stderr
        assert "matches the pinned sha256" in result.stderr


@pytest.mark.parametrize("value", ["abc", "g" * 64, "0" * 63, "*", "0" * 64 + " nope"])
def test_a_malformed_pin_is_refused_before_any_download(tmp_path, server, value):
    _, url, requests = server
    result, outputs, _, _ = run_install(tmp_path, url, extra={"INPUT_SHA256": value})
    assert result.returncode == 1 and "64 hex digits" in result.stdout and outputs == {}
    assert requests == []


def test_a_cached_entry_is_used_only_if_it_came_from_the_pinned_archive(tmp_path, server):
    root, url, requests = server
    make_release(root, "x86_64")
    good = archive_digest(root)
    result, _, _, cache = run_install(tmp_path, url)
    assert result.returncode == 0, result.stderr
    downloads = len(requests)
    result, outputs, _, _ = run_install(tmp_path, url, extra={"INPUT_SHA256": good})
    assert result.returncode == 0 and outputs["cache-hit"] == "true" and len(requests) == downloads
    # A cache entry from another archive (or written by an older action, without a digest) is
    # not trusted under a pin: the archive is downloaded and checked again.
    (cache / "oms-plan" / VERSION / "x86_64.complete").write_text("")
    result, outputs, _, _ = run_install(tmp_path, url, extra={"INPUT_SHA256": good})
    assert result.returncode == 0 and outputs["cache-hit"] == "false" and len(requests) == downloads + 2
    result, outputs, _, _ = run_install(tmp_path, url, extra={"INPUT_SHA256": "1" * 64})
    assert result.returncode == 1 and "does not match the pinned sha256" in result.stdout
