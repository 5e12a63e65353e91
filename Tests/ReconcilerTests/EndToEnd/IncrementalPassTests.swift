import Foundation
import MigrationPlan
import OMSClient
import OMSModels
import Reconciler
import Testing

@testable import OMSSandbox

/// Issue 25, part 1: incremental passes against the sandbox, on its clock. The full copy, then
/// new and changed objects at the source, then a pass that copies exactly those (byte for
/// byte) and nothing unchanged; `keep` deletes old pass tasks after recording their counts;
/// a failed pass follows `onFailure`; adding or removing `incremental` never touches the full copy.
@Suite("incremental passes", .serialized)
struct IncrementalPassTests {
    static let policy = "  incremental: {every: 1h, overlap: 15m, keep: 1}"

    /// The façade on the sandbox's clock (passes are due by it), with an in-memory ledger.
    func reconciler(_ e2e: EndToEnd, _ attempts: MemoryAttemptLedger = MemoryAttemptLedger()) -> StackReconciler {
        let clock = e2e.server.clock
        return StackReconciler(client: e2e.client, stateDirectory: nil, ledger: attempts, now: { clock.now })
    }

    func apply(_ r: StackReconciler, _ desired: DesiredState) async throws -> StackReconciler.PassResult {
        try await r.apply(desired, options: StackReconciler.Options(apply: ApplyOptions(pollInterval: .milliseconds(20), settleTimeout: .seconds(10))))
    }

    /// Live pass tasks of `photos`, by pass number.
    func passTasks(_ e2e: EndToEnd) async throws -> [Int: TaskResp] {
        var out: [Int: TaskResp] = [:]
        for task in try await e2e.tasks() {
            if let marker = PassMarker.parse(description: task.description), marker.address == ResourceAddress(.migrationTask, "photos") {
                out[marker.n] = task
            }
        }
        return out
    }

    func runUntilSettled(_ e2e: EndToEnd, id: Int64) async throws -> TaskResp {
        for _ in 0..<300 {
            let task = try await e2e.client.showTask(id: id)
            if task.status == .succeeded || task.status == .failed { return task }
            try await e2e.runEngine(1)
        }
        throw EndToEnd.SetupFailure(description: "task \(id) did not settle")
    }

    func write(_ e2e: EndToEnd, _ key: String, _ text: String, at time: Date) throws {
        try e2e.buckets.write(cloud: .aliyun, region: "cn-hangzhou", bucket: "src", key: key, data: Data(text.utf8), modified: time)
    }

    func destination(_ e2e: EndToEnd, _ key: String) -> Data? {
        guard let url = e2e.buckets.bucketURL(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst") else { return nil }
        return try? Data(contentsOf: url.appendingPathComponent("photos/" + key))
    }

    @Test func aPassCopiesExactlyWhatChangedAndKeepDeletesOldPassesAfterRecording() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "photos/", objects: 6)
            try e2e.writePlan([PlanText.task("photos", extra: [Self.policy])])
            let desired = try e2e.load()
            let r = reconciler(e2e)
            let clock = e2e.server.clock

            // The full copy, as any task.
            var result = try await apply(r, desired)
            #expect(try result.report.change("photos").action == .create)
            let full = try await e2e.ownedTask("photos")
            let fullDone = try await runUntilSettled(e2e, id: try #require(full.id))
            #expect(fullDone.status == .succeeded && fullDone.successfulNum == 6)
            let fullStart = Date(timeIntervalSince1970: TimeInterval(try #require(fullDone.startTime)) / 1000)

            // New and changed objects at the source after the full copy started.
            try await e2e.runEngine(60)
            try write(e2e, "photos/new-1.bin", "a new photo", at: clock.now)
            try write(e2e, "photos/object-00002.bin", "changed at the source", at: clock.now)

            // Not due yet: nothing is created.
            result = try await apply(r, desired)
            #expect(result.passes.isEmpty, "\(result.passes)")
            #expect(try await passTasks(e2e).isEmpty)

            // An hour after the full copy started, pass 1: the full copy's body but migrate_since.
            clock.advance(by: 3600)
            result = try await apply(r, desired)
            #expect(result.passes.map(\.kind) == [.created], "\(result.passes)")
            var passes = try await passTasks(e2e)
            let pass1 = try #require(passes[1])
            #expect(pass1.migrateSince == Int64(fullStart.timeIntervalSince1970 - 900) * 1000)
            #expect(pass1.srcNode?.objectKey == full.srcNode?.objectKey && pass1.dstNode?.savePrefix == full.dstNode?.savePrefix)
            // The full copy is untouched and still the one owned task; nothing is unowned.
            #expect(try await e2e.ownedTask("photos").id == full.id)
            let plan = try await r.plan(desired, options: StackReconciler.Options(preflight: false))
            #expect(plan.report.changes.allSatisfy { $0.action == .noop }, "\(plan.report.digest)")
            #expect(plan.report.unowned?.tasks == 0)
            // diff shows the pass as a pass (never a delete, a twin or an unowned task).
            #expect(plan.report.incrementalPasses == [PassInOMS(address: "MigrationTask/photos", n: 1, final: false, liveId: String(try #require(pass1.id)),
                                                     status: "running")])
            #expect(JSONReportRenderer().render(plan.report).contains("\"incrementalPasses\""))
            #expect(TextReportRenderer(color: false).render(plan.report).contains("MigrationTask/photos: incremental pass in OMS: #1 running (not changes)"))

