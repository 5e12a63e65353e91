"""Fixtures of the sandbox security suite (issue 10).

Sandboxes are `$OMS_PLAN_BIN sandbox serve --control` processes started by `Box` (a
`oms_helpers.Sandbox` that also takes an environment, a host and keeps stderr apart). The
traversal tests share one sandbox (`world`) whose data directory DATA sits in a temporary ROOT
next to a sentinel tree: after every traversal test `contained` runs the engine and proves
that nothing in ROOT outside DATA was written, created, read or listed (`Tree`), and that no
sentinel content was copied into a bucket.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import select
import shutil
import socket
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Iterable, Iterator

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "Tests" / "ConformanceTests"))
import oms_helpers as h  # noqa: E402  (shared with the conformance suite, not copied)


def binary() -> Path:
    path = Path(os.environ.get("OMS_PLAN_BIN", str(REPO / ".build" / "debug" / "oms-plan")))
    path = path if path.is_absolute() else REPO / path
    if not path.exists():
        pytest.fail(f"oms-plan binary not found at {path}: set OMS_PLAN_BIN", pytrace=False)
    return path


class Box(h.Sandbox):
    """`sandbox serve --control` with extra options, its own environment (no inherited
    OMS_SANDBOX_IAM_*), stdout and stderr in separate files; DATA need not exist yet."""

    def __init__(self, data: Path, logs: Path, extra: Iterable[str] = (), env: dict | None = None,
                 host: str = "127.0.0.1", cwd: Path | None = None):
        self.port = h._free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.data = data
        self.log_path = logs / f"sandbox-{self.port}.out"
        self.err_path = logs / f"sandbox-{self.port}.err"
        self.args = [str(binary()), "sandbox", "serve", "--host", host, "--port", str(self.port),
                     "--data", str(data), "--control", "--time-scale", "60", *extra]
        environ = {k: v for k, v in os.environ.items() if not k.startswith("OMS_SANDBOX_IAM_")}
        environ.update(env or {})
        self._log = open(self.log_path, "wb")
        self._err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(self.args, stdout=self._log, stderr=self._err, env=environ,
                                     cwd=str(cwd or logs))

    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace")

    def log_tail(self, n: int = 40) -> str:
        return super().log_tail(n) + "\n--- stderr ---\n" + "\n".join(self.stderr().splitlines()[-n:])

    def rss_kib(self, field: str = "VmRSS") -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise AssertionError(f"{field} not in /proc/{self.proc.pid}/status")

    def stop(self) -> None:
        super().stop()
        self._err.close()


@pytest.fixture(scope="session")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="session")
def boxes(logs: Path) -> Iterator[Any]:
    """`boxes(data, *extra, env=..., host=..., cwd=..., ready=True)` starts a sandbox; all are
    stopped at the end of the session."""
    started: list[Box] = []

    def start(data: Path, *extra: str, ready: bool = True, **kw: Any) -> Box:
        box = Box(data, logs, extra, **kw)
        started.append(box)
        if ready:
            try:
                box.wait_ready()
            except RuntimeError as e:
                pytest.fail(f"{e}\n(the sandbox refused: {' '.join(extra)})", pytrace=False)
        return box

    yield start
    for box in started:
        box.stop()


# --------------------------------------------------------------------------- raw HTTP

def raw_get(base_url: str, path: str) -> tuple[int, bytes]:
    """GET exactly `path` (requests/urllib3 would remove `..` segments before sending)."""
    host, port = base_url.split("://", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=15)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def raw_post(base_url: str, path: str, headers: dict[str, str], body: bytes,
             timeout: float = 60) -> tuple[int | None, bytes]:
    """POSTs `body` while watching for an early answer: a server that answers before reading
    the body (and closes) is read, not reported as a broken pipe. Status None: the connection
    was reset before any answer."""
    host, port = base_url.split("://", 1)[1].split(":")
    hdrs = {"Host": f"{host}:{port}", **{k: v for k, v in headers.items() if k.lower() != "content-length"}}
    hdrs["Content-Length"] = str(len(body))
    head = f"POST {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
    sock = socket.create_connection((host, int(port)), timeout=timeout)
    answer, sent, view, writing = b"", 0, memoryview(body), True
    try:
        sock.sendall(head.encode())
        sock.setblocking(False)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            readable, writable, _ = select.select([sock], [sock] if writing and sent < len(body) else [], [], 0.5)
            if readable:
                try:
                    chunk = sock.recv(65536)
                except (BlockingIOError, InterruptedError):
                    chunk = None
                except OSError:
                    break
                if chunk == b"":
                    break
                if chunk:
                    answer += chunk
                    writing = False  # the server answered: stop sending
                    if _complete(answer):
                        break
            if writable:
                try:
                    sent += sock.send(view[sent:sent + 262144])
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    writing = False
    finally:
        sock.close()
    if not answer.startswith(b"HTTP/"):
        return None, answer
    head_text, _, rest = answer.partition(b"\r\n\r\n")
    return int(head_text.split(b" ", 2)[1]), rest


def _complete(answer: bytes) -> bool:
    if b"\r\n\r\n" not in answer:
        return False
    head, _, rest = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(rest) >= int(value.strip())
    return False


# --------------------------------------------------------------------------- the sentinel tree

DAY_NS = 86_400 * 10**9


def atime_is_tracked(where: Path) -> bool:
    """Whether reading a file whose atime is older than its mtime updates it (relatime)."""
    probe = where / f".atime-probe-{uuid.uuid4().hex}"
    probe.write_bytes(b"probe")
    st = os.stat(probe)
    os.utime(probe, ns=(st.st_mtime_ns - DAY_NS, st.st_mtime_ns))
    probe.read_bytes()
    tracked = os.stat(probe).st_atime_ns != st.st_mtime_ns - DAY_NS
    probe.unlink()
    return tracked


class Tree:
    """Everything in `root` except the names in `keep`: paths, types, modes, sizes, inodes,
    mtimes, content hashes and link targets. Every entry's atime is set one day before its
    mtime, so that (relatime) any read of a file or listing of a folder moves it."""

    def __init__(self, root: Path, keep: set[str], files: dict[str, bytes], dirs: list[str]):
        self.root, self.keep, self.files, self.dirs = root, keep, files, dirs
        self.track_atime = atime_is_tracked(root)
        self.build()

    def build(self) -> None:
        for name in os.listdir(self.root):
            if name not in self.keep:
                p = self.root / name
                shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
        for d in self.dirs:
            (self.root / d).mkdir(parents=True, exist_ok=True)
        for rel, data in self.files.items():
            (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.root / rel).write_bytes(data)
        self.full = self.walk()
        self._age()
        self.stats = self.stat_all()

    def walk(self) -> dict[str, tuple]:
        out = {".": self._entry(self.root, hash_file=False)}
        for dirpath, dirnames, filenames in os.walk(self.root):
            base = Path(dirpath)
            if base == self.root:
                dirnames[:] = [d for d in dirnames if d not in self.keep]
                filenames = [f for f in filenames if f not in self.keep]
            for name in dirnames + filenames:
                out[str((base / name).relative_to(self.root))] = self._entry(base / name)
        return out

    @staticmethod
    def _entry(p: Path, hash_file: bool = True) -> tuple:
        st = os.lstat(p)
        if stat.S_ISREG(st.st_mode) and hash_file:
            extra = hashlib.sha256(p.read_bytes()).hexdigest()
        elif stat.S_ISLNK(st.st_mode):
            extra = os.readlink(p)
        else:
            extra = ""
        return (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_size, st.st_mtime_ns, st.st_ino, extra)

    def stat_all(self) -> dict[str, tuple | None]:
        """lstat of every known path: neither reads nor lists anything."""
        out: dict[str, tuple | None] = {}
        for rel in self.full:
            try:
                st = os.lstat(self.root / rel)
                out[rel] = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino, st.st_atime_ns)
            except FileNotFoundError:
                out[rel] = None
        return out

    def _age(self) -> None:
        for rel, entry in self.full.items():
            try:
                os.utime(self.root / rel, ns=(entry[3] - DAY_NS, entry[3]), follow_symlinks=False)
            except FileNotFoundError:
                pass

    def check(self) -> list[str]:
        """Differences from the baseline; rebuilds the tree when there are any."""
        problems = []
        for rel, now in self.stat_all().items():
            was = self.stats[rel]
            if now is None:
                problems.append(f"removed: {rel}")
            elif now[:4] != was[:4]:
                problems.append(f"changed (mode/size/mtime/inode): {rel}")
            elif self.track_atime and now[4] != was[4]:
                problems.append(f"read or listed (atime moved): {rel}")
        full = self.walk()
        problems += [f"created: {rel}" for rel in sorted(set(full) - set(self.full))]
        problems += [f"changed: {rel}" for rel in sorted(set(full) & set(self.full)) if full[rel] != self.full[rel]]
        if problems:
            self.build()
        else:
            self._age()
        return problems


# --------------------------------------------------------------------------- the traversal world

class World:
    """The traversal sandbox and what surrounds it. ROOT holds DATA (`data/`), `sentinel.env`
    and `sentinel/`: from a bucket folder DATA/buckets/<cloud>/<region>/<bucket>, five `..`
    reach ROOT."""

    FORBIDDEN = (b"SQLite format 3", b"root:x:0:0:")

    def __init__(self, root: Path, box: Box):
        self.root, self.box, self.data = root, box, box.data
        self.buckets = self.data / "buckets"
        self.token = "SENTINEL-" + uuid.uuid4().hex
        self.control = h.Control(box.base_url)
        self.client = h.make_client(box.base_url)
        self.signer = h.RawSigner(box.base_url)
        t = self.token
        files = {
            "sentinel.env": f"API_SECRET={t}-env\n".encode(),
            "sentinel/secret.txt": f"{t}-secret\n".encode() * 8,
            "sentinel/list.txt": f"2024/object-00000.bin\n{t}-list\n".encode(),
            "sentinel/2024/object-00000.bin": f"{t}-shadow\n".encode(),
            "sentinel/sub/deep.txt": f"{t}-deep\n".encode(),
            "sentinel/sub/inner/blob.bin": bytes(range(256)) + f"{t}-blob".encode(),
        }
        self.sentinel_names = {"secret.txt", "list.txt", "deep.txt", "blob.bin", "sub/", "empty/"}
        self._seed()
        self.tree = Tree(root, {"data"}, files, ["sentinel/empty"])

    def bucket(self, cloud: str, region: str, bucket: str) -> Path:
        return self.buckets / cloud / region / bucket

    def _seed(self) -> None:
        c = self.control
        c.add_bucket("Aliyun", "cn-hangzhou", "src-photos", prefix="2024/", objects=5, object_size=512)
        c.add_bucket("Aliyun", "cn-hangzhou", "pub", prefix="docs/", objects=2, object_size=128)
        for name in ("dst-obs", "dst-linked", "lists"):
            c.add_bucket("HuaweiCloud", "cn-north-4", name)
        s = self.root / "sentinel"
        pub = self.bucket("Aliyun", "cn-hangzhou", "pub")
        (pub / "link.txt").symlink_to(s / "secret.txt")
        (pub / "linkdir").symlink_to(s, target_is_directory=True)
        self.bucket("Aliyun", "cn-hangzhou", "linkbucket").symlink_to(s, target_is_directory=True)
        (self.buckets / "Aliyun" / "evil-region").symlink_to(self.root, target_is_directory=True)
        (self.bucket("HuaweiCloud", "cn-north-4", "dst-linked") / "out").symlink_to(s, target_is_directory=True)
        self.bucket("HuaweiCloud", "cn-north-4", "dst-escape").symlink_to(s, target_is_directory=True)
        lists = self.bucket("HuaweiCloud", "cn-north-4", "lists")
        (lists / "keys.txt").write_text("2024/object-00001.bin\n")
        (lists / "evil.txt").symlink_to(s / "list.txt")
        (lists / "evildir").symlink_to(s, target_is_directory=True)

    def leaks(self, data: bytes | str) -> list[str]:
        blob = data.encode(errors="replace") if isinstance(data, str) else bytes(data)
        found = [f"sentinel content ({self.token})"] if self.token.encode() in blob else []
        return found + [f"forbidden content {m!r}" for m in self.FORBIDDEN if m in blob]

    def assert_clean(self, *texts: bytes | str) -> None:
        for text in texts:
            found = self.leaks(text)
            assert not found, f"a response carries {found}: {text[:300]!r}"

    def scan_buckets(self) -> list[str]:
        """Bucket files (links not followed) holding sentinel content: they were copied in.
        Offending files are removed so that later tests start clean."""
        problems = []
        for dirpath, _, filenames in os.walk(self.buckets):
            for name in filenames:
                p = Path(dirpath) / name
                if p.is_symlink() or not p.is_file():
                    continue
                if self.token.encode() in p.read_bytes():
                    problems.append(f"sentinel content copied into {p.relative_to(self.data)}")
                    p.unlink()
        return problems


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory, boxes) -> World:
    root = tmp_path_factory.mktemp("security-root")
    # cwd is ROOT: a file written relative to the working directory shows up as created.
    box = boxes(root / "data", "--manual-engine", cwd=root)
    return World(root, box)


@pytest.fixture
def contained(world: World) -> Iterator[None]:
    """After the test: the engine runs (accepted tasks execute), then ROOT outside DATA must
    be exactly as before (nothing written, created, read or listed) and no bucket may hold
    sentinel content."""
    yield
    world.control.run(900)
    problems = world.tree.check() + world.scan_buckets()
    assert not problems, "the sandbox went outside its data directory:\n  " + "\n  ".join(problems)
