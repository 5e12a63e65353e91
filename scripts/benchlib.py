"""Shared helpers of the sandbox benchmarks (scripts/bench-*.sh): start and stop an
`oms-plan sandbox serve`, log in with IAM, call /control, send many API requests at once
with keep-alive connections, and time things. Standard library only.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable

PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
AK = "SANDBOXACCESSKEY0001"
SK = "sandbox-secret-key"
USER = "bench"
PASSWORD = "bench-iam-password"
MIB = 1024 * 1024


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sandbox:
    """`oms-plan sandbox serve --control` on a free loopback port; always stop() it."""

    def __init__(self, binary: str | Path, data: Path, *extra: str, log: Path | None = None):
        self.port = free_port()
        self.host = "127.0.0.1"
        self.base_url = f"http://{self.host}:{self.port}"
        self.data = Path(data)
        self.data.mkdir(parents=True, exist_ok=True)
        self.log_path = log or (self.data.parent / f"sandbox-{self.port}.log")
        self.args = [str(binary), "sandbox", "serve", "--host", self.host, "--port", str(self.port),
                     "--data", str(self.data), "--control", "--iam-user", USER, "--iam-password", PASSWORD, *extra]
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.args, stdout=self._log, stderr=subprocess.STDOUT, cwd=str(self.data))

    def wait_ready(self, timeout: float = 60) -> "Sandbox":
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sandbox exited with {self.proc.returncode}: {' '.join(self.args)}\n{self.log_tail()}")
            try:
                status, _, body = request(self.base_url, "GET", "/control/clock", timeout=2)
                if status == 200:
                    return self
                last = f"{status} {body[:200]!r}"
            except OSError as e:
                last = str(e)
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"sandbox did not answer within {timeout:.0f}s (last: {last})\n{self.log_tail()}")

    def log_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()

    def __enter__(self) -> "Sandbox":
        return self.wait_ready()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# --------------------------------------------------------------------------- HTTP

_local = threading.local()


def _connection(base_url: str, timeout: float) -> http.client.HTTPConnection:
    conns = getattr(_local, "conns", None)
    if conns is None:
        conns = _local.conns = {}
    conn = conns.get(base_url)
    if conn is None:
        host, port = base_url.split("://", 1)[1].split(":")
        conn = conns[base_url] = http.client.HTTPConnection(host, int(port), timeout=timeout)
    return conn


def request(base_url: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
            timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    """One request on this thread's keep-alive connection (reconnects once on a broken one)."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    hdrs = {"Content-Type": "application/json"} if data is not None else {}
    hdrs.update(headers or {})
    for attempt in (1, 2):
        conn = _connection(base_url, timeout)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            payload = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload
        except (http.client.HTTPException, OSError):
            conn.close()
            _local.conns.pop(base_url, None)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def login(base_url: str) -> str:
    """IAM password login; returns the X-Subject-Token."""
    body = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": "bench", "password": PASSWORD, "domain": {"name": "bench"}}}},
        "scope": {"project": {"id": PROJECT_ID}}}}
    status, headers, payload = request(base_url, "POST", "/v3/auth/tokens", body)
    if status != 201 or "x-subject-token" not in headers:
        raise RuntimeError(f"IAM login failed: {status} {payload[:300]!r}")
    return headers["x-subject-token"]


class Api:
    """OMS v2 calls with an IAM token."""

    def __init__(self, base_url: str, token: str | None = None):
        self.base = base_url
        self.token = token or login(base_url)
        self.headers = {"X-Auth-Token": self.token}

    def call(self, method: str, path: str, body: Any = None, ok: Iterable[int] = (200,)) -> Any:
        status, _, payload = request(self.base, method, f"/v2/{PROJECT_ID}{path}", body, self.headers)
        if status not in ok:
            raise RuntimeError(f"{method} {path} -> {status}: {payload[:300]!r}")
        return json.loads(payload) if payload else None

    def create_task(self, body: dict) -> int:
        return int(self.call("POST", "/tasks", body)["id"])

    def list_page(self, limit: int = 100, offset: int = 0) -> dict:
        return self.call("GET", f"/tasks?limit={limit}&offset={offset}")

    def all_tasks(self) -> list[dict]:
        first = self.list_page(100, 0)
        tasks = list(first.get("tasks") or [])
        count = int(first.get("count") or 0)
        for offset in range(100, count, 100):
            tasks += self.list_page(100, offset).get("tasks") or []
        return tasks


