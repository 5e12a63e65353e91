"""Path containment against grapheme tricks (issue 21, attack 1).

A `/` followed by a combining mark (or a ZWJ, or a variation selector), or preceded by a
prepended concatenation mark, is one Swift `Character`: a check that splits keys into
Characters sees no `..` segment in `../\u0301x/`, yet the file system splits the path at the
`/` byte and climbs out of the bucket. The contract: keys, prefixes and save prefixes are split
on `/` and `\\` as bytes, any `.` or `..` segment is refused whatever follows the separator, and
bucket writes are contained by realpath like reads.

Two families of values, over every entry point (control seeding, the signed API's task and
group creates, bucket listing, the public read path, a plan through `validate` and `apply`):

- HIDDEN_DOTS hold a `.` or `..` segment once split on bytes: they must be refused (OMS.1003
  for control and bucket operations, OMS.0057/OMS.0058 for a task's source/destination, a
  located `validate` error for a plan).
- LOOKALIKES hold none (a fullwidth solidus is a plain character of a key, `..\u0301` is a name
  of its own): they may be refused or accepted, but what they write stays in the bucket, at the
  path the key's bytes name.

Each case snapshots the other buckets (including one protected by a `.keys` sidecar) before and
after, and the `contained` fixture proves that nothing outside the data directory moved.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from huaweicloudsdkoms.v2 import CreateTaskGroupRequest, CreateTaskRequest

from conftest import World, raw_get
from test_sandbox_traversal import DST, SRC, _op, accepted_or_refused, dst_node, group, refuse, src_node, task

pytestmark = pytest.mark.usefixtures("contained")

CLOUD, REGION = "HuaweiCloud", "cn-north-4"
VICTIM = "victim-keyed"          # a bucket only one key pair may use (`victim-keyed.keys`)
PIVOT = "\u0941Z\u0d4e"         # a legal bucket name (letters and marks) the issue climbed through

# A `.` or `..` segment once split on `/` and `\` bytes, hidden from a split on Characters.
HIDDEN_DOTS = {
    "combining-after-slash": "../\u0301escaped/",
    "issue-21-into-keyed-bucket": f"../{PIVOT}/../{VICTIM}/x-",
    "vowel-sign-after-slash": "../\u0941x/",
    "zwj-after-slash": "../\u200dx/",
    "variation-selector-after-slash": "../\ufe0fx/",
    "prepend-before-slash": "a/..\u0600/../b/",
    "dot-reph-before-slash": "..\u0d4e/../x/",
    "dot-segment-then-mark": "x/./\u0301y/",
    "backslash-then-mark": "..\\\u0301x\\",
    "climb-twice": "../\u0301Z/../\u0301twice/",
    "nfd-name": "../cafe\u0301/",
    "nfc-name": "../caf\u00e9/",
}
# No `.`/`..` segment in bytes: a name of its own, which must stay inside the bucket.
LOOKALIKES = {
    "dots-then-mark": "..\u0301/",
    "dot-then-mark": ".\u0301/",
    "prepend-before-dots": "\u0600../",
    "fullwidth-solidus": "..\uff0f..\uff0f..\uff0fescaped\uff0f",
    "two-dot-leader": "\u2025/\u2025/",
    "fullwidth-full-stops": "\uff0e\uff0e/x/",
}


# --------------------------------------------------------------------------- snapshots

def snapshot(buckets: Path, skip: Path) -> dict[str, tuple]:
    """Every entry under `buckets` except `skip` (the bucket the case may write to): type, mode,
    size, content hash or link target. Links are looked at, never followed."""
    out: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(buckets):
        base = Path(dirpath)
        dirnames[:] = [d for d in dirnames if base / d != skip]
        for name in dirnames + filenames:
            p = base / name
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode):
                extra = hashlib.sha256(p.read_bytes()).hexdigest()
            elif stat.S_ISLNK(st.st_mode):
                extra = os.readlink(p)
            else:
                extra = ""
            out[str(p.relative_to(buckets))] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_size, extra)
    return out


def changes(before: dict, after: dict) -> list[str]:
    found = [f"created: {p!r}" for p in sorted(set(after) - set(before))]
    found += [f"removed: {p!r}" for p in sorted(set(before) - set(after))]
    return found + [f"changed: {p!r}" for p in sorted(set(before) & set(after)) if before[p] != after[p]]


class Guard:
    """The other buckets before a case; `check` runs the engine and compares."""

    def __init__(self, world: World, bucket: str = "dst-obs", cloud: str = CLOUD, region: str = REGION):
        self.world, self.skip = world, world.bucket(cloud, region, bucket)
        self.before = snapshot(world.buckets, self.skip)

    def problems(self, label: str) -> str:
        self.world.control.run(900)
        found = changes(self.before, snapshot(self.world.buckets, self.skip))
        return "" if not found else (f"{label}: the sandbox wrote outside {self.skip.relative_to(self.world.data)} "
                                     "(another bucket, a `.keys` sidecar or a folder beside them):\n  " + "\n  ".join(found))

    def check(self, label: str) -> None:
        found = self.problems(label)
        assert not found, found

    def refused(self, call, code: str, label: str) -> None:
        """`call` is refused with OMS.`code`; accepted or not, nothing outside the bucket moved
        (a wrongly accepted call is reported with what it then wrote)."""
        try:
            refuse(self.world, call, code)
        except AssertionError as refusal:
            raise AssertionError(f"{label}: {refusal}\n{self.problems(label) or '(it wrote nothing outside)'}") from None
        self.check(label)


@pytest.fixture(scope="module", autouse=True)
def victims(world: World) -> None:
    """A bucket with a `.keys` sidecar, and the pivot bucket whose folder the issue's key climbed
    through (`<region>/<pivot>/..` resolves only when that folder exists). A sandbox that now
    refuses the pivot's name is fine: the attack then needs no pivot to be refused."""
    world.control.add_bucket(CLOUD, REGION, VICTIM, prefix="data/", objects=2, object_size=64,
                             keys=["VICTIMAK0001:victim-secret-0001"])
    requests.post(world.box.base_url + "/control/buckets", timeout=30,
                  json={"cloudType": CLOUD, "region": REGION, "bucket": PIVOT, "prefix": "", "objects": 0})
    assert (world.bucket(CLOUD, REGION, VICTIM).parent / f"{VICTIM}.keys").is_file(), "the victim has no sidecar"


