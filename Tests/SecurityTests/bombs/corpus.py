"""Hostile plan files for `oms-plan validate`: YAML bombs, deep nesting, huge scalars, bad bytes.

Nothing here is committed as data: every case is generated on demand, by the tests into their
tmp_path, or by hand with

    python Tests/SecurityTests/bombs/corpus.py OUTDIR      # OUTDIR/<case>: quickstart + the case

Each case adds its files to an existing plan directory (a copy of examples/quickstart) and says
what `oms-plan validate` must do with it:

    "error"   exit 1 with a `file:line:col: error:` line naming one of the case's files
    "valid"   exit 0
    "either"  exit 0, or exit 1 with a located error
"""
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List

ENVELOPE = "apiVersion: oms-plan/v1\nkind: BandwidthSchedule\nmetadata:\n  name: {name}\n"
VALID_SCHEDULE = ENVELOPE + "spec:\n  windows:\n    - {{start: \"00:00\", end: \"06:00\", limit: 50MB/s}}\n"

MB = 1_000_000


def merge_key_bomb(levels: int = 9, width: int = 10, keys: int = 10) -> bytes:
    """`<<: [*a, *a, ...]` nested `levels` deep: about 2 KB that naive merging visits width**levels times."""
    lines = ["# merge-key bomb", "a0: &a0 {" + ", ".join(f"k{i}: {i}" for i in range(keys)) + "}"]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} {{<<: [{refs}], m{level}: {level}}}")
    lines.append(f"bomb: {{<<: [{', '.join([f'*a{levels}'] * width)}]}}")
    return ("\n".join(lines) + "\n").encode()


def billion_laughs(levels: int = 9, width: int = 10) -> bytes:
    lines = ["# billion laughs", "l0: &l0 [" + ", ".join(['"lol"'] * width) + "]"]
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return ("\n".join(lines) + "\n").encode()


def deep_flow_sequence(depth: int = 10_000) -> bytes:
    return ("deep: " + "[" * depth + "]" * depth + "\n").encode()


def deep_flow_mapping(depth: int = 10_000) -> bytes:
    return ("deep: " + "{a: " * depth + "x" + "}" * depth + "\n").encode()


def deep_block_sequence(depth: int = 10_000) -> bytes:
    return ("deep:\n  " + "- " * depth + "x\n").encode()


def unclosed_flow(depth: int = 10_000) -> bytes:
    return ("deep: " + "[" * depth + "\n").encode()


def self_alias() -> bytes:
    return b"a: &a [1, *a]\nb: *undefined\n"


def big_scalar(size: int = 50 * MB) -> bytes:
    head = (ENVELOPE.format(name="big-scalar") + "spec:\n  windows: []\n  description: ").encode()
    return head + b"a" * size + b"\n"


