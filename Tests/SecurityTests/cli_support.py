"""Shared helpers of the CLI security tests (test_cli_leaks.py, test_hostile_input.py).

Plain functions, no pytest fixtures: the fixtures live in the test files so that this folder's
conftest.py (the sandbox suite's) stays independent. The binary is `.build/debug/oms-plan`
unless OMS_PLAN_BIN names another one.
"""
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = REPO / "examples" / "quickstart"

# swift-argument-parser's exit code for a usage error (EX_USAGE).
USAGE_EXIT = 64
# SIGILL (Swift traps: `Fatal error`), SIGABRT, SIGSEGV, SIGBUS: as exit codes and as signals.
CRASH_EXITS = {132, 134, 138, 139, -4, -6, -7, -10, -11}

# `file:line:column: error: message`, as the CLI contract prints plan problems.
LOCATED_ERROR = re.compile(r"^(?P<file>[^\s:][^:\n]*):(?P<line>\d+):(?P<col>\d+): error: .+$", re.MULTILINE)


def binary_path() -> Path:
    return Path(os.environ.get("OMS_PLAN_BIN", REPO / ".build/debug/oms-plan")).resolve()


# `${env:QUICKSTART_..._AK:-sandbox-...}`: a secret field with a non-empty default.
_SECRET_DEFAULT = re.compile(r"\$\{env:(QUICKSTART_[A-Z0-9_]+):-[^}]+\}")


def quickstart_keys() -> dict:
    """Plain values for every QUICKSTART_* variable the quickstart's Credentials read."""
    text = (QUICKSTART / "credentials.yaml").read_text()
    names = set(re.findall(r"\$\{env:(QUICKSTART_[A-Z0-9_]+)", text)) - {"QUICKSTART_AWS_TOKEN"}
    return {name: "qs-" + name.lower().replace("_", "-") for name in names}


def clean_env(extra=None, keys=True) -> dict:
    """The caller's environment without OMS and SDK settings (so the embedded sandbox is used).

    keys: set the quickstart's QUICKSTART_* key variables, so that tests of other rules do not
    depend on how examples/quickstart provides its keys (test_cli_leaks checks that with
    keys=False: nothing set at all).
    """
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HUAWEICLOUD_SDK_", "OMS_", "QUICKSTART_"))}
    env["NO_COLOR"] = "1"
    if keys:
        env.update(quickstart_keys())
    env.update(extra or {})
    return env


@dataclass
class Run:
    args: list
    returncode: int
    stdout: str
    stderr: str
    elapsed: float
    timed_out: bool = False

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self, limit=3000) -> str:
        text = f"$ oms-plan {' '.join(map(str, self.args))}\nexit {self.returncode} after {self.elapsed:.2f}s"
        if self.timed_out:
            text += " (timed out, killed)"
        return f"{text}\n--- stdout\n{self.stdout[-limit:]}\n--- stderr\n{self.stderr[-limit:]}"


def run_cli(args, cwd, env=None, timeout=120, stdin=subprocess.DEVNULL, memory_limit=None) -> Run:
    """Runs oms-plan; a timeout kills it and is reported (timed_out) instead of raising.

    `memory_limit` (bytes of address space) keeps a runaway reader from taking the machine down
    with it: it then fails (and counts as a crash) instead.
    """
    command = [str(binary_path()), *map(str, args)]

    def limit():
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    started = time.monotonic()
    try:
        done = subprocess.run(command, cwd=cwd, env=env if env is not None else clean_env(),
                              capture_output=True, timeout=timeout, stdin=stdin,
                              preexec_fn=limit if memory_limit else None)
        return Run(list(args), done.returncode, _text(done.stdout), _text(done.stderr), time.monotonic() - started)
    except subprocess.TimeoutExpired as expired:
        return Run(list(args), -9, _text(expired.stdout), _text(expired.stderr), time.monotonic() - started, True)


def _text(data) -> str:
    if data is None:
        return ""
    return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data


def copy_quickstart(destination: Path, as_is=False) -> Path:
    """A copy of examples/quickstart (with its sandbox seed) at `destination`.

    Unless `as_is`, Credentials read their keys with plain `${env:NAME}` (clean_env sets them):
    the rules under test then do not depend on the quickstart's own way of providing keys.
    """
    shutil.copytree(QUICKSTART, destination)
    if not as_is:
        credentials = destination / "credentials.yaml"
        credentials.write_text(_SECRET_DEFAULT.sub(r"${env:\1}", credentials.read_text()))
    return destination


