"""What a plan field's type cannot say: what happens in OMS when its value changes, its default,
and an example. scripts/gen_plan_schema.py adds these notes to every property of the schema
(`x-oms-plan-change`, `default` or `x-oms-plan-default`, `examples`, `x-oms-plan-change-note`),
so that the schema stays the one source; scripts/gen_plan_reference.py writes
docs/plan-reference.md from it, and Tests/ShippingTests/test_plan_reference.py fails when a
property has no note or a note names no property.

Kept apart from gen_plan_schema.py so that the field definitions there stay readable. A new
field needs a line here (gen_plan_schema.py warns until it has one).

Where the answers come from (keep them in step with the code, not with this file):
- Fingerprint.swift leaves out of a resource's identity exactly what OMS updates in place
  (bandwidth_policy, task_priority) and the keys OMS never returns; every other field of a create
  body is identity, and the differ (Reconciler/Diff/Differ.swift) replaces a resource whose
  identity changed: `replace`.
- Differ.inPlace updates bandwidth, priority (tasks, while Waiting, Paused or Failed) and the run
  state without replacing: `in-place`.
- state the plan keeps for oms-plan itself (onFailure, dependsOn, replaceOnChange, adopt, labels,
  deadlines, names of Credentials) is in no OMS body: `not-sent`.
"""
import sys

# What each value of x-oms-plan-change means; written into the schema for the reference.
CHANGES = {
    "in-place": "OMS changes the live resource; nothing is deleted or created.",
    "replace": "OMS cannot change this on a live resource: apply deletes it and creates it again. "
               "When the live task or group already moved data, the change is blocked until the resource "
               "has `replaceOnChange: true` or the command line says `--allow-replace ADDRESS`. "
               "A synchronization task is replaced without asking: what it copied stays in OBS.",
    "not-sent": "Nothing is sent to OMS when this changes: it is oms-plan's own setting (or a secret OMS never "
            "returns), used from the next run on.",
    "fields": "An object, list or template: each field inside it says what its change does.",
    "moves": "The resource gets another address, project or region: oms-plan creates it there. The old "
             "live resource is no longer declared (kept, or deleted when the stack prunes) or, in another "
             "project or region, no longer seen at all.",
}

_UNSET = object()


class Note:
    def __init__(self, change, example, default=_UNSET, default_text=None, note=None):
        assert change in CHANGES, change
        self.change, self.example, self.default = change, example, default
        self.default_text, self.note = default_text, note

    def schema(self):
        out = {"x-oms-plan-change": self.change}
        if self.note:
            out["x-oms-plan-change-note"] = self.note
        if self.default is not _UNSET:
            out["default"] = self.default
        if self.default_text:
            out["x-oms-plan-default"] = self.default_text
        out["examples"] = [self.example]
        return out


def n(change, example, **kw):
    return Note(change, example, **kw)


KEYS_NOTE = ("OMS never returns keys, so the diff cannot see a new one: it is sent the next time "
             "oms-plan creates, starts or retries a resource that uses these credentials.")
CREDENTIALS_NAME_NOTE = ("Names a Credentials resource; its keys are sent when the resource is created, "
                         "started or retried, and OMS never returns them.")
SECRET_NOTE = "A secret: OMS never returns it, so changing it shows no difference."

SOURCE = {
    "cloud": n("replace", "Aliyun"),
    "region": n("replace", "cn-hangzhou"),
    "bucket": n("replace", "photos"),
    "credentials": n("not-sent", "aliyun-prod", note=CREDENTIALS_NAME_NOTE),
    "appId": n("replace", "1254563210"),
    "prefixes": n("replace", ["2024/", "2025/"]),
    "listFile": n("fields", {"bucket": "migration-lists", "key": "photos/", "count": 2}),
    "listFile.bucket": n("replace", "migration-lists"),
    "listFile.key": n("replace", "photos/"),
    "listFile.count": n("replace", 2),
    "cdn": n("fields", {"domain": "cdn.example.com", "protocol": "https", "authType": "ALIYUN_OSS_A",
                        "authKey": "${env:CDN_KEY}"}),
    "cdn.domain": n("replace", "cdn.example.com"),
    "cdn.protocol": n("replace", "https"),
    "cdn.authType": n("replace", "ALIYUN_OSS_A", default="NONE"),
    "cdn.authKey": n("not-sent", "${env:CDN_KEY}", note=SECRET_NOTE),
}
TASK_SOURCE = SOURCE | {"objects": n("replace", ["index.html", "assets/"])}

