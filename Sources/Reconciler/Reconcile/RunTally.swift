/// What a whole apply or reconcile run did, pass after pass and wave after wave. The last line
/// of a run is made from this and never from its last pass alone: after `apply --wait` created
/// every wave, the last pass has nothing left to do, and on its own it would say that OMS
/// "already matched" a plan the run just carried out.
public struct RunTally: Sendable, Equatable {
    /// Changes carried out (every step succeeded), per action, over every pass.
    public private(set) var made: [ChangeAction: Int] = [:]
    /// Changes that failed, or were skipped because what they depend on failed.
    public private(set) var failed = 0
    public private(set) var skipped = 0
    /// Passes that sent changes to OMS (a wave: what waited for the one before is created).
    public private(set) var waves = 0
    /// Every pass, including those that found nothing to do.
    public private(set) var passes = 0

    public init() {}

    public mutating func record(_ pass: StackReconciler.PassResult) { record(pass.report, applied: pass.applied) }

    /// Adds one pass. Outcomes are counted only for a pass that was applied: a pass that was
    /// declined or had nothing to do changed nothing, whatever its report says.
    public mutating func record(_ report: ChangeReport, applied: Bool) {
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
    public var changed: Int { made.values.reduce(0, +) }
}
