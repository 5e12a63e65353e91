#!/usr/bin/env python3
"""Generates schemas/plan.schema.json (JSON Schema draft 2020-12 for one plan document) and
its copy Sources/MigrationPlan/Schema/plan.schema.json, which the package embeds in the binary
(a resource, `.embedInCode`).

Run after changing the plan format:  python3 scripts/gen_plan_schema.py
Each property's change behaviour, default and example come from scripts/plan_schema_notes.py;
then run scripts/gen_plan_reference.py (docs/plan-reference.md is written from the schema).
The Swift test PlanSchemaTests checks that the embedded copy equals the file.
"""
import json
import pathlib

from plan_schema_notes import annotate

ROOT = pathlib.Path(__file__).resolve().parent.parent

NAME = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
INTERP = {"type": "string", "pattern": r"\$\{", "description": "A value given by a reference: ${env:NAME}, ${env:NAME:-default}, ${file:PATH}, ${var:NAME} (or ${item.KEY} in a task set template)."}


def ref(name):
    return {"$ref": f"#/$defs/{name}"}


def or_interp(schema):
    """A typed value, or a string holding a reference (resolved when the plan is loaded)."""
    return {"anyOf": [schema, ref("interpolated")]}


def string(desc, **kw):
    s = {"type": "string", "description": desc}
    s.update(kw)
    return s


def pattern_string(desc, pattern, **kw):
    # Whole-value pattern, or any string with a reference in it.
    return {"type": "string", "description": desc, "pattern": f"^(?:{pattern})$|\\$\\{{", **kw}


def enum(desc, values):
    return {"description": desc, "anyOf": [{"enum": values}, ref("interpolated")]}


def boolean(desc):
    return {"description": desc, "anyOf": [{"type": "boolean"}, ref("interpolated")]}


def obj(props, desc=None, required=(), **kw):
    s = {"type": "object"}
    if desc:
        s["description"] = desc
    s["properties"] = props
    s["additionalProperties"] = False
    if required:
        s["required"] = list(required)
    s.update(kw)
    return s


CLOUDS = ["AWS", "Azure", "Aliyun", "Tencent", "HuaweiCloud", "QingCloud", "KingsoftCloud", "Baidu", "Qiniu", "Google", "URLSource", "UCloud"]
CDN_AUTH = ["NONE", "QINIU_PRIVATE_AUTHENTICATION", "ALIYUN_OSS_A", "ALIYUN_OSS_B", "ALIYUN_OSS_C", "KSYUN_PRIVATE_AUTHENTICATION",
            "AZURE_SAS_TOKEN", "TENCENT_COS_A", "TENCENT_COS_B", "TENCENT_COS_C", "TENCENT_COS_D"]
UNITS = "B/s|KB/s|MB/s|GB/s|KiB/s|MiB/s|GiB/s|Kbps|Mbps|Gbps"


def keys(desc):
    return {"type": "array", "description": desc, "minItems": 1, "maxItems": 500,
            "items": {"type": "string", "maxLength": 1024}}


DEADLINE = {"type": "string", "description": "When it should be finished: an RFC 3339 date and time with an offset (2026-12-31T18:00:00+08:00). status, diff and the metrics say when the forecast misses it.",
            "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$|\$\{"}


NO_CONTROL = r"^[^\u0000-\u001f\u007f]*$"
FAILURE_ACCEPTANCE = obj({
    "reason": string("Why these failures are acceptable (a ticket, a decision); shown wherever the entry matches.",
                     minLength=1, pattern=r"\S"),
    "keys": {"type": "array", "minItems": 1, "description": "Exact keys, as OMS's failed list names them (compared byte for byte).",
             "items": {"type": "string", "minLength": 1, "maxLength": 1024, "pattern": NO_CONTROL}},
    "prefix": string("Keys that start with this (byte for byte); not empty.", minLength=1, maxLength=1024, pattern=NO_CONTROL),
    "codes": {"type": "array", "minItems": 1, "description": "Error codes of the failed list, e.g. NoSuchKey.",
              "items": pattern_string("An error code: letters, digits, ., _ or -.", r"[A-Za-z0-9._-]{1,64}")},
}, "Failed objects the plan accepts: all the matchers given (keys, prefix, codes) must match an object.",
    required=["reason"], anyOf=[{"required": ["keys"]}, {"required": ["prefix"]}, {"required": ["codes"]}])