DESTINATION = {
    "region": n("replace", "cn-north-4", default_text="the stack's region"),
    "bucket": n("replace", "photos-obs"),
    "credentials": n("not-sent", "obs", note=CREDENTIALS_NAME_NOTE),
    "savePrefix": n("replace", "migrated/", default_text="none: keys keep their source names"),
}

NOTIFICATIONS = {
    "": n("fields", {"topicUrn": "urn:smn:cn-north-4:0123456789abcdef:migrations",
                     "triggerConditions": ["FAILURE"], "language": "en-us"}),
    "topicUrn": n("replace", "urn:smn:cn-north-4:0123456789abcdef:migrations"),
    "triggerConditions": n("replace", ["SUCCESS", "FAILURE"]),
    "language": n("replace", "en-us", default_text="OMS's choice"),
    "messageTemplateName": n("replace", "migration-done", default_text="OMS's default message"),
}

OPTIONS = {
    "enableKms": n("replace", True, default=False),
    "migrateSince": n("replace", "2024-01-01T00:00:00Z", default_text="none: every object"),
    "objectOverwriteMode": n("replace", "CRC64_COMPARISON_OVERWRITE", default="SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE"),
    "consistencyCheck": n("replace", "crc64", default="size_last_modified"),
    "dstStoragePolicy": n("replace", "IA", default="STANDARD"),
    "enableMetadataMigration": n("replace", True, default=False),
    "enableRestore": n("replace", True, default=False),
    "enableFailedObjectRecording": n("replace", False, default=True),
    "enableRequesterPays": n("replace", True, default=False),
} | {"notifications" + ("." + k if k else ""): v for k, v in NOTIFICATIONS.items()}
TASK_OPTIONS = OPTIONS | {
    "priority": n("in-place", "HIGH", default="MEDIUM",
                  note="OMS takes a new priority only while the task is Waiting, Paused or Failed; "
                       "otherwise the diff says it waits for one of those states."),
}

ADOPT_NOTE = ("Binds the address to that live resource without touching it (diff shows it adopted). "
              "Pointing it elsewhere or removing it changes which live resource the address manages; "
              "the one let go stays in OMS.")

ACCEPT_NOTE = ("Never identity: adding, changing or removing an acceptance changes no live resource; it "
               "changes whether oms-plan counts the resource's remaining failed objects as settled.")

INCREMENTAL_NOTE = ("Never identity: adding, changing or removing it never replaces or updates the full copy; "
                    "it changes when reconcile creates the next pass (docs/incremental-passes.md).")

SUSPEND_NOTE = ("Never identity: suspending or resuming changes nothing in OMS by itself; while it holds, "
                "apply and reconcile leave the resource as it is (docs/suspend-and-freezes.md).")
SUSPEND_EXAMPLE = {"reason": "waiting for the network team (NET-42)", "until": "2027-01-10T00:00:00Z"}