class Control:
    def __init__(self, base_url: str):
        self.base = base_url

    def call(self, method: str, path: str, body: Any = None) -> Any:
        status, _, payload = request(self.base, method, "/control/" + path, body)
        if status >= 300:
            raise RuntimeError(f"control {method} {path} -> {status}: {payload[:300]!r}")
        try:
            return json.loads(payload) if payload else None
        except ValueError:
            return payload.decode(errors="replace")

    def stats(self) -> dict[str, int]:
        return self.call("GET", "stats") or {}

    def add_fault(self, **rule: Any) -> None:
        self.call("POST", "faults", rule)

    def clear_faults(self) -> None:
        self.call("DELETE", "faults")

    def seed_bucket(self, cloud: str, region: str, bucket: str, prefix: str = "", objects: int = 0,
                    object_size: int = 1024) -> None:
        self.call("POST", "buckets", {"cloudType": cloud, "region": region, "bucket": bucket, "prefix": prefix,
                                      "objects": objects, "objectSize": object_size})


def seed_prefixes(data: Path, cloud: str, region: str, bucket: str, prefixes: Iterable[str], size: int = 16) -> None:
    """Writes one small object under each prefix straight into the bucket directory (much
    faster than one /control/buckets call per prefix), so that pre-flight prefix checks pass."""
    root = Path(data) / "buckets" / cloud / region / bucket
    payload = b"x" * size
    for prefix in prefixes:
        folder = root / prefix
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "object-0.bin").write_bytes(payload)


def stats_delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    keys = set(before) | set(after)
    return {k: after.get(k, 0) - before.get(k, 0) for k in sorted(keys) if after.get(k, 0) != before.get(k, 0)}


# --------------------------------------------------------------------------- bodies and bulk work

def task_body(n: int, bucket: str = "bench-src", description: str | None = None,
              bandwidth: list[dict] | None = None) -> dict:
    body: dict[str, Any] = {
        "task_type": "prefix",
        "src_node": {"cloud_type": "Aliyun", "region": "cn-hangzhou", "ak": "BENCHSRCAK", "sk": "bench-src-sk",
                     "bucket": bucket, "object_key": [f"{n}/"]},
        "dst_node": {"ak": "BENCHDSTAK", "sk": "bench-dst-sk", "bucket": "bench-dst", "region": "cn-north-4"},
        "enable_kms": False,
    }
    if description is not None:
        body["description"] = description
    if bandwidth is not None:
        body["bandwidth_policy"] = bandwidth
    return body


def run_parallel(work: list[Callable[[], Any]], concurrency: int) -> list[Any]:
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(lambda f: f(), work))


def timed_requests(base_url: str, method: str, paths: list[str], headers: dict[str, str], concurrency: int,
                   body: Any = None) -> dict[str, Any]:
    """Sends every path once with `concurrency` workers; returns wall time, req/s, percentiles, errors."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def one(path: str) -> None:
        start = time.perf_counter()
        status, _, payload = request(base_url, method, path, body, headers)
        took = time.perf_counter() - start
        with lock:
            latencies.append(took)
            if status >= 300:
                errors.append(f"{status} {payload[:120]!r}")

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, paths))
    wall = time.perf_counter() - start
    return {"requests": len(paths), "wall_s": wall, "rps": len(paths) / wall if wall else 0.0,
            **percentiles(latencies), "errors": len(errors), "first_error": errors[0] if errors else None}


def percentiles(latencies: list[float]) -> dict[str, float]:
    if not latencies:
        return {"p50_ms": 0.0, "p99_ms": 0.0}
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    return {"p50_ms": pct(50), "p99_ms": pct(99), "mean_ms": statistics.fmean(ordered) * 1000}


# --------------------------------------------------------------------------- measuring a command

def time_command(args: list[str], env: dict[str, str] | None = None, cwd: str | Path | None = None,
                 stdout_path: Path | None = None) -> dict[str, Any]:
    """Runs `args` under /usr/bin/time -v; returns exit code, wall seconds, peak RSS (MB)."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-v", *args], env=env, cwd=cwd, stdout=out, stderr=subprocess.PIPE)
        wall = time.perf_counter() - start
    finally:
        if stdout_path:
            out.close()
    err = proc.stderr.decode(errors="replace")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    return {"exit": proc.returncode, "wall_s": wall, "rss_mb": int(rss.group(1)) / 1024 if rss else float("nan"),
            "stderr": err}


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"HUAWEICLOUD_SDK_AK": AK, "HUAWEICLOUD_SDK_SK": SK, "NO_COLOR": "1"})
    env.update(extra or {})
    return env


def table(rows: list[list[Any]], header: list[str]) -> str:
    cells = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
    return "\n".join([line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells[1:])])
