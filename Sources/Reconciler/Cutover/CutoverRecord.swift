import Foundation
import MigrationPlan
import Synchronization

/// Where a `kind: Cutover` stands.
public enum CutoverState: String, Codable, Sendable, Hashable, CaseIterable {
    /// Something it needs is not there yet (the reasons say what).
    case waiting
    /// Everything it needs is there: at `at` (or `cutover --now`) the final passes start.
    case ready
    /// The final passes were asked for and are followed until they settle.
    case running
    /// The final passes settled and verification passed: what depends on it may start.
    case done
    /// The final passes or verification failed (the reasons say why); `cutover --now` tries again.
    case failed

    /// The value of `oms_plan_cutover_state`: the states in order, 0 waiting ... 4 failed.
    public var metricValue: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// What oms-plan remembers of one Cutover between runs (`.oms-plan/state/<stack>.cutovers.json`):
/// the state machine's memory. Readiness and the prediction are recomputed on every read.
public struct CutoverRecord: Codable, Sendable, Hashable {
    public var state: CutoverState
    public var reasons: [String]
    /// When `oms-plan cutover --now` asked for it to start (nil: only `at` starts it).
    public var requestedAt: Date?
    /// When the final passes were asked for.
    public var startedAt: Date?
    /// When it became done or failed.
    public var finishedAt: Date?

    public init(state: CutoverState = .waiting, reasons: [String] = [], requestedAt: Date? = nil, startedAt: Date? = nil, finishedAt: Date? = nil) {
        self.state = state
        self.reasons = reasons
        self.requestedAt = requestedAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// The Cutover records of one stack, by name. Every change re-reads the file first: `cutover
/// --now` and a running `reconcile` of the same stack may both write it, and neither may undo
/// what the other recorded (a request, a state reached).
public final class CutoverLedger: Sendable {
    private let url: URL?
    private let memory: Mutex<[String: CutoverRecord]>

    /// The most `state/<stack>.cutovers.json` may hold (it holds a few hundred bytes per Cutover).
    static let maximumBytes = 16 << 20
    static let consequence = "cut-overs stop until it is readable and writable again (remove it to start every cut-over anew)"

    /// A ledger in memory, for as long as this value lives.
    public init() {
        url = nil
        memory = Mutex([:])
    }

    /// A ledger in `url` (a missing file is empty; an unreadable one is an error), or in memory.
    public init(url: URL?) throws(LedgerError) {
        self.url = url
        memory = Mutex([:])
        if url != nil { _ = try read() }
    }

    private func read() throws(LedgerError) -> [String: CutoverRecord] {
        guard let url else { return memory.withLock { $0 } }
        do {
            // Bounded like the other state files: a few records per Cutover, never megabytes.
            guard let data = try StateFileReading.contents(of: url, limit: Self.maximumBytes) else { return [:] }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode([String: CutoverRecord].self, from: data)
        } catch {
            throw LedgerError(path: url.path, detail: "cannot be read (\(error))", what: "the cut-over record", consequence: Self.consequence)
        }
    }

    /// Every record, by Cutover name.
    public func records() throws(LedgerError) -> [String: CutoverRecord] { try read() }

    public func record(_ name: String) throws(LedgerError) -> CutoverRecord? { try read()[name] }

    /// Changes one record (nil removes it) from what the file holds now; unchanged, nothing is written.
    @discardableResult
    public func update(_ name: String, _ change: (inout CutoverRecord?) -> Void) throws(LedgerError) -> CutoverRecord? {
        var all = try read()
        var entry = all[name]
        change(&entry)
        guard entry != all[name] else { return entry }
        all[name] = entry
        guard let url else {
            memory.withLock { $0 = all }
            return entry
        }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(all).write(to: url, options: .atomic)
        } catch {
            throw LedgerError(path: url.path, detail: "cannot be written (\(error))", what: "the cut-over record", consequence: Self.consequence)
        }
        return entry
    }
}
