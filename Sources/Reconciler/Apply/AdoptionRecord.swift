import Foundation
import MigrationPlan
import Synchronization

/// Which live resources this stack has adopted (address -> live id), as of the last apply.
/// OMS cannot carry oms-plan's marker on an adopted resource (a description cannot be
/// changed), so this record is the only way to see that the plan stopped adopting one and
/// say so as a `release` line instead of letting it go silently. Kept beside the attempt
/// ledger (`.oms-plan/state/<stack>.adopted.json`); without it, releases are not seen (the
/// resource is then counted among those no stack owns).
public final class AdoptionRecord: Sendable {
    private let url: URL?
    private let entries: Mutex<[ResourceAddress: String]>

    /// A record in `url` (a missing file is empty; an unreadable one is an error), or in memory.
    public init(url: URL?) throws(LedgerError) {
        self.url = url
        guard let url, FileManager.default.fileExists(atPath: url.path) else {
            entries = Mutex([:])
            return
        }
        do {
            let raw = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
            var parsed: [ResourceAddress: String] = [:]
            for (key, id) in raw {
                guard let address = ResourceAddress(parsing: key) else { continue }
                parsed[address] = id
            }
            entries = Mutex(parsed)
        } catch {
            throw LedgerError(path: url.path, detail: "cannot be read (\(error))", what: "the adoption record", consequence: Self.consequence)
        }
    }

    static let consequence = "apply stops until it is readable and writable again (remove it to start anew; releases made meanwhile then go unseen)"

    public var adopted: [ResourceAddress: String] { entries.withLock { $0 } }

    /// After an apply: what `scope` (nil: everything) adopts now replaces what it adopted.
    public func update(adoptedNow: [ResourceAddress: String], scope: Set<ResourceAddress>?) throws(LedgerError) {
        var next = entries.withLock { $0 }
        for address in next.keys where scope?.contains(address) ?? true { next[address] = nil }
        for (address, id) in adoptedNow where scope?.contains(address) ?? true { next[address] = id }
        // Unchanged: no write (a stack that adopts nothing leaves no file behind).
        if next == entries.withLock({ $0 }) { return }
        if let url {
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                let raw = Dictionary(uniqueKeysWithValues: next.map { ($0.key.description, $0.value) })
                try encoder.encode(raw).write(to: url, options: .atomic)
            } catch {
                throw LedgerError(path: url.path, detail: "cannot be written (\(error))", what: "the adoption record", consequence: Self.consequence)
            }
        }
        entries.withLock { $0 = next }
    }
}