ACCEPT_FAILURES = {"type": "array", "items": ref("failureAcceptance"),
                   "description": "Failed objects that are acceptable as they are: a failed task or group whose every "
                                  "failed object matches an entry is settled (no retry, apply --wait succeeds). Not identity, not sent to OMS."}


# Durations as plans write them: 90s, 15m, 12h, 2d, or combined in that order (1h30m); 0 alone.
DURATION_PATTERN = r"0|(?!$)(?:[0-9]{1,9}d)?(?:[0-9]{1,9}h)?(?:[0-9]{1,9}m)?(?:[0-9]{1,9}s)?"
INCREMENTAL = obj({
    "every": pattern_string("How often a pass copies what changed: from the start of the previous successful copy. "
                            "At least 1m, at most 30d (e.g. 12h).", DURATION_PATTERN),
    "overlap": {"description": "How far migrate_since reaches back before the previous copy's start (default 15m); "
                               "shorter than every.", "anyOf": [pattern_string("A duration such as 15m.", DURATION_PATTERN), {"const": 0}]},
    "keep": {"description": "Succeeded pass tasks kept in OMS once their counts are recorded (default 3).",
             "anyOf": [{"type": "integer", "minimum": 0, "maximum": 100}, ref("interpolated")]},
}, "Incremental passes after the full copy succeeded: each a new OMS task (or group) whose body is the full copy's "
   "with migrate_since, created by reconcile. Not identity, not sent with the full copy.", required=["every"])


# Issue 26: when oms-plan may act. Never identity, never sent to OMS.
INSTANT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
CLOCK = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]"
HOLD_REASON = string("Why (a ticket, who to ask): shown by diff, status and apply beside every change it holds. "
                     "One line, at most 500 characters.", minLength=1, maxLength=500, pattern=r"^[^\u0000-\u001f\u007f-\u009f]*\S[^\u0000-\u001f\u007f-\u009f]*$")
SUSPEND = obj({
    "reason": HOLD_REASON,
    "until": pattern_string("When the suspension ends by itself: an RFC 3339 date and time with an offset. "
                            "Without it, until the plan drops suspend.", INSTANT),
}, "Leave the resource exactly as it is: apply and reconcile create, update, start, pause, retry and delete nothing "
   "of it until `until` passes. Not identity, not sent to OMS.", required=["reason"])