def is_crash(run: Run) -> bool:
    return run.returncode in CRASH_EXITS or "Fatal error" in run.output


def located_errors(text: str):
    return [m.groupdict() for m in LOCATED_ERROR.finditer(text)]


def assert_no_crash(run: Run):
    assert not run.timed_out, "did not finish in time\n" + run.describe()
    assert not is_crash(run), "crashed\n" + run.describe()


def assert_usage_error(run: Run):
    """Rejected while parsing the command line: exit 64, a message on stderr, nothing crashed."""
    assert_no_crash(run)
    assert run.returncode == USAGE_EXIT, f"expected a usage error (exit {USAGE_EXIT})\n" + run.describe()
    assert run.stderr.strip(), "usage error without a message on stderr\n" + run.describe()


# --- secrets and the leak plan (test_cli_leaks.py) ---------------------------------------------

# Distinctive values, each with a core of 8 letters/digits that random ids and hashes will not
# produce by chance; the core alone is searched too (case-insensitively), which also catches
# partial masking and encodings. LEAK_AK is lowercase: it doubles as a valid bucket name.
CANARIES = {
    "LEAK_AK": "leakcanary-env-q7wz3xab",                      # env, Credentials accessKey
    "FILE_SK": "LEAKCANARY-FILE-k9vy2mqe+/=",                   # ${file:secrets/sk.txt}, secretKey
    "LEAK_TOKEN": "LEAKCANARY-TOKEN-j4hx8pzu",                 # env, securityToken
    "LEAK_CDN": "LEAKCANARY-CDN-w2rt6nvy",                     # env, CDN authKey
    "HUAWEICLOUD_SDK_SK": "LEAKCANARY-SK-z5mq1vkw",            # CLI credential variables
    "HUAWEICLOUD_SDK_SECURITY_TOKEN": "LEAKCANARY-STS-p8kd3wgm",
    "OMS_AUTH_TOKEN": "LEAKCANARY-AUTH-b6ny7uhq",
    "OMS_IAM_PASSWORD": "LEAKCANARY-IAMPW-x3gt9rjl",
    # A Notification's webhook URL (issue 26): a secret like a key. Port 9 (discard): nothing answers.
    "LEAK_HOOK": "https://127.0.0.1:9/hooks/LEAKCANARY-HOOK-t5fn8cxa",
}
# Not a secret: referenced next to the secrets, it must still be shown (proves the field printed).
PLAIN_NOTE = "plainnote-r7tk2wqs"
PLAIN_NOTE_2 = "plainnote-h3vb9cwe"  # the same variable later: descriptions change, diff shows before/after


def canary_core(value: str) -> str:
    return value.split("-")[2][:8]


def leak_forms(value: str) -> set:
    import base64
    from urllib.parse import quote, quote_plus
    return {value, value.replace("/", "\\/"), quote(value, safe=""), quote(value), quote_plus(value),
            base64.b64encode(value.encode()).decode().rstrip("=")}


def find_leaks(data) -> list:
    """[(canary name, form)] of every canary found in `data` (str or bytes)."""
    blob = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    lower = blob.lower()
    hits = []
    for name, value in CANARIES.items():
        for form in sorted(leak_forms(value)):
            if form.encode() in blob:
                hits.append((name, form))
        if canary_core(value).lower().encode() in lower:
            hits.append((name, "core " + canary_core(value)))
    return hits


def leak_context(data, limit=3) -> str:
    blob = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    lower, shown = blob.lower(), []
    for value in CANARIES.values():
        at = lower.find(canary_core(value).lower().encode())
        if at >= 0 and len(shown) < limit:
            shown.append(repr(blob[max(0, at - 120):at + 60]))
    return "\n".join(shown)


def leak_env(endpoint="sandbox", debug=False) -> dict:
    """Canaries in the plan's variables and in the CLI's credential variables.

    With `endpoint="sandbox"` (the documented word for the embedded sandbox) the commands still
    use the embedded sandbox although credential variables are set; with None they are left
    unset too, and only commands that never connect (validate) may run.
    """
    extra = {k: v for k, v in CANARIES.items() if k != "FILE_SK"}
    extra["HUAWEICLOUD_SDK_AK"] = "leaktest-sdk-ak"
    extra["OMS_IAM_USER"] = "leaktest-user"
    extra["PLAIN_NOTE"] = PLAIN_NOTE
    if endpoint:
        extra["OMS_ENDPOINT"] = endpoint
    if debug:
        extra["OMS_PLAN_DEBUG"] = "1"
    return clean_env(extra)


