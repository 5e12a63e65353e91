"""Secrets never reach an output (issue 10, parts 3 and 4), proved from the command line.

Canary secrets (cli_support.CANARIES) sit in environment variables, in a `${file:}` inside the
plan and in the CLI's own credential variables; Credentials/leaky makes them secrets, and the
plan then quotes them from every plain string field (descriptions, prefixes, object keys, save
prefixes, labels, buckets, a Stack variable, a MigrationTaskSet item, a CDN domain, list-file
keys). Every command in every output format runs, with and without OMS_PLAN_DEBUG, against the
embedded sandbox; stdout, stderr, the report, the metrics and every file the CLI leaves under
./.oms-plan/ are searched for each canary (raw, JSON-escaped, percent-encoded, base64 and its
8-character core): there must be none.
"""
import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from cli_support import (CANARIES, INVALID_PLAN, LEAK_ADDRESSES, PLAIN_NOTE, PLAIN_NOTE_2, assert_no_crash, binary_path,
                         clean_env, copy_quickstart, fault_lines, find_leaks, leak_context, leak_env,
                         located_errors, run_cli, write_leak_plan)

TIMEOUT = 180

COMMANDS = {
    "validate": ["validate", "plan"],
    "validate-json": ["validate", "plan", "--json"],
    "diff-text": ["diff", "plan"],
    "diff-json": ["diff", "plan", "--output", "json"],
    "diff-markdown": ["diff", "plan", "--output", "markdown"],
    "apply-json": ["apply", "plan", "--auto-approve", "--output", "json"],
    "apply-text": ["apply", "plan", "--auto-approve"],
    "reconcile": ["reconcile", "plan", "--once", "--report", "report.json", "--metrics-textfile", "metrics.prom"],
    "status-text": ["status", "plan"],
    "status-json": ["status", "plan", "--output", "json"],
    "diff-markdown-after": ["diff", "plan", "--output", "markdown", "--detailed-exitcode"],
    "report-markdown": ["report", "plan"],
    "report-json": ["report", "plan", "--output", "json"],
    "report-csv": ["report", "plan", "--output", "csv"],
    "report-html": ["report", "plan", "--output", "html"],
    "report-html-file": ["report", "plan", "--output", "html", "--write", "report.html"],
}
# The leak plan quotes secrets in fields OMS stores in plain text: validate and diff warn (and
# mask), while apply and reconcile refuse to send it (exit 1, located errors).
REFUSED = ("apply-json", "apply-text", "reconcile")
SECRET_IN_PLAIN_FIELD = "holds the value of a secret"


@pytest.fixture(scope="session", autouse=True)
def _binary_exists():
    assert binary_path().exists(), f"build oms-plan first ({binary_path()} is missing)"


def _assert_clean(label, data):
    hits = find_leaks(data)
    assert not hits, f"{label} shows secrets {sorted(set(h[0] for h in hits))}: {hits}\n{leak_context(data)}"


def _files(root: Path, skip_bucket_objects=True):
    """Every regular file under root; bucket objects (seeded or migrated data) are not ours."""
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink() or not path.is_file():
            continue
        if skip_bucket_objects and "/buckets/" in "/" + relative and not relative.endswith(".keys"):
            continue
        yield path


@pytest.fixture(scope="module", params=[False, True], ids=["plain", "debug"])
def leaky(request, tmp_path_factory):
    """The leak plan after every command ran once, in order, against one embedded sandbox."""
    workdir = tmp_path_factory.mktemp("leaks-debug" if request.param else "leaks")
    write_leak_plan(copy_quickstart(workdir / "plan"))
    env = leak_env(endpoint="sandbox", debug=request.param)
    runs = {name: run_cli(args, cwd=workdir, env=env, timeout=TIMEOUT) for name, args in COMMANDS.items()}
    # validate never connects: it also runs with the credential variables set and no endpoint.
    runs["validate-no-endpoint"] = run_cli(["validate", "plan"], cwd=workdir,
                                           env=leak_env(endpoint=None, debug=request.param), timeout=TIMEOUT)
    return workdir, runs


