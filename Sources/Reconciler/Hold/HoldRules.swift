import Foundation
import MigrationPlan

/// The hold rules of issue 26, between the differ's decisions and the planner's steps
/// (`ChangePlanner`'s one hook): what a suspension or a change freeze keeps from being sent.
///
/// - A suspended resource (`spec.suspend` of the resource, or of the Stack) is left exactly as
///   it is: every intent is dropped (no create, update, start, pause, retry or delete, not
///   even a pre-flight check, which only looks at creates), and its change becomes `noop` with
///   a `suspended` reason and notice. A suspension whose `until` has passed holds nothing.
///   The Stack's holds the undeclared resources it would delete and the duplicates too.
/// - Inside a change freeze, only two kinds of change are made: a pause the plan asks for
///   (`state: paused` of a running resource) and the bandwidth rules of the day's windows
///   (without a priority change, which is not bandwidth). Every other intent is held: the
///   change keeps its fields, gains a `heldByFreeze` reason, and is `blocked` when nothing of
///   it is made now. A hold by a freeze passes by itself when the freeze ends.
///
/// Releases (no OMS call, only oms-plan's own record) are never held.
struct HoldRules {
    let desired: DesiredState
    let now: Date
    /// `apply --ignore-freeze`: a person decided to change things inside the freeze; the
    /// suspensions still hold.
    var ignoreFreeze = false

    /// The freeze in force now (and when it ends), or nil.
    var freeze: FreezeWindow? { FreezeWindow.current(desired.stack.freezes, at: now) }

    func apply(to decisions: [Decision]) -> [Decision] {
        let stackHold = desired.stack.suspension.flatMap { $0.isActive(at: now) ? $0 : nil }
        let freeze = ignoreFreeze ? nil : self.freeze
        guard stackHold != nil || freeze != nil || desired.resources.values.contains(where: { $0.omsResource?.suspension != nil }) else {
            return decisions
        }
        return decisions.map { decision in
            guard decision.change.action != .release else { return decision }
            if let notice = suspension(decision, stack: stackHold) { return suspended(decision, notice) }
            if let freeze { return frozen(decision, freeze) }
            return decision
        }
    }

    /// The suspension that holds this change's resource now: the Stack's first (it holds
    /// everything), else the resource's own.
    private func suspension(_ decision: Decision, stack: Suspension?) -> HoldNotice? {
        if let stack { return HoldNotice(reason: stack.reason, until: stack.until, byStack: true) }
        guard let own = desired[decision.change.address.address]?.omsResource?.suspension, own.isActive(at: now) else { return nil }
        return HoldNotice(reason: own.reason, until: own.until)
    }

    private func suspended(_ decision: Decision, _ notice: HoldNotice) -> Decision {
        var held = decision
        var notice = notice
        notice.heldAction = decision.change.action
        held.intents = []
        held.change.action = .noop
        held.change.fields = []
        held.change.reasons = [.suspended(notice)]
        held.change.suspended = notice
        return held
    }

    private func frozen(_ decision: Decision, _ freeze: FreezeWindow) -> Decision {
        var kept: [Intent] = []
        var heldAny = false
        for intent in decision.intents {
            switch intent {
            case .pause:
                kept.append(intent)
            case .setBandwidth(let live, let rules, let priority):
                // The rules go through only when they change; a priority change waits.
                if decision.change.fields.contains(where: { $0.path == "bandwidth" }) {
                    kept.append(.setBandwidth(live: live, rules: rules, priority: nil))
                }
                if priority != nil { heldAny = true }
            case .create, .replace, .delete, .start, .retry:
                heldAny = true
            }
        }
        guard heldAny else { return decision }
        var held = decision
        held.intents = kept
        if kept.isEmpty {
            // Nothing of it is made now: blocked until the freeze ends, which passes by itself
            // (the reason is transient), unless a reason already needs a person. The other
            // reasons only described the change; the notice says what it would have been.
            let notice = HoldNotice(reason: freeze.reason, until: freeze.end, heldAction: decision.change.action)
            held.change.action = .blocked
            held.change.reasons = decision.change.reasons.filter(\.needsAttention) + [.heldByFreeze(notice)]
            return held
        }
        held.change.reasons.append(.heldByFreeze(HoldNotice(reason: freeze.reason, until: freeze.end)))
        // What is still made (a pause, the day's rules) names the action, unless the change
        // was blocked already.
        if [.create, .replace, .delete, .start, .retry].contains(decision.change.action) {
            held.change.action = kept.contains { if case .pause = $0 { true } else { false } } ? .pause : .update
        }
        return held
    }
}
