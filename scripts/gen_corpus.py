#!/usr/bin/env python3
"""Writes the invalid-plan corpus under Tests/MigrationPlanTests/Corpus/.

Each case is a small, complete plan with exactly one problem. The position of the problem is
written into the case's text as «; the generator removes it and records file, line and
column in expect.json together with a fragment of the expected message and whether the JSON
Schema can express the rule (schemaExpressible; then schema_agreement.py checks that the
schema rejects the case, and otherwise that it accepts it).

Run:  python3 scripts/gen_corpus.py   (it rewrites the whole Corpus directory)
"""
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "MigrationPlanTests" / "Corpus"
M = "«"

STACK = """apiVersion: oms-plan/v1
kind: Stack
metadata:
  name: corpus
spec:
  region: cn-north-4
  serviceTimezone: "+08:00"
  variables:
    dst: corpus-obs
"""

CREDENTIALS = """apiVersion: oms-plan/v1
kind: Credentials
metadata:
  name: src
spec:
  accessKey: ${env:CORPUS_AK}
  secretKey: ${env:CORPUS_SK}
---
apiVersion: oms-plan/v1
kind: Credentials
metadata:
  name: obs
spec:
  accessKey: ${env:CORPUS_OBS_AK}
  secretKey: ${env:CORPUS_OBS_SK}
"""

SCHEDULES = """apiVersion: oms-plan/v1
kind: BandwidthSchedule
metadata:
  name: office-hours
spec:
  windows:
    - {start: "08:00", end: "19:00", limit: 20MiB/s}
    - {start: "19:00", end: "08:00", limit: 200MiB/s}
"""

SOURCE = """  source:
    cloud: Aliyun
    region: cn-hangzhou
    bucket: photos
    credentials: src
    prefixes: ["2024/"]
"""

DEST = """  destination:
    bucket: ${var:dst}
    credentials: obs
"""


def task(name="photos", kind="MigrationTask", type_line="  type: prefix\n", source=SOURCE, dest=DEST, extra="",
         metadata=None):
    meta = metadata if metadata is not None else f"metadata:\n  name: {name}\n"
    return f"apiVersion: oms-plan/v1\nkind: {kind}\n{meta}spec:\n{type_line}{source}{dest}{extra}"


def src(lines):
    return "  source:\n" + "".join(f"    {l}\n" for l in lines)


ALIYUN = ["cloud: Aliyun", "region: cn-hangzhou", "bucket: photos", "credentials: src"]


def sched(windows, extra=""):
    return ("apiVersion: oms-plan/v1\nkind: BandwidthSchedule\nmetadata:\n  name: office-hours\nspec:\n" + extra +
            "  windows:\n" + "".join(f"    - {w}\n" for w in windows))


CASES = []


def case(name, message, schema, files, drop=()):
    CASES.append((name, message, schema, files, drop))


# --- YAML and files -----------------------------------------------------------------------
case("yaml-unclosed-flow", "invalid YAML", False, {"task.yaml": task(extra='  description: "unterminated\n«')})
case("yaml-duplicate-key", "duplicate key `bucket`", False,
     {"task.yaml": task(source=src(["cloud: Aliyun", "region: cn-hangzhou", "«bucket: photos", "credentials: src",
                                    'prefixes: ["2024/"]', "bucket: other"]))})
case("yaml-tab-indentation", "invalid YAML", False, {"task.yaml": task(extra="  options:\n«\tenableKms: true\n")})
case("yaml-bad-indentation", "invalid YAML", False, {"task.yaml": task(extra="  state: running\n   onFailure«: {}\n")})
case("yaml-unsupported-tag", "unsupported YAML tag", False, {"task.yaml": task(extra="  description: «!Ref photos\n")})
case("document-is-a-list", "must be a mapping", True, {"extra.yaml": "«- apiVersion: oms-plan/v1\n- kind: Stack\n"})
case("undefined-alias", "invalid YAML", False, {"task.yaml": task(extra="  description: «*nothing\n")})

# --- Envelope -----------------------------------------------------------------------------
case("missing-api-version", "missing required field `apiVersion`", True,
     {"task.yaml": task().replace("apiVersion: oms-plan/v1\n", "# no version\n«", 1)})
case("wrong-api-version", "unsupported apiVersion `oms-plan/v2`", True,
     {"task.yaml": task().replace("apiVersion: oms-plan/v1", "apiVersion: «oms-plan/v2", 1)})
case("unknown-kind", "unknown kind `MigrationTasks`", True,
     {"task.yaml": task(kind="«MigrationTasks")})
case("kind-wrong-case", "unknown kind `migrationtask`", True, {"task.yaml": task(kind="«migrationtask")})
case("missing-metadata", "missing required field `metadata`", True,
     {"task.yaml": task(metadata="").replace("apiVersion", "«apiVersion", 1)})
case("missing-name", "missing required field `name`", True,
     {"task.yaml": task(metadata="«metadata:\n  labels: {team: media}\n")})
case("name-upper-case", "invalid name `Photos`", True, {"task.yaml": task(name="«Photos")})
case("name-underscore", "invalid name `photos_2024`", True, {"task.yaml": task(name="«photos_2024")})
case("name-too-long", "at most 63", True, {"task.yaml": task(name="«" + "p" * 64)})
case("name-trailing-dash", "invalid name `photos-`", True, {"task.yaml": task(name="«photos-")})
case("unknown-envelope-field", "unknown field `status`", True, {"task.yaml": task() + "«status: {}\n"})
case("unknown-metadata-field", "did you mean `labels`", True,
     {"task.yaml": task(metadata="metadata:\n  name: photos\n  «label: {team: media}\n")})
case("label-value-invalid", "invalid label value", True,
     {"task.yaml": task(metadata="metadata:\n  name: photos\n  labels: {team: «media team}\n")})
case("label-value-not-string", "must be a string", True,
     {"task.yaml": task(metadata="metadata:\n  name: photos\n  labels: {year: «2024}\n")})
case("label-key-invalid", "invalid label key", True,
     {"task.yaml": task(metadata="metadata:\n  name: photos\n  labels: {«-team: media}\n")})
case("missing-spec", "missing required field `spec`", True,
     {"task.yaml": "«apiVersion: oms-plan/v1\nkind: MigrationTask\nmetadata:\n  name: photos\n"})

# --- Duplicates and the stack ------------------------------------------------------------
case("duplicate-task-across-files", "`MigrationTask/photos` is declared twice", False,
     {"task2.yaml": task(name="«photos")})
case("duplicate-credentials-in-file", "`Credentials/src` is declared twice", False,
     {"credentials.yaml": CREDENTIALS + "---\napiVersion: oms-plan/v1\nkind: Credentials\nmetadata:\n  name: «src\nspec:\n  accessKey: ${env:A}\n  secretKey: ${env:B}\n"})
case("two-stacks", "exactly one Stack", False,
     {"stack2.yaml": STACK.replace("name: corpus", "name: «other")})
case("no-stack", "no Stack is declared", False, {"credentials.yaml": M + CREDENTIALS}, drop=("stack.yaml",))
case("stack-missing-region", "missing required field `region`", True,
     {"stack.yaml": STACK.replace("spec:\n  region: cn-north-4\n", "«spec:\n")})
case("stack-region-not-string", "must be a string", True,
     {"stack.yaml": STACK.replace("region: cn-north-4", "region: «4")})
case("stack-prune-yes", "must be a boolean", True, {"stack.yaml": STACK + "  prune: «yes\n"})
case("stack-unknown-timezone", "unknown time zone `Mars/Olympus`", False,
     {"stack.yaml": STACK.replace('serviceTimezone: "+08:00"', 'serviceTimezone: «Mars/Olympus')})
