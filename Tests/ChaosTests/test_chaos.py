"""Chaos test of `oms-plan apply`: killed at random moments, and run against an OMS that
answers busy or drops answers. Whatever happens, running apply again must converge with

- exactly one live task per declared address (no duplicates, nothing left of removed ones),
- the hand-made (unowned) tasks untouched: not deleted, not changed in any field,
- `oms-plan diff --detailed-exitcode` exiting 0 at the end.

`test_kill_and_reapply` runs CYCLES (50) kill/re-apply cycles over one 100-task plan on one
sandbox. The plan changes before every cycle so that each apply has real work of every kind:
the shared bandwidth schedule flips between two limits (batch updates of every unfinished
task), three tasks leave the plan and three join (prune: true, so stop + wait + delete and
creates), five tasks get a new description (fingerprint change, replaceOnChange: true, so
stop + wait + delete + create), and the tasks declared paused rotate (pause and resume). A
seeded RNG (CHAOS_SEED, logged) picks when each apply is SIGKILLed: in half the cycles at a
uniform moment between 0.05 s and the longest apply seen so far (anywhere from plan loading to
the waits for Paused), in the other half right after the sandbox received the K-th API request
of the run, K uniform over the requests the previous cycle needed (so kills also land while
creates, stops and deletes are in flight). The log records each kill point and how many OMS
requests the killed run had sent. Then apply runs again until it exits 0 (at most 3 times) and
the assertions above are checked after every cycle.

`test_busy_and_dropped_answers` uses a fresh sandbox that answers 10% of the API requests
with 503 OMS.2004 and drops the answer of 5% (the request was handled, the client never hears
back): apply creates the same kind of 100-task plan (at most 5 runs until exit 0), then five
plan changes like the ones above are applied under the same faults (at most 5 runs each), and
the same assertions hold once the faults are off.

The sandbox runs its engine in the background (time scale CHAOS_TIME_SCALE, default 10) with
raised quotas. Most tasks read one sparse 1 TiB object, so they stay Waiting or Migrating
(20 migrate at once) for the whole test and every delete has to stop and wait; every tenth
task reads three small objects and succeeds within a second.

Environment: OMS_PLAN_BIN (default .build/debug/oms-plan), CHAOS_SEED, CHAOS_CYCLES,
CHAOS_TIME_SCALE. Uses scripts/benchlib.py (standard library only) to drive the sandbox.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import benchlib as b  # noqa: E402

SEED = int(os.environ.get("CHAOS_SEED", "20261125"))
CYCLES = int(os.environ.get("CHAOS_CYCLES", "50"))
TIME_SCALE = os.environ.get("CHAOS_TIME_SCALE", "10")
POOL = 120          # task names c-000 .. c-119
PRESENT = 100       # tasks declared at once
SHIFT = 3           # tasks leaving and joining per cycle
FAULT_CHANGES = 5   # plan changes applied under busy/drop faults after the creation
APPLY_TIMEOUT = 120  # seconds: one apply run, killed past that
MARKER = re.compile(r"oms-plan:(?P<stack>[A-Za-z0-9._-]+):(?P<kind>[A-Za-z]+)/(?P<name>[A-Za-z0-9._-]+)#(?P<fp>[0-9a-f]+)$")
SRC_ENV = {"CHAOS_SRC_AK": "CHAOSSRCAK0001", "CHAOS_SRC_SK": "chaos-src-secret", "CHAOS_OBS_AK": "CHAOSOBSAK0001",
           "CHAOS_OBS_SK": "chaos-obs-secret"}


def binary() -> Path:
    path = Path(os.environ.get("OMS_PLAN_BIN", str(REPO / ".build" / "debug" / "oms-plan")))
    if not path.is_absolute():
        path = REPO / path
    if not path.exists():
        pytest.fail(f"oms-plan binary not found at {path}: build it (swift build --product oms-plan) or set OMS_PLAN_BIN",
                    pytrace=False)
    return path


# --------------------------------------------------------------------------- the plan

class PlanState:
    """What cycle k declares: which tasks, their descriptions (generation), which are paused,
    and the shared schedule's limit."""

    def __init__(self, stack: str):
        self.stack = stack
        self.generation = [0] * POOL
        self.cycle = 0

    def present(self) -> list[int]:
        return sorted(i for i in range(POOL) if (i - SHIFT * self.cycle) % POOL < PRESENT)

    def advance(self) -> None:
        self.cycle += 1
        for i in range(POOL):
            if i % 20 == self.cycle % 20:
                self.generation[i] += 1

    def paused(self, i: int) -> bool:
        return (i + self.cycle) % 15 == 0

    def limit(self) -> str:
        return "20MiB/s" if self.cycle % 2 == 0 else "40MiB/s"

    def addresses(self) -> set[str]:
        return {f"MigrationTask/c-{i:03d}" for i in self.present()}

    def write(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob("*.yaml"):
            old.unlink()
        (directory / "stack.yaml").write_text(f"""apiVersion: oms-plan/v1
kind: Stack
metadata: {{name: {self.stack}}}
spec:
  region: cn-north-4
  prune: true
  defaults:
    destination: {{bucket: chaos-dst, credentials: obs}}
    bandwidth: chaos-bw
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {{name: src}}
spec: {{accessKey: "${{env:CHAOS_SRC_AK}}", secretKey: "${{env:CHAOS_SRC_SK}}"}}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {{name: obs}}
spec: {{accessKey: "${{env:CHAOS_OBS_AK}}", secretKey: "${{env:CHAOS_OBS_SK}}"}}
---
apiVersion: oms-plan/v1
kind: BandwidthSchedule
metadata: {{name: chaos-bw}}
spec:
  windows:
    - {{start: "00:00", end: "24:00", limit: {self.limit()}}}
""")
        docs = []
        for i in self.present():
            prefix = "small/" if i % 10 == 9 else "huge/"
            state = "paused" if self.paused(i) else "running"
            docs.append(f"""apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {{name: c-{i:03d}}}
spec:
  type: prefix
  description: chaos task {i} generation {self.generation[i]}
  state: {state}
  replaceOnChange: true
  source: {{cloud: Aliyun, region: cn-hangzhou, bucket: chaos-src, credentials: src, prefixes: ["{prefix}"]}}
""")
        for f in range(4):
            part = docs[f::4]
            if part:
                (directory / f"tasks-{f}.yaml").write_text("---\n".join(part))


# --------------------------------------------------------------------------- the world

class World:
    """One sandbox, its unowned tasks, and the oms-plan commands against it."""

    def __init__(self, tmp: Path, stack: str, log: list[str]):
        self.tmp = tmp
        self.log = log
        self.bin = binary()
        self.box = b.Sandbox(self.bin, tmp / "data", "--time-scale", TIME_SCALE, "--task-quota-per-day", "100000",
                             "--waiting-task-quota", "100000", "--group-quota-per-day", "1000", log=tmp / "sandbox.log")
        self.box.wait_ready()
        self.control = b.Control(self.box.base_url)
        self.work = tmp / "work"        # cwd of every oms-plan run (its .oms-plan/ state lives here)
        self.work.mkdir()
        self.plan_dir = self.work / "plan"
        self.state = PlanState(stack)
        self.env = b.cli_env(SRC_ENV)
        self.common = ["--endpoint", self.box.base_url, "--project-id", b.PROJECT_ID, "--no-color"]
        self.control.seed_bucket("Aliyun", "cn-hangzhou", "chaos-src", prefix="small/", objects=3, object_size=1024)
        self.control.seed_bucket("HuaweiCloud", "cn-north-4", "chaos-dst")
        huge = self.box.data / "buckets" / "Aliyun" / "cn-hangzhou" / "chaos-src" / "huge" / "sparse-0.bin"
        huge.parent.mkdir(parents=True, exist_ok=True)
        with open(huge, "wb") as f:
            f.truncate(1 << 40)  # sparse: a size without blocks
        self.api = b.Api(self.box.base_url)
        self.unowned = self.make_unowned()

    def close(self) -> None:
        self.box.stop()

    def note(self, text: str) -> None:
        self.log.append(text)
        print(text, flush=True)

    # ---- unowned tasks

    def make_unowned(self) -> dict[int, dict]:
        """Five hand-made tasks, paused so the engine leaves them alone; one carries another
        stack's marker and one the marker text of this stack's address in the middle of it."""
        descriptions = ["hand made 0", "hand made 1", "hand made 2",
                        "copied by hand oms-plan:otherstack:MigrationTask/c-001#0badf00d",
                        "not ours: MigrationTask/c-002 of chaos"]
        ids = []
        for n, text in enumerate(descriptions):
            body = b.task_body(n, bucket="chaos-src", description=text,
                               bandwidth=[{"start": "00:00", "end": "23:59", "max_bandwidth": 5 * b.MIB}])
            body["src_node"]["object_key"] = ["huge/"]
            ids.append(self.api.create_task(body))
        for task_id in ids:
            self.api.call("POST", f"/tasks/{task_id}/stop")
        deadline = time.monotonic() + 30
        while True:
            shown = {i: self.api.call("GET", f"/tasks/{i}") for i in ids}
            if all(t["status"] == 3 for t in shown.values()):
                return shown
            assert time.monotonic() < deadline, f"hand-made tasks did not reach Paused: {shown}"
            time.sleep(0.2)

    # ---- oms-plan runs

    def run(self, command: str, *extra: str, timeout: float = APPLY_TIMEOUT) -> subprocess.CompletedProcess:
        args = [str(self.bin), command, str(self.plan_dir), *self.common, *extra]
        try:
            return subprocess.run(args, cwd=self.work, env=self.env, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            pytest.fail(f"`{' '.join(args)}` did not finish within {timeout}s:\n{(e.stdout or b'')[-2000:]!r}", pytrace=False)

    def apply(self, timeout: float = APPLY_TIMEOUT) -> subprocess.CompletedProcess:
        return self.run("apply", "--auto-approve", timeout=timeout)

    def apply_killed(self, delay: float | None = None, after_requests: int | None = None) -> tuple[bool, float, int]:
        """Starts apply and SIGKILLs it once `delay` seconds have passed or once the sandbox has
        received `after_requests` API requests from it; returns (killed, runtime, requests sent)."""
        args = [str(self.bin), "apply", str(self.plan_dir), *self.common, "--auto-approve"]
        before = self.api_requests()
        start = time.monotonic()
        proc = subprocess.Popen(args, cwd=self.work, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        killed = False
        try:
            while proc.poll() is None:
                elapsed = time.monotonic() - start
                if elapsed > APPLY_TIMEOUT:
                    pytest.fail(f"apply did not finish within {APPLY_TIMEOUT}s", pytrace=False)
                if delay is not None and elapsed >= delay:
                    killed = True
                elif after_requests is not None and self.api_requests() - before >= after_requests:
                    killed = True
                if killed:
                    proc.send_signal(signal.SIGKILL)
                    break
                time.sleep(0.002 if after_requests is not None else min(0.01, max(0.0, delay - elapsed)))
        finally:
            if proc.poll() is None and not killed:
                proc.kill()
            proc.wait(timeout=10)
        return killed, time.monotonic() - start, self.api_requests() - before

    def apply_until_success(self, attempts: int, what: str) -> tuple[int, float]:
        """Runs apply until it exits 0; returns (runs, duration of the successful run)."""
        for attempt in range(1, attempts + 1):
            start = time.monotonic()
            result = self.apply()
            took = time.monotonic() - start
            if result.returncode == 0:
                return attempt, took
            self.note(f"  {what}: apply run {attempt} exited {result.returncode} after {took:.1f}s: "
                      f"{result.stderr.decode(errors='replace').strip()[-600:]}")
        pytest.fail(f"{what}: apply did not exit 0 in {attempts} runs; last output:\n"
                    f"{result.stdout.decode(errors='replace')[-3000:]}\n{result.stderr.decode(errors='replace')[-2000:]}\n"
                    + "\n".join(self.log[-20:]), pytrace=False)

    # ---- checks

    def check(self, what: str) -> None:
        """No duplicates, nothing missing or left over, unowned tasks untouched, diff clean."""
        tasks = self.api.all_tasks()
        by_address: dict[str, list[int]] = {}
        for t in tasks:
            m = MARKER.search(t.get("description") or "")
            if m and m.group("stack") == self.state.stack:
                by_address.setdefault(f"{m.group('kind')}/{m.group('name')}", []).append(t["id"])
        duplicates = {a: ids for a, ids in by_address.items() if len(ids) > 1}
        wanted = self.state.addresses()
        missing = sorted(wanted - set(by_address))
        extra = sorted(set(by_address) - wanted)
        assert not duplicates, f"{what}: duplicate live tasks per address: {duplicates}\n" + "\n".join(self.log[-10:])
        assert not missing, f"{what}: declared but not in OMS: {missing}"
        assert not extra, f"{what}: removed from the plan (prune: true) but still in OMS: {extra}"
        for task_id, before in self.unowned.items():
            status, _, payload = b.request(self.box.base_url, "GET", f"/v2/{b.PROJECT_ID}/tasks/{task_id}",
                                           headers=self.api.headers)
            assert status == 200, f"{what}: unowned task {task_id} is gone ({status} {payload[:200]!r})"
            now = json.loads(payload)
            changed = {k: (before.get(k), now.get(k)) for k in set(before) | set(now) if before.get(k) != now.get(k)}
            assert not changed, f"{what}: unowned task {task_id} was modified: {changed}"
        diff = self.run("diff", "--detailed-exitcode", timeout=60)
        assert diff.returncode == 0, (f"{what}: diff --detailed-exitcode exited {diff.returncode} after a successful apply:\n"
                                      f"{diff.stdout.decode(errors='replace')[-3000:]}\n{diff.stderr.decode(errors='replace')[-1000:]}")

    def api_requests(self) -> int:
        return sum(v for k, v in self.control.stats().items() if " /v2/" in k)


@pytest.fixture
def log(tmp_path: Path):
    lines: list[str] = []
    yield lines
    (tmp_path / "chaos-log.txt").write_text("\n".join(lines) + "\n")


def test_kill_and_reapply(tmp_path: Path, log: list[str]) -> None:
    rng = random.Random(SEED)
    world = World(tmp_path, "chaos", log)
    try:
        world.note(f"chaos: seed {SEED}, {CYCLES} cycles, time scale {TIME_SCALE}, sandbox {world.box.base_url}")
        world.state.write(world.plan_dir)
        start = time.monotonic()
        runs, took = world.apply_until_success(3, "initial apply")
        world.note(f"initial apply of {PRESENT} tasks: {runs} run(s), {took:.1f}s")
        world.check("initial apply")
        longest = took              # seconds of the longest apply seen
        most = 60                   # API requests of a cycle's apply (killed run + re-apply), last seen
        kills = 0
        reruns_total = 0
        for cycle in range(1, CYCLES + 1):
            world.state.advance()
            world.state.write(world.plan_dir)
            # Half the kills at a moment in time (anywhere from plan loading to the waits),
            # half right after the sandbox received the K-th request (requests in flight).
            if rng.random() < 0.5:
                delay, after = rng.uniform(0.05, max(0.5, longest)), None
                point = f"at {delay:.2f}s"
            else:
                delay, after = None, rng.randint(1, max(2, most))
                point = f"after request {after}"
            killed, ran, sent = world.apply_killed(delay, after)
            kills += killed
            if not killed:
                longest = max(longest, ran)
            before = world.api_requests()
            runs, took = world.apply_until_success(3, f"cycle {cycle}")
            reruns_total += runs
            longest = max(longest, took)
            most = sent + world.api_requests() - before
            world.note(f"cycle {cycle:2d}: kill {point} -> {'killed' if killed else 'finished first'} after {ran:.2f}s "
                       f"and {sent} API requests; re-apply: {runs} run(s), {took:.1f}s")
            world.check(f"cycle {cycle} (kill {point}, seed {SEED})")
        world.note(f"chaos: {CYCLES} cycles, {kills} killed mid-run, {reruns_total} re-apply runs, "
                   f"0 duplicates, unowned tasks untouched, diff clean; {time.monotonic() - start:.0f}s")
    finally:
        world.close()


def test_busy_and_dropped_answers(tmp_path: Path, log: list[str]) -> None:
    world = World(tmp_path, "chaosfaults", log)
    try:
        world.control.add_fault(kind="busy", fraction=0.10, pathPrefix="/v2/")
        world.control.add_fault(kind="drop", fraction=0.05, pathPrefix="/v2/")
        world.state.write(world.plan_dir)
        before = world.control.stats()
        runs, took = world.apply_until_success(5, "create under faults")
        world.note(f"faults: creating {PRESENT} tasks took {runs} apply run(s) ({took:.1f}s for the last)")
        for change in range(1, FAULT_CHANGES + 1):
            world.state.advance()
            world.state.write(world.plan_dir)
            runs, took = world.apply_until_success(5, f"change {change} under faults")
            world.note(f"faults: plan change {change} took {runs} apply run(s) ({took:.1f}s for the last)")
        world.note(f"faults: requests served: {b.stats_delta(before, world.control.stats())}")
        world.control.clear_faults()
        world.check("after busy/drop faults")
    finally:
        world.close()