def hidden():
    return pytest.mark.parametrize("value", list(HIDDEN_DOTS.values()), ids=list(HIDDEN_DOTS))


def lookalike():
    return pytest.mark.parametrize("value", list(LOOKALIKES.values()), ids=list(LOOKALIKES))


# --------------------------------------------------------------------------- control seeding

def seed(world: World, prefix: str, bucket: str = "g-seeded") -> requests.Response:
    resp = requests.post(world.box.base_url + "/control/buckets", timeout=30, json={
        "cloudType": CLOUD, "region": REGION, "bucket": bucket, "prefix": prefix, "objects": 1, "objectSize": 16})
    world.assert_clean(resp.content)
    return resp


@hidden()
def test_control_seed_with_hidden_dot_segment_refused(world, value):
    guard = Guard(world, "g-seeded")
    resp = seed(world, value)
    label = f"seeding prefix {value!r}"
    if resp.status_code != 400 or resp.json().get("error_code") != "OMS.1003":
        raise AssertionError(f"{label}: expected 400 OMS.1003, got {resp.status_code}: {resp.text[:300]}\n"
                             + (guard.problems(label) or "(it wrote nothing outside)"))
    guard.check(label)


@lookalike()
def test_control_seed_with_lookalike_stays_in_bucket(world, value):
    guard = Guard(world, "g-seeded")
    resp = seed(world, value)
    if resp.status_code == 400:
        assert resp.json().get("error_code") == "OMS.1003", resp.text
    else:
        assert resp.status_code < 300, resp.text
        landed = world.bucket(CLOUD, REGION, "g-seeded") / (value + "object-00000.bin")
        assert landed.is_file(), f"seeding prefix {value!r} was accepted but wrote no {landed}"
    guard.check(f"seeding prefix {value!r}")


# --------------------------------------------------------------------------- the signed API

@hidden()
def test_task_save_prefix_with_hidden_dot_segment_refused(world, value):
    body = task("prefix", src_node(object_key=["2024/"]), dst_node(save_prefix=value))
    Guard(world).refused(lambda: world.client.create_task(CreateTaskRequest(body=body)), DST, f"task with save_prefix {value!r}")


@hidden()
def test_task_source_prefix_with_hidden_dot_segment_refused(world, value):
    body = task("prefix", src_node(object_key=[value]), dst_node(save_prefix="g-src/"))
    Guard(world).refused(lambda: world.client.create_task(CreateTaskRequest(body=body)), SRC, f"task with source prefix {value!r}")


