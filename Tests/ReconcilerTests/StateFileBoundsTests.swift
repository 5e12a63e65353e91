import Foundation
import MigrationPlan
import Testing

@testable import Reconciler

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The state files of incremental passes and notifications (`.oms-plan/state/<stack>.passes.json`,
/// `.notified.json`) are read within bounds: a FIFO planted at their path, a huge file or a
/// corrupt one never hangs or crashes a pass (review of issues 25 and 26).
@Suite struct StateFileBoundsTests {
    let photos = ResourceAddress(.migrationTask, "photos")

    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("state-bounds-\(UUID().uuidString)/state")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `body` on a thread of its own and says whether it ended within `seconds`. If it did
    /// not (a read blocked on the FIFO), a writer opens and closes the FIFO so the reader sees
    /// its end and the thread ends before the test does.
    func endsInTime(fifo: URL, seconds: Double = 5, _ body: @escaping @Sendable () -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            body()
            done.signal()
        }
        if done.wait(timeout: .now() + seconds) == .success { return true }
        let fd = open(fifo.path, O_WRONLY | O_NONBLOCK)
        if fd >= 0 { close(fd) }
        _ = done.wait(timeout: .now() + 5)
        return false
    }

    @Test func aFIFOAtTheNotifiedStatesPathIsReadAsNoStateAtOnce() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let url = dir.appendingPathComponent("e2e.notified.json")
        #expect(mkfifo(url.path, 0o600) == 0)
        let ended = endsInTime(fifo: url) { _ = NotifiedState.load(from: url) }
        #expect(ended, "NotifiedState.load waited on a FIFO")
    }

    @Test func aFIFOAtThePassLedgersPathIsAnErrorAtOnce() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let url = dir.appendingPathComponent("e2e.passes.json")
        #expect(mkfifo(url.path, 0o600) == 0)
        let photos = photos
        let ended = endsInTime(fifo: url) {
            let ledger = PassLedger(url: url)
            _ = try? ledger.requestFinalPass(of: photos, at: Date())
        }
        #expect(ended, "PassLedger waited on a FIFO")
    }

    @Test func aNotifiedStateLargerThanItsBoundIsNotRead() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let url = dir.appendingPathComponent("e2e.notified.json")
        var state = NotifiedState()
        let condition = NotificationCondition(event: .failed, stack: "e2e", subject: "MigrationTask/photos", status: "failed", message: "x")
        state.update(notification: "chat", delivered: [condition], holding: [condition], covering: NotificationCoverage(events: [.failed]),
                     minInterval: 3600, now: Date(timeIntervalSince1970: 1_800_000_000))
        try state.save(to: url)
        #expect(NotifiedState.load(from: url) == state)
        // The same document, padded with JSON white space beyond the bound.
        var padded = try Data(contentsOf: url)
        padded.append(Data(repeating: UInt8(ascii: " "), count: NotifiedState.maximumFileBytes))
        try padded.write(to: url)
        #expect(NotifiedState.load(from: url) == NotifiedState())
    }

    @Test func aCorruptNotifiedStateIsSurvivedAndReplaced() async throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let url = dir.appendingPathComponent("e2e.notified.json")
        for garbage in ["", "{\"version\": 1, \"notifications\": {\"chat\": {\"failed x\": {\"sent\": 12", "[[[[", "\u{0}\u{FF}"] {
            try Data(garbage.utf8).write(to: url)
            #expect(NotifiedState.load(from: url) == NotifiedState())
        }
    }

    @Test func aPassLedgerLargerThanItsBoundIsAnErrorThatSaysSo() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let url = dir.appendingPathComponent("e2e.passes.json")
        // A sparse file: its size says too large without a byte on disk.
        let fd = open(url.path, O_RDWR | O_CREAT, 0o600)
        #expect(fd >= 0)
        #expect(ftruncate(fd, off_t(PassLedger.maximumFileBytes) + 1) == 0)
        close(fd)
        let ledger = PassLedger(url: url)
        #expect(ledger.passes(of: photos).isEmpty)
        do {
            try ledger.requestFinalPass(of: photos, at: Date())
            Issue.record("a change to an oversized ledger went through")
        } catch {
            #expect(error.description.contains("larger than"), "\(error)")
        }
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int
        #expect(size == PassLedger.maximumFileBytes + 1)
    }
}

extension StateFileBoundsTests {
    /// A ledger whose numbers oms-plan could not have written (a time of 10^300 seconds, a pass
    /// number past what a marker carries) is unreadable, never a record whose arithmetic traps
    /// later (status computing a pass's duration, the next pass's number).
    @Test(arguments: [
        #"{"version": 1, "passes": {"MigrationTask/photos": [{"n": 1, "final": false, "migrateSince": 0, "start": 1e300, "finish": 1, "status": "succeeded", "objectsListed": 0, "objectsCopied": 0, "objectsSkipped": 0, "objectsFailed": 0, "bytesListed": 0, "bytesCopied": 0, "bytesSkipped": 0, "bytesFailed": 0}]}}"#,
        #"{"version": 1, "passes": {"MigrationTask/photos": [{"n": 9223372036854775807, "final": false, "migrateSince": 0, "status": "succeeded", "objectsListed": 0, "objectsCopied": 0, "objectsSkipped": 0, "objectsFailed": 0, "bytesListed": 0, "bytesCopied": 0, "bytesSkipped": 0, "bytesFailed": 0}]}}"#,
    ])
    func aLedgerWithNumbersOutOfRangeIsUnreadable(_ content: String) throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let url = dir.appendingPathComponent("e2e.passes.json")
        try Data(content.utf8).write(to: url)
        let ledger = PassLedger(url: url)
        #expect(ledger.passes(of: photos).isEmpty)
        #expect(ledger.all().isEmpty)
        do {
            try ledger.requestFinalPass(of: photos, at: Date())
            Issue.record("a change to a ledger with numbers out of range went through")
        } catch {
            #expect(error.description.contains("out of range"), "\(error)")
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == content)
    }
}