case("stack-unknown-field", "did you mean `defaults`", True, {"stack.yaml": STACK + "  «defualts: {}\n"})
case("stack-defaults-adopt", "cannot be a default", True,
     {"stack.yaml": STACK + "  defaults:\n    «adopt: {id: \"1\"}\n"})
case("stack-variable-name", "invalid variable name `my-var`", True,
     {"stack.yaml": STACK + "    «my-var: x\n"})
case("stack-defaults-unknown-nested", "unknown field `buckett`", True,
     {"stack.yaml": STACK + "  defaults:\n    destination:\n      «buckett: x\n"})

# --- References ---------------------------------------------------------------------------
case("undefined-variable", "undefined variable `dest`", False,
     {"task.yaml": task(dest="  destination:\n    bucket: «${var:dest}\n    credentials: obs\n")})
case("env-unset", "environment variable `CORPUS_UNSET_BUCKET` is not set", False,
     {"task.yaml": task(dest="  destination:\n    bucket: «${env:CORPUS_UNSET_BUCKET}\n    credentials: obs\n")})
case("file-unreadable", "cannot read", False, {"task.yaml": task(extra="  description: «${file:missing.txt}\n")})
case("reference-unknown-kind", "unknown reference kind `evn`", False,
     {"task.yaml": task(dest="  destination:\n    bucket: «${evn:BUCKET}\n    credentials: obs\n")})
case("reference-unterminated", "unterminated reference", False,
     {"task.yaml": task(dest="  destination:\n    bucket: «${env:BUCKET\n    credentials: obs\n")})
case("item-outside-task-set", "only available in a MigrationTaskSet", False,
     {"task.yaml": task(extra="  description: «${item.bucket}\n")})
case("variable-refers-to-variable", "cannot refer to other variables", False,
     {"stack.yaml": STACK + "    other: «${var:dst}\n"})

# --- Credentials --------------------------------------------------------------------------
CRED = "apiVersion: oms-plan/v1\nkind: Credentials\nmetadata:\n  name: extra\nspec:\n"
case("literal-access-key", "literal secret", True, {"extra.yaml": CRED + "  accessKey: «AKIAIOSFODNN7EXAMPLE\n  secretKey: ${env:X}\n"})
case("literal-secret-key", "literal secret", True, {"extra.yaml": CRED + "  accessKey: ${env:X}\n  secretKey: «wJalrXUtnFEMI\n"})
case("secret-from-variable", "plain text in the plan", True,
     {"extra.yaml": CRED + "  accessKey: «${var:dst}\n  secretKey: ${env:X}\n"})
case("secret-with-literal-text", "exactly one", True,
     {"extra.yaml": CRED + "  accessKey: «key-${env:X}\n  secretKey: ${env:X}\n"})
case("credentials-missing-secret-key", "missing required field `secretKey`", True,
     {"extra.yaml": CRED.replace("spec:\n", "«spec:\n") + "  accessKey: ${env:X}\n"})
case("credentials-empty", "need `accessKey` and `secretKey`, or `jsonAuthFile`", True,
     {"extra.yaml": CRED.replace("spec:\n", "«spec: {}\n")})
case("credentials-token-without-keys", "belongs with `accessKey`", True,
     {"extra.yaml": CRED + "  jsonAuthFile: ${env:X}\n  «securityToken: ${env:Y}\n"})
case("credentials-unknown-field", "unknown field `sessionToken`", True,
     {"extra.yaml": CRED + "  accessKey: ${env:X}\n  secretKey: ${env:Y}\n  «sessionToken: ${env:Z}\n"})
case("secret-not-string", "must be a string reference", True,
     {"extra.yaml": CRED + "  accessKey: «12345\n  secretKey: ${env:Y}\n"})
case("secret-with-default", "a secret written into the plan", False,
     {"extra.yaml": CRED + "  accessKey: «${env:X:-AKIAEXAMPLE}\n  secretKey: ${env:Y}\n"})
case("file-outside-repository", "outside the plan's repository", False,
     {"task.yaml": task(extra="  description: «${file:/etc/hostname}\n")})
case("cdn-literal-auth-key", "literal secret", True,
     {"task.yaml": task(source=src(ALIYUN + ['prefixes: ["2024/"]', "cdn: {domain: cdn.example.com, protocol: https, authType: ALIYUN_OSS_A, authKey: «plainkey}"]))})

# --- Keys are names, not paths -------------------------------------------------------------
case("save-prefix-dot-dot", "`..` segment", False,
     {"task.yaml": task(dest="  destination:\n    bucket: corpus-obs\n    credentials: obs\n    savePrefix: «../../outside/\n")})
case("prefix-leading-slash", "must not start with `/`", False,
     {"task.yaml": task(source=src(ALIYUN + ['prefixes: [«"/etc/"]']))})
case("prefix-nul", "NUL", False,
     {"task.yaml": task(source=src(ALIYUN + ['prefixes: [«"logs/\\0x"]']))})

# --- Bandwidth schedules ------------------------------------------------------------------
case("window-start-one-digit-hour", "must be a time `HH:MM`", True,
     {"schedules.yaml": sched(['{start: «"8:00", end: "19:00", limit: 20MiB/s}'])})
case("window-end-25", "must be a time `HH:MM`", True,
     {"schedules.yaml": sched(['{start: "08:00", end: «"25:00", limit: 20MiB/s}'])})
case("window-start-24", "`24:00` can only end a window", True,
     {"schedules.yaml": sched(['{start: «"24:00", end: "08:00", limit: 20MiB/s}'])})
case("window-unknown-unit", "unknown bandwidth unit `MBps`", True,
     {"schedules.yaml": sched(['{start: "08:00", end: "19:00", limit: «20MBps}'])})
case("window-limit-too-low", "outside what OMS accepts", False,
     {"schedules.yaml": sched(['{start: "08:00", end: "19:00", limit: «512KiB/s}'])})
case("window-limit-too-high-bytes", "outside what OMS accepts", True,
     {"schedules.yaml": sched(['{start: "08:00", end: "19:00", limit: «300000000}'])})
case("window-limit-too-high-gib", "outside what OMS accepts", False,
     {"schedules.yaml": sched(['{start: "08:00", end: "19:00", limit: «1GiB/s}'])})
case("window-limit-not-a-number", "is not a bandwidth", True,
     {"schedules.yaml": sched(['{start: "08:00", end: "19:00", limit: «fast}'])})
case("windows-overlap", "overlaps window 08:00-19:00", False,
     {"schedules.yaml": sched(['{start: "08:00", end: "19:00", limit: 20MiB/s}', '«{start: "18:00", end: "20:00", limit: 50MiB/s}'])})
case("windows-overlap-on-weekend", "on Saturdays", False,
     {"schedules.yaml": sched(['{start: "08:00", end: "19:00", limit: 20MiB/s}',
                               '«{start: "00:00", end: "24:00", limit: 50MiB/s, days: [sat, sun]}'])})
case("windows-overlap-crossing-midnight", "overlaps", False,
     {"schedules.yaml": sched(['{start: "22:00", end: "06:00", limit: 20MiB/s}', '«{start: "05:00", end: "07:00", limit: 50MiB/s}'])})
case("too-many-rules", "compiles to 6 bandwidth rules", False,
     {"schedules.yaml": sched(['{start: "00:00", end: "01:00", limit: 10MiB/s}', '{start: "02:00", end: "03:00", limit: 10MiB/s}',
                               '{start: "04:00", end: "05:00", limit: 10MiB/s}', '{start: "06:00", end: "07:00", limit: 10MiB/s}',
                               '{start: "08:00", end: "09:00", limit: 10MiB/s}', '«{start: "10:00", end: "11:00", limit: 10MiB/s}'])})
