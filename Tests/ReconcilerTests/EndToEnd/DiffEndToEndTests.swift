import Foundation
import MigrationPlan
import OMSClient
import Reconciler
import Testing

@testable import OMSSandbox

/// Issue 5: every action kind and every normalisation of `diff`, proven against a real
/// sandbox over signed HTTP with plans written to disk.
@Suite("diff end to end", .serialized)
struct DiffEndToEndTests {
    /// Apply once, diff again: every change is a noop and nothing is pending, also after the
    /// engine has moved data and paused what the plan wants paused.
    @Test func unchangedPlanIsAllNoopRightAfterApply() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 3)
            try e2e.seedSlowSource(prefix: "b/")
            try e2e.seedSource(prefix: "c/", objects: 3)
            try e2e.writePlan([
                PlanText.schedule("office", limit: "4MiB/s"),
                PlanText.task("a", bandwidth: "office", priority: "HIGH", extra: ["  description: Photos of a"]),
                PlanText.task(
                    "b", bandwidth: PlanText.allDay("1MiB/s"),
                    extra: [
                        // The seeded objects are from November 2023: later than this, so they move.
                        "  options: {migrateSince: 2023-01-01T00:00:00Z, enableFailedObjectRecording: true, dstStoragePolicy: STANDARD}"
                    ]),
                PlanText.task("c", state: "paused"),
            ])
            let desired = try e2e.load()
            let applied = try await e2e.apply(desired)
            #expect(applied.summary.create == 3, "\(applied.digest)")
            #expect(applied.changes.allSatisfy { $0.outcome?.status == .succeeded }, "\(applied.digest)")

            let again = try await e2e.diff(desired)
            #expect(again.report.summary == ChangeSummary(again.report.changes))
            #expect(again.report.summary.noop == 3, "\(again.report.digest)")
            #expect(again.report.summary.pending == 0)
            #expect(!again.report.hasChanges)
            #expect(again.steps.isEmpty)

            // Progress in OMS (migrating, bytes moved, Pausing -> Paused) is not a change.
            try await e2e.runEngine(2)
            #expect(try await e2e.status("b") == .migrating)
            #expect(try await e2e.status("c") == .paused)
            let later = try await e2e.diff(desired)
            #expect(later.report.summary.noop == 3, "\(later.report.digest)")
            #expect(later.steps.isEmpty)
        }
    }

    /// A new limit is an update of exactly one field, `bandwidth`, with both values.
    @Test func bandwidthEditIsAnUpdateOfExactlyOneField() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSlowSource(prefix: "a/")
            try e2e.writePlan([PlanText.task("a", bandwidth: PlanText.allDay("2MiB/s"))])
            try await e2e.apply(try e2e.load())
            try await e2e.runEngine(1)
            let id = try #require(try await e2e.ownedTask("a").id)

            try e2e.writePlan([PlanText.task("a", bandwidth: PlanText.allDay("4MiB/s"))])
            let desired = try e2e.load()
            let plan = try await e2e.diff(desired)
            let change = try plan.report.change("a")
            #expect(change.action == .update)
            #expect(change.liveId == String(id))
            #expect(change.liveStatus == "Migrating")
            #expect(change.fields.map(\.path) == ["bandwidth"])
            let field = try #require(change.fields.first)
            #expect(field.before == rulesJSON([("00:00", "23:59", 2_097_152)]))
            #expect(field.after == rulesJSON([("00:00", "23:59", 4_194_304)]))
            #expect(!field.forcesReplacement)
            #expect(change.calls == ["PUT /v2/{project_id}/tasks/\(id)/bandwidth-policy"])
            #expect(plan.report.summary.update == 1 && plan.report.summary.pending == 1)

            let applied = try await e2e.apply(desired)
            #expect(try applied.change("a").outcome?.status == .succeeded)
            #expect(try await e2e.ownedTask("a").bandwidthPolicy == [BandwidthPolicy(start: "00:00", end: "23:59", maxBandwidth: 4_194_304)])
            #expect(try await e2e.ownedTask("a").id == id, "an update keeps the task")
            #expect(try await e2e.diff(desired).report.summary.pending == 0)
        }
    }

    /// A new source prefix is a replacement naming `source.prefixes`; once the task moved
    /// data it is blocked unless `replaceOnChange: true` or `--allow-replace` names it.
    @Test func sourcePrefixEditIsAReplaceBlockedOnceDataMoved() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSlowSource(prefix: "a/")
            try e2e.seedSource(prefix: "b/", objects: 2)
            try e2e.writePlan([PlanText.task("a", prefixes: ["a/"], bandwidth: PlanText.allDay("1MiB/s"))])
            try await e2e.apply(try e2e.load())
            let id = try #require(try await e2e.ownedTask("a").id)

            try e2e.writePlan([PlanText.task("a", prefixes: ["b/"], bandwidth: PlanText.allDay("1MiB/s"))])
            let desired = try e2e.load()
            // Nothing moved yet (Waiting): a plain replacement.
            let fresh = try await e2e.diff(desired)
            let replace = try fresh.report.change("a")
            #expect(replace.action == .replace, "\(fresh.report.digest)")
            let field = try #require(replace.fields.first { $0.path == "source.prefixes" }, "\(replace.fields)")
            #expect(field.before == .array([.string("a/")]))
            #expect(field.after == .array([.string("b/")]))
            #expect(field.forcesReplacement)
            // Every other attribute the new task gets is listed too, unchanged and not forcing.
            #expect(replace.fields.filter(\.changesLiveValue).map(\.path) == ["source.prefixes"])
            #expect(replace.fields.filter { $0.forcesReplacement }.map(\.path) == ["source.prefixes"])
            #expect(replace.fields.contains { $0.path == "destination.bucket" && $0.before == $0.after })
            #expect(replace.reasons.first?.description.contains("source.prefixes") == true, "\(replace.reasons)")
            #expect(
                replace.calls == [
                    "POST /v2/{project_id}/tasks/\(id)/stop", "GET /v2/{project_id}/tasks/\(id) until Paused",
                    "DELETE /v2/{project_id}/tasks/\(id)", "POST /v2/{project_id}/tasks",
                ])

            // The sandbox moves a MiB: now the replacement would throw that away.
            try await e2e.runEngine(1)
            let live = try await e2e.ownedTask("a")
            #expect(live.status == .migrating)
            #expect((live.completeSize ?? 0) > 0)
            let moved = try await e2e.diff(desired)
            let blocked = try moved.report.change("a")
            #expect(blocked.action == .blocked, "\(moved.report.digest)")
            #expect(blocked.fields.contains { $0.path == "source.prefixes" })
            #expect(blocked.reasons.contains { $0.description.contains("source.prefixes") })
            #expect(blocked.reasons.contains { $0.description.contains("replaceOnChange: true") && $0.description.contains("--allow-replace MigrationTask/a") })
            #expect(blocked.calls.isEmpty)
            #expect(moved.steps.isEmpty)
            #expect(moved.report.summary.blocked == 1 && moved.report.summary.pending == 0)

            // --allow-replace MigrationTask/a
            let allowed = try await e2e.diff(desired, options: DiffOptions(allowReplace: ["MigrationTask/a"]))
            #expect(try allowed.report.change("a").action == .replace)
            #expect(try allowed.report.change("a").calls.last == "POST /v2/{project_id}/tasks")
            // Another address in --allow-replace does not count.
            let other = try await e2e.diff(desired, options: DiffOptions(allowReplace: ["MigrationTask/b"]))
            #expect(try other.report.change("a").action == .blocked)

            // replaceOnChange: true in the plan.
            try e2e.writePlan([
                PlanText.task("a", prefixes: ["b/"], bandwidth: PlanText.allDay("1MiB/s"), extra: ["  replaceOnChange: true"])
            ])
            let opted = try await e2e.diff(try e2e.load())
            #expect(try opted.report.change("a").action == .replace, "\(opted.report.digest)")
        }
    }

    /// A task made by hand in OMS (no marker) is neither listed nor touched, even with
    /// `prune: true`, even when it looks exactly like a declared task and is paused.
    @Test func handMadeTaskIsNeverTouchedEvenWithPrune() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 3)
            let request = CreateTaskReq(
                taskType: .prefix,
                srcNode: SrcNodeReq(
                    cloudType: .aliyun, region: "cn-hangzhou", ak: "e2e-src-ak", sk: "e2e-src-sk", bucket: "src", objectKey: ["a/"]),
                dstNode: DstNodeReq(region: "cn-north-4", bucket: "dst", ak: "e2e-obs-ak", sk: "e2e-obs-sk", savePrefix: "a/"),
                description: "made by hand",
                bandwidthPolicy: [BandwidthPolicy(start: "00:00", end: "23:59", maxBandwidth: 3_145_728)])
            let handId = try #require(try await e2e.client.createTask(request).id)
            try await e2e.client.stopTask(id: handId)
            try await e2e.runEngine(0)
            let before = try await e2e.client.showTask(id: handId)
            #expect(before.status == .paused)

            try e2e.writePlan(prune: true, [PlanText.task("a", prefixes: ["a/"], bandwidth: PlanText.allDay("2MiB/s"))])
            let desired = try e2e.load()
            let plan = try await e2e.diff(desired)
            #expect(plan.report.changes.map(\.address) == ["MigrationTask/a"], "\(plan.report.digest)")
            #expect(try plan.report.change("a").action == .create)
            #expect(plan.report.changes.allSatisfy { $0.liveId != String(handId) })
            #expect(plan.steps.allSatisfy { !$0.operation.call.contains(String(handId)) })

            e2e.client.statistics.reset()
            let applied = try await e2e.apply(desired)
            #expect(applied.changes.allSatisfy { $0.outcome?.status == .succeeded }, "\(applied.digest)")
            let statistics = e2e.client.statistics.byOperation
            #expect(statistics["StopTask"] == nil && statistics["DeleteTask"] == nil && statistics["StartTask"] == nil)
            #expect(statistics["UpdateBandwidthPolicy"] == nil && statistics["BatchUpdateTasks"] == nil)

            let after = try await e2e.client.showTask(id: handId)
            #expect(after.status == before.status)
            #expect(after.description == "made by hand")
            #expect(after.bandwidthPolicy == before.bandwidthPolicy)
            #expect(after.taskPriority == before.taskPriority)
            #expect(try await e2e.tasks().count == 2)
            #expect(try await e2e.diff(desired).report.changes.map(\.address) == ["MigrationTask/a"])
        }
    }

    /// `state: running` on a paused task is a start; `state: paused` on a running one a pause.
    @Test func stateEditsAreStartAndPause() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSlowSource(prefix: "a/")
            try e2e.seedSlowSource(prefix: "b/")
            let bandwidth = PlanText.allDay("1MiB/s")
            try e2e.writePlan([PlanText.task("a", bandwidth: bandwidth), PlanText.task("b", bandwidth: bandwidth)])
            try await e2e.apply(try e2e.load())
            try await e2e.runEngine(1)
            let a = try #require(try await e2e.ownedTask("a").id)
            let b = try #require(try await e2e.ownedTask("b").id)
            // Paused in OMS by someone, behind the plan's back.
            try await e2e.client.stopTask(id: a)
            try await e2e.runEngine(0)
            #expect(try await e2e.status("a") == .paused)
            #expect(try await e2e.status("b") == .migrating)

            try e2e.writePlan([PlanText.task("a", bandwidth: bandwidth, state: "running"), PlanText.task("b", bandwidth: bandwidth, state: "paused")])
            let desired = try e2e.load()
            let plan = try await e2e.diff(desired)
            let start = try plan.report.change("a")
            #expect(start.action == .start, "\(plan.report.digest)")
            #expect(start.fields.isEmpty)
            #expect(start.calls == ["POST /v2/{project_id}/tasks/\(a)/start"])
            let pause = try plan.report.change("b")
            #expect(pause.action == .pause)
            #expect(pause.fields.isEmpty)
            #expect(pause.calls == ["POST /v2/{project_id}/tasks/\(b)/stop"])
            #expect(plan.report.summary.start == 1 && plan.report.summary.pause == 1)

            let applied = try await e2e.apply(desired)
            #expect(applied.changes.allSatisfy { $0.outcome?.status == .succeeded }, "\(applied.digest)")
            #expect(try await e2e.status("a") == .waiting)
            #expect(try await e2e.status("b") == .pausing)
            try await e2e.runEngine(0)
            #expect(try await e2e.status("a") == .migrating)
            #expect(try await e2e.status("b") == .paused)
            #expect(try await e2e.diff(desired).report.summary.pending == 0)
        }
    }

    /// An owned task the plan no longer declares: kept (noop) with `prune: false`; with
    /// `prune: true` deleted, and a running one stopped and waited for first.
    @Test func ownedUndeclaredTaskIsDeletedOnlyWithPrune() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 2)
            try e2e.seedSlowSource(prefix: "b/")
            try e2e.seedSource(prefix: "c/", objects: 2)
            let bandwidth = PlanText.allDay("1MiB/s")
            try e2e.writePlan([PlanText.task("a"), PlanText.task("b", bandwidth: bandwidth), PlanText.task("c", state: "paused")])
            try await e2e.apply(try e2e.load())
            try await e2e.runEngine(1)
            let b = try #require(try await e2e.ownedTask("b").id)
            let c = try #require(try await e2e.ownedTask("c").id)
            #expect(try await e2e.status("b") == .migrating)
            #expect(try await e2e.status("c") == .paused)

            try e2e.writePlan(prune: false, [PlanText.task("a")])
            let kept = try await e2e.diff(try e2e.load())
            #expect(try kept.report.change("b").action == .noop, "\(kept.report.digest)")
            #expect(try kept.report.change("b").reasons.contains { $0.description.contains("prune is false") })
            #expect(try kept.report.change("c").action == .noop)
            #expect(kept.steps.isEmpty)

            try e2e.writePlan(prune: true, [PlanText.task("a")])
            let pruned = try await e2e.diff(try e2e.load())
            let running = try pruned.report.change("b")
            #expect(running.action == .delete, "\(pruned.report.digest)")
            #expect(running.liveId == String(b))
            #expect(
                running.calls == [
                    "POST /v2/{project_id}/tasks/\(b)/stop", "GET /v2/{project_id}/tasks/\(b) until Paused",
                    "DELETE /v2/{project_id}/tasks/\(b)",
                ])
            let paused = try pruned.report.change("c")
            #expect(paused.action == .delete)
            #expect(paused.calls == ["DELETE /v2/{project_id}/tasks/\(c)"], "a paused task needs no stop")
            #expect(try pruned.report.change("a").action == .noop)
            #expect(pruned.report.summary.delete == 2)
        }
    }

    /// A task whose dependency has not succeeded is blocked, not created; it is created once
    /// the dependency is Succeeded in OMS.
    @Test func createIsBlockedUntilTheDependencySucceeded() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 3)
            try e2e.seedSource(prefix: "b/", objects: 3)
            try e2e.writePlan([PlanText.task("a"), PlanText.task("b", extra: ["  dependsOn: [MigrationTask/a]"])])
            let desired = try e2e.load()

            let empty = try await e2e.diff(desired)
            #expect(try empty.report.change("a").action == .create)
            let first = try empty.report.change("b")
            #expect(first.action == .blocked, "\(empty.report.digest)")
            #expect(first.dependsOn == ["MigrationTask/a"])
            #expect(first.reasons.contains { $0.description.contains("MigrationTask/a") && $0.description.contains("not created yet") })
            #expect(first.calls.isEmpty)

            let applied = try await e2e.apply(desired)
            #expect(try applied.change("b").outcome?.status == .unchanged)
            #expect(try await e2e.owned("b").isEmpty)

            let waiting = try await e2e.diff(desired)
            #expect(try waiting.report.change("b").action == .blocked)
            #expect(try waiting.report.change("b").reasons.contains { $0.description.contains("MigrationTask/a (Waiting)") })

            try await e2e.runEngine(1)
            #expect(try await e2e.status("a") == .succeeded)
            let ready = try await e2e.diff(desired)
            #expect(try ready.report.change("b").action == .create, "\(ready.report.digest)")
            #expect(try ready.report.change("a").action == .noop)
        }
    }

    /// A priority change on a Waiting or Paused task is an update of `options.priority`,
    /// carried out by one batch-update; on a Migrating task OMS refuses it, so it is blocked.
    @Test func priorityChangeIsABatchUpdateWhileWaitingOrPaused() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 2)
            try e2e.seedSource(prefix: "b/", objects: 2)
            try e2e.seedSlowSource(prefix: "c/")
            let slow = PlanText.allDay("1MiB/s")
            // b and c first, so the engine pauses b and starts c; a is created afterwards and
            // stays Waiting (the engine does not run again).
            try e2e.writePlan([PlanText.task("b", state: "paused"), PlanText.task("c", bandwidth: slow)])
            try await e2e.apply(try e2e.load())
            try await e2e.runEngine(1)
            try e2e.writePlan([PlanText.task("a"), PlanText.task("b", state: "paused"), PlanText.task("c", bandwidth: slow)])
            try await e2e.apply(try e2e.load())
            #expect(try await e2e.status("a") == .waiting)
            #expect(try await e2e.status("b") == .paused)
            #expect(try await e2e.status("c") == .migrating)

            try e2e.writePlan([
                PlanText.task("a", priority: "HIGH"), PlanText.task("b", state: "paused", priority: "HIGH"),
                PlanText.task("c", bandwidth: slow, priority: "HIGH"),
            ])
            let desired = try e2e.load()
            let plan = try await e2e.diff(desired)
            for name in ["a", "b"] {
                let change = try plan.report.change(name)
                #expect(change.action == .update, "\(plan.report.digest)")
                #expect(change.fields == [FieldChange(path: "options.priority", before: .string("MEDIUM"), after: .string("HIGH"))])
                #expect(change.calls == ["POST /v2/{project_id}/tasks/batch-update (2 tasks)"])
            }
            let busy = try plan.report.change("c")
            #expect(busy.action == .blocked)
            #expect(busy.reasons.contains { $0.description.contains("Waiting, Paused or Failed") })
            #expect(plan.steps.count == 1)
            if let (ids, priority) = plan.steps.first?.operation.taskBatch {
                #expect(Set(ids) == Set([try await e2e.ownedTask("a").id, try await e2e.ownedTask("b").id].compactMap { $0 }))
                #expect(priority == .high)
            } else {
                Issue.record("expected one batch-update step, got \(plan.steps.map(\.operation.call))")
            }

            e2e.client.statistics.reset()
            let applied = try await e2e.apply(desired)
            #expect(try applied.change("a").outcome?.status == .succeeded, "\(applied.digest)")
            #expect(e2e.client.statistics.byOperation["BatchUpdateTasks"] == 1)
            #expect(try await e2e.ownedTask("a").taskPriority == .high)
            #expect(try await e2e.ownedTask("b").taskPriority == .high)
            #expect(try await e2e.ownedTask("c").taskPriority == .medium)
            let after = try await e2e.diff(desired)
            #expect(try after.report.change("a").action == .noop)
            #expect(try after.report.change("b").action == .noop)
        }
    }

    /// A Failed task with `onFailure: retryFailedObjects` is a retry; after `maxAttempts`
    /// retries (counted in the ledger) it is blocked.
    @Test func failedTaskIsRetriedThenBlockedAfterMaxAttempts() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "f/", objects: 1)
            try e2e.writePlan([
                PlanText.task(
                    "f", type: "object", objects: ["f/object-00000.bin"],
                    extra: ["  onFailure: {action: retryFailedObjects, maxAttempts: 2}"])
            ])
            let desired = try e2e.load()
            let ledger = MemoryAttemptLedger()
            let options = DiffOptions(ledger: ledger)
            try await e2e.apply(desired, options: options)
            // The key goes missing after the create passed pre-flight: the task fails in OMS.
            try e2e.removeSource("f/object-00000.bin")
            try await e2e.runEngine(1)
            let live = try await e2e.ownedTask("f")
            let id = try #require(live.id)
            #expect(live.status == .failed)
            #expect(live.errorReason?.errorCode == "TRF.0156")

            for attempt in 1...2 {
                let plan = try await e2e.diff(desired, options: options)
                let change = try plan.report.change("f")
                #expect(change.action == .retry, "attempt \(attempt): \(plan.report.digest)")
                #expect(change.reasons.contains { $0.description.contains("TRF.0156") && $0.description.contains("attempt \(attempt) of 2") }, "\(change.reasons)")
                #expect(change.calls == ["POST /v2/{project_id}/tasks/\(id)/start (failed objects only)"])
                let applied = try await e2e.apply(desired, options: options)
                #expect(try applied.change("f").outcome?.status == .succeeded, "\(applied.digest)")
                #expect(ledger.attempts(address: "MigrationTask/f", liveId: String(id)) == attempt)
                #expect(try await e2e.status("f") == .waiting)
                try await e2e.runEngine(1)
                #expect(try await e2e.status("f") == .failed)
            }
            let exhausted = try await e2e.diff(desired, options: options)
            let blocked = try exhausted.report.change("f")
            #expect(blocked.action == .blocked, "\(exhausted.report.digest)")
            #expect(blocked.reasons.contains { $0.description.contains("gave up after 2 of 2 attempts") })
            #expect(exhausted.steps.isEmpty)
            // A fresh ledger (another machine) would retry again: the count lives in the ledger.
            #expect(try await e2e.diff(desired).report.change("f").action == .retry)
        }
    }
}