SPEC = {
    "type": n("replace", "prefix"),
    "source": n("fields", {"cloud": "Aliyun", "region": "cn-hangzhou", "bucket": "photos",
                           "credentials": "aliyun-prod", "prefixes": ["2024/"]}),
    "destination": n("fields", {"bucket": "photos-obs", "credentials": "obs"}),
    "bandwidth": n("in-place", "office-hours", default_text="none: unlimited",
                   note="A completed task or group keeps its rules; there is nothing left to limit."),
    "description": n("replace", "Photos taken in 2024", default_text="none: only the ownership marker",
                     note="OMS cannot change a description, and oms-plan's ownership marker lives in it."),
    "state": n("in-place", "paused", default="running",
               note="Paused or started in OMS; a completed task or group stays as it is."),
    "onFailure": n("fields", {"action": "retryFailedObjects", "maxAttempts": 5}),
    "onFailure.action": n("not-sent", "retryFailedObjects", default="none",
                          note="Decides what apply and reconcile do the next time OMS reports a failure."),
    "onFailure.maxAttempts": n("not-sent", 5, default=3),
    "dependsOn": n("not-sent", ["MigrationTask/photos-2023"], default=[],
                   note="Only orders creation: a resource that exists already is not touched."),
    "replaceOnChange": n("not-sent", True, default=False),
    "adopt": n("fields", {"id": "200477729979132"}),
    "adopt.id": n("not-sent", "200477729979132", note=ADOPT_NOTE),
    "options": n("fields", {"consistencyCheck": "crc64", "dstStoragePolicy": "IA"}),
    "deadline": n("not-sent", "2026-12-31T18:00:00+08:00",
                  note="Read by status, diff and the metrics only."),
    "acceptFailures": n("not-sent", [{"reason": "deleted at the source before the cut-over (ticket OPS-1234)",
                                      "codes": ["NoSuchKey"]}], default=[], note=ACCEPT_NOTE),
    "incremental": n("not-sent", {"every": "12h", "overlap": "15m", "keep": 3}, default_text="none: no passes",
                     note=INCREMENTAL_NOTE),
    "suspend": n("not-sent", SUSPEND_EXAMPLE, default_text="none: not suspended", note=SUSPEND_NOTE),
}
TASK_SPEC = SPEC | {"type": n("replace", "prefix", default_text="none: validate requires it, here or in Stack.spec.defaults")}
GROUP_SPEC = TASK_SPEC | {"adopt.id": n("not-sent", "5e3b4c1a-group", note=ADOPT_NOTE)}

SYNC_REPLACE_NOTE = "Replacing a synchronization task loses nothing: what it copied stays in OBS."
SYNC = {
    "source": n("fields", {"cloud": "Aliyun", "region": "cn-hangzhou", "bucket": "uploads", "credentials": "aliyun-prod"}),
    **{"source." + k: v for k, v in SOURCE.items() if k.split(".")[0] in ("region", "bucket", "credentials", "appId", "cdn")},
    "source.cloud": n("replace", "Aliyun"),
    "destination": n("fields", {"bucket": "uploads-obs", "credentials": "obs"}),
    **{"destination." + k: DESTINATION[k] for k in ("region", "bucket", "credentials")},
    "description": n("replace", "Uploads kept in sync", default_text="none: only the ownership marker"),
    "state": n("in-place", "paused", default="running", note="Started (SYNCHRONIZING) or stopped (STOPPED) in OMS."),
    "dependsOn": n("not-sent", ["MigrationTask/uploads-history"], default=[],
                   note="Only orders creation: the synchronization task is created once these succeeded."),
    "adopt": n("fields", {"id": "7a1c0d2e-sync"}),
    "adopt.id": n("not-sent", "7a1c0d2e-sync", note=ADOPT_NOTE),
    "options": n("fields", {"consistencyCheck": "crc64"}),
    **{"options." + k: OPTIONS[k] for k in ("enableMetadataMigration", "enableRestore", "dstStoragePolicy", "consistencyCheck")},
    "suspend": n("not-sent", SUSPEND_EXAMPLE, default_text="none: not suspended", note=SUSPEND_NOTE),
}


def _under(prefix, notes):
    return {f"{prefix}.{k}": v for k, v in notes.items()}