case("too-many-rules-after-midnight-split", "compiles to 6 bandwidth rules", False,
     {"schedules.yaml": sched(['{start: "02:00", end: "03:00", limit: 10MiB/s}', '{start: "04:00", end: "05:00", limit: 10MiB/s}',
                               '{start: "06:00", end: "07:00", limit: 10MiB/s}', '{start: "08:00", end: "09:00", limit: 10MiB/s}',
                               '«{start: "23:00", end: "01:00", limit: 20MiB/s}'])})
case("too-many-rules-after-timezone", "compiles to 6 bandwidth rules", False,
     {"schedules.yaml": sched(['{start: "10:00", end: "11:00", limit: 10MiB/s}', '{start: "12:00", end: "13:00", limit: 10MiB/s}',
                               '{start: "14:00", end: "15:00", limit: 10MiB/s}', '{start: "00:00", end: "02:00", limit: 10MiB/s}',
                               '«{start: "16:00", end: "18:00", limit: 20MiB/s}'], extra="  timezone: Europe/Berlin\n")})
case("window-start-equals-end", "cannot start and end at the same time", False,
     {"schedules.yaml": sched(['{start: "08:00", end: «"08:00", limit: 20MiB/s}'])})
case("window-unknown-day", "`saturday` is not a day", True,
     {"schedules.yaml": sched(['{start: "08:00", end: "19:00", limit: 20MiB/s, days: [«saturday]}'])})
case("window-day-twice", "listed twice", True,
     {"schedules.yaml": sched(['{start: "08:00", end: "19:00", limit: 20MiB/s, days: [sat, «sat]}'])})
case("window-days-empty", "is empty", True,
     {"schedules.yaml": sched(['{start: "08:00", end: "19:00", limit: 20MiB/s, days: «[]}'])})
case("window-unknown-field", "unknown field `note`", True,
     {"schedules.yaml": sched(['{start: "08:00", end: "19:00", limit: 20MiB/s, «note: office}'])})
case("window-missing-limit", "missing required field `limit`", True,
     {"schedules.yaml": sched(['«{start: "08:00", end: "19:00"}'])})
case("schedule-missing-windows", "missing required field `windows`", True,
     {"schedules.yaml": "apiVersion: oms-plan/v1\nkind: BandwidthSchedule\nmetadata:\n  name: office-hours\n«spec:\n  timezone: UTC\n"})
case("schedule-unknown-timezone", "unknown time zone `Berlin`", False,
     {"schedules.yaml": sched(['{start: "08:00", end: "19:00", limit: 20MiB/s}'], extra="  timezone: «Berlin\n")})
case("schedule-undeclared", "bandwidth schedule `offce-hours` is not declared", False,
     {"task.yaml": task(extra="  bandwidth: «offce-hours\n")})
case("bandwidth-invalid-name", "must name a BandwidthSchedule", True,
     {"task.yaml": task(extra="  bandwidth: «Office_Hours\n")})
case("inline-window-overlap", "overlaps", False,
     {"task.yaml": task(extra='  bandwidth:\n    - {start: "00:00", end: "12:00", limit: 20MiB/s}\n    - «{start: "11:00", end: "13:00", limit: 20MiB/s}\n')})

# --- Tasks: fields ------------------------------------------------------------------------
case("task-missing-type", "missing required field `type`", False, {"task.yaml": task(type_line="").replace("spec:", "«spec:")})
case("task-unknown-type", "found `prefixes`", True, {"task.yaml": task(type_line="  type: «prefixes\n")})
case("group-type-object", "OMS task groups have no `object` type", True,
     {"task.yaml": task(kind="MigrationTaskGroup", type_line="  type: «object\n",
                        source=src(ALIYUN + ['prefixes: ["2024/"]']))})
case("unknown-cloud", "unknown cloud `Alibaba`", True,
     {"task.yaml": task(source=src(["cloud: «Alibaba", "region: cn-hangzhou", "bucket: photos", "credentials: src", 'prefixes: ["2024/"]']))})
case("missing-source", "missing required field `source`", False, {"task.yaml": task(source="").replace("spec:", "«spec:")})
case("missing-destination-bucket", "missing required field `bucket`", False,
     {"task.yaml": task(dest="  «destination:\n    credentials: obs\n")})
case("missing-destination-credentials", "missing required field `credentials`", False,
     {"task.yaml": task(dest="  «destination:\n    bucket: corpus-obs\n")})
case("destination-unknown-field", "did you mean `savePrefix`", True,
     {"task.yaml": task(dest=DEST + "    «savePrefx: photos/\n")})
case("bucket-not-string", "quote it", True,
     {"task.yaml": task(source=src(["cloud: Aliyun", "region: cn-hangzhou", "bucket: «2024", "credentials: src", 'prefixes: ["2024/"]']))})
case("destination-region-differs", "the stack's OMS region is `cn-north-4`", False,
     {"task.yaml": task(dest=DEST + "    region: «cn-east-3\n")})
case("description-forbidden-character", "contains `(`", True, {"task.yaml": task(extra="  description: «Photos (2024)\n")})
case("description-ampersand", "contains `&`", True, {"task.yaml": task(extra="  description: «Photos & videos\n")})
case("description-too-long-with-marker", "ownership marker", False,
     {"task.yaml": task(extra="  description: «" + "x" * 230 + "\n")})
case("description-over-255", "too long", True, {"task.yaml": task(extra="  description: «" + "y" * 256 + "\n")})
case("description-reserved-marker", "reserves for its ownership marker", False,
     {"task.yaml": task(extra="  description: «copied oms-plan:corpus:MigrationTask/x#12345678\n")})
case("state-invalid", "found `stopped`", True, {"task.yaml": task(extra="  state: «stopped\n")})
case("on-failure-action-invalid", "did you mean `restart`", True, {"task.yaml": task(extra="  onFailure: {action: «restar}\n")})
case("on-failure-max-attempts-zero", "from 1 to 100", True,
     {"task.yaml": task(extra="  onFailure: {action: restart, maxAttempts: «0}\n")})
case("replace-on-change-string", "must be a boolean", True, {"task.yaml": task(extra="  replaceOnChange: «\"yes\"\n")})
case("adopt-id-not-numeric", "numeric OMS task id", False, {"task.yaml": task(extra="  adopt: {id: «abc}\n")})
case("adopt-missing-id", "missing required field `id`", True, {"task.yaml": task(extra="  «adopt: {}\n")})
case("options-unknown-field", "did you mean `enableKms`", True, {"task.yaml": task(extra="  options:\n    «enableKMS: true\n")})
case("options-priority-invalid", "did you mean `HIGH`", True, {"task.yaml": task(extra="  options: {priority: «high}\n")})
case("group-options-priority", "OMS task groups have no priority", True,
     {"task.yaml": task(kind="MigrationTaskGroup", extra="  options:\n    «priority: HIGH\n")})
case("group-objects", "MigrationTaskGroup has no `source.objects`", True,
     {"task.yaml": task(kind="MigrationTaskGroup", source=src(ALIYUN + ['prefixes: ["a/"]', '«objects: ["a.txt"]']))})
case("migrate-since-invalid", "RFC 3339", True, {"task.yaml": task(extra="  options: {migrateSince: «yesterday}\n")})
case("notifications-bad-urn", "SMN topic URN", True,
     {"task.yaml": task(extra="  options:\n    notifications: {topicUrn: «topic, triggerConditions: [SUCCESS]}\n")})