extension DiffEndToEndTests {
    /// Pre-flight (as `oms-plan diff` runs it): a create naming a source key that does not
    /// exist is blocked with the reason, and apply does not send it.
    @Test func createOfAMissingSourceKeyIsBlockedByPreflight() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 1)
            try e2e.writePlan([PlanText.task("a"), PlanText.task("f", type: "object", objects: ["missing.bin"])])
            let desired = try e2e.load()
            let plan = try await e2e.diff(desired)
            #expect(try plan.report.change("a").action == .create)
            let blocked = try plan.report.change("f")
            #expect(blocked.action == .blocked, "\(plan.report.digest)")
            #expect(blocked.reasons.contains { $0.description.hasPrefix("pre-flight") && $0.description.contains("missing.bin") }, "\(blocked.reasons)")
            #expect(blocked.calls.isEmpty)
            e2e.client.statistics.reset()
            let applied = try await e2e.apply(desired)
            #expect(try applied.change("f").outcome?.status == .unchanged, "\(applied.digest)")
            #expect(try applied.change("a").outcome?.status == .succeeded, "\(applied.digest)")
            #expect(e2e.client.statistics.byOperation["CreateTask"] == 1)
            // Without pre-flight the differ alone would create it.
            #expect(try await e2e.diff(desired, preflight: false).report.change("f").action == .create)
        }
    }

    /// A busy OMS during pre-flight holds nothing back: the create goes ahead (OMS judges it)
    /// and the diff says the check was incomplete, instead of a silent "blocked".
    @Test func busyPreflightDoesNotBlockCreates() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 1)
            try e2e.writePlan([PlanText.task("a")])
            let desired = try e2e.load()
            e2e.server.faults.add(.init(kind: .busy, count: 100, pathPrefix: "/v2/\(e2e.server.configuration.projectId)/objectstorage/buckets"))
            let plan = try await e2e.diff(desired)
            let change = try plan.report.change("a")
            #expect(change.action == .create, "\(plan.report.digest)")
            #expect(change.reasons.contains { $0.description.hasPrefix("pre-flight incomplete") }, "\(change.reasons)")
            e2e.server.faults.clear()
        }
    }
}

