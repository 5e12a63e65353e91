"""Shared helpers of the shipping checks: where the repository and the tools are."""
import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def tool(name):
    """A tool from the project's virtualenv (pinned in scripts/requirements.txt), else PATH."""
    candidate = VENV_BIN / name
    if candidate.exists():
        return str(candidate)
    return shutil.which(name)


def required_tool(name):
    path = tool(name)
    assert path, f"{name} is missing: it is pinned in scripts/requirements.txt (run scripts/python-env.sh)"
    return path


def missing_tool(message):
    """A tool that scripts/system-deps.sh installs is not there: the check skips on a developer's
    machine and fails in CI (CI=true), where system-deps.sh had to install it, so that a tool
    that went missing is never a green run that checked nothing."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true: a check without its tool fails instead of skipping)", pytrace=False)
    pytest.skip(message)

def optional_tool(name, why):
    """A tool from Debian that scripts/system-deps.sh installs when it can; without it the
    check skips (fails under CI=true)."""
    path = shutil.which(name)
    if not path:
        missing_tool(f"{name} is not installed ({why}); scripts/system-deps.sh installs it with apt-get when it can")
    return path


@pytest.fixture(scope="session")
def binary():
    path = Path(os.environ.get("OMS_PLAN_BIN", REPO / ".build/debug/oms-plan")).resolve()
    assert path.exists(), f"build oms-plan first ({path} is missing)"
    return str(path)