case("notifications-bad-condition", "`SUCCESS` or `FAILURE`", True,
     {"task.yaml": task(extra="  options:\n    notifications: {topicUrn: \"urn:smn:cn-north-4:1:t\", triggerConditions: [«DONE]}\n")})
case("storage-policy-invalid", "must be one of", True, {"task.yaml": task(extra="  options: {dstStoragePolicy: «COLD}\n")})
case("enable-kms-not-boolean", "must be a boolean", True, {"task.yaml": task(extra="  options: {enableKms: «1}\n")})

# --- Tasks: OMS task-type rules -----------------------------------------------------------
case("object-task-with-prefixes", "is for `type: prefix`", True,
     {"task.yaml": task(type_line="  type: object\n", source=src(ALIYUN + ['objects: ["a.txt"]', '«prefixes: ["2024/"]']))})
case("prefix-task-with-objects", "is for `type: object`", True,
     {"task.yaml": task(source=src(ALIYUN + ['prefixes: ["2024/"]', '«objects: ["a.txt"]']))})
case("prefix-task-with-list-file", "is for `type: list`", True,
     {"task.yaml": task(source=src(ALIYUN + ['prefixes: ["2024/"]', '«listFile: {bucket: lists, key: a.txt}']))})
case("prefix-task-without-prefixes", "missing `source.prefixes`", False,
     {"task.yaml": task(source="  «source:\n" + "".join(f"    {l}\n" for l in ALIYUN))})
case("object-task-without-objects", "missing `source.objects`", False,
     {"task.yaml": task(type_line="  type: object\n", source="  «source:\n" + "".join(f"    {l}\n" for l in ALIYUN))})
case("list-task-without-list-file", "missing `source.listFile`", False,
     {"task.yaml": task(type_line="  type: list\n", source="  «source:\n" + "".join(f"    {l}\n" for l in ALIYUN))})
case("list-task-with-prefixes", "is for `type: prefix`", True,
     {"task.yaml": task(type_line="  type: list\n", source=src(ALIYUN + ["listFile: {bucket: lists, key: a.txt}", '«prefixes: ["x/"]']))})
case("url-list-with-aliyun", "must have `cloud: URLSource`", True,
     {"task.yaml": task(type_line="  type: url_list\n", source=src(["cloud: «Aliyun", "listFile: {bucket: lists, key: urls.txt}"]))})
case("url-source-with-prefix-type", "only for `type: url_list`", True,
     {"task.yaml": task(source=src(["cloud: «URLSource", "region: r", "bucket: b", "credentials: src", 'prefixes: ["x/"]']))})
case("url-list-with-bucket", "not used by url_list", True,
     {"task.yaml": task(type_line="  type: url_list\n", source=src(["cloud: URLSource", "«bucket: photos", "listFile: {bucket: lists, key: urls.txt}"]))})
case("tencent-without-app-id", "missing `source.appId`", True,
     {"task.yaml": task(source="  «source:\n" + "".join(f"    {l}\n" for l in ["cloud: Tencent", "region: ap-guangzhou", "bucket: media-1254563210", "credentials: src", 'prefixes: ["x/"]']))})
case("app-id-without-tencent", "only for `cloud: Tencent`", True,
     {"task.yaml": task(source=src(ALIYUN + ['prefixes: ["x/"]', '«appId: "1254563210"']))})
case("too-many-prefixes", "at most 500 keys", True,
     {"task.yaml": task(source=src(ALIYUN + ["prefixes: «[" + ", ".join(f'"p{i}/"' for i in range(501)) + "]"]))})
case("empty-prefixes", "the list of keys is empty", True, {"task.yaml": task(source=src(ALIYUN + ["prefixes: «[]"]))})
case("missing-source-region", "missing `source.region`", False,
     {"task.yaml": task(source="  «source:\n" + "".join(f"    {l}\n" for l in ["cloud: Aliyun", "bucket: photos", "credentials: src", 'prefixes: ["x/"]']))})
case("list-file-missing-key", "missing required field `key`", True,
     {"task.yaml": task(type_line="  type: list\n", source=src(ALIYUN + ["«listFile: {bucket: lists}"]))})
case("cdn-auth-type-without-key", "missing required field `authKey`", True,
     {"task.yaml": task(source=src(ALIYUN + ['prefixes: ["x/"]', "«cdn: {domain: cdn.example.com, protocol: https, authType: ALIYUN_OSS_A}"]))})
case("cdn-protocol-invalid", "found `ftp`", True,
     {"task.yaml": task(source=src(ALIYUN + ['prefixes: ["x/"]', "cdn: {domain: cdn.example.com, protocol: «ftp}"]))})

# --- Tasks: references and the graph ------------------------------------------------------
case("credentials-undeclared", "did you mean `src`", False,
     {"task.yaml": task(source=src(["cloud: Aliyun", "region: cn-hangzhou", "bucket: photos", "credentials: «srcc", 'prefixes: ["x/"]']))})
case("destination-credentials-undeclared", "destination credentials `obs2` are not declared", False,
     {"task.yaml": task(dest="  destination:\n    bucket: corpus-obs\n    credentials: «obs2\n")})
case("destination-credentials-json-only", "have no access key", False,
     {"task.yaml": task(dest="  destination:\n    bucket: corpus-obs\n    credentials: «gcs\n"),
      "extra.yaml": "apiVersion: oms-plan/v1\nkind: Credentials\nmetadata:\n  name: gcs\nspec:\n  jsonAuthFile: ${env:GCS}\n"})
case("group-temporary-credentials", "security token", False,
     {"task.yaml": task(kind="MigrationTaskGroup", source=src(["cloud: Aliyun", "region: cn-hangzhou", "bucket: photos", "credentials: «tmp", 'prefixes: ["x/"]'])),
      "extra.yaml": "apiVersion: oms-plan/v1\nkind: Credentials\nmetadata:\n  name: tmp\nspec:\n  accessKey: ${env:T_AK}\n  secretKey: ${env:T_SK}\n  securityToken: ${file:token.txt}\n",
      "token.txt": "temporary-token\n"})
case("depends-on-bare-name", "did you mean `MigrationTask/photos`", True,
     {"task2.yaml": task(name="videos", extra="  dependsOn: [«photos]\n")})
case("depends-on-undeclared", "names `MigrationTask/photo`, which is not declared", False,
     {"task2.yaml": task(name="videos", extra="  dependsOn: [«MigrationTask/photo]\n")})
case("dependency-cycle", "dependency cycle: MigrationTask/photos -> MigrationTask/videos -> MigrationTask/photos", False,
     {"task.yaml": task(extra="  dependsOn: [«MigrationTask/videos]\n"),
      "task2.yaml": task(name="videos", extra="  dependsOn: [MigrationTask/photos]\n")})
case("dependency-cycle-three", "dependency cycle: MigrationTask/a -> MigrationTask/b -> MigrationTask/c -> MigrationTask/a", False,
     {"cycle.yaml": task(name="a", extra="  dependsOn: [«MigrationTask/b]\n") + "---\n" +
      task(name="b", extra="  dependsOn: [MigrationTask/c]\n") + "---\n" + task(name="c", extra="  dependsOn: [MigrationTask/a]\n")})
case("depends-on-itself", "depends on itself", False, {"task.yaml": task(extra="  dependsOn: [«MigrationTask/photos]\n")})

