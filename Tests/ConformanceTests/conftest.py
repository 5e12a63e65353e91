"""Fixtures of the OMS sandbox conformance suite.

One sandbox per session: `$OMS_PLAN_BIN sandbox serve --control` on a free loopback port with
its data in a temporary directory. Tests talk to it through the official Huawei Cloud SDK
(`OmsClient`, AK/SK signing) and drive its clock and migration engine through `/control/*`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkoms.v2 import (CreateTaskGroupRequest, CreateTaskRequest, DeleteTaskGroupRequest, DeleteTaskRequest,
                                  OmsClient, ShowTaskGroupRequest, ShowTaskRequest, StopTaskGroupRequest,
                                  StopTaskRequest)

import oms_helpers as h
from oms_helpers import Sandbox, make_client

REPO = Path(__file__).resolve().parents[2]


def sandbox_binary() -> Path:
    binary = Path(os.environ.get("OMS_PLAN_BIN", str(REPO / ".build" / "debug" / "oms-plan")))
    if not binary.is_absolute():
        binary = REPO / binary
    if not binary.exists():
        pytest.fail(f"oms-plan binary not found at {binary}: build it (swift build --product oms-plan) "
                    "or point OMS_PLAN_BIN at it", pytrace=False)
    return binary


def start_sandbox(tmp_path_factory: pytest.TempPathFactory, binary: Path, *extra: str) -> Sandbox:
    """Starts a sandbox with its own data directory and waits until it answers."""
    root = tmp_path_factory.mktemp("oms-sandbox")
    data = root / "data"
    data.mkdir()
    box = Sandbox(binary, data, root / "sandbox.log", os.environ.get("OMS_SANDBOX_TIME_SCALE", "600"), extra)
    try:
        box.wait_ready()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    return box


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    binary = sandbox_binary()
    box = start_sandbox(tmp_path_factory, binary)
    yield box
    box.stop()


@pytest.fixture(scope="session")
def sandbox_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Starts further sandboxes with extra `serve` options (quotas, concurrency); all are
    stopped at the end of the session."""
    started: list[Sandbox] = []

    def start(*extra: str) -> Sandbox:
        box = start_sandbox(tmp_path_factory, sandbox_binary(), *extra)
        started.append(box)
        return box

    yield start
    for box in started:
        box.stop()


@pytest.fixture(scope="session")
def control(sandbox: Sandbox) -> h.Control:
    return h.Control(sandbox.base_url)


@pytest.fixture(scope="session")
def seeded_buckets(sandbox: Sandbox, control: h.Control) -> dict[str, Any]:
    """The buckets every test may use (created once)."""
    control.add_bucket(h.SRC_CLOUD, h.SRC_REGION, h.SRC_BUCKET, prefix=h.SRC_PREFIX,
                       objects=h.SRC_OBJECTS, object_size=h.SRC_SIZE)
    control.add_bucket(h.DST_CLOUD, h.DST_REGION, h.DST_BUCKET, objects=0)
    control.add_bucket(h.SRC_CLOUD, h.SRC_REGION, h.LOCKED_BUCKET, prefix=h.SRC_PREFIX, objects=10,
                       object_size=1024, keys=[f"{h.LOCKED_AK}:{h.LOCKED_SK}"])
    control.add_bucket(h.SRC_CLOUD, h.SRC_REGION, h.GROUP_BUCKET, prefix=h.GROUP_PREFIX,
                       objects=h.GROUP_OBJECTS, object_size=1024)
    control.add_bucket(h.SRC_CLOUD, h.SRC_REGION, h.HUGE_BUCKET, objects=0)
    huge = sandbox.data / "buckets" / h.SRC_CLOUD / h.SRC_REGION / h.HUGE_BUCKET / h.HUGE_KEY
    huge.parent.mkdir(parents=True, exist_ok=True)
    with open(huge, "wb") as f:
        f.truncate(h.HUGE_SIZE)  # sparse: size without blocks
    return {"src": h.SRC_BUCKET, "dst": h.DST_BUCKET}


@pytest.fixture(scope="session")
def client(sandbox: Sandbox, seeded_buckets: dict) -> OmsClient:
    return make_client(sandbox.base_url)


@pytest.fixture(scope="session")
def client_factory(sandbox: Sandbox, seeded_buckets: dict):
    return lambda **kw: make_client(sandbox.base_url, **kw)


@pytest.fixture(scope="session")
def signer(sandbox: Sandbox, seeded_buckets: dict) -> h.RawSigner:
    return h.RawSigner(sandbox.base_url)