@pytest.mark.parametrize("command", [*COMMANDS, "validate-no-endpoint"])
def test_no_secret_in_command_output(leaky, command):
    _, runs = leaky
    result = runs[command]
    assert_no_crash(result)
    _assert_clean(f"`oms-plan {' '.join(result.args)}` stdout", result.stdout)
    _assert_clean(f"`oms-plan {' '.join(result.args)}` stderr", result.stderr)


def test_leak_plan_is_valid_and_its_quoted_fields_are_shown(leaky):
    """The outputs above are only proof if the quoting fields were rendered at all."""
    workdir, runs = leaky
    for name in ("validate", "validate-no-endpoint", "diff-text", "diff-json", "diff-markdown"):
        assert runs[name].returncode == 0, runs[name].describe()
    changes = {c["address"]: c for c in json.loads(runs["diff-json"].stdout)["changes"]}
    assert set(LEAK_ADDRESSES) <= set(changes), sorted(set(LEAK_ADDRESSES) - set(changes))
    # Pre-flight checks of the quoted prefixes, keys, list file and bucket failed, with reasons.
    for name in ("leak-prefixes", "leak-objects", "leak-list", "leak-bucket"):
        change = changes["MigrationTask/" + name]
        assert change["action"] == "blocked" and len(change["reasons"]) >= 2, change
    assert SECRET_IN_PLAIN_FIELD in runs["diff-text"].stderr, runs["diff-text"].describe()
    for name in REFUSED:
        result = runs[name]
        assert result.returncode == 1, result.describe()
        assert located_errors(result.stderr) and SECRET_IN_PLAIN_FIELD in result.stderr, result.describe()
    for name in ("status-text", "status-json"):
        assert runs[name].returncode in (0, 1), runs[name].describe()
    # The report of every format was written (the file one is searched with the other files).
    for name in ("report-markdown", "report-json", "report-csv", "report-html", "report-html-file"):
        assert runs[name].returncode == 0, runs[name].describe()
    assert "MigrationTask/" in runs["report-markdown"].stdout and (workdir / "report.html").is_file()


def test_a_description_that_gains_a_secret_is_shown_masked_and_never_sent(tmp_path):
    """Created with a plain description, then the description quotes a secret: the diff shows
    the live description before and the new one after, the secret masked, and apply refuses."""
    plan = copy_quickstart(tmp_path / "plan")
    (plan / "gains.yaml").write_text(
        "apiVersion: oms-plan/v1\nkind: Credentials\nmetadata: {name: leakcreds}\n"
        "spec: {accessKey: \"${env:LEAK_AK}\", secretKey: \"${env:LEAK_TOKEN}\"}\n---\n"
        "apiVersion: oms-plan/v1\nkind: MigrationTask\nmetadata: {name: gains}\nspec:\n  type: prefix\n"
        "  source: {cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: aliyun, prefixes: [\"2023/\"]}\n"
        "  destination: {savePrefix: \"gains/\"}\n  description: \"${env:NOTE} ${env:EXTRA}\"\n")
    first = dict(leak_env(endpoint="sandbox"), NOTE=PLAIN_NOTE, EXTRA="")
    created = run_cli(["apply", "plan", "--auto-approve"], cwd=tmp_path, env=first, timeout=TIMEOUT)
    assert created.returncode == 0, created.describe()
    passed = run_cli(["reconcile", "plan", "--once", "--report", "report.json", "--metrics-textfile", "metrics.prom"],
                     cwd=tmp_path, env=first, timeout=TIMEOUT)
    assert (tmp_path / "report.json").is_file() and (tmp_path / "metrics.prom").is_file(), passed.describe()
    second = dict(first, NOTE=PLAIN_NOTE_2, EXTRA=CANARIES["LEAK_AK"])
    shown = {fmt: run_cli(["diff", "plan", "--output", fmt], cwd=tmp_path, env=second, timeout=TIMEOUT)
             for fmt in ("json", "text", "markdown")}
    for fmt, result in shown.items():
        assert result.returncode == 0, result.describe()
        _assert_clean(f"diff {fmt} stdout", result.stdout)
        _assert_clean(f"diff {fmt} stderr", result.stderr)
        assert PLAIN_NOTE_2 in result.stdout, f"{fmt}: the new description is not shown\n" + result.describe()
    change = next(c for c in json.loads(shown["json"].stdout)["changes"] if c["address"] == "MigrationTask/gains")
    assert change["action"] in ("update", "replace", "blocked"), change
    assert PLAIN_NOTE in json.dumps(change["fields"]) and PLAIN_NOTE_2 in json.dumps(change["fields"]), change
    refused = run_cli(["apply", "plan", "--auto-approve"], cwd=tmp_path, env=second, timeout=TIMEOUT)
    assert refused.returncode == 1 and SECRET_IN_PLAIN_FIELD in refused.stderr, refused.describe()
    _assert_clean("refused apply stderr", refused.stderr)
    for path in _files(tmp_path):
        if not path.relative_to(tmp_path).as_posix().startswith("plan/"):
            _assert_clean(path.relative_to(tmp_path).as_posix(), path.read_bytes())


