import Foundation
import Reconciler

/// How apply and reconcile speak of what a change freeze held (issue 26), apart from what waits
/// for a dependency, and apply's refusal.
///
/// The exit codes (docs/cli.md): a change held by a freeze is not made, so `apply`, which a
/// person runs to make the plan's changes now, exits 1 and its last line says until when (the
/// contract's "partial apply"; `apply --ignore-freeze` overrides it for one run, and a freeze is
/// lifted for good by editing `spec.freezes`, reviewed like any plan change). `reconcile` makes what the plan asks
/// for at this moment, and the plan itself asks to hold changes while a freeze lasts: the held
/// changes are like those that wait for a dependency, made by a later pass, and a pass that
/// only held changes exits 0 (a cron job must not fail every run of a weekend freeze).
/// Suspended resources are no change at all: every command exits as if they were unchanged.
enum HoldRun {
    /// Changes a freeze held (in whole or in part) in the run's last pass, and those that wait
    /// for their dependencies.
    static func split(_ verdict: RunVerdict) -> (held: [ResourceChange], dependencies: [ResourceChange]) {
        (verdict.report.heldByFreeze, verdict.waitingForLaterRun.filter { !$0.isHeldByFreeze })
    }

    /// `2 changes are held by the change freeze until 2026-12-07T00:00:00Z (weekend change freeze (CAB-7))`
    static func heldPhrase(_ held: [ResourceChange], _ report: ChangeReport) -> String {
        let verb = held.count == 1 ? "change is" : "changes are"
        guard let freeze = report.freeze, freeze.active else { return "\(held.count) \(verb) held by a change freeze" }
        return "\(held.count) \(verb) held by the change freeze until \(ISO8601DateFormatter().string(from: freeze.end)) (\(freeze.reason))"
    }

    /// The note after a run's errors: what the freeze held and when it is made.
    static func heldNote(_ held: [ResourceChange], _ report: ChangeReport) -> String? {
        held.isEmpty ? nil : heldPhrase(held, report) + "; a run after it ends makes them"
    }

    /// The end of a done run's last line when suspended resources would otherwise change:
    /// OMS does not match the plan then, on purpose; nil when nothing suspended was due.
    static func suspendedTail(_ report: ChangeReport) -> String? {
        let due = report.suspendedChanges.count { ($0.suspended?.heldAction ?? .noop) != .noop }
        guard due > 0 else { return nil }
        return "\(due) suspended \(due == 1 ? "resource is" : "resources are") left as \(due == 1 ? "it is" : "they are") (spec.suspend); nothing needs a person."
    }

    /// apply's last line when a freeze held changes (exit 1), or nil when it held none.
    static func refusal(_ verdict: RunVerdict, did: String) -> String? {
        let held = split(verdict).held
        guard !held.isEmpty else { return nil }
        return "not done: \(did); \(heldPhrase(held, verdict.report)). apply makes no other change inside a freeze;"
            + " run it again once the freeze ends (reconcile does so by itself), or with --ignore-freeze to make them now."
    }
}
