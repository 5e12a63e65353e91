import Foundation

/// How a run of apply or reconcile ended, decided here and worded by the command line: whether
/// OMS matches the plan, which resources need a person and why, what waits for a later run.
///
/// OMS "does not match and will not by itself" when a step failed, a change needs a person or a
/// task ended Failed. Changes that only wait for a dependency are progress, unless the run
/// waited for them (`apply --wait`) and they still wait.
public struct RunVerdict: Sendable {
    /// One resource that keeps the run from being done, in the order the run reports them.
    public enum Problem: Sendable {
        /// A step failed (shown as it failed).
        case failedStep(ResourceChange)
        /// A change that needs a person (or was skipped): the reasons that need one, or every
        /// reason when none does. An outcome's error, when there is one, says more.
        case unresolved(ResourceChange, reasons: [ChangeReason])
        /// A task or group OMS reports Failed that the plan had nothing to change for.
        case endedFailed(StatusReport.Entry)
        /// The run waited and the change still waits for its dependencies.
        case stillWaiting(ResourceChange)

        /// The resource the problem is about (`Kind/name`, `#<live id>` for a duplicate).
        public var address: String {
            switch self {
            case .failedStep(let change), .unresolved(let change, _), .stillWaiting(let change): change.address.description
            case .endedFailed(let entry): entry.address
            }
        }
    }

    /// The run's last pass.
    public let report: ChangeReport
    /// Every pass and wave of the run.
    public let tally: RunTally
    /// Every pass's report, for the report of the whole run (empty when not kept).
    public let run: RunReport
    public let problems: [Problem]
    /// Changes that wait for their dependencies and a later run will make (the run did not wait).
    public let waitingForLaterRun: [ResourceChange]
    /// The run waited and everything settled.
    public let settled: Bool

    /// `report` is the run's last pass, `status` what was last read when the run waited
    /// (`waited`) for everything to settle, `tally` all of its passes.
    public init(report: ChangeReport, status: StatusReport?, waited: Bool, tally: RunTally, run: RunReport = RunReport()) {
        var problems: [Problem] = []
        let unresolved = report.unresolved
        for change in unresolved {
            if change.outcome?.status == .failed {
                problems.append(.failedStep(change))
            } else {
                let attention = change.reasons.filter(\.needsAttention)
                problems.append(.unresolved(change, reasons: attention.isEmpty ? change.reasons : attention))
            }
        }
        let named = Set(unresolved.map(\.address.description))
        // A failed resource whose every failed object the plan accepts is settled: its change
        // says `completed` (`ExecutionPlan.settleAcceptedFailures`), and it needs no person.
        let accepted = Set(report.changes.filter { $0.reasons.contains(.completed) }.map(\.address.description))
        for entry in status?.entries ?? [] where entry.phase == .failed && !named.contains(entry.address) && !accepted.contains(entry.address) {
            problems.append(.endedFailed(entry))
        }
        let waiting = report.waiting
        if waited { problems += waiting.map(Problem.stillWaiting) }
        self.report = report
        self.tally = tally
        self.run = run
        self.problems = problems
        self.waitingForLaterRun = waited ? [] : waiting
        self.settled = waited && status != nil
    }

    /// A verdict as given (for views and their tests).
    public init(
        report: ChangeReport, tally: RunTally, problems: [Problem], waitingForLaterRun: [ResourceChange], settled: Bool,
        run: RunReport = RunReport()
    ) {
        self.report = report
        self.tally = tally
        self.run = run
        self.problems = problems
        self.waitingForLaterRun = waitingForLaterRun
        self.settled = settled
    }

    /// The report of the whole run (every pass and wave), or the last pass's when the passes
    /// were not kept.
    public var wholeReport: ChangeReport { run.whole ?? report }

    /// Nothing needs a person: OMS matches the plan, or will once what waits is made.
    public var isDone: Bool { problems.isEmpty }

    /// The run changed nothing and nothing failed: OMS already matched the plan.
    public var alreadyMatched: Bool { tally.changed == 0 && tally.failed + tally.skipped == 0 }

    /// Changes of the last pass blocked until a person acts (not counting failed or skipped ones).
    public var blockedCount: Int {
        report.unresolved.filter { $0.action == .blocked && $0.outcome?.status != .failed && $0.outcome?.status != .skipped }.count
    }
}

/// What `diff` found, for a CI gate: nothing to change, changes that can all be made, or
/// changes blocked until someone acts.
///
/// A plan that cannot be carried out as written must never pass the gate: a change that is
/// blocked until a person acts (a failed pre-flight check, a replacement of moved data that is
/// not allowed, retries used up, a marker of a newer oms-plan) fails it, as apply would. A
/// change that only waits for a dependency to succeed is not blocked in that sense: apply
/// (`--wait`, or a later run) makes it by itself.
public struct DiffVerdict: Sendable {
    public enum Kind: Sendable, Equatable {
        case nothingToChange, changesCanBeMade, blocked
    }

    /// The changes that keep the plan from being carried out as written until someone acts:
    /// those apply would report as needing a person, and a blocked change that gives no reason
    /// at all (nothing says it will pass by itself, so it is not taken to).
    public let blockers: [ResourceChange]
    public let kind: Kind

    public init(_ report: ChangeReport) {
        blockers = report.changes.filter { change in
            if change.action == .blocked { return change.reasons.isEmpty || !change.reasons.allSatisfy(\.isTransient) }
            return change.reasons.contains(where: \.needsAttention)
        }
        kind = !blockers.isEmpty ? .blocked : report.hasChanges ? .changesCanBeMade : .nothingToChange
    }

    /// What keeps one change blocked: the reasons that need a person when there are any, else
    /// every reason that does not pass by itself (empty: blocked without a reason given).
    public static func blockingReasons(_ change: ResourceChange) -> [ChangeReason] {
        let attention = change.reasons.filter(\.needsAttention)
        return attention.isEmpty ? change.reasons.filter { !$0.isTransient } : attention
    }
}