def test_no_secret_in_report_metrics_or_state_files(leaky):
    """Whatever the refused runs left in the working folder (ledgers, locks, reports) is clean;
    the reports of a run that sends are checked in the test of a description that changes."""
    workdir, _ = leaky
    checked = 0
    for path in _files(workdir):
        relative = path.relative_to(workdir).as_posix()
        if relative.startswith("plan/") or relative.startswith(".oms-plan/sandbox/"):
            continue  # the plan holds the secret file; the sandbox's data has its own test
        _assert_clean(relative, path.read_bytes())
        checked += 1
    assert checked >= 1  # .oms-plan/.gitignore at least


SECRETS_ONLY_PLAN = """\
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: rest}
spec: {accessKey: "${env:LEAK_AK}", secretKey: "${file:secrets/sk.txt}", securityToken: "${env:LEAK_TOKEN}"}
---
apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {name: at-rest}
spec:
  type: prefix
  source:
    {cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: rest, prefixes: ["2023/"],
     cdn: {domain: cdn.example.com, protocol: https, authType: ALIYUN_OSS_A, authKey: "${env:LEAK_CDN}"}}
  destination: {savePrefix: "rest/"}
"""


def test_sandbox_keeps_no_credential_in_clear(tmp_path):
    """Secrets only in secret positions (Credentials, CDN key): the sandbox's files never hold them."""
    plan = copy_quickstart(tmp_path / "plan")
    (plan / "secrets").mkdir()
    (plan / "secrets" / "sk.txt").write_text(CANARIES["FILE_SK"] + "\n")
    (plan / "rest.yaml").write_text(SECRETS_ONLY_PLAN)
    env = leak_env(endpoint="sandbox")
    for args in (["apply", "plan", "--auto-approve"], ["reconcile", "plan", "--once"], ["status", "plan"]):
        result = run_cli(args, cwd=tmp_path, env=env, timeout=TIMEOUT)
        assert result.returncode == 0, result.describe()
    files = list(_files(tmp_path / ".oms-plan"))
    assert any(p.name.endswith(".sqlite") for p in files), [p.name for p in files]
    for path in files:
        _assert_clean(path.relative_to(tmp_path).as_posix(), path.read_bytes())


