#!/usr/bin/env python3
"""Issue 3's benchmark (run by scripts/bench-sandbox.sh): the sandbox's read throughput with
10,000 stored tasks.

Starts `oms-plan sandbox serve --manual-engine` (quotas raised) on a free port, stores TASKS
tasks through the API (concurrent POSTs with an IAM token), then loads two reads with wrk (or
a Python thread client when wrk is missing):
  - GET /v2/{pid}/tasks/{id}                      target >= 2,000 req/s, p99 < 20 ms
  - GET /v2/{pid}/tasks?limit=100&offset=5000     target >= 200 req/s
and prints req/s, p50 and p99 of each.

Each read is measured at 8 and at 32 concurrent connections; besides req/s and latency it
prints the sandbox's own CPU time per request (/proc), which tells the server's cost apart from
the load generator and other processes sharing the machine's 2 cores.

Usage: bench_sandbox.py BIN [--tasks 10000] [--duration 10] [--threads 2] [--connections 8,32]
                            [--tool auto|wrk|python]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchlib as b


def wrk(url: str, token: str, duration: int, threads: int, connections: int) -> dict:
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-H", f"X-Auth-Token: {token}", url]
    out = subprocess.run(args, capture_output=True, text=True, timeout=duration + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    total = re.search(r"(\d+) requests in", out)
    return {"rps": rps, "p50_ms": ms("50"), "p99_ms": ms("99"), "requests": int(total.group(1)) if total else 0,
            "errors": (int(non2xx.group(1)) if non2xx else 0), "socket_errors": errors.group(1) if errors else "",
            "raw": out}


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def python_load(base: str, path: str, token: str, duration: int, connections: int) -> dict:
    """Fallback load generator: `connections` threads sending `path` for `duration` seconds."""
    import threading
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + duration

    def worker() -> None:
        mine: list[float] = []
        bad = 0
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            status, _, _ = b.request(base, "GET", path, headers={"X-Auth-Token": token})
            mine.append(time.perf_counter() - t0)
            bad += status != 200
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {"rps": len(latencies) / wall, **b.percentiles(latencies), "requests": len(latencies), "errors": errors[0],
            "socket_errors": ""}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("--tasks", type=int, default=10000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", default="8,32", help="comma-separated: one measurement per value")
    ap.add_argument("--tool", default="auto", choices=["auto", "wrk", "python"])
    a = ap.parse_args()
    a.bin = str(Path(a.bin).resolve())
    tool = a.tool if a.tool != "auto" else ("wrk" if shutil.which("wrk") else "python")
    with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as tmp:
        box = b.Sandbox(a.bin, Path(tmp) / "data", "--manual-engine", "--task-quota-per-day", "1000000",
                        "--waiting-task-quota", "1000000", log=Path(tmp) / "sandbox.log")
        try:
            box.wait_ready()
            control = b.Control(box.base_url)
            control.seed_bucket("Aliyun", "cn-hangzhou", "bench-src", prefix="0/", objects=10)
            control.seed_bucket("HuaweiCloud", "cn-north-4", "bench-dst")
            api = b.Api(box.base_url)
            start = time.perf_counter()
            bodies = [b.task_body(n) for n in range(a.tasks)]
            b.run_parallel([lambda body=body: api.create_task(body) for body in bodies], 8)
            took = time.perf_counter() - start
            page = api.list_page(100, a.tasks // 2)
            count = page["count"]
            print(f"stored {count} tasks in {took:.1f}s ({a.tasks / took:.0f} creates/s, 8 concurrent POSTs)")
            task_id = page["tasks"][0]["id"]
            one = f"/v2/{b.PROJECT_ID}/tasks/{task_id}"
            listing = f"/v2/{b.PROJECT_ID}/tasks?limit=100&offset={a.tasks // 2}"
            # Warm up (connections, SQLite page cache).
            b.timed_requests(box.base_url, "GET", [one] * 200 + [listing] * 50, api.headers, 8)
            print(f"load generator: {tool}" + (f" -t{a.threads} -d{a.duration}s" if tool == "wrk"
                                               else f" (one thread per connection, {a.duration}s)")
                  + f"; machine load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
            results = []
            for name, path, target_rps, target_p99 in [("GET one task", one, 2000, 20.0),
                                                       ("GET 100-task page at offset 5000", listing, 200, None)]:
                for connections in [int(c) for c in a.connections.split(",")]:
                    cpu_before = process_cpu(box.proc.pid)
                    if tool == "wrk":
                        r = wrk(box.base_url + path, api.token, a.duration, min(a.threads, connections), connections)
                    else:
                        r = python_load(box.base_url, path, api.token, a.duration, connections)
                    cpu_ms = (process_cpu(box.proc.pid) - cpu_before) * 1000 / max(1, r["requests"])
                    ok = r["rps"] >= target_rps and (target_p99 is None or r["p99_ms"] < target_p99) and r["errors"] == 0
                    results.append([name, connections, f"{r['rps']:.0f}", f"{r['p50_ms']:.2f}", f"{r['p99_ms']:.2f}",
                                    r["requests"], r["errors"], f"{cpu_ms:.3f}",
                                    f">= {target_rps} req/s" + (f", p99 < {target_p99:.0f} ms" if target_p99 else ""),
                                    "met" if ok else "MISSED"])
                    if r.get("socket_errors"):
                        print(f"  {name} (-c{connections}): socket errors: {r['socket_errors']}")
            print(b.table(results, ["request", "connections", "req/s", "p50 ms", "p99 ms", "requests", "non-2xx",
                                    "sandbox CPU ms/req", "target", "verdict"]))
            print(f"machine load average after: {os.getloadavg()[0]:.2f} (other processes share the 2 cores: "
                  "compare 'sandbox CPU ms/req', which contention barely changes)")
            stats = control.stats()
            print("sandbox request counts (GET /control/stats): " + ", ".join(f"{k}: {v}" for k, v in sorted(stats.items())))
            return 0
        finally:
            box.stop()


if __name__ == "__main__":
    sys.exit(main())
