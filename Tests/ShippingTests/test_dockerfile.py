"""The Dockerfile: hadolint finds nothing, and it builds what the release builds."""
import re
import subprocess

from conftest import REPO, required_tool

DOCKERFILE = REPO / "Dockerfile"


def test_hadolint_finds_nothing():
    result = subprocess.run([required_tool("hadolint"), str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_every_hadolint_ignore_says_why():
    lines = DOCKERFILE.read_text().splitlines()
    for number, line in enumerate(lines):
        if "hadolint ignore=" in line:
            reason = [l for l in lines[max(0, number - 3):number] if l.startswith("#") and "hadolint" not in l]
            assert reason, f"line {number + 1}: an ignore without a comment that explains it"


def stages():
    text = DOCKERFILE.read_text()
    return re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.M)


def test_multi_stage_swift_build_and_slim_run_stage():
    found = stages()
    assert len(found) == 2, found
    (build_image, build_name), (run_image, _) = found
    assert build_name == "build"
    version = re.fullmatch(r"swift:(\d+)\.(\d+)-noble", build_image)
    assert version and (int(version[1]), int(version[2])) >= (6, 1), build_image
    assert run_image in ("ubuntu:noble", "ubuntu:24.04"), "the run stage must match the build stage's glibc"


def test_builds_like_the_release_and_runs_as_non_root():
    text = DOCKERFILE.read_text()
    assert "scripts/build-release-binary.sh" in text
    assert "--static-swift-stdlib" in (REPO / "scripts/build-release-binary.sh").read_text()
    assert "libsqlite3-dev" in text
    assert re.search(r"^USER 10001:10001$", text, re.M)
    assert re.search(r"^WORKDIR /plans$", text, re.M)
    assert re.search(r'^ENTRYPOINT \["/usr/local/bin/oms-plan"\]$', text, re.M)
    # The run stage installs only what the binary needs.
    run_stage = text.split("FROM ubuntu:noble", 1)[1]
    installed = set(re.findall(r"\b(ca-certificates|tzdata|libsqlite3-0)\b", run_stage))
    assert installed == {"ca-certificates", "tzdata", "libsqlite3-0"}, installed


def test_dockerignore_keeps_builds_and_secrets_of_the_work_tree_out():
    ignored = set((REPO / ".dockerignore").read_text().split())
    for entry in (".git", ".build", ".build-*", ".venv", ".oms-plan", "dist"):
        assert entry in ignored, entry
