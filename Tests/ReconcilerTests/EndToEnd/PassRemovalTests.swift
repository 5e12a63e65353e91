import Foundation
import MigrationPlan
import OMSClient
import OMSModels
import Reconciler
import Testing

@testable import OMSSandbox

/// Issue 25: passes never outlive their full copy and never leak into OMS. A replaced or
/// pruned resource's passes are recorded and deleted in the same apply (a running one stopped
/// first), `diff` shows them going; a resource whose `incremental` was removed gets no new pass
/// and its passes leave OMS once recorded; another stack's passes and unowned tasks stay.
@Suite("incremental passes of removed resources", .serialized)
struct PassRemovalTests {
    static let policy = "  incremental: {every: 1h, overlap: 15m, keep: 3}"
    static let window = PlanText.allDay("1MiB/s")
    let photos = ResourceAddress(.migrationTask, "photos")

    func reconciler(_ e2e: EndToEnd) -> StackReconciler {
        let clock = e2e.server.clock
        return StackReconciler(client: e2e.client, stateDirectory: nil, ledger: MemoryAttemptLedger(), now: { clock.now })
    }

    func apply(_ r: StackReconciler, _ desired: DesiredState) async throws -> StackReconciler.PassResult {
        try await r.apply(desired, options: StackReconciler.Options(apply: ApplyOptions(pollInterval: .milliseconds(20), settleTimeout: .seconds(10))))
    }

    /// This stack's live pass tasks of `photos`, by number.
    func passTasks(_ e2e: EndToEnd) async throws -> [Int: TaskResp] {
        var out: [Int: TaskResp] = [:]
        for task in try await e2e.tasks() {
            if let marker = PassMarker.parse(description: task.description), marker.stack == EndToEnd.stackName, marker.address == photos {
                out[marker.n] = task
            }
        }
        return out
    }

    func settle(_ e2e: EndToEnd, id: Int64?) async throws -> TaskResp {
        let id = try #require(id)
        for _ in 0..<300 {
            let task = try await e2e.client.showTask(id: id)
            if task.status == .succeeded || task.status == .failed { return task }
            try await e2e.runEngine(1)
        }
        throw EndToEnd.SetupFailure(description: "task \(id) did not settle")
    }

    /// A new object at the source; a big one keeps a pass under a 1 MiB/s window running for
    /// a few sandbox seconds (long enough to be stopped while the engine runs).
    func write(_ e2e: EndToEnd, _ key: String, big: Bool = false) throws {
        let data = big ? Data(repeating: 7, count: 4 * 1_048_576) : Data("new".utf8)
        try e2e.buckets.write(cloud: .aliyun, region: "cn-hangzhou", bucket: "src", key: key, data: data, modified: e2e.server.clock.now.addingTimeInterval(1))
    }