FREEZE = obj({
    "start": pattern_string("HH:MM: a weekly freeze (with days and timezone, like a bandwidth window); or an RFC 3339 "
                            "date and time with an offset: a freeze once.", f"{CLOCK}|{INSTANT}"),
    "end": pattern_string("HH:MM or 24:00 for a weekly freeze (an end at or before the start ends the next day); an RFC 3339 "
                          "date and time after the start for a freeze once.", f"{CLOCK}|24:00|{INSTANT}"),
    "timezone": string("Weekly freezes only: the IANA zone or offset of start and end (default: the stack's serviceTimezone)."),
    "days": {"type": "array", "description": "Weekly freezes only: the days a freeze begins on; every day when absent.",
             "minItems": 1, "uniqueItems": True, "items": {"enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}},
    "reason": HOLD_REASON,
}, "A change freeze: while it lasts, apply and reconcile make no change but the pauses the plan asks for and the "
   "bandwidth rules of the day's windows.", required=["start", "end", "reason"])


def source(group):
    props = {
        "cloud": enum("Source cloud (OMS cloud_type). URLSource exactly for url_list.", CLOUDS),
        "region": string("Region of the source bucket, e.g. cn-hangzhou (not used by url_list)."),
        "bucket": string("Source bucket (not used by url_list)."),
        "credentials": string("Name of the Credentials resource that reads the source (not needed for url_list)."),
        "appId": {"description": "Tencent Cloud APPID; required for, and only for, cloud: Tencent.",
                  "anyOf": [{"type": "string"}, {"type": "integer"}]},
        "prefixes": keys("type prefix: the prefixes to migrate; [\"\"] is the whole bucket. At most 500."),
        "listFile": obj({
            "bucket": string("OBS bucket holding the list files (same region as the destination)."),
            "key": string("Key of the list file, or a folder of list files ending in /.", minLength=1),
            "count": {"description": "Number of list files (OMS list_file_num).",
                      "anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": r"^[0-9]+$|\$\{"}]},
        }, "type list and url_list: where OMS reads the keys or URLs to migrate.", required=["bucket", "key"]),
        "cdn": obj({
            "domain": string("CDN domain name to download through."),
            "protocol": enum("http or https.", ["http", "https"]),
            "authType": enum("CDN authentication scheme (default NONE).", CDN_AUTH),
            "authKey": ref("secret"),
        }, "Migrate through a CDN instead of the bucket endpoint.", required=["domain", "protocol"],
            allOf=[
                {"if": {"required": ["authType"], "properties": {"authType": {"not": {"const": "NONE"}}}}, "then": {"required": ["authKey"]}},
                {"if": {"required": ["authKey"]}, "then": {"required": ["authType"], "properties": {"authType": {"not": {"const": "NONE"}}}}},
            ]),
    }
    if not group:
        props["objects"] = keys("type object: the keys to migrate; a trailing / selects a folder. At most 500.")
    rules = [
        {"if": {"required": ["cloud"], "properties": {"cloud": {"const": "Tencent"}}}, "then": {"required": ["appId"]}},
        {"if": {"required": ["cloud"], "properties": {"cloud": {"enum": [c for c in CLOUDS if c != "Tencent"]}}},
         "then": {"not": {"required": ["appId"]}}},
    ]
    return obj(props, "Where the data comes from.", allOf=rules)


DESTINATION = obj({
    "region": string("OBS region; must be the stack's region (the default)."),
    "bucket": string("Destination OBS bucket.", minLength=1, maxLength=1024),
    "credentials": string("Name of the Credentials resource that writes the destination (access key and secret key)."),
    "savePrefix": string("Prefix prepended to every migrated key.", maxLength=1024),
}, "The OBS bucket data is migrated into.")

