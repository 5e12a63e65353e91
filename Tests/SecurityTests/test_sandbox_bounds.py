"""Bounded sandbox servers (issue 21): unauthenticated floods of unique paths cost no memory
that stays, `/control/stats` holds route templates only, and slow, half-open connections are
closed at the header time-out without keeping a signed client out."""

from __future__ import annotations

import json
import select
import socket
import subprocess
import threading
import time
import uuid

import pytest
import requests

import oms_helpers as h
from conftest import binary

PATHS = 20_000
PATH_BYTES = 16 * 1024
CONNECTIONS = 4
BATCH = 25  # requests written before their answers are read (HTTP/1.1 pipelining)
FLOOD_DEADLINE = 240.0
HEADER_TIMEOUT = 2.0
HALF_OPEN = 300


def _read_answers(sock: socket.socket, count: int, deadline: float) -> int:
    """Reads `count` HTTP answers (Content-Length bodies) from `sock`; returns how many came."""
    buf, got = b"", 0
    while got < count:
        while b"\r\n\r\n" not in buf:
            if time.monotonic() > deadline:
                return got
            chunk = sock.recv(65536)
            if not chunk:
                return got
            buf += chunk
        head, _, buf = buf.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(buf) < length:
            chunk = sock.recv(65536)
            if not chunk:
                return got
            buf += chunk
        buf = buf[length:]
        got += 1
    return got


def _flood(port: int, paths: list[str], deadline: float, answered: list[int]) -> None:
    """Sends GETs of `paths` over one keep-alive connection (reconnecting if the server closes)."""
    done = 0
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        while done < len(paths) and time.monotonic() < deadline:
            batch = paths[done:done + BATCH]
            sock.sendall(b"".join(f"GET {p} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode() for p in batch))
            got = _read_answers(sock, len(batch), deadline)
            done += len(batch)
            answered[0] += got
            if got < len(batch):
                sock.close()
                sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    finally:
        sock.close()


@pytest.fixture(scope="module")
def flooded(boxes, tmp_path_factory):
    return boxes(tmp_path_factory.mktemp("flooded") / "data", "--manual-engine")


def test_unique_unauthenticated_paths_cost_no_memory(flooded):
    """20,000 unauthenticated requests to unique 16 KiB paths (half under a task route, half
    matching no route): the sandbox's RSS stays within +100 MB, /control/stats stays under
    64 KiB and names no path it was sent."""
    signer = h.RawSigner(flooded.base_url)
    assert signer.call("GET", f"/v2/{h.PROJECT_ID}/tasks", query=[("limit", "1")]).status_code == 200
    before = flooded.rss_kib()
    marker = "zq" + uuid.uuid4().hex[:10]
    filler = "a" * (PATH_BYTES - 64)
    paths = [f"/v2/{h.PROJECT_ID}/tasks/{marker}{i:06d}{filler}" if i % 2 else f"/nowhere/{marker}{i:06d}{filler}"
             for i in range(PATHS)]
    deadline = time.monotonic() + FLOOD_DEADLINE
    counters = [[0] for _ in range(CONNECTIONS)]
    threads = [threading.Thread(target=_flood, args=(flooded.port, paths[n::CONNECTIONS], deadline, counters[n]))
               for n in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=FLOOD_DEADLINE + 30)
    sent = sum(c[0] for c in counters)
    assert sent >= PATHS * 0.99, f"only {sent} of {PATHS} requests were answered within {FLOOD_DEADLINE:.0f}s"
    # Authenticated requests to unique paths are counted by template, never by path.
    for i in range(50):
        signer.call("GET", f"/v2/{h.PROJECT_ID}/tasks/{marker}signed{i}")
        signer.call("GET", f"/v2/{h.PROJECT_ID}/{marker}unmatched{i}")
    grown_mib = (flooded.rss_kib() - before) / 1024
    assert grown_mib < 100, f"RSS grew by {grown_mib:.0f} MiB over {PATHS} unique unauthenticated paths"
    r = requests.get(flooded.base_url + "/control/stats", timeout=60)
    assert r.status_code == 200
    assert len(r.content) < 64 * 1024, f"/control/stats is {len(r.content)} bytes"
    assert marker not in r.text, "/control/stats names a raw path"
    stats = r.json()
    assert stats.get("GET /v2/{project_id}/tasks/{task_id}", 0) >= 50, stats
    assert stats.get("unmatched", 0) >= 50, stats
    assert stats.get("unauthenticated", 0) >= PATHS * 0.99, stats
    assert all(len(k) < 200 for k in stats), stats


# --------------------------------------------------------------------------- slow connections

@pytest.fixture(scope="module")
def slow_box(boxes, tmp_path_factory):
    return boxes(tmp_path_factory.mktemp("slow") / "data", "--manual-engine", "--header-timeout", str(HEADER_TIMEOUT))


def _closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(4096) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except BlockingIOError:
        return False


def test_half_open_connections_are_closed_and_keep_no_one_out(slow_box):
    """Hundreds of connections that send half a request line and then nothing: a signed
    request still succeeds at once, and the server closes every half-open one within the
    header time-out (plus scheduling slack)."""
    opened = time.monotonic()
    socks = []
    try:
        for i in range(HALF_OPEN):
            s = socket.create_connection(("127.0.0.1", slow_box.port), timeout=10)
            s.sendall(f"GET /v2/{h.PROJECT_ID}/tas".encode())
            s.setblocking(False)
            socks.append(s)
        t0 = time.monotonic()
        r = h.RawSigner(slow_box.base_url).call("GET", f"/v2/{h.PROJECT_ID}/tasks", query=[("limit", "1")])
        took = time.monotonic() - t0
        assert r.status_code == 200, r.text
        assert took < 3, f"a signed request took {took:.1f}s beside {HALF_OPEN} half-open connections"
        open_ = set(range(HALF_OPEN))
        deadline = opened + HEADER_TIMEOUT + 8
        while open_ and time.monotonic() < deadline:
            readable, _, _ = select.select([socks[i] for i in open_], [], [], 0.5)
            for s in readable:
                if _closed(s):
                    open_.discard(socks.index(s))
        assert not open_, (f"{len(open_)} of {HALF_OPEN} half-open connections were still open "
                           f"{time.monotonic() - opened:.1f}s after they were opened (header time-out {HEADER_TIMEOUT}s)")
    finally:
        for s in socks:
            s.close()


def test_a_prompt_client_is_not_cut_off(slow_box):
    """A keep-alive connection idle between whole requests for longer than the header
    time-out stays open: the header time-out runs only while a request's head is awaited."""
    sock = socket.create_connection(("127.0.0.1", slow_box.port), timeout=10)
    try:
        for _ in range(3):
            sock.sendall(f"GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1:{slow_box.port}\r\n\r\n".encode())
            assert _read_answers(sock, 1, time.monotonic() + 10) == 1, "the kept-alive connection was closed"
            time.sleep(HEADER_TIMEOUT * 1.5)
    finally:
        sock.close()


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e9", "abc"])
def test_bad_header_timeouts_are_usage_errors(tmp_path, value):
    r = subprocess.run([str(binary()), "sandbox", "serve", "--data", str(tmp_path / "data"), "--port", "0",
                        "--header-timeout", value], capture_output=True, timeout=30)
    assert r.returncode == 64, f"--header-timeout {value}: exit {r.returncode}\n{r.stderr.decode(errors='replace')}"
    assert b"header-timeout" in r.stderr
