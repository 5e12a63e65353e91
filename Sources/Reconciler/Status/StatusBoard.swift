import Foundation
import MigrationPlan
import Synchronization

/// What a long-running process (`status --serve`, `reconcile --interval --serve`) knows of its
/// stack between reads: the plan, the latest status with forecasts, the observation history and
/// the last reconcile pass. The status page and the metrics are rendered from a snapshot.
public final class StatusBoard: Sendable {
    public struct Snapshot: Sendable {
        public var desired: DesiredState?
        public var status: StatusReport?
        public var history: ObservationHistory
        public var lastPass: ChangeReport?
        public var lastPassAt: Date?
        /// Why the last read or pass failed, when it did.
        public var lastError: String?
    }

    private let state: Mutex<Snapshot>

    public init(history: ObservationHistory = ObservationHistory()) {
        state = Mutex(Snapshot(desired: nil, status: nil, history: history, lastPass: nil, lastPassAt: nil, lastError: nil))
    }

    public var snapshot: Snapshot { state.withLock { $0 } }

    public func setDesired(_ desired: DesiredState) { state.withLock { $0.desired = desired } }

    /// A new read of OMS: recorded in the history, forecast, kept as the latest. Returns the
    /// status with forecasts (nil before a plan was set).
    @discardableResult
    public func observe(_ live: LiveState) -> StatusReport? {
        state.withLock { board in
            guard let desired = board.desired else { return nil }
            let status = StatusReport.observed(desired: desired, live: live, history: &board.history)
            board.status = status
            board.lastError = nil
            return status
        }
    }

    /// Keeps a status read elsewhere (`StackReconciler.status`) as the latest, with the
    /// history it was forecast from.
    public func record(_ status: StatusReport, history: ObservationHistory) {
        state.withLock { board in
            board.status = status
            board.history = history
            board.lastError = nil
        }
    }

    public func recordPass(_ report: ChangeReport, at date: Date) {
        state.withLock {
            $0.lastPass = report
            $0.lastPassAt = date
        }
    }

    public func recordError(_ message: String) { state.withLock { $0.lastError = message } }
}