# --- Task sets ----------------------------------------------------------------------------
SET = "apiVersion: oms-plan/v1\nkind: MigrationTaskSet\nmetadata:\n  name: logs\n"
TEMPLATE = ("  template:\n    type: prefix\n    source: {cloud: AWS, region: us-east-1, bucket: \"${item.bucket}\", credentials: src, prefixes: [\"2024/\"]}\n"
            "    destination: {bucket: \"${item.bucket}-obs\", credentials: obs}\n")
case("task-set-missing-for-each", "missing required field `forEach`", True,
     {"set.yaml": SET + "«spec:\n  name: \"logs-${item.bucket}\"\n" + TEMPLATE})
case("task-set-empty-for-each", "makes no tasks", True,
     {"set.yaml": SET + "spec:\n  forEach: «[]\n  name: \"logs-${item.bucket}\"\n" + TEMPLATE})
case("task-set-template-key-typo", "no `forEach` item has the key `buckt`", False,
     {"set.yaml": SET + "spec:\n  forEach:\n    - {bucket: web}\n    - {bucket: api}\n  name: «\"logs-${item.buckt}\"\n" + TEMPLATE})
case("task-set-item-missing-key", "has no key `bucket`", False,
     {"set.yaml": SET + "spec:\n  forEach:\n    - {bucket: web}\n    - «{buckt: api}\n  name: \"logs-${item.bucket}\"\n" + TEMPLATE})
case("task-set-invalid-generated-name", "makes the task name `logs-Web`", False,
     {"set.yaml": SET + "spec:\n  forEach:\n    - «{bucket: Web}\n  name: \"logs-${item.bucket}\"\n" + TEMPLATE})
case("task-set-duplicate-generated-name", "both make `MigrationTask/logs-web`", False,
     {"set.yaml": SET + "spec:\n  forEach:\n    - {bucket: web}\n    - «{bucket: web}\n  name: \"logs-${item.bucket}\"\n" + TEMPLATE})
case("task-set-collides-with-task", "which is also declared", False,
     {"set.yaml": SET + "spec:\n  forEach:\n    - «{bucket: photos}\n  name: \"${item.bucket}\"\n" + TEMPLATE})
case("task-set-template-unknown-field", "unknown field `descripton` in `spec.template`", True,
     {"set.yaml": SET + "spec:\n  forEach: [{bucket: web}]\n  name: \"logs-${item.bucket}\"\n" + TEMPLATE + "    «descripton: logs\n"})
case("task-set-template-not-mapping", "must be a mapping", True,
     {"set.yaml": SET + "spec:\n  forEach: [{bucket: web}]\n  name: \"logs-${item.bucket}\"\n  template: «[prefix]\n"})
case("task-set-unknown-field", "did you mean `forEach`", True,
     {"set.yaml": SET + "spec:\n  forEach: [{bucket: web}]\n  «foreach: [{bucket: api}]\n  name: \"logs-${item.bucket}\"\n" + TEMPLATE})
case("task-set-template-type-rule", "is for `type: object`", True,
     {"set.yaml": SET + "spec:\n  forEach: [{bucket: web}]\n  name: \"logs-${item.bucket}\"\n" +
      TEMPLATE.replace('prefixes: ["2024/"]}', 'prefixes: ["2024/"], «objects: [a]}')})


# --- Regions (the table OMS answers data-center with) and bucket naming rules --------------
def source_at(cloud, region="cn-hangzhou", bucket="photos", extra=()):
    return src([f"cloud: {cloud}", f"region: {region}", f"bucket: {bucket}", "credentials: src", 'prefixes: ["2024/"]', *extra])


def dest_bucket(bucket):
    return f"  destination:\n    bucket: {bucket}\n    credentials: obs\n"


case("region-stack-unknown", "did you mean `cn-north-4`", False,
     {"stack.yaml": STACK.replace("region: cn-north-4", "region: «cn-nort-4")})
case("region-stack-other-cloud", "not a region OMS supports for HuaweiCloud", False,
     {"stack.yaml": STACK.replace("region: cn-north-4", "region: «cn-hangzhou")})
case("region-source-unknown", "did you mean `cn-hangzhou`", False,
     {"task.yaml": task(source=source_at("Aliyun", region="«cn-hangzou"))})
case("region-source-other-cloud", "not a region OMS supports for AWS", False,
     {"task.yaml": task(source=source_at("AWS", region="«cn-hangzhou"))})
case("region-source-case", "did you mean `us-east-1`", False,
     {"task.yaml": task(source=source_at("AWS", region="«US-EAST-1"))})
case("region-destination-unknown", "did you mean `cn-north-4`", False,
     {"task.yaml": task(dest=DEST + "    region: «cn-nort-4\n")})
case("region-group-source-unknown", "did you mean `ap-guangzhou`", False,
     {"task.yaml": task(kind="MigrationTaskGroup", source=src(["cloud: Tencent", "region: «ap-guangzou", "bucket: media-1254563210",
                                                               "credentials: src", 'appId: "1254563210"', 'prefixes: ["x/"]']))})
case("region-sync-source-unknown", "not a region OMS supports for Qiniu", False,
     {"task.yaml": "apiVersion: oms-plan/v1\nkind: MigrationSyncTask\nmetadata:\n  name: follow\nspec:\n" +
      src(["cloud: Qiniu", "region: «cn-hangzhou", "bucket: photos", "credentials: src"]) + DEST})
case("region-task-set-template", "did you mean `us-east-1`", False,
     {"set.yaml": "apiVersion: oms-plan/v1\nkind: MigrationTaskSet\nmetadata:\n  name: logs\nspec:\n  forEach: [{bucket: web}]\n"
      "  name: \"logs-${item.bucket}\"\n  template:\n    type: prefix\n    source: {cloud: AWS, region: «us-east-01, bucket: \"${item.bucket}\", "
      "credentials: src, prefixes: [\"2024/\"]}\n    destination: {bucket: \"${item.bucket}-obs\", credentials: obs}\n"})
case("region-from-defaults", "did you mean `cn-hangzhou`", False,
     {"stack.yaml": STACK + "  defaults:\n    source:\n      region: «cn-hangzhoo\n",
      "task.yaml": task(source=src(["cloud: Aliyun", "bucket: photos", "credentials: src", 'prefixes: ["2024/"]']))})
case("region-setting-invalid", "must be one of `error`, `warning`", True,
     {"stack.yaml": STACK + "  unknownRegions: «warn\n"})

case("bucket-too-short", "must be 3 to 63 characters long, not 2", False, {"task.yaml": task(dest=dest_bucket("«ab"))})
case("bucket-too-long", "must be 3 to 63 characters long, not 64", False, {"task.yaml": task(dest=dest_bucket("«" + "a" * 64))})
case("bucket-too-short-baidu", "must be 4 to 63 characters long", False, {"task.yaml": task(source=source_at("Baidu", "bj", "«abc"))})
case("bucket-too-short-qingcloud", "must be 6 to 63 characters long", False,
     {"task.yaml": task(source=source_at("QingCloud", "pek3a", "«media"))})
case("bucket-upper-case", "must be lower case (found `S`)", False, {"task.yaml": task(source=source_at("Aliyun", bucket="«ShopAssets"))})
case("bucket-underscore", "may contain only lower-case letters, digits and `-` (found `_`)", False,
     {"task.yaml": task(source=source_at("Aliyun", bucket="«shop_assets"))})
case("bucket-both-rules", "must be lower case (found `S`); may contain only", False,
     {"task.yaml": task(source=source_at("Aliyun", bucket="«Shop_Assets"))})
