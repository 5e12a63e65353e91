import Reconciler

/// The words of a run's tally (`StackReconciler`'s `RunTally` counts; the last line says).
extension RunTally {
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