@pytest.fixture(autouse=True)
def _no_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fault rules never outlive the test that added them."""
    yield
    if "control" in request.fixturenames:
        request.getfixturevalue("control").clear_faults()


class Tasks:
    """Creates tasks through the SDK and walks them to a given state with the engine."""

    def __init__(self, client: OmsClient, control: h.Control):
        self.client = client
        self.control = control

    def create(self, body: Any = None, **kw: Any) -> int:
        resp = self.client.create_task(CreateTaskRequest(body=body if body is not None else h.task_body(**kw)))
        assert resp.status_code == 200, resp
        assert isinstance(resp.id, int), resp
        return resp.id

    def show(self, task_id: int) -> dict:
        return h.raw(self.client.show_task(ShowTaskRequest(task_id=task_id)))

    def status(self, task_id: int) -> int:
        return self.show(task_id)["status"]

    def wait(self, task_id: int, states: set[int], step: float = 300, max_steps: int = 40) -> dict:
        return h.poll(lambda: self.show(task_id), lambda t: t.get("status") in states, self.control,
                      step=step, max_steps=max_steps, what=f"task {task_id} status in {sorted(states)}")

    def succeeded(self, **kw: Any) -> int:
        task_id = self.create(**kw)
        self.wait(task_id, {5})
        return task_id

    def failed(self) -> int:
        """A task reading the key-protected bucket with wrong keys: it must end Failed (4)."""
        task_id = self.create(bucket=h.LOCKED_BUCKET, src_ak="WRONGAK", src_sk="wrong-secret")
        t = self.wait(task_id, {4, 5})
        assert t["status"] == 4, ("a task whose source keys the bucket's .keys sidecar refuses should fail "
                                  f"(status 4), got {t}")
        return task_id

    def running(self, **kw: Any) -> int:
        """A task on the sparse 1 TiB object throttled to 1 MiB/s, walked to Migrating (2)."""
        task_id = self.create(bucket=h.HUGE_BUCKET, prefixes=[h.HUGE_PREFIX],
                              bandwidth_policy=[h.bw("00:00", "23:59", h.MIB)], **kw)
        t = self.wait(task_id, {2, 3, 4, 5}, step=1, max_steps=10)
        assert t["status"] == 2, f"a task on a 1 TiB object at 1 MiB/s should be Migrating, got {t}"
        return task_id

    def dispose(self, task_id: int) -> None:
        """Stops (if needed) and deletes a task, leaving no running task behind."""
        try:
            if self.status(task_id) in {1, 2}:
                self.client.stop_task(StopTaskRequest(task_id=task_id))
            self.wait(task_id, {3, 4, 5}, step=1, max_steps=10)
            self.client.delete_task(DeleteTaskRequest(task_id=task_id))
        except exceptions.ServiceResponseException:
            pass


@pytest.fixture(scope="session")
def tasks(client: OmsClient, control: h.Control) -> Tasks:
    return Tasks(client, control)


class Groups:
    def __init__(self, client: OmsClient, control: h.Control):
        self.client = client
        self.control = control

    def create(self, body: Any = None, **kw: Any) -> str:
        resp = self.client.create_task_group(
            CreateTaskGroupRequest(body=body if body is not None else h.group_body(**kw)))
        assert resp.status_code == 200, resp
        assert isinstance(resp.group_id, str) and resp.group_id, resp
        return resp.group_id

    def show(self, group_id: str) -> dict:
        return h.raw(self.client.show_task_group(ShowTaskGroupRequest(group_id=group_id)))

    def wait(self, group_id: str, states: set[int], step: float = 300, max_steps: int = 60) -> dict:
        return h.poll(lambda: self.show(group_id), lambda g: g.get("status") in states, self.control,
                      step=step, max_steps=max_steps, what=f"group {group_id} status in {sorted(states)}")


    def dispose(self, group_id: str) -> None:
        """Stops (if needed) and deletes a group."""
        try:
            if self.show(group_id)["status"] in {1, 2}:
                self.client.stop_task_group(StopTaskGroupRequest(group_id=group_id))
            self.wait(group_id, {0, 3, 4, 5, 6}, step=1, max_steps=10)
            self.client.delete_task_group(DeleteTaskGroupRequest(group_id=group_id))
        except exceptions.ServiceResponseException:
            pass


@pytest.fixture(scope="session")
def groups(client: OmsClient, control: h.Control) -> Groups:
    return Groups(client, control)