    /// The full copy of `photos`, settled, then pass 1 created (running when `settlePass1` is false).
    func fullCopyAndPass1(_ e2e: EndToEnd, _ r: StackReconciler, _ desired: DesiredState, settlePass1: Bool) async throws -> TaskResp {
        _ = try await apply(r, desired)
        let full = try await e2e.ownedTask("photos")
        #expect(try await settle(e2e, id: full.id).status == .succeeded)
        try write(e2e, settlePass1 ? "photos/new.bin" : "photos/big.bin", big: !settlePass1)
        e2e.server.clock.advance(by: 3600)
        let result = try await apply(r, desired)
        #expect(result.passes.map(\.kind) == [.created], "\(result.passes)")
        let pass1 = try #require(try await passTasks(e2e)[1])
        if settlePass1 { #expect(try await settle(e2e, id: pass1.id).status == .succeeded) }
        return full
    }

    /// A pass task of another stack for the same address, and a hand-made task with no marker:
    /// neither may ever be touched. Returns their ids.
    func foreignTasks(_ e2e: EndToEnd, _ desired: DesiredState) async throws -> [Int64] {
        guard case .task(let task)? = desired[photos] else { throw EndToEnd.SetupFailure(description: "no photos") }
        var ids: [Int64] = []
        for description in ["oms-plan-pass:other:MigrationTask/photos#\(task.fingerprint).p1", "made by hand"] {
            var body = try task.requestWithSecrets()
            body.description = description
            ids.append(try #require(try await e2e.client.createTask(body).id))
        }
        return ids
    }

    func expectUntouched(_ e2e: EndToEnd, _ ids: [Int64]) async throws {
        let live = Set(try await e2e.tasks().compactMap(\.id))
        #expect(ids.allSatisfy(live.contains), "another stack's pass or an unowned task was deleted: \(ids) not all in \(live.sorted())")
    }

    @Test func aReplacedFullCopyTakesItsPassesWithItInTheSameApply() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "photos/", objects: 3)
            try e2e.writePlan([PlanText.task("photos", bandwidth: Self.window, extra: [Self.policy, "  replaceOnChange: true"])])
            let desired = try e2e.load()
            let r = reconciler(e2e)
            let full = try await fullCopyAndPass1(e2e, r, desired, settlePass1: true)
            // Pass 2, left running.
            _ = try await apply(r, desired)
            try write(e2e, "photos/big.bin", big: true)
            e2e.server.clock.advance(by: 3600)
            #expect(try await apply(r, desired).passes.map(\.kind) == [.created])
            let before = try await passTasks(e2e)
            #expect(before.keys.sorted() == [1, 2] && before[2]?.status != .succeeded)
            let foreign = try await foreignTasks(e2e, desired)

            // An immutable change: the full copy is replaced, and diff says its passes go with it.
            try e2e.writePlan([PlanText.task("photos", prefixes: ["photos/object"], bandwidth: Self.window, extra: [Self.policy, "  replaceOnChange: true"])])
            let changed = try e2e.load()
            let plan = try await r.plan(changed, options: StackReconciler.Options(preflight: false))
            #expect(try plan.report.change("photos").action == .replace)
            let deleted = (plan.report.incrementalPasses ?? []).filter { $0.delete == true }
            #expect(deleted.map(\.n) == [1, 2] && deleted.allSatisfy { $0.address == "MigrationTask/photos" }, "\(plan.report.incrementalPasses ?? [])")
            let text = TextReportRenderer(color: false).render(plan.report)
            #expect(text.contains("- MigrationTask/photos: and its 2 incremental passes, deleted with it (counts recorded first): #2 running (stopped first), #1 succeeded"), "\(text)")
            #expect(JSONReportRenderer().render(plan.report).contains("\"delete\" : true") || JSONReportRenderer().render(plan.report).contains("\"delete\": true"))

            let result = try await e2e.withEngineRunning { try await apply(r, changed) }
            #expect(!result.failed, "\(result.report.digest)")
            #expect(!result.passes.contains { $0.kind == .created }, "no pass for the new copy before it is done: \(result.passes)")
            let left = try await passTasks(e2e)
            #expect(left.isEmpty, "passes left in OMS: \(left.keys.sorted())")
            #expect(try await e2e.ownedTask("photos").id != full.id)
            // Recorded before they went: pass 1 as it succeeded, pass 2 stopped.
            let recorded = r.passLedger(stack: EndToEnd.stackName).passes(of: photos)
            #expect(recorded.map(\.n) == [1, 2] && recorded.map(\.status) == ["succeeded", "stopped"], "\(recorded)")
            #expect(recorded.first?.objectsCopied == 1)
            try await expectUntouched(e2e, foreign)
        }
    }

    @Test func aPrunedResourceTakesItsRunningPassWithIt() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "photos/", objects: 3)
            try e2e.seedSource(prefix: "docs/", objects: 1)
            try e2e.writePlan(prune: true, [PlanText.task("photos", bandwidth: Self.window, extra: [Self.policy]), PlanText.task("docs")])
            let desired = try e2e.load()
            let r = reconciler(e2e)
            _ = try await fullCopyAndPass1(e2e, r, desired, settlePass1: false)
            let foreign = try await foreignTasks(e2e, desired)

            try e2e.writePlan(prune: true, [PlanText.task("docs")])
            let shrunk = try e2e.load()
            let plan = try await r.plan(shrunk, options: StackReconciler.Options(preflight: false))
            #expect(try plan.report.change("photos").action == .delete)
            #expect(plan.report.incrementalPasses?.map { [$0.n, $0.delete == true ? 1 : 0] } == [[1, 1]], "\(plan.report.incrementalPasses ?? [])")
            #expect(TextReportRenderer(color: false).render(plan.report).contains("- MigrationTask/photos: and its incremental pass, deleted with it"))

            let result = try await e2e.withEngineRunning { try await apply(r, shrunk) }
            #expect(!result.failed, "\(result.report.digest)")
            #expect(try await e2e.owned("photos").isEmpty)
            #expect(try await passTasks(e2e).isEmpty)
            let recorded = r.passLedger(stack: EndToEnd.stackName).passes(of: photos)
            #expect(recorded.map(\.status) == ["stopped"] && recorded.first?.finish != nil, "\(recorded)")
            try await expectUntouched(e2e, foreign)
            // Nothing is left to do.
            let after = try await r.plan(shrunk, options: StackReconciler.Options(preflight: false))
            #expect(after.steps.isEmpty && after.report.incrementalPasses == nil, "\(after.report.digest)")
        }
    }

    @Test func removingIncrementalLetsPassesLeaveOnceRecordedAndCreatesNone() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "photos/", objects: 3)
            try e2e.writePlan([PlanText.task("photos", extra: [Self.policy])])
            let r = reconciler(e2e)
            let full = try await fullCopyAndPass1(e2e, r, try e2e.load(), settlePass1: false)
            let foreign = try await foreignTasks(e2e, try e2e.load())

            try e2e.writePlan([PlanText.task("photos")])
            let without = try e2e.load()
            // Running: kept (it finishes what it copies), not stopped, nothing new.
            var result = try await apply(r, without)
            #expect(result.passes.isEmpty, "\(result.passes)")
            let pass1 = try #require(try await passTasks(e2e)[1])
            #expect(pass1.status != .paused && pass1.status != .pausing)
            #expect(try await settle(e2e, id: pass1.id).status == .succeeded)
            // Ended: recorded, then deleted (no `keep` is left to hold it).
            result = try await apply(r, without)
            #expect(result.passes.map { "\($0.kind) \($0.n)" } == ["deleted 1"], "\(result.passes)")
            #expect(try await passTasks(e2e).isEmpty)
            let recorded = r.passLedger(stack: EndToEnd.stackName).passes(of: photos)
            #expect(recorded.map(\.status) == ["succeeded"] && recorded.first?.objectsCopied == 1, "\(recorded)")
            // However late, no new pass; the full copy and the foreign tasks untouched.
            e2e.server.clock.advance(by: 7200)
            result = try await apply(r, without)
            #expect(result.passes.isEmpty, "\(result.passes)")
            #expect(try await passTasks(e2e).isEmpty)
            #expect(try await e2e.ownedTask("photos").id == full.id)
            try await expectUntouched(e2e, foreign)
        }
    }
    /// A group's pass groups go with it the same way (stopped when running, then deleted).
    @Test func aPrunedGroupTakesItsPassGroupsWithIt() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "archive/", objects: 2)
            try e2e.seedSource(prefix: "docs/", objects: 1)
            let group = [
                "apiVersion: oms-plan/v1", "kind: MigrationTaskGroup", "metadata: {name: archive}", "spec:", "  type: prefix",
                "  source: {cloud: Aliyun, region: cn-hangzhou, bucket: src, credentials: aliyun, prefixes: [\"archive/\"]}",
                "  destination: {savePrefix: archive/}", "  bandwidth: \(Self.window)", Self.policy,
            ].joined(separator: "\n") + "\n"
            try e2e.writePlan(prune: true, [group, PlanText.task("docs")])
            let desired = try e2e.load()
            let r = reconciler(e2e)
            _ = try await apply(r, desired)
            func settle(_ id: String?) async throws {
                let id = try #require(id)
                for _ in 0..<300 {
                    let g = try await e2e.client.showTaskGroup(id: id)
                    if g.status == .completed { return }
                    try await e2e.runEngine(1)
                }
                Issue.record("group \(id) did not complete")
            }
            let groups = { try await e2e.client.listAllTaskGroups() }
            try await settle(try #require(try await groups().first).groupId)
            try write(e2e, "archive/big.bin", big: true)
            e2e.server.clock.advance(by: 3600)
            #expect(try await apply(r, desired).passes.map(\.kind) == [.created])
            #expect(try await groups().count == 2)

            try e2e.writePlan(prune: true, [PlanText.task("docs")])
            let shrunk = try e2e.load()
            let plan = try await r.plan(shrunk, options: StackReconciler.Options(preflight: false))
            #expect(plan.report.incrementalPasses?.map { [$0.n, $0.delete == true ? 1 : 0] } == [[1, 1]], "\(plan.report.incrementalPasses ?? [])")
            let result = try await e2e.withEngineRunning { try await apply(r, shrunk) }
            #expect(!result.failed, "\(result.report.digest)")
            try await e2e.runEngine(1)  // OMS removes a group it was asked to delete on its own time.
            let left = try await groups()
            #expect(left.isEmpty, "groups left: \(left.map(\.description))")
            let recorded = r.passLedger(stack: EndToEnd.stackName).passes(of: ResourceAddress(.migrationTaskGroup, "archive"))
            #expect(recorded.map(\.status) == ["stopped"], "\(recorded)")
        }
    }
}
