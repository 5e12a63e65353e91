import Foundation

/// Every pass of one `apply` run as it ended, for the report of the whole run (`apply --output
/// json`). After `apply --wait` the last pass alone has nothing left to do: a report made from
/// it would list no create of a run that created every wave.
///
/// Kept by `applyRun` for one run only: a `reconcile --interval` loop, which never ends, keeps
/// no such list (its report file is written pass by pass).
public struct RunReport: Sendable {
    /// One pass: its plan with each change's outcome, and whether it sent anything to OMS.
    public struct Pass: Sendable {
        public let report: ChangeReport
        public let applied: Bool

        public init(report: ChangeReport, applied: Bool) {
            self.report = report
            self.applied = applied
        }
    }

    public private(set) var passes: [Pass] = []

    public init(passes: [Pass] = []) { self.passes = passes }

    public mutating func record(_ pass: StackReconciler.PassResult) {
        passes.append(Pass(report: pass.report, applied: pass.applied))
    }

    /// The whole run in the shape of one pass's report: each resource as the last pass that
    /// acted on it, or found it needing a person, left it (a create made in the first wave
    /// stays a create with its outcome though later passes found nothing to do for it);
    /// otherwise as the last pass saw it. Evaluated when the run began; what is not owned, as
    /// last read. Nil before any pass.
    public var whole: ChangeReport? {
        guard let first = passes.first, let last = passes.last else { return nil }
        var latest: [ChangeSubject: ResourceChange] = [:]
        for pass in passes {
            for change in pass.report.changes where Self.isNotable(change) || latest[change.address] == nil {
                latest[change.address] = change
            }
        }
        // A resource the last pass saw as a plain noop is kept as an earlier pass left it only
        // when that pass was notable for it; the last pass's line wins otherwise.
        for change in last.report.changes where latest[change.address].map({ !Self.isNotable($0) }) ?? true {
            latest[change.address] = change
        }
        var whole = ChangeReport(
            stack: first.report.stack, evaluatedAt: first.report.evaluatedAt, evaluatedDay: first.report.evaluatedDay,
            changes: Array(latest.values))
        whole.unowned = last.report.unowned
        // The change freeze as the last pass found it (Reconciler/Hold).
        whole.freeze = last.report.freeze
        return whole
    }

    /// What a pass did or found about one resource that a later quiet pass must not hide: a
    /// change (made, failed, blocked) or a reason that needs a person.
    static func isNotable(_ change: ResourceChange) -> Bool {
        if let status = change.outcome?.status, status != .unchanged { return true }
        return change.action != .noop || change.reasons.contains(where: \.needsAttention)
    }
}
