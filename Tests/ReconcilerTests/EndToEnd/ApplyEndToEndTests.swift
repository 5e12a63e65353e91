import Foundation
import MigrationPlan
import OMSClient
import Reconciler
import Synchronization
import Testing

@testable import OMSSandbox

/// Issue 6: apply carries the diff out against a real sandbox, and converges.
@Suite("apply end to end", .serialized)
struct ApplyEndToEndTests {
    /// Apply a plan with every kind of resource; right after, diff has nothing pending.
    @Test func applyThenDiffIsEmpty() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 3)
            try e2e.seedSlowSource(prefix: "b/")
            try e2e.seedSource(prefix: "c/", objects: 3)
            try e2e.seedSource(prefix: "g/", objects: 3)
            try e2e.writePlan([
                PlanText.schedule("office", limit: "4MiB/s"),
                PlanText.task("a", bandwidth: "office", priority: "LOW"),
                PlanText.task("b", bandwidth: PlanText.allDay("1MiB/s")),
                PlanText.task("c", state: "paused", extra: ["  onFailure: {action: restart, maxAttempts: 1}"]),
                """
                apiVersion: oms-plan/v1
                kind: MigrationTaskGroup
                metadata: {name: g}
                spec:
                  type: prefix
                  source: {cloud: Aliyun, region: cn-hangzhou, bucket: src, credentials: aliyun, prefixes: ["g/"]}
                  destination: {savePrefix: g/}
                  bandwidth: office

                """,
            ])
            let desired = try e2e.load()
            let applied = try await e2e.apply(desired)
            #expect(applied.summary.create == 4, "\(applied.digest)")
            #expect(applied.changes.allSatisfy { $0.outcome?.status == .succeeded && $0.outcome?.liveId != nil }, "\(applied.digest)")
            #expect(try await e2e.ownedTask("a").taskPriority == .low)
            #expect(try await e2e.status("c") == .pausing)

            let plan = try await e2e.diff(desired)
            #expect(plan.report.summary.pending == 0, "\(plan.report.digest)")
            #expect(plan.steps.isEmpty)
            // The live ids are the ones apply reported.
            for change in plan.report.changes {
                #expect(change.liveId == (try applied.change(change.address.description).outcome?.liveId))
            }

            try await e2e.runEngine(3)
            let later = try await e2e.diff(desired)
            #expect(later.report.summary.pending == 0, "\(later.report.digest)")
            // Applying a converged plan makes no calls but the reads.
            e2e.client.statistics.reset()
            let again = try await e2e.apply(desired)
            #expect(again.changes.allSatisfy { $0.outcome?.status == .unchanged })
            #expect(Set(e2e.client.statistics.byOperation.keys).isSubset(of: ["ListTasks", "ListTaskGroups", "ListSyncTasks"]))
        }
    }

    /// One schedule used by three tasks: editing it is ONE batch-update for the three, and
    /// no per-task bandwidth-policy call.
    @Test func sharedScheduleEditIsOneBatchUpdate() async throws {
        try await withEndToEnd { e2e in
            for name in ["a", "b", "c", "d"] { try e2e.seedSlowSource(prefix: "\(name)/") }
            func plan(_ limit: String) throws {
                try e2e.writePlan([
                    PlanText.schedule("office", limit: limit),
                    PlanText.task("a", bandwidth: "office"), PlanText.task("b", bandwidth: "office"),
                    PlanText.task("c", bandwidth: "office", state: "paused"),
                    PlanText.task("d", bandwidth: PlanText.allDay("1MiB/s")),
                ])
            }
            try plan("4MiB/s")
            try await e2e.apply(try e2e.load())
            try await e2e.runEngine(1)

            try plan("8MiB/s")
            let desired = try e2e.load()
            let expected = [
                BandwidthPolicy(start: "00:00", end: "12:00", maxBandwidth: 8_388_608),
                BandwidthPolicy(start: "12:00", end: "23:59", maxBandwidth: 2_097_152),
            ]
            let planned = try await e2e.diff(desired)
            #expect(planned.report.summary.update == 3, "\(planned.report.digest)")
            #expect(try planned.report.change("d").action == .noop)
            #expect(planned.steps.count == 1)

            e2e.client.statistics.reset()
            let applied = try await e2e.apply(desired)
            #expect(applied.changes.allSatisfy { $0.outcome?.status != .failed }, "\(applied.digest)")
            let calls = e2e.client.statistics.byOperation
            #expect(calls["BatchUpdateTasks"] == 1, "\(calls)")
            #expect(calls["UpdateBandwidthPolicy"] == nil, "\(calls)")
            for name in ["a", "b", "c"] {
                #expect(BandwidthRulesSorted(try await e2e.ownedTask(name).bandwidthPolicy) == expected, "\(name)")
            }
            #expect(try await e2e.ownedTask("d").bandwidthPolicy == [BandwidthPolicy(start: "00:00", end: "23:59", maxBandwidth: 1_048_576)])
            #expect(try await e2e.diff(desired).report.summary.pending == 0)
        }
    }

    /// `state: paused` stops the task (it settles Paused, keeping what it moved); back to
    /// `state: running` starts it again.
    @Test func pauseAndResumeByEditingState() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSlowSource(prefix: "a/")
            let bandwidth = PlanText.allDay("1MiB/s")
            try e2e.writePlan([PlanText.task("a", bandwidth: bandwidth)])
            try await e2e.apply(try e2e.load())
            try await e2e.runEngine(2)
            let id = try #require(try await e2e.ownedTask("a").id)
            let movedBefore = try await e2e.ownedTask("a").completeSize ?? 0
            #expect(movedBefore > 0)

            try e2e.writePlan([PlanText.task("a", bandwidth: bandwidth, state: "paused")])
            let paused = try e2e.load()
            e2e.client.statistics.reset()
            let pause = try await e2e.apply(paused)
            #expect(try pause.change("a").action == .pause)
            #expect(try pause.change("a").outcome?.status == .succeeded)
            #expect(e2e.client.statistics.byOperation["StopTask"] == 1)
            try await e2e.runEngine(5)
            let settled = try await e2e.ownedTask("a")
            #expect(settled.status == .paused)
            #expect(settled.id == id)
            #expect((settled.completeSize ?? 0) >= movedBefore)
            #expect(try await e2e.diff(paused).report.summary.pending == 0)

            try e2e.writePlan([PlanText.task("a", bandwidth: bandwidth, state: "running")])
            let running = try e2e.load()
            e2e.client.statistics.reset()
            let resume = try await e2e.apply(running)
            #expect(try resume.change("a").action == .start)
            #expect(try resume.change("a").outcome?.status == .succeeded, "\(resume.digest)")
            #expect(e2e.client.statistics.byOperation["StartTask"] == 1)
            try await e2e.runEngine(1)
            #expect(try await e2e.status("a") == .migrating)
            #expect(try await e2e.ownedTask("a").id == id)
            #expect(try await e2e.diff(running).report.summary.pending == 0)
        }
    }

    /// Reconciling a task that keeps failing: retried per `onFailure` exactly `maxAttempts`
    /// times, then left alone (blocked), across runs that share the ledger.
    @Test func failedTaskIsRetriedUpToMaxAttempts() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "f/", objects: 1)
            try e2e.writePlan([
                PlanText.task("f", type: "object", objects: ["f/object-00000.bin"], extra: ["  onFailure: {action: restart, maxAttempts: 3}"])
            ])
            let desired = try e2e.load()
            let options = DiffOptions(ledger: MemoryAttemptLedger())
            e2e.client.statistics.reset()
            var actions: [ChangeAction] = []
            for round in 0..<6 {
                let report = try await e2e.apply(desired, options: options)
                // The key goes missing after the create passed pre-flight: every run fails.
                if round == 0 { try e2e.removeSource("f/object-00000.bin") }
                let change = try report.change("f")
                actions.append(change.action)
                #expect(change.outcome?.status != .failed, "\(report.digest)")
                try await e2e.runEngine(1)
                #expect(try await e2e.status("f") == .failed)
            }
            #expect(actions == [.create, .retry, .retry, .retry, .blocked, .blocked])
            #expect(e2e.client.statistics.byOperation["StartTask"] == 3)
            #expect(e2e.client.statistics.byOperation["CreateTask"] == 1)
            #expect(try await e2e.owned("f").count == 1)
        }
    }

    /// A -> B -> C: each is created only once the one before it has Succeeded in OMS.
    @Test func dependsOnChainIsCreatedInOrder() async throws {
        try await withEndToEnd { e2e in
            for name in ["a", "b", "c"] { try e2e.seedSource(prefix: "\(name)/", objects: 2) }
            try e2e.writePlan([
                PlanText.task("c", extra: ["  dependsOn: [MigrationTask/b]"]),
                PlanText.task("a"),
                PlanText.task("b", extra: ["  dependsOn: [MigrationTask/a]"]),
            ])
            let desired = try e2e.load()
            var created: [[String]] = []
            for _ in 0..<4 {
                let report = try await e2e.apply(desired)
                #expect(report.changes.allSatisfy { $0.outcome?.status != .failed }, "\(report.digest)")
                created.append(
                    report.changes.filter { $0.action == .create && $0.outcome?.status == .succeeded }.map {
                        $0.address.address.name
                    })
                // Whatever is not created yet waits for its dependency.
                for change in report.changes where change.liveId == nil && change.action != .create {
                    #expect(change.action == .blocked, "\(report.digest)")
                }
                try await e2e.runEngine(1)
            }
            #expect(created == [["a"], ["b"], ["c"], []])
            for name in ["a", "b", "c"] { #expect(try await e2e.status(name) == .succeeded) }
            #expect(try await e2e.diff(desired).report.summary.noop == 3)
        }
    }

    /// `prune: true` removes an owned task that is no longer declared: a migrating one is
    /// stopped, waited for until Paused, then deleted. Declared tasks are not touched.
    @Test func pruneStopsWaitsAndDeletesARunningTask() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 2)
            try e2e.seedSlowSource(prefix: "b/", objects: 80)
            try e2e.writePlan([PlanText.task("a"), PlanText.task("b", bandwidth: PlanText.allDay("1MiB/s"))])
            try await e2e.apply(try e2e.load())
            try await e2e.runEngine(1)
            let a = try #require(try await e2e.ownedTask("a").id)
            let b = try #require(try await e2e.ownedTask("b").id)
            #expect(try await e2e.status("b") == .migrating)

            try e2e.writePlan(prune: true, [PlanText.task("a")])
            let desired = try e2e.load()
            e2e.client.statistics.reset()
            let log = EventLog()
            let report = try await e2e.withEngineRunning {
                let plan = try await e2e.diff(desired)
                let applier = Applier(
                    client: e2e.client, desired: desired, ledger: MemoryAttemptLedger(),
                    options: ApplyOptions(pollInterval: .milliseconds(50), settleTimeout: .seconds(10)), onEvent: log.record)
                return await applier.apply(plan)
            }
            let events = log.lines
            let removal = try report.change("b")
            #expect(removal.action == .delete)
            #expect(removal.outcome?.status == .succeeded, "\(report.digest)")
            #expect(
                events.filter { $0.hasPrefix("succeeded") } == [
                    "succeeded POST /v2/{project_id}/tasks/\(b)/stop", "succeeded GET /v2/{project_id}/tasks/\(b) until Paused",
                    "succeeded DELETE /v2/{project_id}/tasks/\(b)",
                ], "\(events)")
            let calls = e2e.client.statistics.byOperation
            #expect(calls["StopTask"] == 1 && calls["DeleteTask"] == 1, "\(calls)")
            #expect((calls["ShowTask"] ?? 0) >= 1, "the wait polls the task")
            #expect(try await e2e.owned("b").isEmpty)
            await #expect(throws: OMSClientError.self) { try await e2e.client.showTask(id: b) }
            #expect(try await e2e.ownedTask("a").id == a)
            #expect(try await e2e.diff(desired).report.changes.map(\.address) == ["MigrationTask/a"])
        }
    }

    /// A replacement of a task that moved data is blocked without `--allow-replace` (nothing
    /// is called); with it the task is stopped, deleted and created anew under a new id.
    @Test func replacementIsBlockedWithoutAllowReplaceAndDoneWithIt() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSlowSource(prefix: "a/", objects: 80)
            try e2e.seedSource(prefix: "b/", objects: 2)
            let bandwidth = PlanText.allDay("1MiB/s")
            try e2e.writePlan([PlanText.task("a", prefixes: ["a/"], bandwidth: bandwidth)])
            try await e2e.apply(try e2e.load())
            try await e2e.runEngine(1)
            let old = try #require(try await e2e.ownedTask("a").id)

            try e2e.writePlan([PlanText.task("a", prefixes: ["b/"], bandwidth: bandwidth)])
            let desired = try e2e.load()
            e2e.client.statistics.reset()
            let refused = try await e2e.apply(desired)
            #expect(try refused.change("a").action == .blocked, "\(refused.digest)")
            #expect(try refused.change("a").outcome?.status == .unchanged)
            let calls = e2e.client.statistics.byOperation
            #expect(Set(calls.keys).isSubset(of: ["ListTasks", "ListTaskGroups", "ListSyncTasks"]), "\(calls)")
            #expect(try await e2e.ownedTask("a").id == old)

            let options = DiffOptions(allowReplace: ["MigrationTask/a"])
            let replaced = try await e2e.withEngineRunning {
                try await e2e.apply(desired, options: options, applyOptions: ApplyOptions(pollInterval: .milliseconds(50), settleTimeout: .seconds(10)))
            }
            let change = try replaced.change("a")
            #expect(change.action == .replace)
            #expect(change.outcome?.status == .succeeded, "\(replaced.digest)")
            let newId = try #require(change.outcome?.liveId)
            #expect(newId != String(old))
            let live = try await e2e.ownedTask("a")
            #expect(live.id.map(String.init) == newId)
            #expect(live.srcNode?.objectKey == ["b/"])
            await #expect(throws: OMSClientError.self) { try await e2e.client.showTask(id: old) }
            #expect(try await e2e.diff(desired).report.summary.pending == 0)
        }
    }

    /// The answer to a create is lost (the sandbox creates the task, then drops the
    /// connection): apply finds the task by its marker instead of creating a second one, and
    /// the next apply creates nothing.
    @Test func lostCreateAnswerStillEndsWithExactlyOneTask() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 2)
            try e2e.writePlan([PlanText.task("a")])
            let desired = try e2e.load()
            let plan = try await e2e.diff(desired)
            #expect(plan.steps.map(\.operation) == [.createTask(address: "MigrationTask/a")])
            // The next API request (the create) is handled, then its answer breaks off.
            e2e.server.faults.add(.init(kind: .drop, count: 1, pathPrefix: "/v2/"))
            e2e.client.statistics.reset()
            let report = await Applier(client: e2e.client, desired: desired, ledger: MemoryAttemptLedger()).apply(plan)
            let change = try report.change("a")
            #expect(change.outcome?.status == .succeeded, "\(report.digest)")
            #expect(e2e.client.statistics.byOperation["CreateTask"] == 1, "not sent again: \(e2e.client.statistics.byOperation)")
            let owned = try await e2e.owned("a")
            #expect(owned.count == 1)
            #expect(try await e2e.tasks().count == 1)
            #expect(owned.first?.id.map(String.init) == change.outcome?.liveId)

            e2e.client.statistics.reset()
            let second = try await e2e.apply(desired)
            #expect(try second.change("a").action == .noop, "\(second.digest)")
            #expect(e2e.client.statistics.byOperation["CreateTask"] == nil)
            #expect(try await e2e.tasks().count == 1)
        }
    }

    /// OMS's daily task quota: the creates over it fail with OMS.0077 and are left for the
    /// next run; a day later the next apply creates them.
    @Test func quotaLeavesTheRestForTheNextRun() async throws {
        try await withEndToEnd(quotas: .init(tasksPerDay: 2)) { e2e in
            let names = ["a", "b", "c", "d"]
            for name in names { try e2e.seedSource(prefix: "\(name)/", objects: 1) }
            try e2e.writePlan(names.map { PlanText.task($0) })
            let desired = try e2e.load()

            let first = try await e2e.apply(desired)
            let succeeded = first.changes.filter { $0.outcome?.status == .succeeded }
            let failed = first.changes.filter { $0.outcome?.status == .failed }
            #expect(succeeded.count == 2, "\(first.digest)")
            #expect(failed.count == 2, "\(first.digest)")
            for change in failed {
                let error = change.outcome?.error ?? ""
                #expect(error.contains("OMS.0077"), "\(error)")
                #expect(error.contains("left for the next run"), "\(error)")
            }
            #expect(try await e2e.tasks().count == 2)

            // The same day: still refused, nothing more created.
            let sameDay = try await e2e.apply(desired)
            #expect(sameDay.changes.filter { $0.action == .create }.count == 2)
            #expect(try await e2e.tasks().count == 2)

            e2e.server.clock.advance(by: 86_401)
            let nextDay = try await e2e.apply(desired)
            let created = nextDay.changes.filter { $0.action == .create }
            #expect(Set(created.map(\.address)) == Set(failed.map(\.address)), "\(nextDay.digest)")
            #expect(created.allSatisfy { $0.outcome?.status == .succeeded }, "\(nextDay.digest)")
            for name in names { #expect(try await e2e.owned(name).count == 1, "\(name)") }
            #expect(try await e2e.diff(desired).report.summary.pending == 0)
        }
    }

    /// A task that succeeds between diff and apply (stop answered OMS.0070) is still removed
    /// by prune: a Succeeded task is settled and may be deleted.
    @Test func taskThatSucceededAfterTheDiffIsStillPruned() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 2)
            try e2e.seedSource(prefix: "b/", objects: 2)
            try e2e.writePlan([PlanText.task("a"), PlanText.task("b")])
            try await e2e.apply(try e2e.load())
            try e2e.writePlan(prune: true, [PlanText.task("a")])
            let desired = try e2e.load()
            let plan = try await e2e.diff(desired)
            #expect(try plan.report.change("b").calls.first?.hasSuffix("/stop") == true)
            try await e2e.runEngine(1)
            #expect(try await e2e.status("b") == .succeeded)
            let report = await Applier(
                client: e2e.client, desired: desired, ledger: MemoryAttemptLedger(),
                options: ApplyOptions(pollInterval: .milliseconds(20), settleTimeout: .seconds(5))
            ).apply(plan)
            #expect(try report.change("b").outcome?.status == .succeeded, "\(report.digest)")
            #expect(try await e2e.owned("b").isEmpty)
        }
    }
}

/// Rules in the canonical order (start, end), for comparing what OMS holds.
func BandwidthRulesSorted(_ rules: [BandwidthPolicy]?) -> [BandwidthPolicy] {
    (rules ?? []).sorted { ($0.start ?? "", $0.end ?? "") < ($1.start ?? "", $1.end ?? "") }
}

/// Collects apply events as `kind call` lines.
final class EventLog: Sendable {
    private let storage = Mutex<[String]>([])
    var lines: [String] { storage.withLock { $0 } }
    func record(_ event: ApplyEvent) {
        let line: String
        switch event {
        case .started(let step): line = "started \(step.operation.call)"
        case .succeeded(let step, _): line = "succeeded \(step.operation.call)"
        case .failed(let step, let error): line = "failed \(step.operation.call): \(error)"
        case .skipped(let step, let reason): line = "skipped \(step.operation.call): \(reason)"
        }
        storage.withLock { $0.append(line) }
    }
}