            // Another reconcile while it runs starts nothing new.
            result = try await apply(r, desired)
            #expect(!result.passes.contains { $0.kind == .created })

            let done1 = try await runUntilSettled(e2e, id: try #require(pass1.id))
            #expect(done1.status == .succeeded)
            // Exactly the new and the changed object, byte for byte; the unchanged five skipped.
            #expect(done1.successfulNum == 2 && done1.skippedNum == 5, "copied \(done1.successfulNum ?? -1), skipped \(done1.skippedNum ?? -1)")
            #expect(destination(e2e, "photos/new-1.bin") == Data("a new photo".utf8))
            #expect(destination(e2e, "photos/object-00002.bin") == Data("changed at the source".utf8))
            #expect(destination(e2e, "photos/object-00003.bin") == Data(repeating: 3, count: 1024))

            // Recorded; pass 2 an hour after pass 1 started, from pass 1's start less the overlap.
            result = try await apply(r, desired)
            let ledger = r.passLedger(stack: EndToEnd.stackName)
            let address = ResourceAddress(.migrationTask, "photos")
            var recorded = ledger.passes(of: address)
            #expect(recorded.map(\.status) == ["succeeded"])
            #expect(recorded.first?.objectsCopied == 2 && recorded.first?.objectsSkipped == 5 && recorded.first?.bytesCopied == 32)
            let pass1Start = try #require(recorded.first?.start)
            clock.advance(by: 3600)
            try write(e2e, "photos/new-2.bin", "another", at: clock.now)
            result = try await apply(r, desired)
            #expect(result.passes.map(\.kind) == [.created], "\(result.passes)")
            passes = try await passTasks(e2e)
            let pass2 = try #require(passes[2])
            #expect(pass2.migrateSince == Int64(pass1Start.timeIntervalSince1970 - 900) * 1000)
            let done2 = try await runUntilSettled(e2e, id: try #require(pass2.id))
            #expect(done2.successfulNum == 1, "copied \(done2.successfulNum ?? -1)")

            // keep: 1 deletes pass 1's task, whose counts stay recorded.
            result = try await apply(r, desired)
            #expect(result.passes.contains { $0.kind == .deleted && $0.n == 1 }, "\(result.passes)")
            passes = try await passTasks(e2e)
            #expect(passes.keys.sorted() == [2])
            recorded = ledger.passes(of: address)
            #expect(recorded.map(\.n) == [1, 2] && recorded.allSatisfy(\.succeeded))
            #expect(recorded.first?.objectsCopied == 2)

            // status: the passes and the next one.
            var history = ObservationHistory()
            let status = try await r.status(of: desired, history: &history, failedObjects: false)
            let entry = try #require(status.entries.first { $0.address == "MigrationTask/photos" })
            #expect(entry.passes?.map(\.n) == [1, 2] && entry.passes?.map(\.objects) == [2, 1])
            #expect(entry.nextPass == recorded.last?.start.map { $0.addingTimeInterval(3600) })
            // JSON: entries[].passes with the contract's keys, nextPass in RFC 3339.
            let json = try #require(try JSONSerialization.jsonObject(with: Data(try PrettyJSON.render(status).utf8)) as? [String: Any])
            let entries = try #require(json["entries"] as? [[String: Any]])
            let first = try #require(entries.first { $0["address"] as? String == "MigrationTask/photos" })
            let listed = try #require(first["passes"] as? [[String: Any]])
            #expect(Set(listed[0].keys) == ["n", "start", "finish", "objects", "bytes", "failed", "status"])
            #expect((first["nextPass"] as? String)?.hasSuffix("Z") == true)
        }
    }