case("bucket-dot-not-allowed", "(found `.`)", False, {"task.yaml": task(source=source_at("Aliyun", bucket="«shop.assets"))})
case("bucket-non-ascii", "(found U+6876)", False, {"task.yaml": task(source=source_at("Aliyun", bucket="«桶-1"))})
case("bucket-leading-hyphen", "must start with a letter or digit, not `-`", False, {"task.yaml": task(dest=dest_bucket('«"-shop"'))})
case("bucket-trailing-hyphen", "must end with a letter or digit, not `-`", False, {"task.yaml": task(dest=dest_bucket("«shop-"))})
case("bucket-trailing-dot", "must end with a letter or digit, not `.`", False, {"task.yaml": task(dest=dest_bucket("«shop."))})
case("bucket-double-dot", "must not contain `..`", False, {"task.yaml": task(dest=dest_bucket("«shop..assets"))})
case("bucket-dot-beside-hyphen", "must not have `.` next to `-`", False, {"task.yaml": task(dest=dest_bucket("«shop.-assets"))})
case("bucket-ip-address", "must not be an IP address", False, {"task.yaml": task(dest=dest_bucket("«192.168.5.4"))})
case("bucket-azure-double-hyphen", "must not contain `--`", False,
     {"task.yaml": task(source=source_at("Azure", "eastasia", "«shop--assets"))})
case("bucket-aws-prefix", "must not start with `xn--`", False, {"task.yaml": task(source=source_at("AWS", "us-east-1", "«xn--shop"))})
case("bucket-aws-suffix", "must not end with `-s3alias`", False,
     {"task.yaml": task(source=source_at("AWS", "us-east-1", "«shop-s3alias"))})
case("bucket-google-prefix", "must not start with `goog`", False,
     {"task.yaml": task(source=source_at("Google", "us", "«google-photos"))})
case("bucket-list-file", "not a valid Huawei Cloud OBS bucket name", False,
     {"task.yaml": task(type_line="  type: list\n", source=src(ALIYUN + ["listFile: {bucket: «Lists, key: a.txt}"]))})
case("bucket-sync-destination", "must be lower case (found `P`)", False,
     {"task.yaml": "apiVersion: oms-plan/v1\nkind: MigrationSyncTask\nmetadata:\n  name: follow\nspec:\n" +
      src(["cloud: Aliyun", "region: cn-hangzhou", "bucket: photos", "credentials: src"]) + dest_bucket("«Photos-obs")})
case("bucket-from-variable", "must be lower case (found `C`)", False,
     {"stack.yaml": STACK.replace("dst: corpus-obs", "dst: Corpus-obs"), "task.yaml": task(dest=dest_bucket("«${var:dst}"))})


# Cases added after not-utf8 (below), numbered after it so that the numbers of the cases
# above never change.
LATE = []


def late_case(name, message, schema, files, drop=()):
    LATE.append((name, message, schema, files, drop))


# YAML syntax errors keep libyaml's location and gain a hint that names the mistake (issue 23).
late_case("yaml-hint-tab", "line 9 is indented with a tab (column 1); YAML indents with spaces only", False,
          {"task.yaml": task(source=SOURCE.replace("    region: cn-hangzhou", "«\tregion: cn-hangzhou"))})
late_case("yaml-hint-slip-deeper", "`region:` is indented 5 spaces and `cloud:` on line 8 is indented 4", False,
          {"task.yaml": task(source=SOURCE.replace("    region: cn-hangzhou", "     region«: cn-hangzhou"))})
late_case("yaml-hint-slip-shallower", "`region:` is indented 3 spaces and `cloud:` on line 8 is indented 4", False,
          {"task.yaml": task(source=SOURCE.replace("    region: cn-hangzhou", "   «region: cn-hangzhou"))})
late_case("yaml-hint-unclosed-quote", "the `\"` at line 16, column 16 starts a value that is never closed", False,
          {"task.yaml": task(extra='  description: "unterminated\n«')})
late_case("yaml-hint-quote-runs-on", "the `\"` at line 10, column 13 is not closed on its line", False,
          {"task.yaml": task(source=SOURCE.replace("bucket: photos", 'bucket: "photos').replace('["2024/"]', '["«2024/"]'))})
late_case("yaml-hint-unclosed-bracket", "the `[` at line 12, column 15 is never closed: end the list with `]` at the end of line 12",
          False, {"task.yaml": task(source=SOURCE.replace('["2024/"]', '["2024/"'), dest=DEST.replace("  destination:", "  «destination:"))})
late_case("yaml-hint-colon-in-value", "the value of `description:` holds `: `", False,
          {"task.yaml": task(extra="  description: note«: this\n")})
# A misspelt kind is one error: what refers to the resource it declares is not reported too.
late_case("kind-typo-with-dependent", "did you mean `MigrationTask`?", True,
          {"task.yaml": task(kind="«MigrationTsk"),
           "task2.yaml": task(name="videos", source=SOURCE.replace("2024/", "2025/"), extra="  dependsOn: [MigrationTask/photos]\n")})
late_case("kind-typo-credentials", "did you mean `Credentials`?", True,
          {"credentials.yaml": CREDENTIALS.replace("kind: Credentials\nmetadata:\n  name: src", "kind: «Credential\nmetadata:\n  name: src")})
late_case("kind-suffix-with-dependent", "did you mean `MigrationTask` or `MigrationSyncTask`?", True,
          {"task.yaml": task(kind="«Task"),
           "task2.yaml": task(name="videos", source=SOURCE.replace("2024/", "2025/"), extra="  dependsOn: [MigrationTask/photos]\n")})


# --- acceptFailures (issue 24, part 4): each entry a reason and at least one matcher -------
def accept(entries):
    return task(extra="  acceptFailures:\n" + "".join(f"    - {e}\n" for e in entries))


late_case("accept-failures-no-reason", "missing required field `reason`", True,
          {"task.yaml": accept(["«{keys: [photos/broken.jpg]}"])})
late_case("accept-failures-empty-reason", "`spec.acceptFailures[0].reason` is empty", True,
          {"task.yaml": accept(['{reason: «"", codes: [NoSuchKey]}'])})
late_case("accept-failures-no-matcher", "names no failed objects", True,
          {"task.yaml": accept(["«{reason: deleted at the source}"])})
late_case("accept-failures-empty-prefix", "would accept every failed object", True,
          {"task.yaml": accept(['{reason: scratch, prefix: «""}'])})
late_case("accept-failures-empty-keys", "`spec.acceptFailures[0].keys` is empty", True,
          {"task.yaml": accept(["{reason: gone, keys: «[]}"])})
late_case("accept-failures-unknown-field", "did you mean `codes`", True,
          {"task.yaml": accept(["{reason: gone, «code: [NoSuchKey]}"])})
late_case("accept-failures-bad-code", "is not an error code", True,
          {"task.yaml": accept(['{reason: gone, codes: [«"No Such Key"]}'])})
late_case("accept-failures-key-outside-prefix", "can never match", False,
          {"task.yaml": accept(["{reason: scratch, prefix: tmp/, keys: [tmp/a, «logs/b]}"])})
late_case("accept-failures-not-a-list", "`spec.acceptFailures` must be a list", True,
          {"task.yaml": task(extra="  acceptFailures: «{reason: gone, codes: [NoSuchKey]}\n")})
late_case("accept-failures-sync-task", "never finishes", True,
          {"task.yaml": "apiVersion: oms-plan/v1\nkind: MigrationSyncTask\nmetadata:\n  name: follow\nspec:\n" +
           src(["cloud: Aliyun", "region: cn-hangzhou", "bucket: photos", "credentials: src"]) + DEST +
           "  «acceptFailures: [{reason: gone, codes: [NoSuchKey]}]\n"})