def test_no_secret_in_sandbox_data_directory(leaky):
    """The strict rule: no canary anywhere under ./.oms-plan/sandbox, even where the plan quoted a
    secret in a plain field (description, save prefix, CDN domain) that is sent to OMS."""
    workdir, _ = leaky
    data = workdir / ".oms-plan" / "sandbox"
    assert data.is_dir(), "the embedded sandbox kept no state in ./.oms-plan/sandbox"
    files = list(_files(data))
    assert any(p.name.endswith(".sqlite") for p in files), [p.name for p in files]
    for path in files:
        _assert_clean(path.relative_to(workdir).as_posix(), path.read_bytes())
    # Names too (bucket contents excepted: a save prefix is the user's choice of object key).
    for path in data.rglob("*"):
        relative = path.relative_to(data).as_posix()
        if not relative.startswith("buckets/"):
            _assert_clean(f"file name {relative}", relative)


# --- references that make the plan invalid ------------------------------------------------------

@pytest.fixture(scope="module")
def invalid(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("invalid-leaks")
    plan = copy_quickstart(workdir / "plan")
    write_leak_plan(plan)
    (plan / "bad.yaml").write_text(INVALID_PLAN)
    sandbox = leak_env(endpoint="sandbox")
    runs = {
        "validate": run_cli(["validate", "plan"], cwd=workdir, env=leak_env(endpoint=None)),
        "validate-json": run_cli(["validate", "plan", "--json"], cwd=workdir, env=leak_env(endpoint=None)),
        "validate-debug": run_cli(["validate", "plan"], cwd=workdir, env=leak_env(endpoint=None, debug=True)),
        "diff-markdown": run_cli(["diff", "plan", "--output", "markdown"], cwd=workdir, env=sandbox),
        "diff-json": run_cli(["diff", "plan", "--output", "json"], cwd=workdir, env=sandbox),
        "apply-json": run_cli(["apply", "plan", "--auto-approve", "--output", "json"], cwd=workdir,
                              env=leak_env(endpoint="sandbox", debug=True)),
        "reconcile": run_cli(["reconcile", "plan", "--once", "--report", "report.json"], cwd=workdir, env=sandbox),
    }
    return workdir, runs


def test_invalid_references_fail_at_their_location_with_the_secret_masked(invalid):
    workdir, runs = invalid
    for name, result in runs.items():
        assert_no_crash(result)
        assert result.returncode == 1, f"{name}: an invalid plan must fail\n" + result.describe()
        _assert_clean(f"{name} stdout", result.stdout)
        _assert_clean(f"{name} stderr", result.stderr)
    for path in _files(workdir):
        if not path.relative_to(workdir).as_posix().startswith("plan/"):
            _assert_clean(path.relative_to(workdir).as_posix(), path.read_bytes())
    reported = {int(e["line"]) for e in located_errors(runs["validate"].stderr) if e["file"].endswith("bad.yaml")}
    missing = [n for n in fault_lines(INVALID_PLAN) if n not in reported]
    assert not missing, f"no `bad.yaml:LINE:COL: error:` for lines {missing}\n" + runs["validate"].describe(6000)
    document = json.loads(runs["validate-json"].stdout)
    assert document["valid"] is False and document["diagnostics"]


# --- ${file:} stays inside the plan's repository ------------------------------------------------

OUTSIDE_CANARY = "outsidecanary-m4qz8wtk"


def _escape_plan(workdir: Path, field: str, reference: str, folder="tasks") -> Path:
    """A quickstart copy plus one file quoting `reference` in a description or a secret."""
    plan = copy_quickstart(workdir / "plan")
    (workdir / "outside.txt").write_text(OUTSIDE_CANARY + "\n")
    if field == "description":
        text = ('apiVersion: oms-plan/v1\nkind: MigrationTask\nmetadata: {name: escape}\nspec:\n  type: prefix\n'
                '  source: {cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: aliyun, prefixes: ["2023/"]}\n'
                f'  destination: {{savePrefix: "e/"}}\n  description: "{reference}"\n')
    else:
        text = ('apiVersion: oms-plan/v1\nkind: Credentials\nmetadata: {name: escape}\nspec:\n'
                f'  accessKey: "${{env:LEAK_AK}}"\n  secretKey: "{reference}"\n')
    (plan / folder).mkdir(exist_ok=True)
    (plan / folder / "escape.yaml").write_text(text)
    return plan / folder / "escape.yaml"


@pytest.mark.parametrize("field", ["description", "secretKey"])
@pytest.mark.parametrize("reference", ["${file:/etc/passwd}", "${file:../../outside.txt}",
                                       "${file:../secrets/../../outside.txt}", "${file:link.txt}"])
def test_file_reference_outside_the_repository_is_a_located_error(tmp_path, field, reference):
    escape = _escape_plan(tmp_path, field, reference)
    if "link.txt" in reference:
        os.symlink(tmp_path / "outside.txt", escape.parent / "link.txt")
    result = run_cli(["validate", "plan"], cwd=tmp_path, env=clean_env({"LEAK_AK": CANARIES["LEAK_AK"]}))
    assert_no_crash(result)
    assert result.returncode == 1, f"{reference} in {field} was accepted\n" + result.describe()
    line = 8 if field == "description" else 6
    assert any(e["file"].endswith("escape.yaml") and int(e["line"]) == line for e in located_errors(result.stderr)), \
        result.describe()
    for secret in (OUTSIDE_CANARY, "root:x:0:0", "root:"):
        assert secret not in result.output, f"the content of {reference} was printed\n" + result.describe()


def _git_repository_plan(tmp_path, reference):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "secrets").mkdir()
    (repo / "secrets" / "obs.sk").write_text(CANARIES["FILE_SK"] + "\n")
    (tmp_path / "outside.sk").write_text(OUTSIDE_CANARY + "\n")
    plan = copy_quickstart(repo / "plans" / "qs")
    (plan / "team.yaml").write_text('apiVersion: oms-plan/v1\nkind: Credentials\nmetadata: {name: team}\nspec:\n'
                                    f'  accessKey: "${{env:LEAK_AK}}"\n  secretKey: "{reference}"\n')
    return run_cli(["validate", "plans/qs"], cwd=repo, env=clean_env({"LEAK_AK": CANARIES["LEAK_AK"]}))


