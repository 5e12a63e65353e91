"""Secret masking, round 2 (issue 21, attacks 2 and 3 and the degraded cases).

The contract: masking works on the final bytes of every output, after every escaping, for the
raw value and its JSON-escaped (`\\uXXXX`, `\\/`, U+2028 as `\\u2028`), percent-encoded,
Markdown-escaped and HTML-escaped forms; the mask is `(secret)`. JSON outputs stay valid JSON
(secrets are masked inside string values only). A secret too short (< 8 bytes) or too common
(true, false, null, yes, no, all digits) to mask safely gets a warning naming its reference
(never its value); values of 4 bytes or more are still masked. Names that count as secret:
any name containing PASS, PWD, SECRET, TOKEN, KEY, CREDENTIAL, PRIVATE or WEBHOOK, or ending in
`_AK`/`_SK`, or exactly AK/SK; plus the CLI's credential variables.

Every canary below carries a core of 8 letters and digits that survives any escaping of the
characters around it: a core found anywhere in an output is a leak, whatever form it took.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from cli_support import assert_no_crash, clean_env, run_cli

TIMEOUT = 120

# name -> (value, core). Cores are unique; the characters around them are what the issue broke.
CANARIES = {
    "COMB_SK": ("combcanary-j6sy1fuz", "j6sy1fuz"),            # followed by ${var:comb} (U+0301)
    "MD_PIPE_SK": ("mdpipe|k7tz2gva", "k7tz2gva"),
    "MD_UNDER_SK": ("md_under_l8ua3hwb", "l8ua3hwb"),
    "MD_STAR_SK": ("md*star*m9vb4ixc", "m9vb4ixc"),
    "MD_TILDE_SK": ("md~tilde~n1wc5jyd", "n1wc5jyd"),
    "MD_BRACKET_SK": ("md[bracket]o2xd6kze", "o2xd6kze"),
    "MD_BSLASH_SK": ("md\\bslash\\p3ye7laf", "p3ye7laf"),
    "HTML_LT_SK": ("htmllt<q4zf8mbg", "q4zf8mbg"),
    "HTML_AMP_SK": ("htmlamp&r5ag9nch", "r5ag9nch"),
    "HTML_QUOTE_SK": ('htmlquote"s6bh1odi', "s6bh1odi"),
    "LS_SK": ("lscanary\u2028t7ci2pej", "t7ci2pej"),
    # Names outside the first release's list, quoted in descriptions.
    "DB_PASS": ("dbpass-canary-a7kq2xmz", "a7kq2xmz"),
    "DEPLOY_KEY": ("deploykey-canary-b8lr3ynw", "b8lr3ynw"),
    "SLACK_WEBHOOK_URL": ("https://hooks.slack.example/services/c9ms4zox", "c9ms4zox"),
    "MY_PWD": ("mypwd-canary-d1nt5apy", "d1nt5apy"),
    "GH_TOKEN": ("ghp_canary_e2ou6bqv", "e2ou6bqv"),
    "X_PRIVATE": ("xprivate-canary-f3pv7crw", "f3pv7crw"),
    "SOME_CREDENTIAL": ("somecred-canary-g4qw8dsx", "g4qw8dsx"),
    "FOO_AK": ("fooak-canary-h5rx9ety", "h5rx9ety"),
    "SHORT_SK": ("zq7w3x", "zq7w3x"),                          # 6 bytes: warned about, still masked
}
WIDENED = ["DB_PASS", "DEPLOY_KEY", "SLACK_WEBHOOK_URL", "MY_PWD", "GH_TOKEN", "X_PRIVATE", "SOME_CREDENTIAL", "FOO_AK"]
MARKDOWN = [n for n in CANARIES if n.startswith("MD_")]
HTML = [n for n in CANARIES if n.startswith("HTML_")]

HEAD = """\
apiVersion: oms-plan/v1
kind: Stack
metadata: {name: masking}
spec:
  region: cn-north-4
  serviceTimezone: "+08:00"
  variables:
    comb: "\\u0301"
  defaults:
    destination: {bucket: m-dst, credentials: keys}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: keys}