/// Issue 5, normalisations: what OMS reports differently from what was sent is no change.
/// Adopted hand-made resources carry no marker, so the differ compares every field (a marker
/// with the same fingerprint would short-cut the comparison).
@Suite("diff end to end: normalisation", .serialized)
struct DiffNormalisationEndToEndTests {
    static func handMadeTask(prefix: String, migrateSince: Int64? = nil, defaultsExplicit: Bool = false) -> CreateTaskReq {
        CreateTaskReq(
            taskType: .prefix,
            srcNode: SrcNodeReq(
                cloudType: .aliyun, region: "cn-hangzhou", ak: "e2e-src-ak", sk: "e2e-src-sk", bucket: "src", objectKey: [prefix]),
            dstNode: DstNodeReq(region: "cn-north-4", bucket: "dst", ak: "e2e-obs-ak", sk: "e2e-obs-sk", savePrefix: prefix),
            enableKms: defaultsExplicit ? false : nil,
            description: "made by hand", migrateSince: migrateSince,
            enableMetadataMigration: defaultsExplicit ? false : nil, enableRestore: defaultsExplicit ? false : nil,
            enableFailedObjectRecording: defaultsExplicit ? true : nil,
            objectOverwriteMode: defaultsExplicit ? .sizeLastModifiedComparisonOverwrite : nil,
            dstStoragePolicy: defaultsExplicit ? .standard : nil, consistencyCheck: defaultsExplicit ? .sizeLastModified : nil,
            enableRequesterPays: defaultsExplicit ? false : nil, taskPriority: defaultsExplicit ? .medium : nil)
    }