NOTES = {
    "document.apiVersion": n("not-sent", "oms-plan/v1"),
    "document.kind": n("moves", "MigrationTask", note="Another kind is another address."),
    "document.metadata": n("fields", {"name": "photos-2024", "labels": {"team": "media"}}),
    "document.spec": n("fields", {"region": "cn-north-4"}),
    "metadata.name": n("moves", "photos-2024",
                       note="Renaming a Stack disowns everything it created: oms-plan then creates every "
                            "resource again and leaves the old ones to no stack."),
    "metadata.labels": n("not-sent", {"team": "media"}, default={}),
    "metadata.annotations": n("not-sent", {"owner": "data-platform"}, default={}),
    **_under("window", {
        "start": n("in-place", "08:00"),
        "end": n("in-place", "19:00"),
        "limit": n("in-place", "20MiB/s"),
        "days": n("in-place", ["sat", "sun"], default_text="every day"),
    }),
    **_under("destination", DESTINATION),
    **_under("taskSource", TASK_SOURCE),
    **_under("groupSource", SOURCE),
    **_under("taskOptions", TASK_OPTIONS),
    **_under("groupOptions", OPTIONS),
    **_under("taskSpec", TASK_SPEC),
    **_under("groupSpec", GROUP_SPEC),
    **_under("defaults", {k: v for k, v in SPEC.items() if k.split(".")[0] not in ("dependsOn", "adopt", "deadline", "acceptFailures", "suspend")}),
    **_under("stackSpec", {
        "region": n("moves", "cn-north-4",
                    note="oms-plan then talks to that region's OMS: every resource is created there, and "
                         "the old region's resources are left as they are."),
        "projectId": n("moves", "0123456789abcdef0123456789abcdef", default_text="--project-id or OMS_PROJECT_ID",
                       note="Another project is another OMS: every resource is created there."),
        "prune": n("not-sent", True, default=False),
        "serviceTimezone": n("in-place", "+08:00", default="+08:00",
                             note="Bandwidth rules are computed again: every task and group with a schedule "
                                  "gets its new rules in place."),
        "variables": n("fields", {"dst": "photos-obs"}, default={},
                       note="A variable's change is the change of every field that uses it."),
        "defaults": n("fields", {"destination": {"credentials": "obs"}, "bandwidth": "office-hours"},
                      note="A default's change is the change of that field in every resource that inherits it."),
        "deadline": n("not-sent", "2026-12-31T18:00:00+08:00",
                      note="Read by status, diff and the metrics only."),
        "unknownRegions": n("not-sent", "warning", default="error",
                            note="Read by validate only: whether a region missing from the table is an error or a warning."),
        "suspend": n("not-sent", SUSPEND_EXAMPLE, default_text="none: not suspended",
                     note="Holds every resource of the stack, whatever its own suspend says. " + SUSPEND_NOTE),
        "freezes": n("not-sent", [{"start": "18:00", "end": "08:00", "days": ["fri"], "reason": "weekend change freeze (CAB-7)"}],
                     default=[], note="Read by apply and reconcile: inside a freeze they make only pauses and the day's "
                                      "bandwidth rules, and hold every other change until it ends."),
    }),
    **_under("credentialsSpec", {
        "accessKey": n("not-sent", "${env:ALIYUN_AK}", note=KEYS_NOTE),
        "secretKey": n("not-sent", "${file:../secrets/aliyun.sk}", note=KEYS_NOTE),
        "securityToken": n("not-sent", "${env:ALIYUN_TOKEN:-}", note=KEYS_NOTE),
        "jsonAuthFile": n("not-sent", "${file:gcs-key.json}", note=KEYS_NOTE),
    }),
    **_under("scheduleSpec", {
        "timezone": n("in-place", "Europe/Berlin", default_text="the stack's serviceTimezone",
                      note="Every task and group that uses the schedule gets its new rules in place."),
        "windows": n("fields", [{"start": "08:00", "end": "19:00", "limit": "20MiB/s"}]),
    }),
    **_under("taskSetSpec", {
        "forEach": n("fields", [{"bucket": "logs-web"}, {"bucket": "logs-api"}],
                     note="A new item is a new task; an item taken out leaves its task undeclared (kept, or "
                          "deleted when the stack prunes); a changed item changes its task as the template's "
                          "fields say."),
        "name": n("moves", "logs-${item.bucket}", note="Renames every generated task."),
        "template": n("fields", {"type": "prefix", "source": {"bucket": "${item.bucket}"}}),
        "deadline": n("not-sent", "2026-12-31T18:00:00+08:00",
                      note="Read by status, diff and the metrics only."),
        "acceptFailures": n("not-sent", [{"reason": "rotated away before the cut-over", "codes": ["NoSuchKey"]}], default=[],
                            note=ACCEPT_NOTE),
        "incremental": n("not-sent", {"every": "12h"}, default_text="none: no passes", note=INCREMENTAL_NOTE),
        "suspend": n("not-sent", SUSPEND_EXAMPLE, default_text="none: not suspended", note=SUSPEND_NOTE),
    }),
    **_under("suspend", {
        "reason": n("not-sent", "waiting for the network team (NET-42)"),
        "until": n("not-sent", "2027-01-10T00:00:00Z", default_text="none: until the plan drops suspend",
                   note="Once it has passed, the next run makes the resource's changes again."),
    }),
    **_under("freeze", {
        "start": n("not-sent", "18:00"),
        "end": n("not-sent", "08:00"),
        "timezone": n("not-sent", "Europe/Berlin", default_text="the stack's serviceTimezone"),
        "days": n("not-sent", ["fri"], default_text="every day"),
        "reason": n("not-sent", "weekend change freeze (CAB-7)"),
    }),
    **_under("incremental", {
        "every": n("not-sent", "12h", note="The next pass is due this long after the previous successful copy started."),
        "overlap": n("not-sent", "15m", default="15m", note="Objects changed in the overlap are compared by the overwrite mode, mostly skipped."),
        "keep": n("not-sent", 3, default=3, note="Older succeeded pass tasks are deleted from OMS after their counts are recorded."),
    }),
    **_under("failureAcceptance", {
        "reason": n("not-sent", "deleted at the source before the cut-over (ticket OPS-1234)"),
        "keys": n("not-sent", ["photos/2023/broken.jpg"], default_text="any key"),
        "prefix": n("not-sent", "photos/tmp/", default_text="any key"),
        "codes": n("not-sent", ["NoSuchKey"], default_text="any code"),
    }),
    **_under("syncSpec", SYNC),
}
NOTES["syncSpec.description"].note = SYNC_REPLACE_NOTE

