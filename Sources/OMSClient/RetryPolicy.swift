/// When and how often a failed call is sent again.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maximumAttempts: Int
    public var baseDelay: Duration
    public var maximumDelay: Duration
    /// No retry starts once this much time has passed since the first attempt: a call gives
    /// up in bounded time whatever the per-request timeout.
    public var totalBudget: Duration

    public init(
        maximumAttempts: Int = 5, baseDelay: Duration = .milliseconds(200), maximumDelay: Duration = .seconds(5),
        totalBudget: Duration = .seconds(120)
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.totalBudget = totalBudget
    }

    public static let none = RetryPolicy(maximumAttempts: 1)

    /// Exponential backoff with full jitter: a random delay in 0...min(max, base * 2^(attempt-1)),
    /// so that many clients retrying at once spread out instead of arriving together.
    public func delay(beforeAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> Duration {
        let exponent = min(max(attempt - 2, 0), 20)
        let ceiling = min(maximumDelay, baseDelay * (1 << exponent))
        return ceiling * random
    }
}

/// Whether sending a request twice can do harm.
public enum Idempotency: Sendable {
    /// Reads, updates, deletes, stop/start: resending converges to the same state.
    case idempotent
    /// Creates: a resend after a lost answer could create a duplicate.
    case creates
}