spec: {accessKey: "${env:MASK_AK}", secretKey: "${env:MASK_SK}"}
"""


def _task(name: str, description: str | None = None, prefixes: list[str] | None = None, save: str | None = None) -> str:
    lines = ["---", "apiVersion: oms-plan/v1", "kind: MigrationTask", f"metadata: {{name: {name}}}", "spec:",
             "  type: prefix",
             "  source: {cloud: Aliyun, region: cn-hangzhou, bucket: m-src, credentials: keys, prefixes: "
             + json.dumps(prefixes or ["data/"]) + "}",
             f"  destination: {{savePrefix: {json.dumps(save or name + '/')}}}"]
    if description:
        lines.append(f"  description: {json.dumps(description)}")
    return "\n".join(lines) + "\n"


def ref(name: str) -> str:
    return "${env:" + name + "}"


# Secrets quoted in plain fields: validate and diff warn and mask, apply and reconcile refuse.
LEAKY = HEAD + "".join([
    _task("combining", description="x " + ref("COMB_SK") + "${var:comb}"),
    _task("combining-prefix", prefixes=[ref("COMB_SK") + "${var:comb}/"]),
    _task("markdown", description="md " + " ".join(ref(n) for n in MARKDOWN)),
    _task("markdown-prefix", prefixes=[ref(n) + "/" for n in MARKDOWN]),
    _task("html-prefix", prefixes=[ref(n) + "/" for n in HTML], save="h/" + ref("HTML_LT_SK") + "/"),
    _task("line-separator", description="ls " + ref("LS_SK"), prefixes=[ref("LS_SK") + "/"]),
    _task("widened-1", description="w " + " ".join(ref(n) for n in WIDENED[:4])),
    _task("widened-2", description="w " + " ".join(ref(n) for n in WIDENED[4:])),
    _task("short", description="s " + ref("SHORT_SK")),
])

# Secrets in secret fields only, among them `true`, a short one and one of digits.
CLEAN = HEAD.replace("name: masking", "name: masking-clean") + """\
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: odd}
spec: {accessKey: "${env:FLAG_AK}", secretKey: "${env:SHORT_SK}"}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: digits}
spec: {accessKey: "${env:DIGITS_AK}", secretKey: "${env:MASK_SK}"}
---
apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {name: odd-keys}
spec:
  type: prefix
  source: {cloud: Aliyun, region: cn-hangzhou, bucket: m-src, credentials: odd, prefixes: ["data/"]}
  destination: {savePrefix: "odd/", credentials: digits}
  description: plain task
