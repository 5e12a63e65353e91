import Foundation
import MigrationPlan
import OMSModels
import Reconciler
import Testing

/// Issue 26: the hold rules on a hand-made plan (the quickstart against a live state where every
/// action occurs, `Fixtures.everyActionLive`): what a suspension and a change freeze let
/// through to the planner's steps, and what the report says. Pure: no OMS.
@Suite("Hold rules: suspensions and change freezes filter the planned steps")
struct HoldRulesTests {
    let now = Fixtures.evaluatedAt

    func desired() throws -> DesiredState { try Fixtures.quickstart(variables: Fixtures.fakeSecrets) }

    func plan(_ desired: DesiredState) throws -> ExecutionPlan {
        ChangePlanner.plan(desired: desired, live: try Fixtures.everyActionLive(try self.desired()),
                           options: DiffOptions(previouslyAdopted: Fixtures.previouslyAdopted), now: now)
    }

    /// `desired` with `suspension` on the task or group `address`.
    func suspending(_ desired: DesiredState, _ address: String, _ suspension: Suspension) throws -> DesiredState {
        var state = desired
        let a = try #require(ResourceAddress(parsing: address))
        switch state.resources[a] {
        case .task(var t)?: t.common.suspension = suspension; state.resources[a] = .task(t)
        case .taskGroup(var g)?: g.common.suspension = suspension; state.resources[a] = .taskGroup(g)
        default: Issue.record("\(address) is no task or group of the quickstart")
        }
        return state
    }

    func change(_ plan: ExecutionPlan, _ address: ChangeSubject) throws -> ResourceChange {
        try #require(plan.report.changes.first { $0.address == address })
    }

    func steps(_ plan: ExecutionPlan, _ address: ChangeSubject) -> [PlanStep] { plan.steps.filter { $0.addresses.contains(address) } }

    @Test func suspendedResourcesGetNoStepAndSayWhy() throws {
        let plain = try plan(try desired())
        let until = now.addingTimeInterval(3 * 86_400)
        var state = try desired()
        // A retry, a pause, a start and a create, each held.
        for name in ["photos-2024", "media-videos", "docs", "web-assets"] {
            state = try suspending(state, "MigrationTask/\(name)", Suspension(reason: "NET-42", until: until))
        }
        let held = try plan(state)
        for (name, action) in [("photos-2024", ChangeAction.retry), ("media-videos", .pause), ("docs", .start), ("web-assets", .create)] {
            let subject = ChangeSubject(ResourceAddress(.migrationTask, name))
            #expect(try change(plain, subject).action == action, "the fixture's \(name) is a \(action)")
            #expect(!steps(plain, subject).isEmpty)
            #expect(steps(held, subject).isEmpty, "\(name) is suspended: nothing may be sent for it")
            let c = try change(held, subject)
            #expect(c.action == .noop)
            #expect(c.calls.isEmpty && c.fields.isEmpty)
            #expect(c.suspended == HoldNotice(reason: "NET-42", until: until, heldAction: action))
            #expect(c.reasons.map(\.code) == ["suspended"])
        }
        // Everything else is planned as before.
        let others = plain.steps.filter { !$0.addresses.contains { ["photos-2024", "media-videos", "docs", "web-assets"].contains($0.address.name) } }
        #expect(held.steps.map(\.operation) == others.map(\.operation))
        #expect(held.report.freeze == nil)
    }

    @Test func aSuspensionWhoseUntilHasPassedHoldsNothing() throws {
        let plain = try plan(try desired())
        let state = try suspending(try desired(), "MigrationTask/web-assets", Suspension(reason: "over", until: now.addingTimeInterval(-1)))
        let after = try plan(state)
        #expect(after.steps.map(\.operation) == plain.steps.map(\.operation))
        #expect(try change(after, "MigrationTask/web-assets").action == .create)
        #expect(try change(after, "MigrationTask/web-assets").suspended == nil)
    }

    @Test func aSuspendedStackHoldsEverythingItWouldTouch() throws {
        var state = try desired()
        state.stack.suspension = Suspension(reason: "audit (SEC-9)")
        let held = try plan(state)
        #expect(held.steps.isEmpty, "\(held.steps.map(\.operation.call))")
        for c in held.report.changes where c.action != .release {
            #expect(c.action == .noop, "\(c.address)")
            #expect(c.suspended?.byStack == true, "\(c.address)")
        }
        // The duplicate's delete is held like the rest.
        let duplicate = try change(held, ChangeSubject(ResourceAddress(.migrationTask, "logs-batch"), duplicateId: "1011"))
        #expect(duplicate.suspended?.heldAction == .delete)
        // Only the release is left: it sends nothing to OMS, it is oms-plan's own record.
        #expect(held.report.summary.pending == held.report.summary.release)
    }