late_case("accept-failures-default", "`acceptFailures` cannot be a default", True,
          {"stack.yaml": STACK + "  defaults:\n    «acceptFailures: [{reason: gone, codes: [NoSuchKey]}]\n"})
late_case("accept-failures-task-set", "names no failed objects", True,
          {"set.yaml": "apiVersion: oms-plan/v1\nkind: MigrationTaskSet\nmetadata:\n  name: logs\nspec:\n  forEach: [{bucket: web}, {bucket: api}]\n"
           "  name: \"logs-${item.bucket}\"\n  acceptFailures: [«{reason: rotated away}]\n  template:\n    type: prefix\n"
           "    source: {cloud: AWS, region: us-east-1, bucket: \"${item.bucket}\", credentials: src, prefixes: [\"2024/\"]}\n"
           "    destination: {bucket: \"${item.bucket}-obs\", credentials: obs}\n"})


# --- incremental (issue 25, part 1): passes after the full copy ---------------------------
def incremental(value):
    return task(extra=f"  incremental: {value}\n")


late_case("incremental-no-every", "missing required field `every`", True,
          {"task.yaml": task(extra="  «incremental: {overlap: 5m}\n")})
late_case("incremental-every-too-short", "must be from 1m to 30d", False,
          {"task.yaml": incremental("{every: «30s}")})
late_case("incremental-bad-duration", "must be a duration such as `12h`", True,
          {"task.yaml": incremental("{every: «twelve}")})
late_case("incremental-overlap-not-shorter", "must be shorter than `every`", False,
          {"task.yaml": incremental("{every: 1h, overlap: «2h}")})
late_case("incremental-keep-out-of-range", "must be an integer from 0 to 100", True,
          {"task.yaml": incremental("{every: 1h, keep: «101}")})
late_case("incremental-unknown-field", "did you mean `every`", True,
          {"task.yaml": incremental("{«evry: 1h}")})
late_case("incremental-sync-task", "MigrationSyncTask has no `incremental`", True,
          {"task.yaml": "apiVersion: oms-plan/v1\nkind: MigrationSyncTask\nmetadata:\n  name: follow\nspec:\n" +
           src(["cloud: Aliyun", "region: cn-hangzhou", "bucket: photos", "credentials: src"]) + DEST +
           "  «incremental: {every: 12h}\n"})
late_case("incremental-task-set", "must be a duration such as `12h`", True,
          {"set.yaml": "apiVersion: oms-plan/v1\nkind: MigrationTaskSet\nmetadata:\n  name: logs\nspec:\n  forEach: [{bucket: web}, {bucket: api}]\n"
           "  name: \"logs-${item.bucket}\"\n  incremental: {every: «often}\n  template:\n    type: prefix\n"
           "    source: {cloud: AWS, region: us-east-1, bucket: \"${item.bucket}\", credentials: src, prefixes: [\"2024/\"]}\n"
           "    destination: {bucket: \"${item.bucket}-obs\", credentials: obs}\n"})


# --- Notification (issue 26, part 1): where to tell people; the URL is a secret ------------
def notification(spec):
    return "apiVersion: oms-plan/v1\nkind: Notification\nmetadata:\n  name: team-chat\n" + spec


NOTIFY_OK = "  provider: slack\n  url: ${file:url.txt}\n  events: [failed]\n"
late_case("notification-literal-url", "`spec.url` is a literal secret", True,
          {"notify.yaml": notification("spec:\n  provider: slack\n  url: «https://hooks.slack.com/services/T0/B0/abcdefghij\n  events: [failed]\n")})
late_case("notification-url-default", "gives `${env:HOOK}` a default", False,
          {"notify.yaml": notification("spec:\n  provider: slack\n  url: «${env:HOOK:-https://example.com/h}\n  events: [failed]\n")})
late_case("notification-http-url", "an http:// URL to a host other than this machine", False,
          {"notify.yaml": notification("spec:\n  provider: webhook\n  url: «${file:url.txt}\n  events: [failed]\n"),
           "url.txt": "http://chat.example.com/hook\n"})
late_case("notification-unknown-provider", "did you mean `slack`", True,
          {"notify.yaml": notification("spec:\n  provider: «slak\n  url: ${file:url.txt}\n  events: [failed]\n"),
           "url.txt": "https://chat.example.com/hook\n"})
late_case("notification-unknown-event", "unknown event `gaveup` in `spec.events`", True,
          {"notify.yaml": notification("spec:\n  provider: slack\n  url: ${file:url.txt}\n  events: [failed, «gaveup]\n"),
           "url.txt": "https://chat.example.com/hook\n"})
late_case("notification-no-events", "missing required field `events`", True,
          {"notify.yaml": notification("«spec:\n  provider: slack\n  url: ${file:url.txt}\n"),
           "url.txt": "https://chat.example.com/hook\n"})
late_case("notification-bad-interval", "`spec.minInterval` must be a duration from 1m to 30d", True,
          {"notify.yaml": notification("spec:\n" + NOTIFY_OK + "  minInterval: «soon\n"), "url.txt": "https://chat.example.com/hook\n"})
late_case("notification-selector-not-mapping", "`spec.selector` must be a mapping of labels", True,
          {"notify.yaml": notification("spec:\n" + NOTIFY_OK + "  selector: «[team]\n"), "url.txt": "https://chat.example.com/hook\n"})
late_case("notification-unknown-field", "did you mean `events`", True,
          {"notify.yaml": notification("spec:\n" + NOTIFY_OK + "  «event: [settled]\n"), "url.txt": "https://chat.example.com/hook\n"})

# --- suspend and change freezes (issue 26): when oms-plan may act --------------------------
def suspended(value):
    return task(extra=f"  suspend: {value}\n")


def frozen(*entries):
    return {"stack.yaml": STACK + "  freezes:\n" + "".join(f"    - {e}\n" for e in entries)}


SYNC_DOC = ("apiVersion: oms-plan/v1\nkind: MigrationSyncTask\nmetadata:\n  name: follow\nspec:\n" +
            src(["cloud: Aliyun", "region: cn-hangzhou", "bucket: photos", "credentials: src"]) + DEST)

late_case("suspend-no-reason", "missing required field `reason` in `spec.suspend`", True,
          {"task.yaml": task(extra="  «suspend: {until: \"2027-01-10T00:00:00Z\"}\n")})
late_case("suspend-empty-reason", "`spec.suspend.reason` is empty", True, {"task.yaml": suspended('{reason: «"  "}')})
late_case("suspend-boolean", "must be a mapping with a `reason`", True, {"task.yaml": suspended("«true")})
late_case("suspend-bad-until", "`spec.suspend.until` must be an RFC 3339 date and time", True,
          {"task.yaml": suspended("{reason: NET-42, until: «tomorrow}")})
late_case("suspend-date-only-until", "`spec.suspend.until` must be an RFC 3339 date and time", True,
          {"task.yaml": suspended("{reason: NET-42, until: «\"2027-01-10\"}")})
late_case("suspend-control-character", "must be one line without control characters", True,
          {"task.yaml": suspended('{reason: «"NET-42\\tnetwork"}')})
late_case("suspend-unknown-field", "did you mean `until`", True,
          {"task.yaml": suspended('{reason: NET-42, «untill: "2027-01-10T00:00:00Z"}')})
late_case("suspend-as-default", "`suspend` cannot be a default", True,
          {"stack.yaml": STACK + "  defaults:\n    «suspend: {reason: NET-42}\n"})
late_case("suspend-stack-no-reason", "missing required field `reason` in `spec.suspend`", True,
          {"stack.yaml": STACK + "  «suspend: {}\n"})