def over_size_cap(size: int = 100 * MB) -> bytes:
    """A valid document followed by 100 MB of comment lines: only the size is wrong."""
    line = b"# " + b"padding " * 15 + b"\n"
    return VALID_SCHEDULE.format(name="over-cap").encode() + line * (size // len(line) + 1)


def invalid_utf8() -> bytes:
    text = VALID_SCHEDULE.format(name="bad-utf8").encode()
    # A lone continuation byte, a truncated sequence, an overlong '/', a UTF-16 surrogate, 0xFF.
    return text + b"# caf\xc3\x28 \x80 \xe2\x82 \xc0\xaf \xed\xa0\x80 \xff\xfe\n" + \
        b"---\n" + ENVELOPE.format(name="bad-utf8-two").encode() + b"  labels: {team: \"\xff\xfe\xfd\"}\n"


def control_characters() -> bytes:
    return ENVELOPE.format(name="nul-byte").encode() + b"  labels: {team: \"a\x00b\x1bc\"}\nspec: {}\n"


def many_documents(count: int = 100_000) -> bytes:
    return b"---\nx: 1\n" * count


TASK_SET = "apiVersion: oms-plan/v1\nkind: MigrationTaskSet\nmetadata:\n  name: {name}\nspec:\n"


def foreach_bomb(items: int = 10_000, template_values: int = 5_000) -> bytes:
    """10,000 `forEach` items x a template of 5,000 values, about 88 KB of text: expanding it
    builds 50 million values (issue 21, item 7). Every value sits where the format allows a
    list (`source.prefixes`), so nothing but the expansion's size is wrong."""
    item_list = ", ".join(f"i{n}" for n in range(items))
    prefixes = ", ".join(["p/"] * template_values)
    return (TASK_SET.format(name="foreach-bomb")
            + f"  forEach: [{item_list}]\n"
            + "  name: \"t-${item}\"\n"
            + "  template:\n    type: prefix\n"
            + "    source: {cloud: AWS, region: us-east-1, bucket: b, credentials: aws, prefixes: ["
            + prefixes + "]}\n").encode()


def foreach_alias_bomb(items: int = 10_000, width: int = 30) -> bytes:
    """10,000 items x a template of a few hundred bytes that aliases make about 30,000 values
    (within the alias budget, which counts each alias once, not once per item)."""
    l0 = "&l0 [" + ", ".join(["p/"] * width) + "]"
    l1 = "&l1 [" + ", ".join(["*l0"] * width) + "]"
    l2 = "[" + ", ".join(["*l1"] * width) + "]"
    item_list = ", ".join(f"i{n}" for n in range(items))
    return (TASK_SET.format(name="foreach-alias-bomb")
            + f"  forEach: [{item_list}]\n"
            + "  name: \"t-${item}\"\n"
            + "  template:\n    type: prefix\n"
            + f"    source: {{cloud: AWS, region: us-east-1, bucket: b, credentials: aws, prefixes: [{l0}, {l1}, {l2}]}}\n"
            ).encode()


def _add(plan: Path, name: str, data: bytes) -> str:
    path = plan / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return name


@dataclass
class Case:
    name: str
    expect: str  # "error" | "valid" | "either"
    build: Callable[[Path], List[str]]  # adds files to the plan, returns their paths relative to it


def _with_bom(plan: Path) -> List[str]:
    touched = []
    for path in sorted(plan.rglob("*.yaml")):
        if "sandbox" in path.relative_to(plan).parts:
            continue
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        touched.append(str(path.relative_to(plan)))
    return touched


def _symlink_loop(plan: Path) -> List[str]:
    (plan / "loop").mkdir()
    os.symlink("..", plan / "loop" / "again")
    os.symlink(".", plan / "loop" / "self")
    return ["loop/again", "loop/self"]


def _dev_zero(plan: Path) -> List[str]:
    # Git stores symlinks: a cloned repository can point a plan file at an endless device.
    os.symlink("/dev/zero", plan / "zero.yaml")
    return ["zero.yaml"]


def _defaults_bomb(plan: Path) -> List[str]:
    """Stack defaults of 20,000 prefixes (60 KB) merged under the 10,000 tasks of a small set
    (70 KB): 200 million values to check, though no set is large."""
    stack = plan / "stack.yaml"
    prefixes = ", ".join(['"p/"'] * 20_000)
    stack.write_text(stack.read_text().replace("  defaults:\n", f"  defaults:\n    source: {{prefixes: [{prefixes}]}}\n", 1))
    item_list = ", ".join(f"i{n}" for n in range(10_000))
    _add(plan, "many.yaml", (TASK_SET.format(name="many") + f"  forEach: [{item_list}]\n  name: \"t-${{item}}\"\n"
                             + "  template:\n    type: prefix\n"
                             + "    source: {cloud: AWS, region: us-east-1, bucket: b, credentials: aws}\n").encode())
    return ["stack.yaml"]


# Plan files that are not regular files (issue 21, item 8): reading one blocked `validate`
# until a CI job's time-out. `special_file_cases` are also named on the command line.
def _fifo(plan: Path) -> List[str]:
    os.mkfifo(plan / "fifo.yaml")
    return ["fifo.yaml"]


def _link(target: str, name: str) -> Callable[[Path], List[str]]:
    def build(plan: Path) -> List[str]:
        os.symlink(target, plan / name)
        return [name]
    return build


def _link_outside(plan: Path) -> List[str]:
    """A link in the plan folder to a valid plan file outside it: refused in a folder walk."""
    outside = plan.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "task.yaml").write_text((plan / "tasks" / "docs.yaml").read_text().replace("name: docs", "name: elsewhere"))
    os.symlink(outside / "task.yaml", plan / "outside.yaml")
    return ["outside.yaml"]


