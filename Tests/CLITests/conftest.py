"""Runs the oms-plan binary as users and CI do, against its embedded sandbox."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def binary():
    path = Path(os.environ.get("OMS_PLAN_BIN", REPO / ".build/debug/oms-plan")).resolve()
    assert path.exists(), f"build oms-plan first ({path} is missing)"
    return str(path)


@pytest.fixture
def workdir(tmp_path):
    """A working directory with a copy of the quickstart plan (and its sandbox seed)."""
    shutil.copytree(REPO / "examples/quickstart", tmp_path / "plan")
    return tmp_path


@pytest.fixture
def run(binary, workdir):
    def run(*args, timeout=120, env=None):
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith(("HUAWEICLOUD_SDK_", "OMS_"))}
        clean["NO_COLOR"] = "1"
        clean.update(env or {})
        return subprocess.run([binary, *args], cwd=workdir, capture_output=True, text=True,
                              timeout=timeout, env=clean)
    return run