"""
WEAK = {"FLAG_AK": "true", "SHORT_SK": CANARIES["SHORT_SK"][0], "DIGITS_AK": "73915428"}


def env(debug: bool = False) -> dict:
    extra = {name: value for name, (value, _) in CANARIES.items()}
    extra.update(WEAK, MASK_AK="maskak-plain-0001", MASK_SK="mask-sk-r2d2c3po9", OMS_ENDPOINT="sandbox")
    if debug:
        extra["OMS_PLAN_DEBUG"] = "1"
    return clean_env(extra, keys=False)


def write_plan(root: Path, text: str) -> Path:
    plan = root / "plan"
    src = plan / "sandbox" / "buckets" / "Aliyun" / "cn-hangzhou" / "m-src" / "data"
    src.mkdir(parents=True)
    (src / "a.txt").write_text("a\n")
    dst = plan / "sandbox" / "buckets" / "HuaweiCloud" / "cn-north-4" / "m-dst"
    dst.mkdir(parents=True)
    (dst / ".keep").write_text("")
    (plan / "stack.yaml").write_text(text)
    return plan


COMMANDS = {
    "validate": ["validate", "plan"],
    "validate-json": ["validate", "plan", "--json"],
    "diff-text": ["diff", "plan"],
    "diff-json": ["diff", "plan", "--output", "json"],
    "diff-markdown": ["diff", "plan", "--output", "markdown"],
    "apply-text": ["apply", "plan", "--auto-approve"],
    "apply-json": ["apply", "plan", "--auto-approve", "--output", "json"],
    "reconcile": ["reconcile", "plan", "--once", "--report", "report.json", "--metrics-textfile", "metrics.prom"],
    "status-json": ["status", "plan", "--output", "json"],
    # Debug logs show requests: the pre-flight checks send the quoted prefixes percent-encoded.
    "diff-debug": ["diff", "plan", "--output", "markdown"],
}
JSON_COMMANDS = ("validate-json", "diff-json", "apply-json", "status-json")


def run_all(root: Path, text: str, commands: dict) -> dict:
    write_plan(root, text)
    return {name: run_cli(args, cwd=root, env=env(debug=name.endswith("-debug")), timeout=TIMEOUT)
            for name, args in commands.items()}


@pytest.fixture(scope="module")
def leaky(tmp_path_factory):
    root = tmp_path_factory.mktemp("mask-leaky")
    return root, run_all(root, LEAKY, COMMANDS)


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    root = tmp_path_factory.mktemp("mask-clean")
    commands = dict(COMMANDS, **{"apply-text": ["apply", "plan", "--auto-approve", "--wait", "--wait-timeout", "2m"]})
    return root, run_all(root, CLEAN, commands)


# --------------------------------------------------------------------------- finding leaks

def forms(value: str) -> dict[str, str]:
    """The forms a value takes once escaped, each named."""
    md = "".join("\\" + c if c in "\\`*_{}[]()#+-.!|~<>" else c for c in value)
    html = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    named = {"raw": value, "JSON": json.dumps(value, ensure_ascii=False)[1:-1],
             "JSON (\\uXXXX)": json.dumps(value, ensure_ascii=True)[1:-1],
             "JSON (\\/)": json.dumps(value)[1:-1].replace("/", "\\/"), "percent-encoded": quote(value, safe=""),
             "percent-encoded (path)": quote(value), "form-encoded": quote_plus(value), "Markdown-escaped": md,
             "HTML-escaped": html, "HTML-escaped (&#34;)": html.replace("&quot;", "&#34;")}
    unique: dict[str, str] = {}
    for name, text in named.items():  # a form equal to an earlier one is that one
        if text not in unique.values():
            unique[name] = text
    return unique


def leaks(data: str | bytes, names=None) -> list[str]:
    blob = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    lower, found = blob.lower(), []
    for name in names or CANARIES:
        value, core = CANARIES[name]
        named = [f for f, text in forms(value).items() if len(text) >= 4 and text.encode() in blob]
        if named or core.lower().encode() in lower:
            at = lower.find(core.lower().encode())
            found.append(f"${{env:{name}}} as {', '.join(sorted(set(named))) or 'an escaped form'}: "
                         f"...{blob[max(0, at - 60):at + 30]!r}...")
    return found


def assert_clean(label: str, data, names=None) -> None:
    found = leaks(data, names)
    assert not found, f"{label} prints secrets:\n  " + "\n  ".join(found)


# --------------------------------------------------------------------------- the leaky plan

@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_canary_in_any_output(leaky, command):
    _, runs = leaky
    result = runs[command]
    assert_no_crash(result)
    assert_clean(f"`oms-plan {' '.join(result.args)}` stdout", result.stdout)
    assert_clean(f"`oms-plan {' '.join(result.args)}` stderr", result.stderr)


@pytest.mark.parametrize("group, names", [("a combining mark after the secret", ["COMB_SK"]),
                                          ("Markdown specials", MARKDOWN), ("HTML specials", HTML),
                                          ("U+2028", ["LS_SK"]), ("widened names", WIDENED), ("6 bytes", ["SHORT_SK"])])
@pytest.mark.parametrize("fmt", ["diff-text", "diff-json", "diff-markdown", "diff-debug"])
def test_diff_masks(leaky, fmt, group, names):
    """The same search, one family at a time, so that a failure names what broke."""
    _, runs = leaky
    result = runs[fmt]
    assert result.returncode in (0, 1), result.describe()
    assert_clean(f"diff ({fmt}) with {group}: stdout", result.stdout, names)
    assert_clean(f"diff ({fmt}) with {group}: stderr", result.stderr, names)


def test_the_quoting_fields_were_shown(leaky):
    """The searches above only prove something if the fields were rendered: masked."""
    _, runs = leaky
    assert runs["diff-json"].returncode == 0, runs["diff-json"].describe()
    addresses = {c["address"] for c in json.loads(runs["diff-json"].stdout)["changes"]}
    assert {"MigrationTask/markdown", "MigrationTask/widened-1", "MigrationTask/combining"} <= addresses, addresses
    for fmt in ("diff-text", "diff-json", "diff-markdown"):
        assert "(secret)" in runs[fmt].stdout, f"{fmt} shows no masked value at all\n" + runs[fmt].describe()


def test_apply_and_reconcile_refuse_secrets_in_plain_fields(leaky):
    """Quoting a secret (even one followed by a combining mark, or under a widened name) in a
    field OMS stores in clear is refused before anything is sent."""
    _, runs = leaky
    for name in ("apply-text", "apply-json", "reconcile"):
        result = runs[name]
        assert result.returncode == 1, f"{name} sent a plan that quotes secrets\n" + result.describe()
        for address in ("combining", "widened-1", "widened-2", "markdown"):
            assert address in result.stderr, f"{name}: no error for MigrationTask/{address}\n" + result.describe()


def test_no_canary_in_files_left_behind(leaky):
    root, _ = leaky
    checked = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink() or not path.is_file() or relative.startswith("plan/") or "/buckets/" in relative:
            continue
        assert_clean(relative, path.read_bytes())
        checked.append(relative)
    assert checked, "no file to check (not even .oms-plan/.gitignore)"


def test_json_outputs_of_the_leaky_plan_parse(leaky):
    _, runs = leaky
    for name in JSON_COMMANDS:
        if runs[name].stdout.strip():
            try:
                json.loads(runs[name].stdout)
            except ValueError as e:
                raise AssertionError(f"{name}: not JSON ({e})\n" + runs[name].describe()) from None


@pytest.fixture(scope="module")
def combining_only(tmp_path_factory):
    """The issue's own plan: one description quoting a secret followed by a combining mark, and
    nothing else that would get the plan refused anyway."""
    root = tmp_path_factory.mktemp("mask-combining")
    text = HEAD + _task("combining", description="x " + ref("COMB_SK") + "${var:comb}")
    return root, run_all(root, text, {name: COMMANDS[name] for name in ("diff-text", "apply-text", "reconcile")})


def test_a_combining_mark_does_not_smuggle_a_secret_into_oms(combining_only):
    """apply/reconcile refuse (the value is still the secret's, one scalar later), print it
    masked, and leave no report or metrics holding it."""
    root, runs = combining_only
    for name, result in runs.items():
        assert_no_crash(result)
        assert_clean(f"`oms-plan {' '.join(result.args)}` (combining mark only)", result.output, ["COMB_SK"])
    for name in ("apply-text", "reconcile"):
        assert runs[name].returncode == 1, \
            f"{name} sent a description holding a secret followed by U+0301 (exit {runs[name].returncode})\n" \
            + runs[name].describe()
    for path in (root / "report.json", root / "metrics.prom"):
        if path.exists():
            assert_clean(path.name, path.read_bytes(), ["COMB_SK"])


# --------------------------------------------------------------------------- weak secrets

@pytest.mark.parametrize("command", JSON_COMMANDS)
def test_json_stays_json_when_a_secret_is_true(clean, command):
    _, runs = clean
    result = runs[command]
    assert result.returncode == 0, result.describe()
    assert ": (secret)" not in result.stdout and ":(secret)" not in result.stdout, \
        f"{command}: a JSON literal was masked into invalid JSON\n" + result.describe()
    try:
        document = json.loads(result.stdout)
    except ValueError as e:
        raise AssertionError(f"{command} printed invalid JSON ({e}) with a secret equal to `true`\n"
                             + result.describe()) from None
    if command == "status-json":
        entries = document["entries"]
        assert entries and all(isinstance(e["settled"], bool) for e in entries), entries


def test_report_stays_json_when_a_secret_is_true(clean):
    root, runs = clean
    assert runs["reconcile"].returncode == 0, runs["reconcile"].describe()
    try:
        json.loads((root / "report.json").read_text())
    except ValueError as e:
        raise AssertionError(f"--report is not JSON ({e}):\n{(root / 'report.json').read_text()[:1500]}") from None


@pytest.mark.parametrize("name", list(WEAK))
def test_weak_secret_is_warned_about_by_reference(clean, name):
    _, runs = clean
    for command in ("validate", "diff-text"):
        result = runs[command]
        assert ref(name) in result.stderr, \
            f"{command}: no warning naming {ref(name)} (a secret too short or too common to mask)\n" + result.describe()
        if name != "FLAG_AK":  # `true` is an ordinary word of the output; the others are not
            assert WEAK[name] not in result.output, f"{command} prints the value of {ref(name)}\n" + result.describe()


def test_weak_secrets_are_not_printed(clean):
    _, runs = clean
    for name, result in runs.items():
        assert_no_crash(result)
        assert CANARIES["SHORT_SK"][0] not in result.output, f"{name} prints the 6-byte secret\n" + result.describe()
        assert WEAK["DIGITS_AK"] not in result.output, f"{name} prints the all-digits secret\n" + result.describe()
