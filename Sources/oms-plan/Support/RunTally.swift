import Reconciler

/// What a whole apply or reconcile run did, pass after pass and wave after wave. The last line
/// of a run is made from this and never from its last pass alone: after `apply --wait` created
/// every wave, the last pass has nothing left to do, and on its own it would say that OMS
/// "already matched" a plan the run just carried out.
struct RunTally: Sendable, Equatable {
    /// Changes carried out (every step succeeded), per action, over every pass.
    private(set) var made: [ChangeAction: Int] = [:]
    /// Changes that failed, or were skipped because what they depend on failed.
    private(set) var failed = 0
    private(set) var skipped = 0
    /// Passes that sent changes to OMS (a wave: what waited for the one before is created).
    private(set) var waves = 0
    /// Every pass, including those that found nothing to do.
    private(set) var passes = 0

    mutating func record(_ pass: StackReconciler.PassResult) { record(pass.report, applied: pass.applied) }

    /// Adds one pass. Outcomes are counted only for a pass that was applied: a pass that was
    /// declined or had nothing to do changed nothing, whatever its report says.
    mutating func record(_ report: ChangeReport, applied: Bool) {
        passes += 1
        guard applied else { return }
        waves += 1
        for change in report.changes {
            switch change.outcome?.status {
            case .succeeded?: made[change.action, default: 0] += 1
            case .failed?: failed += 1
            case .skipped?: skipped += 1
            case .unchanged?, nil: break
            }
        }
    }

    /// Changes carried out over the run.
    var changed: Int { made.values.reduce(0, +) }

    /// `11 created in 2 waves`, `3 created, 1 updated, 1 failed in 1 wave`, or `nothing was
    /// changed`. Counts in the contract's order of actions.
    var phrase: String {
        var parts = ChangeAction.allCases.compactMap { action in made[action].map { "\($0) \(Self.done(action))" } }
        if failed > 0 { parts.append("\(failed) failed") }
        if skipped > 0 { parts.append("\(skipped) skipped") }
        guard !parts.isEmpty else { return "nothing was changed" }
        return parts.joined(separator: ", ") + " in \(waves) \(waves == 1 ? "wave" : "waves")"
    }

    /// The past tense the last line uses for a change that was carried out.
    static func done(_ action: ChangeAction) -> String {
        switch action {
        case .create: "created"
        case .update: "updated"
        case .replace: "replaced"
        case .delete: "deleted"
        case .start: "started"
        case .pause: "paused"
        case .retry: "retried"
        case .release: "released"
        // Never carried out by a step; named all the same should a report say so.
        case .blocked, .noop: "changed"
        }
    }
}
