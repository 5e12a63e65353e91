import Foundation
import MigrationPlan
import Synchronization

/// How many times apply has restarted or retried a failed task or group, so `onFailure`
/// stops at `maxAttempts`. OMS keeps no such count, so it is kept beside the plan.
public protocol AttemptLedger: Sendable {
    func attempts(address: ResourceAddress, liveId: String) -> Int
    /// Counts an attempt before it is made; a count that cannot be kept is an error, and the
    /// attempt is then not made (a lost count would allow retries without end).
    func record(address: ResourceAddress, liveId: String) throws(LedgerError)
    /// Forgets the attempts at `address` (every live copy): `onFailure` starts counting anew.
    /// Returns how many counts were dropped.
    func reset(address: ResourceAddress) throws(LedgerError) -> Int
}

/// The attempt ledger cannot be read or written: retries stop until it is fixed.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var detail: String
    /// What the file is, and what stops while it is broken.
    public var what = "the attempt ledger"
    public var consequence = "retries stop until it is readable and writable again (remove it to start counting anew)"
    public var description: String { "\(what) \(path) \(detail); \(consequence)" }
}

/// A ledger in a JSON file (`.oms-plan/state/<stack>.attempts.json`).
public final class FileAttemptLedger: AttemptLedger {
    private let url: URL
    private let counts: Mutex<[String: Int]>

    /// A missing file is an empty ledger; one that cannot be read or parsed is an error, never
    /// a fresh start.
    public init(url: URL) throws(LedgerError) {
        self.url = url
        guard FileManager.default.fileExists(atPath: url.path) else {
            counts = Mutex([:])
            return
        }
        do {
            counts = Mutex(try JSONDecoder().decode([String: Int].self, from: Data(contentsOf: url)))
        } catch {
            throw LedgerError(path: url.path, detail: "cannot be read (\(error))")
        }
    }

    /// Keys of the file: `Kind/name#liveId`.
    public func attempts(address: ResourceAddress, liveId: String) -> Int {
        counts.withLock { $0["\(address)#\(liveId)"] ?? 0 }
    }

    public func record(address: ResourceAddress, liveId: String) throws(LedgerError) {
        try update { $0["\(address)#\(liveId)", default: 0] += 1 }
    }

    public func reset(address: ResourceAddress) throws(LedgerError) -> Int {
        var dropped = 0
        try update { counts in
            let keys = counts.keys.filter { $0.hasPrefix("\(address)#") }
            dropped = keys.count
            for key in keys { counts[key] = nil }
        }
        return dropped
    }

    /// Changes the counts and writes them; on a write failure the counts stay as they were.
    private func update(_ change: (inout [String: Int]) -> Void) throws(LedgerError) {
        let url = self.url
        let failure: LedgerError? = counts.withLock { counts in
            var next = counts
            change(&next)
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                try encoder.encode(next).write(to: url, options: .atomic)
            } catch {
                return LedgerError(path: url.path, detail: "cannot be written (\(error))")
            }
            counts = next
            return nil
        }
        if let failure { throw failure }
    }
}

/// A ledger that forgets (tests, and diff when no state directory is wanted).
public final class MemoryAttemptLedger: AttemptLedger {
    private let counts = Mutex<[String: Int]>([:])
    public init() {}
    public func attempts(address: ResourceAddress, liveId: String) -> Int { counts.withLock { $0["\(address)#\(liveId)"] ?? 0 } }
    public func record(address: ResourceAddress, liveId: String) throws(LedgerError) { counts.withLock { $0["\(address)#\(liveId)", default: 0] += 1 } }
    public func reset(address: ResourceAddress) throws(LedgerError) -> Int {
        counts.withLock { counts in
            let keys = counts.keys.filter { $0.hasPrefix("\(address)#") }
            for key in keys { counts[key] = nil }
            return keys.count
        }
    }
}
