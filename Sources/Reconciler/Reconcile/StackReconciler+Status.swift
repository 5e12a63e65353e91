import Foundation
import MigrationPlan
import OMSClient

extension StatusReport {
    /// The one way a status is made from a read of OMS: each resource's state, recorded in
    /// `history` (speeds for forecasts), then forecast from that history. `status`,
    /// `status --watch`, `apply --wait`, the status page and reconcile's metrics all come here.
    public static func observed(desired: DesiredState, live: LiveState, history: inout ObservationHistory) -> StatusReport {
        var status = StatusReport(desired: desired, live: live)
        history.record(status)
        status.addForecasts(desired: desired, history: history)
        status.addHolds(desired: desired)
        return status
    }
}

extension StackReconciler {
    /// Where every managed resource of `desired` stands, with forecasts. `live`: a read already
    /// made (a reconcile pass's); nil reads OMS now. `history` is what was observed before (see
    /// `observationHistory(stack:)`); this read is added to it. With `syncActivity` the month's
    /// and the last hour's counters of every synchronization task are read too (a call each).
    /// With `failedObjects` and `self.failedObjects` set, the failed lists OMS wrote are read
    /// from the destination buckets (`readFailedObjects`; a read error is a note in the entry).
    public func status(
        of desired: DesiredState, live given: LiveState? = nil, history: inout ObservationHistory, syncActivity: Bool = false,
        failedObjects readLists: Bool = true
    ) async throws -> StatusReport {
        let live: LiveState
        if let given { live = given } else { live = try await LiveState.read(from: client, now: now()) }
        var status = StatusReport.observed(desired: desired, live: live, history: &history)
        // Sync tasks are neither recorded in the history nor forecast: the order does not matter.
        if syncActivity { await status.readSyncActivity(from: client) }
        if readLists, let failedObjects { await status.readFailedObjects(desired: desired, live: live, access: failedObjects) }
        if !desired.cutovers.isEmpty { status.cutovers = try await cutovers(desired, live: live, advance: false) }
        status.addPasses(desired: desired, live: live, ledger: passLedger(stack: desired.stack.name))
        return status
    }

    /// How following the status ended (`status --watch`, the waves of `apply --wait`).
    public enum FollowEnd: Sendable {
        /// Everything settled: the last status read.
        case settled(StatusReport)
        /// OMS could not be read.
        case unreadable(any Error)
        /// The deadline passed first; these addresses were still moving.
        case timedOut(moving: [String])
    }

    /// Reads the status every `interval` until every managed resource has settled, `deadline`
    /// passes or OMS cannot be read. `onRead` sees every status read, to show it (`firstRead`: the
    /// first of this following, which starts a new table). The history
    /// starts from the state folder's and grows in memory.
    public func follow(
        _ desired: DesiredState, until deadline: Date? = nil, interval: Duration = .seconds(2),
        onRead: (_ status: StatusReport, _ firstRead: Bool) -> Void = { _, _ in }
    ) async -> FollowEnd {
        var history = observationHistory(stack: desired.stack.name)
        var firstRead = true
        while true {
            let report: StatusReport
            do {
                // Every couple of seconds: the lists are read by `status`, not while following.
                report = try await status(of: desired, history: &history, failedObjects: false)
            } catch {
                return .unreadable(error)
            }
            onRead(report, firstRead)
            firstRead = false
            if report.settled { return .settled(report) }
            if let deadline, Date() >= deadline {
                return .timedOut(moving: report.entries.filter { !$0.settled }.map(\.address))
            }
            try? await Task.sleep(for: interval)
        }
    }
}

extension StatusReport {
    /// A deadline the forecast misses.
    public struct MissedDeadline: Sendable, Hashable {
        /// The resource's address; nil for the stack's own deadline.
        public var address: String?
        public var deadline: Date
        /// Seconds the forecast finish lies past the deadline (positive).
        public var lateBy: Double

        public init(address: String?, deadline: Date, lateBy: Double) {
            self.address = address
            self.deadline = deadline
            self.lateBy = lateBy
        }
    }

    /// Every deadline the forecast misses: the resources' in address order, then the stack's
    /// (what `reconcile` warns about after a pass).
    public var missedDeadlines: [MissedDeadline] {
        var missed = entries.compactMap { entry -> MissedDeadline? in
            guard let deadline = entry.deadline, let slack = entry.deadlineSlack, slack < 0 else { return nil }
            return MissedDeadline(address: entry.address, deadline: deadline, lateBy: -slack)
        }
        if let deadline, let slack = deadlineSlack, slack < 0 { missed.append(MissedDeadline(address: nil, deadline: deadline, lateBy: -slack)) }
        return missed
    }
}