LEAK_PLAN = """\
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: leaky}
spec:
  accessKey: ${env:LEAK_AK}
  secretKey: ${file:secrets/sk.txt}
  securityToken: ${env:LEAK_TOKEN}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata: {name: leaky-keys}
spec:
  accessKey: ${env:LEAK_AK}
  secretKey: ${file:secrets/sk.txt}
---
apiVersion: oms-plan/v1
kind: MigrationTask
metadata:
  name: leak-desc
  labels: {team: leak}
spec:
  type: prefix
  source: {cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: leaky, prefixes: ["2023/"]}
  destination: {savePrefix: "leak/${env:LEAK_TOKEN}/"}
  description: "leak ${env:LEAK_AK} ${file:secrets/sk.txt} ${env:PLAIN_NOTE}"
---
apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {name: leak-prefixes}
spec:
  type: prefix
  source:
    {cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: leaky,
     prefixes: ["2024/${env:LEAK_AK}/", "${file:secrets/sk.txt}/", "${env:HUAWEICLOUD_SDK_SK}/", "${env:OMS_AUTH_TOKEN}/"]}
  destination: {savePrefix: "p/"}
  description: "sdk ${env:HUAWEICLOUD_SDK_SECURITY_TOKEN} ${env:OMS_IAM_PASSWORD}"
---
apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {name: leak-objects}
spec:
  type: object
  source:
    {cloud: Aliyun, region: cn-hangzhou, bucket: docs, credentials: leaky,
     objects: ["handbook.pdf", "${file:secrets/sk.txt}.pdf", "${env:LEAK_TOKEN}/"]}
  destination: {savePrefix: "o/"}
---
apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {name: leak-bucket}
spec:
  type: prefix
  source: {cloud: Aliyun, region: cn-hangzhou, bucket: "${env:LEAK_AK}", credentials: leaky, prefixes: [""]}
  destination: {bucket: "${var:leakvar}", savePrefix: "b/"}
---
apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {name: leak-var}
spec:
  type: prefix
  source: {cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: aliyun, prefixes: ["2023/"]}
  destination: {savePrefix: "v/"}
  description: "var ${var:leakvar}"
---
apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {name: leak-list}
spec:
  type: list
  source:
    {cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: aliyun,
     listFile: {bucket: quickstart-lists, key: "${env:LEAK_AK}.txt"}}
  destination: {savePrefix: "l/"}
---
apiVersion: oms-plan/v1
kind: MigrationTask
metadata: {name: leak-cdn}
spec:
  type: prefix
  source:
    {cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: aliyun, prefixes: ["2023/"],
     cdn: {domain: "${env:LEAK_AK}.cdn.example.com", protocol: https, authType: ALIYUN_OSS_A, authKey: "${env:LEAK_CDN}"}}
  destination: {savePrefix: "c/"}
  description: "cdn ${env:LEAK_CDN}"
---
apiVersion: oms-plan/v1
kind: MigrationTaskSet
metadata: {name: leakset}
spec:
  forEach:
    - {bucket: photos, tag: "${env:LEAK_AK}"}
  name: "leakset-${item.bucket}"
  template:
    type: prefix
    source: {cloud: Aliyun, region: cn-hangzhou, bucket: "${item.bucket}", credentials: aliyun, prefixes: ["${item.tag}/"]}
    destination: {savePrefix: "s/${item.tag}/"}
    description: "set ${item.tag}"
---
apiVersion: oms-plan/v1
kind: MigrationTaskGroup
metadata: {name: leak-group}
spec:
  type: prefix
  source: {cloud: Aliyun, region: cn-hangzhou, bucket: archive, credentials: leaky-keys, prefixes: ["${env:LEAK_TOKEN}/"]}
  destination: {savePrefix: "g/${env:LEAK_AK}/"}
  description: "group ${file:secrets/sk.txt}"
---
apiVersion: oms-plan/v1
kind: Notification
metadata: {name: leak-chat}
spec:
  provider: webhook
  url: "${env:LEAK_HOOK}"
  events: [failed, gaveUp, blocked, settled]
"""