WINDOW = obj({
    "start": pattern_string("Start of the window, HH:MM in the schedule's time zone.", r"(?:[01][0-9]|2[0-3]):[0-5][0-9]"),
    "end": pattern_string("End of the window, HH:MM or 24:00; an end before the start crosses midnight.",
                          r"(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00"),
    "limit": {"description": f"Bandwidth limit: a number with a unit ({UNITS.replace('|', ', ')}); a bare integer is bytes per second. OMS accepts 1 MiB/s to 200 MiB/s.",
              "anyOf": [{"type": "integer", "minimum": 1048576, "maximum": 209715200},
                        {"type": "string", "pattern": rf"^[0-9]+(?:\.[0-9]+)?\s*(?:{UNITS})?$|\$\{{"}]},
    "days": {"type": "array", "description": "Only on these days (in the schedule's zone); every day when absent.",
             "minItems": 1, "uniqueItems": True, "items": {"enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}},
}, "A bandwidth window.", required=["start", "end", "limit"])

NOTIFICATIONS = obj({
    "topicUrn": pattern_string("SMN topic URN.", r"urn:smn:.*"),
    "triggerConditions": {"type": "array", "minItems": 1, "description": "When to notify.",
                          "items": {"enum": ["SUCCESS", "FAILURE"]}},
    "language": enum("Message language.", ["zh-cn", "en-us"]),
    "messageTemplateName": string("SMN message template."),
}, "SMN notifications (OMS smn_config).", required=["topicUrn", "triggerConditions"])


def options(group):
    props = {
        "enableKms": boolean("Encrypt at the destination with KMS (default false)."),
        "migrateSince": {"description": "Only objects modified after this RFC 3339 time (or Unix seconds).",
                         "anyOf": [{"type": "integer", "minimum": 0},
                                   {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2}))?$|\$\{"}]},
        "objectOverwriteMode": enum("When to overwrite existing destination objects.",
                                    ["NO_OVERWRITE", "SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE", "CRC64_COMPARISON_OVERWRITE", "FULL_OVERWRITE"]),
        "consistencyCheck": enum("How migrated objects are verified.", ["size_last_modified", "crc64", "no_check"]),
        "dstStoragePolicy": enum("Destination storage class.", ["STANDARD", "IA", "ARCHIVE", "DEEP_ARCHIVE", "SRC_STORAGE_MAPPING"]),
        "enableMetadataMigration": boolean("Migrate object metadata (default false)."),
        "enableRestore": boolean("Restore archived source objects automatically (default false)."),
        "enableFailedObjectRecording": boolean("Record failed objects (default true)."),
        "enableRequesterPays": boolean("Requester pays (default false)."),
        "notifications": NOTIFICATIONS,
    }
    if not group:
        props["priority"] = enum("Task priority (updated in place).", ["HIGH", "MEDIUM", "LOW"])
    return obj(props, "OMS options, with the API reference's meanings and defaults.")


def task_spec(group, defaults=False):
    types = ["prefix", "list", "url_list"] if group else ["object", "prefix", "list", "url_list"]
    props = {
        "type": enum("OMS task type." if not group else "OMS task group type.", types),
        "source": ref("groupSource" if group else "taskSource"),
        "destination": ref("destination"),
        "bandwidth": {"description": "A BandwidthSchedule name, or a list of windows.",
                      "anyOf": [pattern_string("BandwidthSchedule name.", NAME), {"type": "array", "items": ref("window")}]},
        "description": {"type": "string", "maxLength": 255, "pattern": "^[^\\^<>&\"'()]*$",
                        "description": "OMS description. oms-plan appends its ownership marker; together at most 255 characters, without ^<>&\"'()."},
        "state": enum("running (default) or paused.", ["running", "paused"]),
        "onFailure": obj({
            "action": enum("What apply/reconcile does with a failed resource.", ["none", "restart", "retryFailedObjects"]),
            "maxAttempts": {"description": "Restarts or retries before giving up (default 3).",
                            "anyOf": [{"type": "integer", "minimum": 1, "maximum": 100}, ref("interpolated")]},
        }, "Failure handling."),
        "dependsOn": {"type": "array", "description": "Addresses created only after these have succeeded (a Cutover: after it is done).",
                      "items": {"type": "string", "pattern": rf"^(?:MigrationTask|MigrationTaskGroup|MigrationTaskSet|Cutover)/{NAME}$|\$\{{"}},
        "replaceOnChange": boolean("Let apply replace this resource when an immutable field changes."),
        "adopt": obj({"id": {"description": "Id of the existing OMS task or group.",
                             "anyOf": [{"type": "string", "minLength": 1}, {"type": "integer", "minimum": 0}]}},
                     "Manage an existing OMS resource that oms-plan did not create.", required=["id"]),
        "options": ref("groupOptions" if group else "taskOptions"),
        "deadline": DEADLINE,
        "acceptFailures": ACCEPT_FAILURES,
        "incremental": ref("incremental"),
        "suspend": ref("suspend"),
    }
    if defaults:
        props["type"] = enum("OMS task type.", ["object", "prefix", "list", "url_list"])
        props["source"] = ref("taskSource")
        del props["dependsOn"]
        del props["adopt"]
        del props["deadline"]
        del props["acceptFailures"]
        del props["suspend"]
        return obj(props, "Defaults deep-merged under every MigrationTask and MigrationTaskGroup spec (and under MigrationSyncTask specs, the fields they take).")
    type_rules = [
        {"if": {"required": ["type", "source"], "properties": {"type": {"const": "prefix"}}},
         "then": {"properties": {"source": {"not": {"anyOf": [{"required": ["objects"]}, {"required": ["listFile"]}]}}}}},
        {"if": {"required": ["type", "source"], "properties": {"type": {"const": "object"}}},
         "then": {"properties": {"source": {"not": {"anyOf": [{"required": ["prefixes"]}, {"required": ["listFile"]}]}}}}},
        {"if": {"required": ["type", "source"], "properties": {"type": {"enum": ["list", "url_list"]}}},
         "then": {"properties": {"source": {"not": {"anyOf": [{"required": ["prefixes"]}, {"required": ["objects"]}]}}}}},
        {"if": {"required": ["type", "source"], "properties": {"type": {"const": "url_list"}}},
         "then": {"properties": {"source": {"properties": {"cloud": {"const": "URLSource"}},
                                            "not": {"anyOf": [{"required": ["bucket"]}, {"required": ["appId"]}, {"required": ["cdn"]}]}}}}},
        {"if": {"required": ["type", "source"], "properties": {"type": {"enum": [t for t in types if t != "url_list"]}}},
         "then": {"properties": {"source": {"properties": {"cloud": {"not": {"const": "URLSource"}}}}}}},
    ]
    return obj(props, ("A MigrationTaskGroup spec." if group else "A MigrationTask spec."), allOf=type_rules)


SYNC_CLOUDS = ["AWS", "Azure", "Aliyun", "Tencent", "HuaweiCloud", "QingCloud", "KingsoftCloud", "Baidu", "Qiniu", "UCloud"]


def sync_spec():
    """A MigrationSyncTask: a whole bucket kept in sync; no type, keys, bandwidth or onFailure."""
    full = source(True)["properties"]
    src = obj({k: full[k] for k in ["region", "bucket", "credentials", "appId", "cdn"]} |
              {"cloud": enum("Source cloud (OMS src_cloud_type) of the bucket to follow.", SYNC_CLOUDS)},
              "The bucket to follow: every object it names in a sync event is copied to the same key in OBS.",
              required=["cloud", "region", "bucket", "credentials"],
              allOf=[{"if": {"required": ["cloud"], "properties": {"cloud": {"const": "Tencent"}}}, "then": {"required": ["appId"]}},
                     {"if": {"required": ["cloud"], "properties": {"cloud": {"enum": [c for c in SYNC_CLOUDS if c != "Tencent"]}}},
                      "then": {"not": {"required": ["appId"]}}}])
    dst = obj({k: DESTINATION["properties"][k] for k in ["region", "bucket", "credentials"]},
              "The OBS bucket objects are copied into, each under its own key.")
    opts = options(True)["properties"]
    sync_options = obj({k: opts[k] for k in ["enableMetadataMigration", "enableRestore", "dstStoragePolicy", "consistencyCheck"]},
                       "What a synchronization task can take of OMS's options (defaults as for tasks).")
    task = task_spec(False)["properties"]
    props = {"source": src, "destination": dst, "description": task["description"],
             "state": enum("running (default: SYNCHRONIZING) or paused (STOPPED).", ["running", "paused"]),
             "dependsOn": {"type": "array", "description": "Tasks, groups or task sets whose bulk copy must succeed (or Cutovers that must be done) before this synchronization task is created.",
                           "items": {"type": "string", "pattern": rf"^(?:MigrationTask|MigrationTaskGroup|MigrationTaskSet|Cutover)/{NAME}$|\$\{{"}},
             "adopt": obj({"id": {"description": "Id of the existing OMS synchronization task.", "type": "string", "minLength": 1, "maxLength": 100}},
                          "Manage an existing OMS synchronization task that oms-plan did not create.", required=["id"]),
             "options": sync_options, "suspend": ref("suspend")}
    return obj(props, "A MigrationSyncTask spec: an OMS synchronization task. Every field but state is replaced on change (nothing is lost).",
               required=["source"])


def loose(schema):
    """A task set template: same fields, but any value may be an ${item...} reference."""
    if "properties" in schema:
        out = dict(schema)
        out["properties"] = {k: {"anyOf": [loose(v), ref("interpolated")]} for k, v in schema["properties"].items()}
        out.pop("required", None)
        return out
    if "$ref" in schema:
        return loose(DEFS[schema["$ref"].split("/")[-1]])
    return schema


DEFS = {
    "interpolated": INTERP,
    "secret": {"type": "string", "description": "A secret: exactly one ${env:NAME}, ${env:NAME:-default} or ${file:PATH} reference; literal secrets are refused.",
               "pattern": r"^\$\{(?:env:[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?|file:[^}]+)\}$"},
    "metadata": obj({
        "name": {"type": "string", "pattern": f"^{NAME}$", "description": "Unique per kind in the stack; a lower-case DNS label."},
        "labels": {"type": "object", "description": "Free-form labels, usable as --selector k=v.",
                   "propertyNames": {"pattern": r"^(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"},
                   "additionalProperties": {"type": "string", "pattern": r"^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$"}},
        "annotations": {"type": "object", "description": "Free-form notes, ignored by oms-plan.", "additionalProperties": {"type": "string"}},
    }, "Name and labels.", required=["name"]),
    "window": WINDOW,
    "failureAcceptance": FAILURE_ACCEPTANCE,
    "suspend": SUSPEND,
    "freeze": FREEZE,
    "incremental": INCREMENTAL,
    "destination": DESTINATION,
    "taskSource": source(False),
    "groupSource": source(True),
    "taskOptions": options(False),
    "groupOptions": options(True),
    "taskSpec": task_spec(False),
    "groupSpec": task_spec(True),
    "defaults": task_spec(False, defaults=True),
    "stackSpec": obj({
        "region": string("OMS region, e.g. cn-north-4.", minLength=1, maxLength=100),
        "projectId": string("Project id (or --project-id / OMS_PROJECT_ID)."),
        "prune": boolean("Delete owned live resources that are no longer declared (default false)."),
        "serviceTimezone": string("Zone OMS reads bandwidth rules in (default +08:00)."),
        "variables": {"type": "object", "description": "Values for ${var:NAME}.",
                      "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
                      "additionalProperties": {"type": ["string", "number", "boolean"]}},
        "defaults": ref("defaults"),
        "deadline": DEADLINE,
        "unknownRegions": enum("A region missing from oms-plan's table of regions OMS supports (docs/regions.md): "
                               "error (the default) or warning, for regions newer than the table.", ["error", "warning"]),
        "suspend": ref("suspend") | {"description": "Suspend every resource of the stack (each resource's own suspend still holds when this ends)."},
        "freezes": {"type": "array", "items": ref("freeze"), "maxItems": 100,
                    "description": "Change freezes: weekly windows or spans given once, during which only pauses and the day's bandwidth rules are made."},
    }, "The stack: one per plan.", required=["region"]),
    "credentialsSpec": obj({
        "accessKey": ref("secret"), "secretKey": ref("secret"), "securityToken": ref("secret"), "jsonAuthFile": ref("secret"),
    }, "Access keys (or a Google JSON key file), always from references.",
        dependentRequired={"accessKey": ["secretKey"], "secretKey": ["accessKey"], "securityToken": ["accessKey"]},
        anyOf=[{"required": ["accessKey"]}, {"required": ["jsonAuthFile"]}]),
    "scheduleSpec": obj({
        "timezone": string("IANA zone or offset the windows are written in (default: the stack's serviceTimezone)."),
        "windows": {"type": "array", "items": ref("window"), "description": "The windows; hours outside every window are unlimited."},
    }, "Bandwidth windows, compiled to OMS bandwidth rules.", required=["windows"]),
}
DEFS["taskSetSpec"] = obj({
    "forEach": {"type": "array", "minItems": 1, "description": "One generated MigrationTask per item.",
                "items": {"type": ["object", "string", "number", "boolean"]}},
    "name": string("Name of each generated task, e.g. logs-${item.bucket}."),
    "template": loose(task_spec(False)),
    "deadline": DEADLINE,
    "acceptFailures": ACCEPT_FAILURES | {"description": "Acceptances of every generated task, after the template's own."},
    "incremental": ref("incremental") | {"description": "Incremental passes of every generated task whose template has none."},
    "suspend": ref("suspend") | {"description": "Suspends every generated task whose template has no suspend of its own."},
}, "Generates one MigrationTask per forEach item.", required=["forEach", "name", "template"])

DEFS["syncSpec"] = sync_spec()

KINDS = {"Stack": "stackSpec", "Credentials": "credentialsSpec", "BandwidthSchedule": "scheduleSpec",
         "MigrationTask": "taskSpec", "MigrationTaskGroup": "groupSpec", "MigrationTaskSet": "taskSetSpec",
         "MigrationSyncTask": "syncSpec"}

# Issue 26: where to tell people what changed. Plan-only: never sent to OMS, never identity.
NOTIFICATION_EVENTS = ["failed", "gaveUp", "blocked", "deadlineAtRisk", "waveDone", "settled", "cutoverReady", "cutoverDone"]
DEFS["notificationSpec"] = obj({
    "provider": enum("Who receives the messages, and so their JSON: slack, teams (message card), feishu, dingtalk, wecom "
                     "(their robots' text messages), or webhook (oms-plan's documented JSON document).",
                     ["slack", "teams", "feishu", "dingtalk", "wecom", "webhook"]),
    "url": ref("secret") | {"description": "The webhook's URL, a secret: exactly one ${env:NAME} or ${file:PATH} reference "
                                           "(a literal URL is refused); https, or http only to this machine. Masked in every output."},
    "events": {"type": "array", "minItems": 1, "maxItems": 64, "description": "What to send: each event once when it starts to hold.",
               "items": {"enum": NOTIFICATION_EVENTS}},
    "selector": {"type": "object", "description": "Only resources with all of these labels (and waves and the stack's settling "
                                                  "counted over them); every resource when absent.",
                 "additionalProperties": {"type": "string"}, "maxProperties": 64},
    "minInterval": pattern_string("The same event of the same resource at most once in this long (1m to 30d).",
                                  r"(?!$)(?:[0-9]{1,9}d)?(?:[0-9]{1,9}h)?(?:[0-9]{1,9}m)?(?:[0-9]{1,9}s)?"),
}, "Messages to a chat or a webhook when something changes: a resource fails, gives up, is blocked or misses its "
   "deadline; a wave or the stack settles; a Cutover is ready or done.", required=["provider", "url", "events"])
KINDS["Notification"] = "notificationSpec"

# Issue 25, part 2: the cut-over gate. Plan-only: never sent to OMS, never identity.
DEFS["cutoverSpec"] = obj({
    "of": {"type": "array", "minItems": 1, "uniqueItems": True,
           "description": "The tasks, groups and task sets whose copies this cut-over finishes: each gets one final pass.",
           "items": {"type": "string", "pattern": rf"^(?:MigrationTask|MigrationTaskGroup|MigrationTaskSet)/{NAME}$|\$\{{"}},
    "at": DEADLINE | {"description": "When the freeze begins and the final passes start: an RFC 3339 date and time with an offset. "
                                     "Without it, only `oms-plan cutover PATH NAME --now` starts it."},
    "require": obj({
        "unacceptedFailures": {"description": "Failed objects no acceptFailures entry accepts that the cut-over still lets through (default 0).",
                               "anyOf": [{"type": "integer", "minimum": 0}, ref("interpolated")]},
        "maxFinalPass": pattern_string("The longest final pass the freeze window allows (1s to 7d); a longer prediction is a "
                                       "warning in diff, status and the page.", DURATION_PATTERN),
    }, "What the cut-over needs."),
}, "A cut-over: once the copies of `of` are done and their incremental passes run, at `at` (or on `oms-plan cutover --now`) "
   "one final pass per resource copies the last changes, then it is verified; what dependsOn Cutover/NAME starts after.",
    required=["of"])
KINDS["Cutover"] = "cutoverSpec"

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "oms-plan plan document (oms-plan/v1)",
    "description": "One YAML document of an oms-plan plan. oms-plan validate checks more than this schema can express: references, duplicates across files, cycles, compiled bandwidth rules and the description's room for the ownership marker.",
    "type": "object",
    "properties": {
        "apiVersion": {"const": "oms-plan/v1", "description": "Plan format version."},
        "kind": {"enum": list(KINDS), "description": "What this document declares."},
        "metadata": ref("metadata"),
        "spec": {"type": "object", "description": "The kind's settings."},
    },
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "allOf": [{"if": {"required": ["kind"], "properties": {"kind": {"const": k}}},
               "then": {"properties": {"spec": ref(v)}}} for k, v in KINDS.items()],
    "$defs": DEFS,
}


def main():
    # A copy, so that objects shared between definitions get their own notes.
    text = json.dumps(annotate(json.loads(json.dumps(SCHEMA))), indent=2, ensure_ascii=False) + "\n"
    (ROOT / "schemas" / "plan.schema.json").write_text(text)
    out = ROOT / "Sources" / "MigrationPlan" / "Schema" / "plan.schema.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)


if __name__ == "__main__":
    main()