def test_file_reference_inside_the_git_repository_is_allowed(tmp_path):
    """The repository is the nearest folder with .git: a plan may read secrets beside its folder."""
    result = _git_repository_plan(tmp_path, "${file:../../secrets/obs.sk}")
    assert result.returncode == 0, result.describe()
    assert "outside" not in result.stderr, result.describe()


def test_file_reference_beyond_the_git_repository_is_a_located_error(tmp_path):
    result = _git_repository_plan(tmp_path, "${file:../../../outside.sk}")
    assert_no_crash(result)
    assert result.returncode == 1, "a secret file outside the repository was accepted\n" + result.describe()
    assert any(e["file"].endswith("team.yaml") and e["line"] == "6" for e in located_errors(result.stderr)), \
        result.describe()
    assert OUTSIDE_CANARY not in result.output


# --- defaults in secret fields --------------------------------------------------------------------

def _credentials_plan(tmp_path, spec_lines) -> Path:
    plan = copy_quickstart(tmp_path / "plan")
    (plan / "extra.yaml").write_text('apiVersion: oms-plan/v1\nkind: Credentials\nmetadata: {name: extra}\nspec:\n'
                                     + "".join(f"  {line}\n" for line in spec_lines))
    return plan


def test_default_in_a_secret_field_is_refused(tmp_path):
    _credentials_plan(tmp_path, ['accessKey: "${env:LEAK_AK}"', 'secretKey: "${env:LEAK_UNSET_SK:-smuggled-literal-9fj2}"'])
    result = run_cli(["validate", "plan"], cwd=tmp_path, env=clean_env({"LEAK_AK": CANARIES["LEAK_AK"]}))
    assert_no_crash(result)
    assert result.returncode == 1, result.describe()
    assert any(e["file"].endswith("extra.yaml") and e["line"] == "6" for e in located_errors(result.stderr)), result.describe()
    assert "smuggled-literal-9fj2" not in result.output


