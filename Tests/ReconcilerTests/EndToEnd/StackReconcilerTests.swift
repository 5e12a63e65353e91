import Foundation
import MigrationPlan
import OMSClient
import Reconciler
import Synchronization
import Testing

@testable import OMSSandbox

/// The façade the commands use, driven directly against the in-process sandbox.
@Suite("stack reconciler", .serialized)
struct StackReconcilerTests {
    /// A stop switch for `run`: stops after `passes` passes.
    final class Stopper: StackReconciler.LoopControl {
        let passes: Int
        let done = Mutex(0)
        init(after passes: Int) { self.passes = passes }
        var stopRequested: Bool { done.withLock { $0 >= passes } }
        func sleep(seconds: Double) async {}
        func passEnded() { done.withLock { $0 += 1 } }
    }

    @Test func reviewSeesThePlanAndCanDeclineIt() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 2)
            try e2e.writePlan([PlanText.task("a")])
            let desired = try e2e.load()
            let reconciler = e2e.reconciler(ledger: MemoryAttemptLedger())
            let declined = try await reconciler.apply(desired, review: { planned in
                #expect(planned.report.summary.create == 1)
                return false
            })
            #expect(!declined.applied && declined.report.changes.allSatisfy { $0.outcome == nil })
            #expect(try await e2e.owned("a").isEmpty)

            let events = Mutex<[String]>([])
            let approved = try await reconciler.apply(desired, events: { event in
                if case .succeeded(let step, _) = event { events.withLock { $0.append(step.operation.call) } }
            })
            #expect(approved.applied && !approved.failed)
            #expect(events.withLock { $0 } == ["POST /v2/{project_id}/tasks"])
            _ = try await e2e.ownedTask("a")
            // Nothing left to do: the reviewer is not asked.
            let settled = try await reconciler.apply(desired, review: { _ in
                Issue.record("asked to review an empty plan")
                return true
            })
            #expect(!settled.applied && !settled.report.hasChanges)
        }
    }

    @Test func runRepeatsPassesReadingThePlanEachTime() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 2)
            try e2e.seedSource(prefix: "b/", objects: 2)
            try e2e.writePlan([PlanText.task("a")])
            let reconciler = e2e.reconciler(ledger: MemoryAttemptLedger())
            let stopper = Stopper(after: 3)
            let loads = Mutex(0)
            let outcomes = Mutex<[String]>([])
            await reconciler.run(
                every: 1, control: stopper,
                load: { _ in
                    let pass = loads.withLock { $0 += 1; return $0 }
                    if pass == 2 { try e2e.writePlan([PlanText.task("a"), PlanText.task("b")]) }
                    if pass == 3 { try e2e.writePlan(["not: [a plan"]) }
                    return try e2e.load()
                },
                onPass: { outcome in
                    switch outcome {
                    case .success(let pass): outcomes.withLock { $0.append("created \(pass.report.summary.create)") }
                    case .failure: outcomes.withLock { $0.append("failed") }
                    }
                    stopper.passEnded()
                })
            #expect(outcomes.withLock { $0 } == ["created 1", "created 1", "failed"])
            _ = try await e2e.ownedTask("b")
        }
    }

    @Test func oneLockPerStackHeldForTheWholePass() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 2)
            try e2e.writePlan([PlanText.task("a")])
            let desired = try e2e.load()
            // Two working directories (state folders), one lock: it is keyed by OMS, project and stack.
            let state = FileManager.default.temporaryDirectory.appendingPathComponent("reconciler-\(UUID().uuidString)")
            let otherState = FileManager.default.temporaryDirectory.appendingPathComponent("reconciler-\(UUID().uuidString)")
            defer { for url in [state, otherState] { try? FileManager.default.removeItem(at: url) } }
            let first = StackReconciler(client: e2e.client, stateDirectory: state)
            let second = StackReconciler(client: e2e.client, stateDirectory: otherState)
            let options = StackReconciler.Options(lockTimeout: .milliseconds(200))
            // While the first pass is held in review, a second pass on the same stack cannot start.
            let (entered, inside) = AsyncStream.makeStream(of: Void.self)
            let (released, release) = AsyncStream.makeStream(of: Void.self)
            let holder = Task {
                try await first.apply(desired, options: options, review: { _ in
                    inside.yield()
                    for await _ in released { break }
                    return true
                })
            }
            for await _ in entered { break }
            await #expect(throws: StackLock.Busy.self) { _ = try await second.apply(desired, options: options) }
            release.yield()
            let held = try await holder.value
            #expect(held.applied)
            #expect(try await second.apply(desired, options: options).report.hasChanges == false)
            #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("state").path) == false)
        }
    }

    /// An adopted task the plan drops is released in so many words, never silently: a
    /// `release` line (no OMS call), then it counts among the resources no stack owns.
    @Test func droppingAnAdoptionIsAReleaseLine() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "m/", objects: 2)
            try e2e.seedSource(prefix: "n/", objects: 2)
            let id = try #require(try await e2e.client.createTask(DiffNormalisationEndToEndTests.handMadeTask(prefix: "m/")).id)
            let state = FileManager.default.temporaryDirectory.appendingPathComponent("reconciler-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: state) }
            let reconciler = StackReconciler(client: e2e.client, stateDirectory: state)

            try e2e.writePlan([PlanText.task("m", extra: ["  adopt: {id: \"\(id)\"}"]), PlanText.task("n")])
            let adopted = try await reconciler.apply(try e2e.load())
            #expect(!adopted.failed, "\(adopted.report.digest)")
            #expect(try reconciler.adoptionRecord(stack: "e2e").adopted == ["MigrationTask/m": String(id)])

            // The adoption is dropped from the plan.
            try e2e.writePlan([PlanText.task("n")])
            let desired = try e2e.load()
            let planned = try await reconciler.plan(desired)
            let release = try planned.report.change("m")
            #expect(release.action == .release, "\(planned.report.digest)")
            #expect(release.liveId == String(id))
            #expect(planned.report.summary.release == 1 && planned.report.hasChanges)
            #expect(planned.calls(for: release.address).isEmpty, "a release makes no OMS call")
            #expect(TextReportRenderer().render(planned.report).contains("<- MigrationTask/m will be released (id"))

            let released = try await reconciler.apply(desired)
            #expect(try released.report.change("m").outcome?.status == .succeeded)
            #expect(try reconciler.adoptionRecord(stack: "e2e").adopted.isEmpty)
            // OMS still has the task, untouched; it now belongs to no stack.
            #expect(try await e2e.client.showTask(id: id).description == "made by hand")
            let after = try await reconciler.plan(desired)
            #expect(!after.report.hasChanges, "\(after.report.digest)")
            #expect(after.report.unowned?.tasks == 1)
        }
    }

    /// `apply --wait` holds one lock from its first pass to its last wave: passes inside do not
    /// take it again, and another run cannot slip in between the waves.
    @Test func holdingTheLockCoversEveryPassInside() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 2)
            try e2e.writePlan([PlanText.task("a")])
            let desired = try e2e.load()
            let state = FileManager.default.temporaryDirectory.appendingPathComponent("reconciler-\(UUID().uuidString)")
            let otherState = FileManager.default.temporaryDirectory.appendingPathComponent("reconciler-\(UUID().uuidString)")
            defer { for url in [state, otherState] { try? FileManager.default.removeItem(at: url) } }
            let reconciler = StackReconciler(client: e2e.client, stateDirectory: state)
            let other = StackReconciler(client: e2e.client, stateDirectory: otherState)
            let options = StackReconciler.Options(lockTimeout: .milliseconds(200))
            let passes = try await reconciler.holdingLock(stack: desired.stack.name, timeout: .seconds(5)) { () async throws -> Int in
                let first = try await reconciler.apply(desired, options: options)
                // Another run: not in this task's tree (a detached task stands in for another process).
                await #expect(throws: StackLock.Busy.self) {
                    _ = try await Task.detached { try await other.apply(desired, options: options) }.value
                }
                let second = try await reconciler.apply(desired, options: options)
                return [first, second].filter { !$0.failed }.count
            }
            #expect(passes == 2)
            // Released at the end: the other run goes through now.
            #expect(try await other.apply(desired, options: options).report.hasChanges == false)
        }
    }
}