@hidden()
def test_task_object_key_with_hidden_dot_segment_refused(world, value):
    body = task("object", src_node(object_key=[value + "object-00000.bin"]), dst_node(save_prefix="g-obj/"))
    Guard(world).refused(lambda: world.client.create_task(CreateTaskRequest(body=body)), SRC,
                         f"task with object key {value + 'object-00000.bin'!r}")


@pytest.mark.parametrize("value", [HIDDEN_DOTS["combining-after-slash"], HIDDEN_DOTS["issue-21-into-keyed-bucket"],
                                   HIDDEN_DOTS["zwj-after-slash"]], ids=["combining", "issue-21", "zwj"])
@pytest.mark.parametrize("side", ["dst", "src"])
def test_task_group_with_hidden_dot_segment_refused(world, value, side):
    src = src_node(object_key=[value] if side == "src" else ["2024/"])
    body = group("PREFIX", src, dst_node(save_prefix=value if side == "dst" else "g-grp/"))
    Guard(world).refused(lambda: world.client.create_task_group(CreateTaskGroupRequest(body=body)),
                         DST if side == "dst" else SRC, f"group with {side} {value!r}")


@lookalike()
def test_task_save_prefix_lookalike_stays_in_bucket(world, value):
    guard = Guard(world)
    t = accepted_or_refused(world, task("prefix", src_node(object_key=["2024/"]), dst_node(save_prefix=value)), DST)
    if t is not None:
        assert t["status"] == 5, f"save_prefix {value!r}: accepted, so the task must copy its objects: {t}"
        landed = world.bucket(CLOUD, REGION, "dst-obs") / (value + "2024/object-00000.bin")
        assert landed.is_file(), f"save_prefix {value!r}: no object at {landed} (where its bytes say)"
    guard.check(f"task with save_prefix {value!r}")


# --------------------------------------------------------------------------- reads

@hidden()
def test_list_objects_with_hidden_dot_segment_refused(world, value):
    Guard(world).refused(_op(world, "objects", dict(file_path=value)), "1003", f"listing {value!r}")


@hidden()
def test_public_read_with_hidden_dot_segment_refused(world, value):
    guard = Guard(world)
    for key in (value + "object-00000.bin", value + "secret.txt"):
        path = "/public/Aliyun/cn-hangzhou/src-photos/" + quote(key, safe="")
        status, body = raw_get(world.box.base_url, path)
        world.assert_clean(body)
        assert status in (400, 404), f"GET {path} ({key!r}): expected 400 or 404, got {status}: {body[:200]!r}"
    guard.check(f"public read of {value!r}")


def test_public_read_of_the_keyed_bucket_through_a_pivot_refused(world):
    """The keyed bucket is private; reaching it by climbing from a public one is no way around."""
    key = f"../{PIVOT}/../{VICTIM}/data/object-00000.bin"
    status, body = raw_get(world.box.base_url, f"/public/{CLOUD}/{REGION}/dst-obs/" + quote(key, safe=""))
    assert status in (400, 404), f"read {key!r} from the keyed bucket: {status} {body[:100]!r}"


# --------------------------------------------------------------------------- a plan

PLAN = """\
apiVersion: oms-plan/v1
kind: Stack
metadata: {{name: grapheme}}
spec:
  region: cn-north-4
  serviceTimezone: "+08:00"
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {{name: keys}}
spec: {{accessKey: "${{env:GRAPHEME_AK}}", secretKey: "${{env:GRAPHEME_SK}}"}}
---
apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {{name: escape}}
spec:
  type: prefix
  source:
    cloud: Aliyun
    region: cn-hangzhou
    bucket: g-src
    credentials: keys
    prefixes: [{prefix}]
  destination:
    bucket: g-dst
    credentials: keys
    savePrefix: {save}
"""
PREFIX_LINE = next(n for n, line in enumerate(PLAN.splitlines(), 1) if "prefixes:" in line)
SAVE_LINE = next(n for n, line in enumerate(PLAN.splitlines(), 1) if "savePrefix:" in line)