CASES = [
    Case("merge-key-bomb", "error", lambda p: [_add(p, "bomb.yaml", merge_key_bomb())]),
    Case("billion-laughs", "error", lambda p: [_add(p, "laughs.yaml", billion_laughs())]),
    Case("deep-flow-sequence", "error", lambda p: [_add(p, "deep.yaml", deep_flow_sequence())]),
    Case("deep-flow-mapping", "error", lambda p: [_add(p, "deep.yaml", deep_flow_mapping())]),
    Case("deep-block-sequence", "error", lambda p: [_add(p, "deep.yaml", deep_block_sequence())]),
    Case("unclosed-flow", "error", lambda p: [_add(p, "deep.yaml", unclosed_flow())]),
    Case("self-alias", "error", lambda p: [_add(p, "alias.yaml", self_alias())]),
    Case("scalar-50mb", "error", lambda p: [_add(p, "big.yaml", big_scalar())]),
    Case("over-size-cap", "error", lambda p: [_add(p, "huge.yaml", over_size_cap())]),
    Case("invalid-utf8", "either", lambda p: [_add(p, "bytes.yaml", invalid_utf8())]),
    Case("control-characters", "either", lambda p: [_add(p, "nul.yaml", control_characters())]),
    Case("utf8-bom", "valid", _with_bom),
    Case("six-bombs", "error",
         lambda p: [_add(p, f"bombs/bomb-{i}.yaml", merge_key_bomb() if i % 2 else billion_laughs()) for i in range(6)]),
    Case("six-merge-bombs", "error", lambda p: [_add(p, f"bombs/merge-{i}.yaml", merge_key_bomb()) for i in range(6)]),
    Case("100k-documents", "error", lambda p: [_add(p, "many.yaml", many_documents())]),
    Case("symlink-loop", "either", _symlink_loop),
    Case("symlink-to-dev-zero", "error", _dev_zero),
    Case("foreach-bomb", "error", lambda p: [_add(p, "set-bomb.yaml", foreach_bomb())]),
    Case("foreach-alias-bomb", "error", lambda p: [_add(p, "set-bomb.yaml", foreach_alias_bomb())]),
    Case("defaults-bomb", "error", _defaults_bomb),
    Case("fifo", "error", _fifo),
    Case("symlink-to-proc-self-fd-1", "error", _link("/proc/self/fd/1", "stdout.yaml")),
    Case("symlink-to-dev-stdin", "error", _link("/dev/stdin", "stdin.yaml")),
    Case("symlink-outside-the-folder", "error", _link_outside),
]

# Cases whose file is refused whether found in a folder walk or named on the command line.
SPECIAL_FILE_CASES = ["fifo", "symlink-to-proc-self-fd-1", "symlink-to-dev-stdin", "symlink-to-dev-zero"]


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = Path(argv[1])
    quickstart = Path(__file__).resolve().parents[3] / "examples" / "quickstart"
    for case in CASES:
        folder = out / case.name
        shutil.copytree(quickstart, folder)
        files = case.build(folder)
        print(f"{case.name}: {case.expect}: {', '.join(files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
