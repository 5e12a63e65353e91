import Foundation
import MigrationPlan
import Synchronization
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The passes of a stack's resources (`.oms-plan/state/<stack>.passes.json`): what each pass
/// copied, recorded before its OMS task is deleted (`incremental.keep`), and a requested final
/// pass (the Cutover). Bounded: the last `maximumPerResource` passes of each resource.
///
/// Two processes may use one ledger: reconcile (holding the stack lock) and another command of
/// the same stack (`oms-plan cutover --now` asks for the final pass while reconcile follows).
/// So every change takes an advisory lock beside the file (`flock`), reads the file again,
/// changes it and writes it atomically, and every read reads the file again: neither process
/// overwrites what the other wrote. As with the attempt ledger, a file that cannot be read is
/// an error for every change, never a fresh start (it would create passes again from 1).
public final class PassLedger: Sendable {
    public static let maximumPerResource = 50

    private let url: URL?
    /// The last content read or written (in memory: the only content).
    private let cache: Mutex<[String: [PassRecord]]>
    /// The file's size and modification time when `cache` was read: a read with the same ones
    /// is the cache (status asks once per resource; a stack may have 10,000).
    private let cachedStamp = Mutex<FileStamp?>(nil)

    /// A ledger in `url` (a missing file is empty), or in memory when `url` is nil.
    public init(url: URL?) {
        self.url = url
        cache = Mutex([:])
        if url != nil, let read = try? readFile() { cache.withLock { $0 = read } }
    }

    /// The passes of `address`, oldest first (the full copy is not among them).
    public func passes(of address: ResourceAddress) -> [PassRecord] {
        current()[address.description] ?? []
    }

    /// Every resource's passes (for status), by address.
    public func all() -> [ResourceAddress: [PassRecord]] {
        var out: [ResourceAddress: [PassRecord]] = [:]
        for (key, passes) in current() {
            if let address = ResourceAddress(parsing: key) { out[address] = passes }
        }
        return out
    }

    /// The resource's final pass (requested, running or done); nil when none was asked for.
    public func finalPass(of address: ResourceAddress) -> PassRecord? {
        passes(of: address).last { $0.final }
    }

    /// Makes the next pass of `address` its final one, due at `at`: reconcile creates it then
    /// (after a running pass ended), and never a regular pass after it. Asking again while it
    /// waits moves its time; once it is created, nothing changes.
    public func requestFinalPass(of address: ResourceAddress, at: Date) throws(LedgerError) {
        try update { all in
            var list = all[address.description] ?? []
            if let i = list.lastIndex(where: { $0.final }) {
                guard list[i].taskID == nil, list[i].status == PassRecord.Status.waiting.rawValue else { return }
                list[i].due = at
                list[i].migrateSince = at
            } else {
                list.append(PassRecord(n: (list.last?.n ?? 0) + 1, final: true, migrateSince: at, due: at))
            }
            all[address.description] = list
        }
    }

    /// Adds `pass` to `address`'s passes, or replaces the one with its number.
    public func record(_ pass: PassRecord, of address: ResourceAddress) throws(LedgerError) {
        try update { all in
            var list = all[address.description] ?? []
            if let i = list.firstIndex(where: { $0.n == pass.n }) { list[i] = pass } else { list.append(pass) }
            list.sort { $0.n < $1.n }
            all[address.description] = Self.bounded(list)
        }
    }

    /// The last `maximumPerResource` passes; a final pass and unsettled passes are always kept.
    static func bounded(_ list: [PassRecord]) -> [PassRecord] {
        guard list.count > maximumPerResource else { return list }
        var dropping = list.count - maximumPerResource
        return list.filter { pass in
            guard dropping > 0, pass.isSettled, !pass.final else { return true }
            dropping -= 1
            return false
        }
    }

    // MARK: The file

    private func current() -> [String: [PassRecord]] {
        guard let url else { return cache.withLock { $0 } }
        let stamp = FileStamp(url)
        if let stamp, cachedStamp.withLock({ $0 == stamp }) { return cache.withLock { $0 } }
        guard let read = try? readFile() else { return cache.withLock { $0 } }
        cache.withLock { $0 = read }
        cachedStamp.withLock { $0 = stamp }
        return read
    }

    /// What tells one version of the file from another without reading it.
    private struct FileStamp: Equatable {
        var size: Int
        var modified: Date
        var inode: Int

        init?(_ url: URL) {
            guard let a = try? FileManager.default.attributesOfItem(atPath: url.path), let size = a[.size] as? Int,
                let modified = a[.modificationDate] as? Date
            else { return nil }
            self.size = size
            self.modified = modified
            inode = (a[.systemFileNumber] as? Int) ?? 0
        }
    }

    private struct FileBody: Codable {
        var version = 1
        var passes: [String: [PassRecord]]
    }

    /// The largest ledger read: 50 passes of 10,000 resources write about 200 MiB.
    public static let maximumFileBytes = 256 << 20

    private func readFile() throws -> [String: [PassRecord]] {
        guard let url, let data = try StateFileReading.contents(of: url, limit: Self.maximumFileBytes) else { return [:] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let passes = try decoder.decode(FileBody.self, from: data).passes
        // Numbers this code could not have written (a pass number a marker cannot carry, a time
        // whose arithmetic would trap) make the file unreadable rather than crash a later step.
        guard passes.values.allSatisfy({ $0.allSatisfy(Self.isPlausible) }) else { throw OutOfRange() }
        return passes
    }

    struct OutOfRange: Error, CustomStringConvertible {
        var description: String { "holds a pass number or a time out of range" }
    }

    /// n as a marker writes it (1 to 999,999); every time finite and within 10^17 seconds of
    /// 1970 (OMS's milliseconds reach 9.2 * 10^15 s), so differences fit in an Int64.
    static func isPlausible(_ pass: PassRecord) -> Bool {
        let times = [pass.migrateSince, pass.start, pass.finish, pass.due].compactMap { $0?.timeIntervalSince1970 }
        return (1...999_999).contains(pass.n) && times.allSatisfy { $0.isFinite && abs($0) <= 1e17 }
    }

    private func fail(_ detail: String) -> LedgerError {
        LedgerError(path: url?.path ?? "(memory)", detail: detail, what: "the pass ledger",
                    consequence: "no pass is created or recorded until it is readable and writable again")
    }

    /// Reads the file under its lock, changes the content and writes it atomically.
    private func update(_ change: (inout [String: [PassRecord]]) -> Void) throws(LedgerError) {
        guard let url else {
            cache.withLock { change(&$0) }
            return
        }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw fail("cannot be written (\(error))")
        }
        let lockPath = url.path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw fail("cannot be locked (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw fail("cannot be locked (\(String(cString: strerror(errno))))") }
        }
        defer { flock(fd, LOCK_UN) }
        var content: [String: [PassRecord]]
        do { content = try readFile() } catch { throw fail("cannot be read (\(error))") }
        change(&content)
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            encoder.dateEncodingStrategy = .secondsSince1970
            try encoder.encode(FileBody(passes: content)).write(to: url, options: .atomic)
        } catch {
            throw fail("cannot be written (\(error))")
        }
        cache.withLock { $0 = content }
        cachedStamp.withLock { $0 = FileStamp(url) }
    }
}

extension StateFolder {
    /// The stack's incremental passes and their counts (`PassLedger`):
    /// `state/<stack>.passes.json`, beside the attempt ledger.
    public func passes(stack: String) -> URL {
        root.appendingPathComponent("state/\(stack).passes.json")
    }
}