NOTIFY_NOTE = "Read by apply and reconcile after each pass; never sent to OMS and never identity."
NOTES.update(_under("notificationSpec", {
    "provider": n("not-sent", "slack", note=NOTIFY_NOTE),
    "url": n("not-sent", "${env:SLACK_WEBHOOK_URL}",
             note="A secret like a key: masked everywhere and never written to the state folder. " + NOTIFY_NOTE),
    "events": n("not-sent", ["failed", "gaveUp", "blocked", "deadlineAtRisk"], note=NOTIFY_NOTE),
    "selector": n("not-sent", {"team": "media"}, default_text="every resource", note=NOTIFY_NOTE),
    "minInterval": n("not-sent", "1h", default="1h", note=NOTIFY_NOTE),
}))


def schema_properties(schema):
    """(key, property) for every property the notes describe: the document's, and those of each
    $defs entry, nested objects included, but not a task set template's (a MigrationTask spec,
    described under taskSpec)."""
    def walk(key, node):
        for name, prop in (node.get("properties") or {}).items():
            path = f"{key}.{name}"
            yield path, prop
            if path != "taskSetSpec.template":
                yield from walk(path, prop)
    yield from walk("document", schema)
    for name, definition in schema.get("$defs", {}).items():
        yield from walk(name, definition)


def annotate(schema):
    """The schema with the notes added in place. Properties without a note, and notes without a
    property, are named on stderr (and fail test_plan_reference.py), not fatal: the field is
    still usable while its note is written."""
    seen = set()
    for key, prop in schema_properties(schema):
        note = NOTES.get(key)
        if note is None:
            print(f"gen_plan_schema: warning: no note for {key} in scripts/plan_schema_notes.py", file=sys.stderr)
            continue
        seen.add(key)
        prop.update(note.schema())
    for key in sorted(set(NOTES) - seen):
        print(f"gen_plan_schema: warning: scripts/plan_schema_notes.py has a note for {key}, which the schema lacks",
              file=sys.stderr)
    schema["x-oms-plan-change-values"] = CHANGES
    return schema

CUTOVER_NOTE = "Read by reconcile, status and `oms-plan cutover`; never sent to OMS and never identity."
NOTES.update(_under("cutoverSpec", {
    "of": n("not-sent", ["MigrationTask/photos", "MigrationTaskGroup/archive"], note=CUTOVER_NOTE),
    "at": n("not-sent", "2027-01-15T02:00:00+08:00", default_text="none: only `oms-plan cutover --now` starts it", note=CUTOVER_NOTE),
    "require": n("fields", {"unacceptedFailures": 0, "maxFinalPass": "30m"}),
    "require.unacceptedFailures": n("not-sent", 0, default=0, note=CUTOVER_NOTE),
    "require.maxFinalPass": n("not-sent", "30m", default_text="none: no warning", note=CUTOVER_NOTE),
}))