def test_empty_default_for_the_security_token_is_accepted(tmp_path):
    _credentials_plan(tmp_path, ['accessKey: "${env:LEAK_AK}"', 'secretKey: "${env:LEAK_SK}"',
                                 'securityToken: "${env:LEAK_UNSET_TOKEN:-}"'])
    result = run_cli(["validate", "plan"], cwd=tmp_path,
                     env=clean_env({"LEAK_AK": CANARIES["LEAK_AK"], "LEAK_SK": CANARIES["LEAK_TOKEN"]}))
    assert result.returncode == 0, result.describe()
    _assert_clean("validate", result.output)


# --- the quickstart with nothing set, and the sandbox's state at rest ---------------------------

@pytest.fixture(scope="module")
def quickstart(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("quickstart")
    copy_quickstart(workdir / "plan", as_is=True)
    nothing = clean_env(keys=False)
    git = dict(nothing, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1", HOME=str(workdir),
               XDG_CONFIG_HOME=str(workdir / ".config"))
    subprocess.run(["git", "init", "-q", str(workdir)], check=True, env=git)
    validate = run_cli(["validate", "plan"], cwd=workdir, env=nothing)
    apply = run_cli(["apply", "plan", "--auto-approve"], cwd=workdir, env=nothing, timeout=TIMEOUT)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--ignored=no"],
                            cwd=workdir, env=git, capture_output=True, text=True, check=True).stdout
    return workdir, validate, apply, status


def test_quickstart_validates_and_applies_with_nothing_set(quickstart):
    _, validate, apply, _ = quickstart
    assert validate.returncode == 0, validate.describe()
    assert apply.returncode == 0, apply.describe()
    assert "embedded" in apply.stderr and "generat" in apply.stderr.lower(), \
        "the embedded sandbox must say that it generated the unset bucket secrets\n" + apply.describe()


