import Foundation
import Synchronization

/// Runs independent pieces of work on a few threads (the machine's cores, at most 4).
/// Used for parsing files and for decoding tasks, which are independent of each other.
enum Parallel {
    /// The next index to take and the results so far, shared by the workers.
    final class Results<T: Sendable>: Sendable {
        private struct State {
            var next = 0
            var slots: [T?]
        }
        private let state: Mutex<State>
        init(count: Int) { state = Mutex(State(slots: Array(repeating: nil, count: count))) }
        func take() -> Int? {
            state.withLock { state in
                guard state.next < state.slots.count else { return nil }
                state.next += 1
                return state.next - 1
            }
        }
        func store(_ value: T, at i: Int) {
            state.withLock { $0.slots[i] = value }
        }
        var values: [T?] { state.withLock { $0.slots } }
    }

    static var workerCount: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4)) }

    /// `body(i)` for every i in 0..<count, in any order and on several threads; the results
    /// in index order. Ordinary stacks: the YAML reader bounds nesting before it recurses.
    static func map<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let results = Results<T>(count: count)
        let workers = min(count, workerCount)
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<workers {
            let thread = Thread {
                while let i = results.take() { results.store(body(i), at: i) }
                done.signal()
            }
            thread.start()
        }
        for _ in 0..<workers { done.wait() }
        return results.values.map { $0! }
    }

    /// `body` for each chunk of `items` (about four chunks per worker, each at least
    /// `minimumChunk` long, so that threads share the work evenly), on several threads; one
    /// result per chunk, in the items' order.
    static func map<Item: Sendable, T: Sendable>(
        chunksOf items: [Item], minimumChunk: Int, _ body: @escaping @Sendable (ArraySlice<Item>) -> T
    ) -> [T] {
        let chunk = max(minimumChunk, items.count / (workerCount * 4) + 1)
        let ranges = stride(from: 0, to: items.count, by: chunk).map { $0..<min($0 + chunk, items.count) }
        return map(ranges.count) { body(items[ranges[$0]]) }
    }
}