    /// Inside a freeze: the pause and the day's bandwidth rules are made, nothing else.
    @Test func aFreezeLetsPausesAndBandwidthThroughAndHoldsTheRest() throws {
        let plain = try plan(try desired())
        var state = try desired()
        let end = now.addingTimeInterval(3600)
        state.stack.freezes = [ChangeFreeze(span: .once(start: now.addingTimeInterval(-60), end: end), reason: "release week (CAB-7)")]
        let frozen = try plan(state)
        // What plain makes and the freeze lets through: exactly the pauses and bandwidth updates.
        let through = plain.steps.filter {
            switch $0.operation.verb {
            case .updateBandwidth: true
            case .stop: $0.addresses == ["MigrationTask/media-videos"]
            default: false
            }
        }
        #expect(!through.isEmpty)
        #expect(frozen.steps.map(\.operation) == through.map(\.operation), "\(frozen.steps.map(\.operation.call))")
        #expect(try change(frozen, "MigrationTask/media-videos").action == .pause)
        #expect(try change(frozen, "MigrationTask/logs-web").action == .update)
        for subject: ChangeSubject in ["MigrationTask/web-assets", "MigrationTask/photos-2024", "MigrationTask/docs", "MigrationTask/photos-selected",
                                        ChangeSubject(ResourceAddress(.migrationTask, "logs-batch"), duplicateId: "1011")] {
            let c = try change(frozen, subject)
            #expect(c.action == .blocked, "\(subject)")
            let notice = HoldNotice(reason: "release week (CAB-7)", until: end, heldAction: try change(plain, subject).action)
            #expect(c.reasons.last == .heldByFreeze(notice), "\(subject)")
            #expect(c.isHeldByFreeze)
            // What it would change is still shown.
            #expect(c.fields == (try change(plain, subject)).fields)
        }
        #expect(frozen.report.freeze == FreezeNotice(reason: "release week (CAB-7)", start: now.addingTimeInterval(-60), end: end, active: true))
        // A freeze's hold passes by itself: waiting, not blocked until a person acts.
        let blockedByFreeze = Set(frozen.report.heldByFreeze.filter { $0.action == .blocked }.map(\.address))
        #expect(blockedByFreeze.count >= 5, "the five above, and the sync task the fixture creates")
        #expect(blockedByFreeze.isSubset(of: Set(frozen.report.waiting.map(\.address))))
        #expect(frozen.report.unresolved.allSatisfy { !$0.isHeldByFreeze || $0.reasons.contains(where: \.needsAttention) })
        #expect(DiffVerdict(frozen.report).blockers.allSatisfy { !$0.isHeldByFreeze })
    }

    /// `apply --ignore-freeze`: the freeze in force holds nothing, says it was ignored, and
    /// suspensions still hold.
    @Test func ignoringTheFreezeMakesEveryStepButSuspensionsStillHold() throws {
        let plain = try plan(try desired())
        var state = try desired()
        let end = now.addingTimeInterval(3600)
        state.stack.freezes = [ChangeFreeze(span: .once(start: now.addingTimeInterval(-60), end: end), reason: "release week (CAB-7)")]
        var options = DiffOptions(previouslyAdopted: Fixtures.previouslyAdopted)
        options.ignoreFreeze = true
        let live = try Fixtures.everyActionLive(try desired())
        let ignored = ChangePlanner.plan(desired: state, live: live, options: options, now: now)
        #expect(ignored.steps.map(\.operation) == plain.steps.map(\.operation))
        #expect(ignored.report.heldByFreeze.isEmpty)
        #expect(ignored.report.freeze?.ignored == true && ignored.report.freeze?.active == true)
        #expect(ignored.report.freezeLine?.contains("Ignored by --ignore-freeze") == true)
        let suspended = try suspending(state, "MigrationTask/docs", Suspension(reason: "audit", until: nil))
        let both = ChangePlanner.plan(desired: suspended, live: live, options: options, now: now)
        #expect(try change(both, "MigrationTask/docs").suspended != nil)
        #expect(steps(both, "MigrationTask/docs").isEmpty)
        // Without the flag the freeze line says nothing of ignoring.
        #expect(try plan(state).report.freeze?.ignored == nil)
    }

    @Test func outsideAFreezeNothingIsHeldAndTheNextOneIsNamed() throws {
        let plain = try plan(try desired())
        var state = try desired()
        state.stack.freezes = [ChangeFreeze(span: .once(start: now.addingTimeInterval(3600), end: now.addingTimeInterval(7200)), reason: "later")]
        let later = try plan(state)
        #expect(later.steps.map(\.operation) == plain.steps.map(\.operation))
        #expect(later.report.freeze?.active == false)
        #expect(later.report.freezeLine?.contains("next change freeze from") == true)
    }

    /// The views: text, Markdown and JSON say who is suspended, why and until when, and the freeze.
    @Test func theViewsNameSuspensionsAndTheFreeze() throws {
        var state = try suspending(try desired(), "MigrationTask/web-assets", Suspension(reason: "waiting for NET-42", until: now.addingTimeInterval(2 * 3600)))
        state.stack.freezes = [ChangeFreeze(span: .once(start: now.addingTimeInterval(-60), end: now.addingTimeInterval(3600)), reason: "CAB-7")]
        let report = try plan(state).report
        let text = TextReportRenderer().render(report)
        #expect(text.contains("MigrationTask/web-assets is suspended until 2026-11-24T11:00:00Z (2h0m left): waiting for NET-42; otherwise: create"), "\(text)")
        #expect(text.contains("held by the change freeze until 2026-11-24T10:00:00Z: CAB-7"))
        #expect(text.contains("A change freeze in force until 2026-11-24T10:00:00Z: CAB-7. Only pauses and the day's bandwidth rules are made;"))
        let markdown = MarkdownReportRenderer().render(report)
        #expect(markdown.contains("Suspended (spec.suspend), left as they are: 1"))
        #expect(markdown.contains("`MigrationTask/web-assets`: suspended until 2026-11-24T11:00:00Z (2h0m left): waiting for NET-42; otherwise: create"))
        let json = JSONReportRenderer().render(report)
        #expect(json.contains("\"suspended\": {"), "\(json.prefix(400))")
        #expect(json.contains("\"heldAction\": \"create\""))
        #expect(json.contains("\"held_by_freeze\""))
        #expect(json.contains("\"freeze\""))
    }
}