def test_sandbox_state_is_ignored_by_git_and_private(quickstart):
    workdir, _, apply, status = quickstart
    state = workdir / ".oms-plan"
    assert state.is_dir(), apply.describe()
    ignore = state / ".gitignore"
    assert ignore.is_file() and "*" in ignore.read_text().split(), "./.oms-plan/.gitignore must ignore everything"
    assert not [l for l in status.splitlines() if ".oms-plan" in l], f"git would commit sandbox state:\n{status}"
    data = state / "sandbox"
    assert oct(data.stat().st_mode & 0o777) == oct(0o700), f"{data} is {oct(data.stat().st_mode & 0o777)}"
    databases = [p for p in data.rglob("*") if ".sqlite" in p.name and p.is_file()]
    assert databases, "no SQLite files in ./.oms-plan/sandbox"
    loose = {p.name: oct(p.stat().st_mode & 0o777) for p in databases if p.stat().st_mode & 0o777 != 0o600}
    assert not loose, f"SQLite files readable by others: {loose}"


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("command", ["status", "reconcile"])
def test_no_secret_on_the_served_status_page(leaky, command, tmp_path):
    """`status --serve` on the leak plan, and `reconcile --interval --serve` on the quickstart
    (a loop refuses to start on a plan that quotes secrets), both with the canaries as the
    CLI's credentials: the page, its JSON and the metrics hold none of them."""
    import signal
    import time
    import urllib.request
    if command == "status":
        workdir, _ = leaky
    else:
        workdir = tmp_path
        copy_quickstart(workdir / "plan")
    port = _free_port()
    args = ["status", "plan", "--serve", f"127.0.0.1:{port}", "--refresh", "1s"] if command == "status" else \
        ["reconcile", "plan", "--interval", "1s", "--serve", f"127.0.0.1:{port}"]
    process = subprocess.Popen([str(binary_path()), *args], cwd=workdir, env=leak_env(endpoint="sandbox"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    bodies = {}
    try:
        deadline = time.time() + 60
        while time.time() < deadline and len(bodies) < 3:
            for path in ("/", "/status.json", "/metrics"):
                try:
                    bodies[path] = urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).read()
                except OSError:
                    pass
            # Wait for a read (or a refused pass) to be on the page, not the empty first state.
            if len(bodies) == 3 and b"Reading OMS" in bodies["/"]:
                bodies.clear()
            time.sleep(0.5)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert len(bodies) == 3, f"the page did not come up: {err.decode(errors='replace')[-2000:]}"
    assert b'class="resource"' in bodies["/"] or b"could not be read" in bodies["/"], bodies["/"][:2000]
    for path, body in bodies.items():
        _assert_clean(f"`oms-plan {' '.join(args)}` {path}", body)
    _assert_clean(f"`oms-plan {' '.join(args)}` stdout", out)
    _assert_clean(f"`oms-plan {' '.join(args)}` stderr", err)


FAILED_OBJECTS_PLAN = """\
apiVersion: oms-plan/v1
kind: Stack
metadata: {name: leakfo}
spec:
  region: cn-north-4
  serviceTimezone: "+08:00"
  defaults:
    destination: {bucket: dst, credentials: obs}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: src}
spec: {accessKey: "${env:FO_SRC_AK}", secretKey: "${env:FO_SRC_SK}"}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: obs}
spec: {accessKey: "${env:LEAK_AK}", secretKey: "${env:LEAK_TOKEN}"}
---
apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {name: photos}
spec:
  type: prefix
  source: {cloud: Aliyun, region: cn-hangzhou, bucket: src, credentials: src, prefixes: ["p/"]}
  destination: {savePrefix: p/}
"""


def test_no_secret_in_failed_object_fields(boxes, tmp_path):
    """Issue 24, part 3: `status` reads OMS's failed lists over OBS's API with the destination
    Credentials (canaries, accepted by the bucket's .keys list). The list names an object whose
    key holds a canary and an error code that is one: every new status field (sample keys,
    byCode, notes, the page's details) is masked in text, JSON and the served page, with and
    without OMS_PLAN_DEBUG; keys that the bucket refuses give a note that shows no secret."""
    import requests
    data = tmp_path / "data"
    source = data / "buckets" / "Aliyun" / "cn-hangzhou" / "src" / "p"
    source.mkdir(parents=True)
    (source / f"{CANARIES['LEAK_AK']}.bin").write_bytes(b"x" * 512)
    (source / "fine.bin").write_bytes(b"y" * 512)
    (data / "buckets" / "HuaweiCloud" / "cn-north-4" / "dst").mkdir(parents=True)
    keys = data / "buckets" / "HuaweiCloud" / "cn-north-4" / "dst.keys"
    keys.write_text(f"{CANARIES['LEAK_AK']}:{CANARIES['LEAK_TOKEN']}\n")
    obs_port = _free_port()
    box = boxes(data, "--obs-port", str(obs_port))
    resp = requests.post(box.base_url + "/control/object-failures", timeout=30, json={
        "cloudType": "Aliyun", "region": "cn-hangzhou", "bucket": "src", "keyPrefix": "p/leak",
        "errorCode": CANARIES["OMS_AUTH_TOKEN"], "times": 0})
    assert resp.status_code == 200, resp.text
    workdir = tmp_path / "work"
    (workdir / "plan").mkdir(parents=True)
    (workdir / "plan" / "plan.yaml").write_text(FAILED_OBJECTS_PLAN)
    from oms_helpers import AK, PROJECT_ID, SK
    base = {k: v for k, v in CANARIES.items() if k not in ("FILE_SK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN")}
    base.update({"OMS_ENDPOINT": box.base_url, "OMS_PROJECT_ID": PROJECT_ID, "HUAWEICLOUD_SDK_AK": AK,
                 "HUAWEICLOUD_SDK_SK": SK, "OMS_OBS_ENDPOINT": f"http://127.0.0.1:{obs_port}",
                 "FO_SRC_AK": "FOSRCAK0001", "FO_SRC_SK": "fo-source-secret-0001"})
    env = clean_env(base)
    applied = run_cli(["apply", "plan", "--auto-approve"], cwd=workdir, env=env, timeout=TIMEOUT)
    assert applied.returncode == 0, applied.describe()
    for _ in range(120):
        status = run_cli(["status", "plan", "--output", "json"], cwd=workdir, env=env, timeout=TIMEOUT)
        entry = json.loads(status.stdout)["entries"][0] if status.returncode == 0 else {}
        if "failedObjects" in entry:
            break
        time.sleep(0.5)
    failed = entry.get("failedObjects")
    assert failed and failed["count"] == 1 and failed.get("note") is None, status.describe()
    # The key and the code were shown, masked.
    assert "(secret)" in failed["sample"][0]["key"] and list(failed["byCode"].values()) == [1], failed
    runs = [status]
    for debug in (False, True):
        extra = {"OMS_PLAN_DEBUG": "1"} if debug else {}
        runs.append(run_cli(["status", "plan"], cwd=workdir, env={**env, **extra}, timeout=TIMEOUT))
        runs.append(run_cli(["status", "plan", "--output", "json"], cwd=workdir, env={**env, **extra}, timeout=TIMEOUT))
        # The report of issue 24, part 5, in every format: the failed key and code are rows there.
        for form in ("markdown", "json", "csv", "html"):
            runs.append(run_cli(["report", "plan", "--output", form], cwd=workdir, env={**env, **extra}, timeout=TIMEOUT))
    report_csv = runs[-2].stdout
    assert len(report_csv.splitlines()) == 2 and "(secret)" in report_csv, runs[-2].describe()
    written = run_cli(["report", "plan", "--output", "html", "--write", "report.html"], cwd=workdir, env=env, timeout=TIMEOUT)
    runs.append(written)
    _assert_clean("report.html", (workdir / "report.html").read_bytes())
    # The served page, its JSON and its metrics (oms_plan_failed_objects{code=...}).
    import signal
    import urllib.request
    port = _free_port()
    process = subprocess.Popen([str(binary_path()), "status", "plan", "--serve", f"127.0.0.1:{port}", "--refresh", "1s"],
                               cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    bodies = {}
    try:
        deadline = time.time() + 60
        while time.time() < deadline and not (len(bodies) == 3 and b"failed-objects" in bodies["/"]):
            for path in ("/", "/status.json", "/metrics"):
                try:
                    bodies[path] = urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).read()
                except OSError:
                    pass
            time.sleep(0.5)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert len(bodies) == 3 and b"failed-objects" in bodies["/"], err.decode(errors="replace")[-2000:]
    assert b"oms_plan_failed_objects{" in bodies["/metrics"], bodies["/metrics"][-2000:]
    for path, body in [*bodies.items(), ("stdout", out), ("stderr", err)]:
        _assert_clean(f"`oms-plan status --serve` {path}", body)
        assert SK.encode() not in body
    # Keys the bucket refuses: a note, with no secret in it.
    keys.write_text("OTHERAK0001:other-secret-0001\n")
    refused = run_cli(["status", "plan", "--output", "json"], cwd=workdir, env=env, timeout=TIMEOUT)
    note = json.loads(refused.stdout)["entries"][0]["failedObjects"]["note"]
    assert "refused" in note, note
    runs.append(refused)
    for result in runs:
        assert result.returncode == 0, result.describe()
        _assert_clean(f"`oms-plan {' '.join(result.args)}` stdout", result.stdout)
        _assert_clean(f"`oms-plan {' '.join(result.args)}` stderr", result.stderr)
        assert SK not in result.output and "Signature=" not in result.output