def write_plan(root: Path, save: str = "ok/", prefix: str = "data/") -> Path:
    """A one-task plan whose sandbox has the source, the destination, a keyed victim and the
    pivot folder, next to a sentinel folder outside the data directory."""
    import json
    plan = root / "plan"
    region = plan / "sandbox" / "buckets" / CLOUD / REGION
    (plan / "sandbox" / "buckets" / "Aliyun" / "cn-hangzhou" / "g-src" / "data").mkdir(parents=True)
    (plan / "sandbox" / "buckets" / "Aliyun" / "cn-hangzhou" / "g-src" / "data" / "a.txt").write_text("a\n")
    for bucket in ("g-dst", VICTIM, PIVOT):
        (region / bucket).mkdir(parents=True)
        (region / bucket / ".keep").write_text("")
    (region / VICTIM / "data.txt").write_text("victim data\n")
    (region / f"{VICTIM}.keys").write_text("VICTIMAK0001:victim-secret-0001\n")
    (root / "sentinel").mkdir()
    (root / "sentinel" / "keep.txt").write_text("sentinel\n")
    text = PLAN.format(prefix=json.dumps(prefix, ensure_ascii=False), save=json.dumps(save, ensure_ascii=False))
    (plan / "stack.yaml").write_text(text)
    return plan


def outside(root: Path) -> dict[str, tuple]:
    """Everything the command must not touch: the working folder except `.oms-plan` (its own
    state), and the sandbox's buckets except the destination."""
    found = {f"[root] {k}": v for k, v in snapshot(root, root / ".oms-plan").items()}
    buckets = root / ".oms-plan" / "sandbox" / "buckets"
    if buckets.is_dir():
        found.update({f"[buckets] {k}": v for k, v in snapshot(buckets, buckets / CLOUD / REGION / "g-dst").items()})
    return found


def plan_env() -> dict:
    from cli_support import clean_env
    return clean_env({"OMS_ENDPOINT": "sandbox", "GRAPHEME_AK": "graphemeak0001", "GRAPHEME_SK": "grapheme-sk-0001"}, keys=False)


@pytest.mark.parametrize("field, line", [("savePrefix", SAVE_LINE), ("prefixes", PREFIX_LINE)])
@pytest.mark.parametrize("value", [HIDDEN_DOTS["combining-after-slash"], HIDDEN_DOTS["issue-21-into-keyed-bucket"],
                                   HIDDEN_DOTS["variation-selector-after-slash"], HIDDEN_DOTS["prepend-before-slash"]],
                         ids=["combining", "issue-21", "vs16", "prepend"])
def test_plan_with_hidden_dot_segment_is_a_located_error(tmp_path, field, line, value):
    from cli_support import assert_no_crash, located_errors, run_cli
    write_plan(tmp_path, **({"save": value} if field == "savePrefix" else {"prefix": value}))
    result = run_cli(["validate", "plan"], cwd=tmp_path, env=plan_env())
    assert_no_crash(result)
    errors = [e for e in located_errors(result.stderr) if e["file"].endswith("stack.yaml") and int(e["line"]) == line]
    assert result.returncode == 1 and errors, \
        f"{field} {value!r} must be an error at stack.yaml:{line}:COL\n" + result.describe()


@pytest.mark.parametrize("value", [HIDDEN_DOTS["combining-after-slash"], HIDDEN_DOTS["issue-21-into-keyed-bucket"],
                                   LOOKALIKES["fullwidth-solidus"], LOOKALIKES["dots-then-mark"]],
                         ids=["combining", "issue-21", "fullwidth-solidus", "dots-then-mark"])
def test_plan_apply_never_writes_outside_the_destination(tmp_path, value):
    """`apply --wait` on the embedded sandbox: refused (hidden dots) or copied into the
    destination at the bytes' path (lookalikes); nothing else in the working folder or the
    other buckets moves."""
    from cli_support import assert_no_crash, run_cli
    write_plan(tmp_path, save=value)
    env = plan_env()
    seeded = run_cli(["status", "plan"], cwd=tmp_path, env=env)  # starts and seeds the embedded sandbox
    assert seeded.returncode in (0, 1), seeded.describe()
    before = outside(tmp_path)
    assert any(VICTIM + ".keys" in k for k in before), "the embedded sandbox was not seeded\n" + seeded.describe()
    applied = run_cli(["apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "2m"], cwd=tmp_path, env=env)
    assert_no_crash(applied)
    found = changes(before, outside(tmp_path))
    assert not found, f"apply with savePrefix {value!r} wrote outside the destination bucket:\n  " + \
        "\n  ".join(found) + "\n" + applied.describe()
    if value in HIDDEN_DOTS.values():
        assert applied.returncode == 1, f"savePrefix {value!r} must be refused\n" + applied.describe()
    elif applied.returncode == 0:
        landed = tmp_path / ".oms-plan" / "sandbox" / "buckets" / CLOUD / REGION / "g-dst" / (value + "data/a.txt")
        assert landed.is_file(), f"savePrefix {value!r} applied, but no object at {landed}\n" + applied.describe()
