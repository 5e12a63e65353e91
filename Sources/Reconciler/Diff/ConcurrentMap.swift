import Dispatch
import Foundation

/// `map` over a large array on every core, results in order. The differ decides 10,000
/// resources independently of each other; on one thread that was a fifth of a `diff`'s wall
/// time (docs/benchmarks.md, issue 11).
enum ConcurrentMap {
    /// Below this many items per core the threads cost more than they save.
    static let minimumPerChunk = 512

    static func map<Item: Sendable, Result: Sendable>(_ items: [Item], _ transform: @Sendable (Item) -> Result) -> [Result] {
        let chunks = min(ProcessInfo.processInfo.activeProcessorCount, items.count / minimumPerChunk)
        guard chunks > 1 else { return items.map(transform) }
        // Each chunk writes its results straight into their places in the result (disjoint
        // ranges, every place written once): joining per-chunk arrays copied 10,000 changes.
        return Array(unsafeUninitializedCapacity: items.count) { buffer, initialized in
            nonisolated(unsafe) let base = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for index in (items.count * chunk / chunks)..<(items.count * (chunk + 1) / chunks) {
                    (base + index).initialize(to: transform(items[index]))
                }
            }
            initialized = items.count
        }
    }
}

