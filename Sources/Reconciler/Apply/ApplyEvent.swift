import Foundation

/// What apply reports as it goes, for live output.
public enum ApplyEvent: Sendable {
    case started(PlanStep)
    case succeeded(PlanStep, detail: String?)
    case failed(PlanStep, error: String)
    case skipped(PlanStep, reason: String)
}

public struct ApplyOptions: Sendable {
    /// At most this many OMS requests in flight.
    public var parallelism: Int
    /// How often a wait re-reads a pausing task or group.
    public var pollInterval: Duration
    /// How long a wait for Paused may take before the step fails.
    public var settleTimeout: Duration

    public init(parallelism: Int = 8, pollInterval: Duration = .seconds(2), settleTimeout: Duration = .seconds(600)) {
        self.parallelism = parallelism
        self.pollInterval = pollInterval
        self.settleTimeout = settleTimeout
    }
}
