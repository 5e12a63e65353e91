import Synchronization

/// Counts what a client sent, so that benchmarks and `--verbose` runs can report the number
/// of OMS requests per operation (the figure diff and apply are judged by).
public final class RequestStatistics: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    private let retries = Mutex<Int>(0)

    public init() {}

    func record(operation: String) { counts.withLock { $0[operation, default: 0] += 1 } }
    func recordRetry() { retries.withLock { $0 += 1 } }

    /// Requests sent per operation name (attempts, so retries count).
    public var byOperation: [String: Int] { counts.withLock { $0 } }
    public var total: Int { counts.withLock { $0.values.reduce(0, +) } }
    public var retryCount: Int { retries.withLock { $0 } }

    public func reset() {
        counts.withLock { $0 = [:] }
        retries.withLock { $0 = 0 }
    }
}
