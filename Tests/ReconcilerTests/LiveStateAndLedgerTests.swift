import Foundation
import MigrationPlan
import OMSModels
import Reconciler
import Testing

@Suite struct LiveStateAndLedgerTests {
    @Test func resourcesWithoutAnIdAreNeverActedOn() throws {
        let desired = try Fixtures.quickstart()
        guard case .task(let docs)? = desired[ResourceAddress(.migrationTask, "docs")] else { Issue.record("no docs"); return }
        var nameless = try Fixtures.live(docs, id: 1, status: .migrating)
        nameless.id = nil
        var group = TaskGroupResp()
        group.groupId = ""
        group.description = "oms-plan:quickstart:MigrationTaskGroup/archive#00000000"
        let live = LiveState(tasks: [nameless], groups: [group], readAt: Fixtures.evaluatedAt)
        #expect(live.tasks.isEmpty && live.groups.isEmpty)
        #expect(live.malformed.count == 2)
        #expect(live.malformed.contains { $0.contains("MigrationTask/docs") })
        #expect(live.malformed.contains { $0.contains("MigrationTaskGroup/archive") })
        // Nothing in the plan refers to an id that OMS did not give.
        let plan = ChangePlanner.plan(desired: desired, live: live, now: Fixtures.evaluatedAt)
        #expect(!plan.steps.contains { $0.operation.call.contains("/tasks/0") })
    }

    /// Both ways `LiveState` files tasks (the list kept whole when every task is standalone,
    /// split when some belong to a group) and the unowned count read from ownership's markers.
    @Test func tasksAreFiledByGroupAndUnmarkedOnesCounted() throws {
        let desired = try Fixtures.quickstart()
        guard case .task(let docs)? = desired[ResourceAddress(.migrationTask, "docs")] else { Issue.record("no docs"); return }
        let owned = try Fixtures.live(docs, id: 1, status: .migrating)
        var foreign = owned
        foreign.id = 2
        foreign.description = "made by hand"
        var otherStack = owned
        otherStack.id = 3
        otherStack.description = owned.description?.replacingOccurrences(of: "oms-plan:quickstart:", with: "oms-plan:elsewhere:")
        var bare = owned
        bare.id = 6
        bare.description = nil

        let standalone = LiveState(tasks: [owned, foreign, otherStack, bare], groups: [], readAt: Fixtures.evaluatedAt)
        #expect(standalone.tasks.map(\.id) == [1, 2, 3, 6])
        #expect(standalone.groupTasks.isEmpty)
        let plan = ChangePlanner.plan(desired: desired, live: standalone, now: Fixtures.evaluatedAt)
        // Another stack's task is marked (not ours, not unowned); the hand-made and bare ones are unowned.
        #expect(plan.report.unowned?.tasks == 2)
        #expect(plan.report.changes.contains { $0.address.address == ResourceAddress(.migrationTask, "docs") && $0.liveId == "1" })

        var member = foreign
        member.id = 4
        member.groupId = "g-1"
        var pending = foreign
        pending.id = 5
        pending.groupType = .groupTask
        let mixed = LiveState(tasks: [owned, member, foreign, pending], groups: [], readAt: Fixtures.evaluatedAt)
        #expect(mixed.tasks.map(\.id) == [1, 2])
        #expect(mixed.groupTasks["g-1"]?.map(\.id) == [4])
        #expect(mixed.groupTasks[""]?.map(\.id) == [5])
        #expect(ChangePlanner.plan(desired: desired, live: mixed, now: Fixtures.evaluatedAt).report.unowned?.tasks == 1)
    }

    @Test func anUnreadableLedgerIsAnErrorNotAFreshStart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("stack.attempts.json")
        try Data("{not json".utf8).write(to: url)
        #expect(throws: LedgerError.self) { _ = try FileAttemptLedger(url: url) }

        try Data(#"{"MigrationTask/a#1": 2}"#.utf8).write(to: url)
        let ledger = try FileAttemptLedger(url: url)
        #expect(ledger.attempts(address: "MigrationTask/a", liveId: "1") == 2)
        try ledger.record(address: "MigrationTask/a", liveId: "1")
        #expect(try FileAttemptLedger(url: url).attempts(address: "MigrationTask/a", liveId: "1") == 3)
        #expect(try ledger.reset(address: "MigrationTask/a") == 1)
        #expect(try FileAttemptLedger(url: url).attempts(address: "MigrationTask/a", liveId: "1") == 0)
        // A ledger that cannot be written: the count is not lost silently, the attempt is refused.
        let blocked = try FileAttemptLedger(url: directory.appendingPathComponent("stack.attempts.json/inside"))
        #expect(throws: LedgerError.self) { try blocked.record(address: "MigrationTask/a", liveId: "1") }
        #expect(blocked.attempts(address: "MigrationTask/a", liveId: "1") == 0)
    }
}
