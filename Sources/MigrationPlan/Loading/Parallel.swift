import Foundation

/// Runs independent pieces of work on a few threads (the machine's cores, at most 4).
/// Used for parsing files and for decoding tasks, which are independent of each other.
enum Parallel {
    final class Results<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var slots: [T?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func take() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < slots.count else { return nil }
            next += 1
            return next - 1
        }
        func store(_ value: T, at i: Int) {
            lock.lock()
            slots[i] = value
            lock.unlock()
        }
        var values: [T?] {
            lock.lock()
            defer { lock.unlock() }
            return slots
        }
    }

    /// Loading is CPU work that nothing waits on until it is done, while `diff` reads OMS at
    /// the same time: a page answer that waits for a core delays the next request, and 100
    /// pages are read in rounds. The loader's threads therefore run at a lower priority (nice
    /// 5), so the reads go on at once and the loader takes every core they leave idle.
    static func yieldToLatencySensitiveWork() {
        #if os(Linux)
        // On Linux a nice value belongs to a thread; `who` 0 is the calling one.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 5)
        #endif
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
                yieldToLatencySensitiveWork()
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
