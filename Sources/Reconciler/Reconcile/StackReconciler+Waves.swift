import Foundation
import MigrationPlan

extension StackReconciler {
    /// How long `applyRun` follows what it changed (`apply --wait`).
    public struct Wait: Sendable {
        /// Give up following at this moment (`--wait-timeout`); nil: follow until settled.
        public var deadline: Date?
        /// How often OMS is read while following.
        public var interval: Duration

        public init(deadline: Date? = nil, interval: Duration = .seconds(2)) {
            self.deadline = deadline
            self.interval = interval
        }
    }

    /// How a run ended.
    public enum RunOutcome: Sendable {
        /// Every pass ran (and, when waiting, everything settled): the verdict says whether
        /// OMS matches the plan.
        case finished(RunVerdict)
        /// Following stopped before everything settled (the deadline passed, or OMS could not
        /// be read); `tally` and `run` are what the run did up to then.
        case stoppedFollowing(FollowEnd, tally: RunTally, run: RunReport)
    }

    /// A whole `apply` run under one stack lock: one pass, then, with `wait`, the waves: once
    /// what was changed settles, what waited for it is created, until nothing is left to do,
    /// something needs a person, or the deadline passes. A task or group that ended Failed
    /// while followed gets a pass too: its `onFailure` retries it within the run, or that pass
    /// names it as needing a person (never only the status read, which a last line cannot name
    /// from the plan).
    ///
    /// `review` sees each pass's plan before it is carried out (`firstPass` tells the pass the
    /// user asked for from the waves that follow it); `onPass` hears how each pass ended,
    /// `onStatus` sees every status read while following (see `follow`).
    public func applyRun(
        _ desired: DesiredState, options: Options = Options(), wait: Wait? = nil,
        review: @Sendable (_ plan: ExecutionPlan, _ firstPass: Bool) async throws -> Bool = { _, _ in true },
        events: @escaping @Sendable (ApplyEvent) -> Void = { _ in },
        onPass: (PassResult) async -> Void = { _ in },
        onStatus: (_ status: StatusReport, _ firstRead: Bool) -> Void = { _, _ in }
    ) async throws -> RunOutcome {
        // One lock for the whole run, waves included.
        try await holdingLock(stack: desired.stack.name, timeout: options.lockTimeout) { () async throws -> RunOutcome in
            var pass = try await apply(desired, options: options, review: { try await review($0, true) }, events: events)
            await onPass(pass)
            var tally = RunTally()
            var run = RunReport()
            tally.record(pass)
            run.record(pass)
            var settled: StatusReport?
            while let wait, pass.report.unresolved.isEmpty {
                switch await follow(desired, until: wait.deadline, interval: wait.interval, onRead: onStatus) {
                case .settled(let status): settled = status
                case let stopped: return .stoppedFollowing(stopped, tally: tally, run: run)
                }
                let endedFailed = settled?.entries.contains { $0.phase == .failed } ?? false
                guard pass.applied || !pass.report.waiting.isEmpty || endedFailed else { break }
                // The next wave: what waited for the resources that just settled, and what
                // onFailure does with those that failed.
                pass = try await apply(desired, options: options, review: { try await review($0, false) }, events: events)
                await onPass(pass)
                tally.record(pass)
                run.record(pass)
                if !pass.applied { break }
            }
            return .finished(RunVerdict(report: pass.report, status: settled, waited: wait != nil, tally: tally, run: run))
        }
    }
}