LEAK_ADDRESSES = ["MigrationTask/leak-desc", "MigrationTask/leak-prefixes", "MigrationTask/leak-objects",
                  "MigrationTask/leak-bucket", "MigrationTask/leak-var", "MigrationTask/leak-list",
                  "MigrationTask/leak-cdn", "MigrationTask/leakset-photos", "MigrationTaskGroup/leak-group"]


def write_leak_plan(plan: Path):
    """Adds Credentials/leaky, the secret file and tasks that quote the secrets in plain fields."""
    (plan / "secrets").mkdir(exist_ok=True)
    (plan / "secrets" / "sk.txt").write_text(CANARIES["FILE_SK"] + "\n")
    stack = plan / "stack.yaml"
    text = stack.read_text()
    assert "    dst: quickstart-obs\n" in text, "examples/quickstart/stack.yaml changed shape"
    stack.write_text(text.replace("    dst: quickstart-obs\n", '    dst: quickstart-obs\n    leakvar: "${env:LEAK_AK}"\n'))
    (plan / "leaks.yaml").write_text(LEAK_PLAN)


def _task(name, fault, source=None, destination='{savePrefix: "x/"}', type_="prefix"):
    source = source or '{cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: leaky, prefixes: ["2023/"]}'
    lines = ["---", "apiVersion: oms-plan/v1", "kind: MigrationTask", f"metadata: {{name: {name}}}", "spec:",
             f"  type: {type_}", f"  source: {source}", f"  destination: {destination}"]
    if fault:
        lines.append("  " + fault)
    return "\n".join(lines) + "\n"


# One fault per document, each on a line marked `# FAULT`: every one of them must be reported at
# its own line, with the secret it quotes masked.
INVALID_PLAN = "".join([
    _task("bad-priority-sdk", 'options: {priority: "${env:HUAWEICLOUD_SDK_SK}"}  # FAULT'),
    _task("bad-priority", 'options: {priority: "${env:LEAK_AK}"}  # FAULT'),
    _task("bad-storage", 'options: {dstStoragePolicy: "${file:secrets/sk.txt}"}  # FAULT'),
    _task("bad-since", 'options: {migrateSince: "${env:LEAK_TOKEN}"}  # FAULT'),
    _task("bad-overwrite", 'options: {objectOverwriteMode: "${env:OMS_AUTH_TOKEN}"}  # FAULT'),
    _task("bad-topic", 'options: {notifications: {topicUrn: "${env:LEAK_AK}", triggerConditions: [SUCCESS]}}  # FAULT'),
    _task("bad-state", 'state: "${env:LEAK_TOKEN}"  # FAULT'),
    _task("bad-depends", 'dependsOn: ["MigrationTask/${env:LEAK_AK}"]  # FAULT'),
    _task("bad-desc-chars", 'description: "(${env:LEAK_AK}) <${env:LEAK_CDN}>"  # FAULT'),
    _task("bad-desc-long", 'description: "${env:LEAK_AK} ' + "x" * 250 + '"  # FAULT'),
    # Not FAULT lines: adopt ids may only be checked by diff, labels may refuse references as such.
    _task("bad-adopt", 'adopt: {id: "${env:LEAK_AK}"}'),
    _task("bad-label", None).replace("metadata: {name: bad-label}",
                                     'metadata: {name: bad-label, labels: {owner: "${env:LEAK_AK}"}}'),
    _task("bad-cloud", None,
          source='{cloud: "${env:LEAK_AK}", region: cn-hangzhou, bucket: photos, credentials: leaky, prefixes: ["2023/"]}  # FAULT'),
    _task("bad-save-prefix", None, destination='{savePrefix: "../${env:LEAK_TOKEN}/"}  # FAULT'),
    _task("bad-count", None, type_="list",
          source='{cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: leaky, '
                 'listFile: {bucket: quickstart-lists, key: photos.txt, count: "${env:LEAK_AK}"}}  # FAULT'),
    """---
apiVersion: oms-plan/v1
kind: BandwidthSchedule
metadata: {name: bad-schedule}
spec:
  timezone: "${file:secrets/sk.txt}"  # FAULT
  windows:
    - {start: "00:00", end: "06:00", limit: "${env:LEAK_AK}"}  # FAULT
    - {start: "${env:LEAK_TOKEN}", end: "09:00", limit: 50MB/s}  # FAULT
""",
])


def fault_lines(text: str) -> list:
    return [n for n, line in enumerate(text.splitlines(), 1) if line.rstrip().endswith("# FAULT")]