    /// Task group responses say `PREFIX` and `ALIYUN` where the plan (and the request) say
    /// `prefix` and `Aliyun`: no diff, for an adopted group and for one the plan created.
    @Test func upperCaseGroupTypeAndCloudAreNoDiff() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "g/", objects: 2)
            try e2e.seedSource(prefix: "h/", objects: 2)
            let request = CreateTaskGroupReq(
                srcNode: TaskGroupSrcNode(
                    cloudType: .aliyun, region: "cn-hangzhou", bucket: "src", ak: "e2e-src-ak", sk: "e2e-src-sk", objectKey: ["g/"]),
                dstNode: TaskGroupDstNode(region: "cn-north-4", bucket: "dst", ak: "e2e-obs-ak", sk: "e2e-obs-sk", savePrefix: "g/"),
                taskType: .prefix, description: "made by hand")
            let groupId = try #require(try await e2e.client.createTaskGroup(request).groupId)
            let live = try await e2e.client.showTaskGroup(id: groupId)
            #expect(live.srcNode?.cloudType?.rawValue == "ALIYUN")
            #expect(live.taskType?.rawValue == "PREFIX")

            func group(_ name: String, adopt: String? = nil) -> String {
                var lines = [
                    "apiVersion: oms-plan/v1", "kind: MigrationTaskGroup", "metadata: {name: \(name)}", "spec:", "  type: prefix",
                    "  source: {cloud: Aliyun, region: cn-hangzhou, bucket: src, credentials: aliyun, prefixes: [\"\(name)/\"]}",
                    "  destination: {savePrefix: \(name)/}",
                ]
                if let adopt { lines.append("  adopt: {id: \"\(adopt)\"}") }
                return lines.joined(separator: "\n") + "\n"
            }
            try e2e.writePlan([group("g", adopt: groupId), group("h")])
            let desired = try e2e.load()
            let applied = try await e2e.apply(desired)
            #expect(try applied.change("MigrationTaskGroup/h").action == .create, "\(applied.digest)")
            #expect(try applied.change("MigrationTaskGroup/h").outcome?.status == .succeeded, "\(applied.digest)")
            let adopted = try applied.change("MigrationTaskGroup/g")
            #expect(adopted.action == .noop, "\(applied.digest)")
            #expect(adopted.fields.isEmpty, "\(adopted.fields)")
            #expect(adopted.reasons.contains { $0.description.contains("adopted") })

            try await e2e.runEngine(0)
            let plan = try await e2e.diff(desired)
            #expect(plan.report.summary.noop == 2, "\(plan.report.digest)")
            #expect(plan.report.changes.allSatisfy { $0.fields.isEmpty })

            // A real difference of the adopted group is still seen, and named.
            try e2e.writePlan([group("g", adopt: groupId).replacingOccurrences(of: "savePrefix: g/", with: "savePrefix: other/"), group("h")])
            let changed = try await e2e.diff(try e2e.load())
            let change = try changed.report.change("MigrationTaskGroup/g")
            // The replacement also lists every attribute it sends (the description becomes
            // oms-plan's); only the save prefix forces it.
            #expect(change.fields.filter(\.forcesReplacement).map(\.path) == ["destination.savePrefix"], "\(changed.report.digest)")
            #expect([.replace, .blocked].contains(change.action))
        }
    }

    /// `migrate_since` goes out in seconds and comes back in milliseconds: no diff.
    @Test func migrateSinceSecondsVersusMillisecondsIsNoDiff() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "m/", objects: 2)
            try e2e.seedSource(prefix: "n/", objects: 2)
            let id = try #require(try await e2e.client.createTask(Self.handMadeTask(prefix: "m/", migrateSince: 1_704_067_200)).id)
            #expect(try await e2e.client.showTask(id: id).migrateSince == 1_704_067_200_000)

            try e2e.writePlan([
                PlanText.task("m", extra: ["  adopt: {id: \"\(id)\"}", "  options: {migrateSince: 2024-01-01T00:00:00Z}"]),
                PlanText.task("n", extra: ["  options: {migrateSince: 2024-01-01T00:00:00Z}"]),
            ])
            let desired = try e2e.load()
            let applied = try await e2e.apply(desired)
            #expect(try applied.change("m").action == .noop, "\(applied.digest)")
            #expect(try applied.change("m").fields.isEmpty)
            #expect(try applied.change("n").outcome?.status == .succeeded)
            #expect(try await e2e.ownedTask("n").migrateSince == 1_704_067_200_000)
            let plan = try await e2e.diff(desired)
            #expect(plan.report.summary.noop == 2, "\(plan.report.digest)")

            // A real difference in the same field is still seen.
            try e2e.writePlan([PlanText.task("m", extra: ["  adopt: {id: \"\(id)\"}", "  options: {migrateSince: 2024-01-02T00:00:00Z}"])])
            let changed = try await e2e.diff(try e2e.load())
            #expect(try changed.report.change("m").fields.filter(\.forcesReplacement).map(\.path) == ["options.migrateSince"], "\(changed.report.digest)")
        }
    }

    /// OMS fills in its defaults (failed-object recording on, size/last-modified overwrite and
    /// consistency check, STANDARD storage): stating them or leaving them out is the same.
    @Test func omsDefaultsAreNoDiff() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "x/", objects: 2)
            try e2e.seedSource(prefix: "y/", objects: 2)
            let implicit = try #require(try await e2e.client.createTask(Self.handMadeTask(prefix: "x/")).id)
            let explicit = try #require(try await e2e.client.createTask(Self.handMadeTask(prefix: "y/", defaultsExplicit: true)).id)
            let live = try await e2e.client.showTask(id: implicit)
            #expect(live.enableFailedObjectRecording == true)
            #expect(live.objectOverwriteMode == .sizeLastModifiedComparisonOverwrite)

            let defaults = """
                  options:
                    enableKms: false
                    objectOverwriteMode: SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE
                    consistencyCheck: size_last_modified
                    dstStoragePolicy: STANDARD
                    enableMetadataMigration: false
                    enableRestore: false
                    enableFailedObjectRecording: true
                    enableRequesterPays: false
                    priority: MEDIUM
                """
            try e2e.writePlan([
                // Created without options; the plan states every default.
                PlanText.task("x", extra: ["  adopt: {id: \"\(implicit)\"}", defaults]),
                // Created with every default stated; the plan leaves them out.
                PlanText.task("y", extra: ["  adopt: {id: \"\(explicit)\"}"]),
                // Created by the plan with every default stated.
                PlanText.task("z", prefixes: ["x/"], extra: [defaults]),
            ])
            let desired = try e2e.load()
            let applied = try await e2e.apply(desired)
            #expect(try applied.change("x").action == .noop, "\(applied.digest)")
            #expect(try applied.change("y").action == .noop, "\(applied.digest)")
            #expect(try applied.change("z").outcome?.status == .succeeded, "\(applied.digest)")
            let plan = try await e2e.diff(desired)
            #expect(plan.report.summary.noop == 3, "\(plan.report.digest)")
            #expect(plan.report.changes.allSatisfy { $0.fields.isEmpty }, "\(plan.report.changes.map(\.fields))")
        }
    }

    /// OMS keeps bandwidth rules in the order they were sent; another order is no diff.
    @Test func bandwidthRuleOrderIsNoDiff() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSlowSource(prefix: "a/")
            try e2e.writePlan([PlanText.schedule("office", limit: "4MiB/s"), PlanText.task("a", bandwidth: "office")])
            let desired = try e2e.load()
            try await e2e.apply(desired)
            let live = try await e2e.ownedTask("a")
            let id = try #require(live.id)
            let rules = try #require(live.bandwidthPolicy)
            #expect(rules.count == 2)
            // Someone sends the same rules in the other order.
            try await e2e.client.updateBandwidthPolicy(taskId: id, Array(rules.reversed()))
            let reordered = try await e2e.ownedTask("a").bandwidthPolicy
            #expect(reordered == Array(rules.reversed()), "the sandbox keeps the order it was sent")
            #expect(reordered != rules)

            let plan = try await e2e.diff(desired)
            #expect(try plan.report.change("a").action == .noop, "\(plan.report.digest)")
            #expect(plan.steps.isEmpty)
        }
    }
}