    /// A group's pass is a new task group, the same way.
    @Test func aGroupsPassIsANewGroup() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "archive/", objects: 4)
            let group = [
                "apiVersion: oms-plan/v1", "kind: MigrationTaskGroup", "metadata: {name: archive}", "spec:", "  type: prefix",
                "  source: {cloud: Aliyun, region: cn-hangzhou, bucket: src, credentials: aliyun, prefixes: [\"archive/\"]}",
                "  destination: {savePrefix: archive/}", Self.policy,
            ].joined(separator: "\n") + "\n"
            try e2e.writePlan([group])
            let desired = try e2e.load()
            let r = reconciler(e2e)
            let clock = e2e.server.clock
            _ = try await apply(r, desired)
            func groups() async throws -> [TaskGroupResp] { try await e2e.client.listAllTaskGroups() }
            func settle(_ id: String) async throws -> TaskGroupResp {
                for _ in 0..<300 {
                    let g = try await e2e.client.showTaskGroup(id: id)
                    if g.status == .completed || g.status == .migrationFailed || g.status == .creationFailed { return g }
                    try await e2e.runEngine(1)
                }
                throw EndToEnd.SetupFailure(description: "group \(id) did not settle")
            }
            let full = try #require(try await groups().first)
            #expect(try await settle(try #require(full.groupId)).status == .completed)
            try write(e2e, "archive/new.bin", "new in the archive", at: clock.now.addingTimeInterval(1))
            clock.advance(by: 3600)
            let result = try await apply(r, desired)
            #expect(result.passes.map(\.kind) == [.created], "\(result.passes)")
            let pass = try #require(try await groups().first { PassMarker.parse(description: $0.description)?.n == 1 })
            #expect(PassMarker.parse(description: pass.description)?.address == ResourceAddress(.migrationTaskGroup, "archive"))
            let done = try await settle(try #require(pass.groupId))
            #expect(done.status == .completed && done.successNum == 1, "copied \(done.successNum ?? -1)")
            _ = try await apply(r, desired)
            let recorded = r.passLedger(stack: EndToEnd.stackName).passes(of: ResourceAddress(.migrationTaskGroup, "archive"))
            #expect(recorded.map(\.status) == ["succeeded"] && recorded.first?.objectsCopied == 1)
            // The full copy is still the one group the plan owns: no change, no twin.
            let plan = try await r.plan(desired, options: StackReconciler.Options(preflight: false))
            #expect(plan.report.changes.allSatisfy { $0.action == .noop }, "\(plan.report.digest)")
            #expect(plan.report.unowned?.taskGroups == 0)
        }
    }

    @Test func aFailedPassFollowsOnFailure() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "photos/", objects: 3)
            try e2e.writePlan([PlanText.task("photos", extra: [Self.policy, "  onFailure: {action: retryFailedObjects, maxAttempts: 1}"])])
            let desired = try e2e.load()
            let attempts = MemoryAttemptLedger()
            let r = reconciler(e2e, attempts)
            let clock = e2e.server.clock
            _ = try await apply(r, desired)
            _ = try await runUntilSettled(e2e, id: try #require(try await e2e.ownedTask("photos").id))
            try write(e2e, "photos/bad.bin", "fails", at: clock.now.addingTimeInterval(1))
            try await FailedObjectsEndToEndTests.fail(e2e, prefix: "photos/bad", code: "InvalidObjectState")
            clock.advance(by: 3600)
            _ = try await apply(r, desired)
            let pass1 = try #require(try await passTasks(e2e)[1])
            #expect(try await runUntilSettled(e2e, id: try #require(pass1.id)).status == .failed)

            // Retried once (its failed objects), counted under the pass's own id.
            var result = try await apply(r, desired)
            #expect(result.passes.map(\.kind) == [.retried], "\(result.passes)")
            #expect(attempts.attempts(address: ResourceAddress(.migrationTask, "photos"), liveId: String(try #require(pass1.id))) == 1)
            #expect(try await runUntilSettled(e2e, id: try #require(pass1.id)).status == .failed)
            // Attempts used up: left failed, and no new pass before `every` after it ended.
            result = try await apply(r, desired)
            #expect(result.passes.map(\.kind) == [.gaveUp], "\(result.passes)")
            #expect(try await passTasks(e2e).keys.sorted() == [1])
            // The full copy is never touched by its pass's failure.
            let plan = try await r.plan(desired, options: StackReconciler.Options(preflight: false))
            #expect(try plan.report.change("photos").action == .noop, "\(plan.report.digest)")
        }
    }

    /// The Cutover's final pass (`requestFinalPass`): created at its time with a final marker,
    /// also for a resource without `incremental`, and no regular pass ever after it.
    @Test func aRequestedFinalPassIsTheLastOne() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "photos/", objects: 2)
            try e2e.writePlan([PlanText.task("photos")])
            let desired = try e2e.load()
            let r = reconciler(e2e)
            let clock = e2e.server.clock
            _ = try await apply(r, desired)
            _ = try await runUntilSettled(e2e, id: try #require(try await e2e.ownedTask("photos").id))
            let ledger = r.passLedger(stack: EndToEnd.stackName)
            let address = ResourceAddress(.migrationTask, "photos")
            try ledger.requestFinalPass(of: address, at: clock.now.addingTimeInterval(600))
            var result = try await apply(r, desired)
            #expect(result.passes.isEmpty, "not due yet: \(result.passes)")
            clock.advance(by: 600)
            try write(e2e, "photos/late.bin", "written before the freeze", at: clock.now.addingTimeInterval(-1))
            result = try await apply(r, desired)
            #expect(result.passes.map(\.kind) == [.created], "\(result.passes)")
            let final = try #require(try await passTasks(e2e)[1])
            #expect(PassMarker.parse(description: final.description)?.final == true)
            let done = try await runUntilSettled(e2e, id: try #require(final.id))
            #expect(done.status == .succeeded && done.successfulNum == 1)
            // Recorded as the final pass; with `incremental` added later, still no pass after it.
            try e2e.writePlan([PlanText.task("photos", extra: ["  incremental: {every: 1h, keep: 0}"])])
            clock.advance(by: 7200)
            result = try await apply(r, try e2e.load())
            #expect(!result.passes.contains { $0.kind == .created }, "\(result.passes)")
            #expect(ledger.finalPass(of: address)?.status == "succeeded")
            // keep: 0 deletes succeeded passes, but never the final one (the Cutover verifies it).
            #expect(try await passTasks(e2e).keys.sorted() == [1])
        }
    }

    /// Adding, changing or removing `incremental` never replaces or updates the full copy, and
    /// a plan without it leaves existing passes alone (never a delete or a twin).
    @Test func addingOrRemovingIncrementalNeverTouchesTheFullCopy() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "photos/", objects: 2)
            try e2e.writePlan([PlanText.task("photos")])
            let r = reconciler(e2e)
            _ = try await apply(r, try e2e.load())
            let full = try await e2e.ownedTask("photos")
            _ = try await runUntilSettled(e2e, id: try #require(full.id))
            for extra in [[Self.policy], ["  incremental: {every: 2h, keep: 0}"], []] {
                try e2e.writePlan([PlanText.task("photos", extra: extra)])
                let plan = try await r.plan(try e2e.load(), options: StackReconciler.Options(preflight: false))
                #expect(try plan.report.change("photos").action == .noop, "\(extra): \(plan.report.digest)")
            }
            // With a pass in OMS, a plan without `incremental` still plans nothing for it.
            try e2e.writePlan([PlanText.task("photos", extra: [Self.policy])])
            e2e.server.clock.advance(by: 3600)
            _ = try await apply(r, try e2e.load())
            #expect(try await passTasks(e2e).count == 1)
            try e2e.writePlan(prune: true, [PlanText.task("photos")])
            let plan = try await r.plan(try e2e.load(), options: StackReconciler.Options(preflight: false))
            #expect(plan.report.changes.allSatisfy { $0.action == .noop }, "\(plan.report.digest)")
            #expect(plan.report.unowned?.tasks == 0)
            #expect(try await e2e.ownedTask("photos").id == full.id)
        }
    }
}
