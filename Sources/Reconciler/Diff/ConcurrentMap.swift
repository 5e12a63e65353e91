import Dispatch
import Foundation
import Synchronization

/// `map` over a large array on every core, results in order. The differ decides 10,000
/// resources independently of each other; on one thread that was a fifth of a `diff`'s wall
/// time (docs/benchmarks.md, issue 11).
enum ConcurrentMap {
    /// Below this many items per core the threads cost more than they save.
    static let minimumPerChunk = 512

    static func map<Item: Sendable, Result: Sendable>(_ items: [Item], _ transform: @Sendable (Item) -> Result) -> [Result] {
        let chunks = min(ProcessInfo.processInfo.activeProcessorCount, items.count / minimumPerChunk)
        guard chunks > 1 else { return items.map(transform) }
        let parts = Mutex<[[Result]]>(Array(repeating: [], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = (items.count * chunk / chunks)..<(items.count * (chunk + 1) / chunks)
            let part = items[range].map(transform)
            parts.withLock { $0[chunk] = part }
        }
        return parts.withLock { $0.flatMap { $0 } }
    }
}

/// Frees large structures on a background thread instead of the caller's.
enum BackgroundRelease {
    /// `value` is freed when the background closure that holds the last reference ends. Pass
    /// it with `consume`, so that the caller's reference is gone by then.
    static func drop<T: Sendable>(_ value: consuming T) {
        let held = value
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(held) {} }
    }
}