late_case("suspend-sync-task", "`spec.suspend.reason` is empty", True,
          {"task.yaml": SYNC_DOC + "  suspend: {reason: «\"\"}\n"})
late_case("suspend-task-set", "`spec.suspend.until` must be an RFC 3339 date and time", True,
          {"set.yaml": "apiVersion: oms-plan/v1\nkind: MigrationTaskSet\nmetadata:\n  name: logs\nspec:\n  forEach: [{bucket: web}, {bucket: api}]\n"
           "  name: \"logs-${item.bucket}\"\n  suspend: {reason: NET-42, until: «soon}\n  template:\n    type: prefix\n"
           "    source: {cloud: AWS, region: us-east-1, bucket: \"${item.bucket}\", credentials: src, prefixes: [\"2024/\"]}\n"
           "    destination: {bucket: \"${item.bucket}-obs\", credentials: obs}\n"})
late_case("freeze-bad-start", "must be a time `HH:MM` (a weekly freeze) or an RFC 3339 date and time", True,
          frozen('{start: «noon, end: "14:00", reason: CAB-7}'))
late_case("freeze-no-reason", "missing required field `reason` in `spec.freezes[0]`", True,
          frozen('«{start: "18:00", end: "08:00"}'))
late_case("freeze-bad-day", "`friday` is not a day", True,
          frozen('{start: "18:00", end: "08:00", days: [«friday], reason: CAB-7}'))
late_case("freeze-unknown-field", "did you mean `days`", True,
          frozen('{start: "18:00", end: "08:00", reason: CAB-7, «dayz: [fri]}'))
late_case("freeze-end-unlike-start", "`spec.freezes[1].end` must be a time `HH:MM` (or `24:00`) like its start", False,
          frozen('{start: "18:00", end: "08:00", reason: CAB-7}', '{start: "18:00", end: «"2026-12-24T08:00:00+08:00", reason: CAB-7}'))
late_case("freeze-end-before-start", "`spec.freezes[0].end` must be after its start", False,
          frozen('{start: "2026-12-24T00:00:00+08:00", end: «"2026-12-23T00:00:00+08:00", reason: year-end}'))
late_case("freeze-days-with-dates", "belongs to a weekly freeze", False,
          frozen('{start: "2026-12-24T00:00:00+08:00", end: "2026-12-27T00:00:00+08:00", «days: [thu], reason: year-end}'))
late_case("freeze-same-start-end", "a freeze cannot start and end at the same time", False,
          frozen('{start: "08:00", end: «"08:00", reason: CAB-7}'))
late_case("freeze-bad-timezone", "unknown time zone `Mars/Olympus`", False,
          frozen('{start: "18:00", end: "08:00", timezone: «Mars/Olympus, reason: CAB-7}'))



# --- Cutover (issue 25, part 2): the gate, each mistake at its place ----------------------
def cutover(spec):
    return "apiVersion: oms-plan/v1\nkind: Cutover\nmetadata:\n  name: go-live\nspec:\n" + spec


late_case("cutover-no-of", "missing required field `of` in `spec`", True,
          {"cutover.yaml": cutover("  «at: \"2027-01-15T02:00:00+08:00\"\n").replace("spec:\n  «at", "«spec:\n  at")})
late_case("cutover-empty-of", "`spec.of` is empty", True, {"cutover.yaml": cutover("  of: «[]\n")})
late_case("cutover-of-undeclared", "`spec.of` names `MigrationTask/photo`, which is not declared", False,
          {"cutover.yaml": cutover("  of: [«MigrationTask/photo]\n")})
late_case("cutover-of-not-an-address", "`spec.of` entries are addresses `Kind/name`", True,
          {"cutover.yaml": cutover("  of: [«photos]\n")})
late_case("cutover-of-sync-task", "a synchronization task, which never finishes a full copy", True,
          {"cutover.yaml": cutover("  of: [«MigrationSyncTask/follow]\n")})
late_case("cutover-bad-at", "`spec.at` must be an RFC 3339 date and time with an offset", True,
          {"cutover.yaml": cutover("  of: [MigrationTask/photos]\n  at: «\"2027-01-15\"\n")})
late_case("cutover-negative-unaccepted", "`spec.require.unacceptedFailures` must be an integer from 0", True,
          {"cutover.yaml": cutover("  of: [MigrationTask/photos]\n  require: {unacceptedFailures: «-1}\n")})
late_case("cutover-bad-max-final-pass", "`spec.require.maxFinalPass` must be a duration from 1s to 7d", True,
          {"cutover.yaml": cutover("  of: [MigrationTask/photos]\n  require: {maxFinalPass: «soon}\n")})
late_case("cutover-unknown-field", "unknown field `when` in `spec`", True,
          {"cutover.yaml": cutover("  of: [MigrationTask/photos]\n  «when: now\n")})
late_case("cutover-depends-on-undeclared", "`dependsOn` names `Cutover/go-lve`, which is not declared", False,
          {"cutover.yaml": cutover("  of: [MigrationTask/photos]\n"),
           "task2.yaml": task(name="videos", source=SOURCE.replace("2024/", "2025/"), extra="  dependsOn: [«Cutover/go-lve]\n")})
late_case("cutover-cycle", "dependency cycle: Cutover/go-live -> MigrationTask/photos -> Cutover/go-live", False,
          {"cutover.yaml": cutover("  of: [MigrationTask/photos]\n").replace("  name: go-live", "  name: «go-live"),
           "task.yaml": task(extra="  dependsOn: [Cutover/go-live]\n")})


BASE = {"stack.yaml": STACK, "credentials.yaml": CREDENTIALS, "schedules.yaml": SCHEDULES, "task.yaml": task()}


def locate(files):
    found = []
    for name, text in files.items():
        if M in text:
            idx = text.index(M)
            line = text.count("\n", 0, idx) + 1
            col = idx - (text.rfind("\n", 0, idx) + 1) + 1
            found.append((name, line, col))
    assert len(found) == 1, found
    return found[0]


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    (OUT / ".keep").write_text("")
    names = set()
    for n, (name, message, schema, files, drop) in [*enumerate(CASES, 1), *enumerate(LATE, len(CASES) + 2)]:
        assert name not in names, name
        names.add(name)
        plan = {k: v for k, v in BASE.items() if k not in drop and k not in files}
        plan.update(files)
        fname, line, col = locate(plan)
        d = OUT / f"{n:03d}-{name}"
        d.mkdir()
        for k, v in plan.items():
            (d / k).write_text(v.replace(M, ""))
        expect = {"file": fname, "line": line, "column": col, "message": message, "schemaExpressible": schema}
        (d / "expect.json").write_text(json.dumps(expect, indent=2) + "\n")
    # A file that is not UTF-8: written as bytes, so it lives outside the text cases.
    n = len(CASES) + 1
    d = OUT / f"{n:03d}-not-utf8"
    d.mkdir()
    for k, v in BASE.items():
        (d / k).write_text(v)
    broken = task(extra="  description: caf\u00e9\n").encode("utf-8").replace("caf\u00e9".encode("utf-8"), b"caf\xe9")
    (d / "task.yaml").write_bytes(broken)
    line = broken[:broken.index(b"\xe9")].count(b"\n") + 1
    (d / "expect.json").write_text(json.dumps({"file": "task.yaml", "line": line, "column": 1, "message": "not UTF-8 text",
                                               "schemaExpressible": False}, indent=2) + "\n")
    print(f"{n + len(LATE)} cases")


if __name__ == "__main__":
    main()
