import Foundation
import MigrationPlan
import OMSModels
import Testing

@testable import Reconciler

/// Issue 26: `status` (text and JSON) and the live page say which resources are suspended, why
/// and until when, and which change freeze is in force; the plan's words are escaped on the page.
@Suite struct HoldStatusTests {
    let now = Fixtures.evaluatedAt

    func board(_ edit: (inout DesiredState) throws -> Void) throws -> StatusBoard.Snapshot {
        var desired = try Fixtures.quickstart(variables: Fixtures.fakeSecrets)
        try edit(&desired)
        let board = StatusBoard()
        board.setDesired(desired)
        board.observe(try Fixtures.everyActionLive(try Fixtures.quickstart(variables: Fixtures.fakeSecrets)))
        return board.snapshot
    }

    static func suspend(_ desired: inout DesiredState, _ name: String, _ suspension: Suspension) {
        let address = ResourceAddress(.migrationTask, name)
        guard case .task(var task)? = desired.resources[address] else { return }
        task.common.suspension = suspension
        desired.resources[address] = .task(task)
    }

    @Test func statusAndThePageNameSuspensionsAndTheFreeze() throws {
        let snapshot = try board { desired in
            Self.suspend(&desired, "media-videos", Suspension(reason: "NET-42 <b>&", until: now.addingTimeInterval(90 * 60)))
            desired.stack.freezes = [ChangeFreeze(span: .once(start: now.addingTimeInterval(-60), end: now.addingTimeInterval(3600)), reason: "CAB-7")]
        }
        let status = try #require(snapshot.status)
        let media = try #require(status.entries.first { $0.address == "MigrationTask/media-videos" })
        #expect(media.suspended == HoldNotice(reason: "NET-42 <b>&", until: now.addingTimeInterval(90 * 60)))
        #expect(status.entries.filter { $0.suspended != nil }.count == 1)
        #expect(status.freeze == FreezeNotice(reason: "CAB-7", start: now.addingTimeInterval(-60), end: now.addingTimeInterval(3600), active: true))

        let text = StatusTextRenderer(color: false, bars: false).render(status)
        #expect(text.contains("  suspended until 2026-11-24T10:30:00Z (1h30m left): NET-42 <b>&"), "\(text)")
        #expect(text.contains("A change freeze in force until 2026-11-24T10:00:00Z: CAB-7; only pauses and the day's bandwidth rules are made."))

        let json = try PrettyJSON.render(status)
        #expect(json.contains("\"suspended\""), "\(json.prefix(300))")
        #expect(json.contains("\"freeze\""))

        let html = StatusPageRenderer(refreshSeconds: 15, now: now).render(snapshot)
        #expect(html.contains("<small class=\"suspended\">suspended until 2026-11-24T10:30:00Z (1h30m left): NET-42 &lt;b&gt;&amp;</small>"), "\(html.count)")
        #expect(html.contains("<p class=\"freeze warn\">A change freeze in force until 2026-11-24T10:00:00Z: CAB-7;"))
        #expect(!html.contains("<b>&"))
    }

    @Test func aSuspendedStackMarksEveryEntryAndAPastUntilNone() throws {
        let held = try board { $0.stack.suspension = Suspension(reason: "audit") }
        let entries = try #require(held.status?.entries)
        #expect(!entries.isEmpty && entries.allSatisfy { $0.suspended?.byStack == true })
        #expect(held.status?.freeze == nil)

        let over = try board { $0.stack.suspension = Suspension(reason: "audit", until: now.addingTimeInterval(-1)) }
        #expect(over.status?.entries.allSatisfy { $0.suspended == nil } == true)
    }
}
