import Foundation
import MigrationPlan
import Testing

@testable import Reconciler

/// The pass ledger and the pass marker (issue 25): records survive, are bounded, are shared by
/// two ledgers of one file (reconcile and another command of the stack), and a pass's marker is
/// never read as the full copy's.
@Suite struct PassLedgerTests {
    let photos = ResourceAddress(.migrationTask, "photos")

    func temporaryFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("passes-\(UUID().uuidString)/state/e2e.passes.json")
    }

    @Test func recordsAreKeptBoundedAndSharedByTwoLedgersOfOneFile() throws {
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent().deletingLastPathComponent()) }
        let reconcile = PassLedger(url: url)
        let other = PassLedger(url: url)
        try reconcile.record(PassRecord(n: 1, taskID: "11", migrateSince: Date(timeIntervalSince1970: 100), status: "succeeded",
                                        objectsCopied: 4), of: photos)
        // Another command asks for the final pass; reconcile's ledger sees it, and its next write keeps it.
        try other.requestFinalPass(of: photos, at: Date(timeIntervalSince1970: 5_000))
        #expect(reconcile.finalPass(of: photos)?.n == 2)
        #expect(reconcile.finalPass(of: photos)?.due == Date(timeIntervalSince1970: 5_000))
        try reconcile.record(PassRecord(n: 1, taskID: "11", migrateSince: Date(timeIntervalSince1970: 100), status: "succeeded",
                                        objectsCopied: 5), of: photos)
        #expect(other.passes(of: photos).map(\.n) == [1, 2])
        #expect(other.passes(of: photos).first?.objectsCopied == 5)
        // Asking again moves the waiting final pass; once created, nothing changes.
        try other.requestFinalPass(of: photos, at: Date(timeIntervalSince1970: 6_000))
        #expect(reconcile.passes(of: photos).count == 2 && reconcile.finalPass(of: photos)?.due == Date(timeIntervalSince1970: 6_000))
        // A new ledger reads the file.
        #expect(PassLedger(url: url).passes(of: photos).map(\.n) == [1, 2])
        // Bounded: the last 50, the final pass kept.
        for n in 3...60 {
            try reconcile.record(PassRecord(n: n, migrateSince: Date(), status: "succeeded"), of: photos)
        }
        let kept = reconcile.passes(of: photos)
        #expect(kept.count == PassLedger.maximumPerResource)
        #expect(kept.contains { $0.final } && kept.last?.n == 60)
    }

    @Test func anUnreadableFileStopsChangesAndIsNeverOverwritten() throws {
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent().deletingLastPathComponent()) }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("not json".utf8).write(to: url)
        let ledger = PassLedger(url: url)
        #expect(throws: LedgerError.self) { try ledger.requestFinalPass(of: photos, at: Date()) }
        #expect(try String(contentsOf: url, encoding: .utf8) == "not json")
    }

    @Test func aPassMarkerIsNeverTheFullCopysMarker() throws {
        let full = OwnershipMarker(stack: "media", address: photos, fingerprint: "1a2b3c4d")
        let pass = PassMarker(of: full, n: 3)
        #expect(pass.rendered == "oms-plan-pass:media:MigrationTask/photos#1a2b3c4d.p3")
        #expect(PassMarker(of: full, n: 12, final: true).rendered == "oms-plan-pass:media:MigrationTask/photos#1a2b3c4d.f12")
        let description = pass.description(userDescription: "Photos of 2024")
        #expect(description == "Photos of 2024 oms-plan-pass:media:MigrationTask/photos#1a2b3c4d.p3")
        // This version (and every older one, which reads `oms-plan:` markers only) finds no ownership marker in it.
        #expect(OwnershipMarker.parse(description: description) == nil)
        #expect(PassMarker.parse(description: description) == pass)
        #expect(PassMarker.parse(description: description)?.fullCopy == full)
        // A later fingerprint scheme is kept.
        let v2 = PassMarker(of: OwnershipMarker(stack: "media", address: photos, fingerprint: "00ff00ff", scheme: 2), n: 1)
        #expect(PassMarker.parse(description: v2.rendered) == v2)
        // Malformed ones are not passes.
        for bad in ["oms-plan:media:MigrationTask/photos#1a2b3c4d", "oms-plan-pass:media:MigrationTask/photos#1a2b3c4d",
                    "oms-plan-pass:media:MigrationTask/photos#1a2b3c4d.p0", "oms-plan-pass:media:MigrationTask/photos#1a2b3c4d.x3",
                    "oms-plan-pass:media:MigrationTask/photos#1A2B3C4D.p3", "oms-plan-pass:media:MigrationTask/Photos#1a2b3c4d.p3",
                    "oms-plan-pass:media:MigrationTask/photos#1a2b3c4d.p３"] {
            #expect(PassMarker.parse(description: bad) == nil, "\(bad)")
        }
        // A user text too long for both leaves the marker alone.
        let long = String(repeating: "x", count: 230)
        #expect(pass.description(userDescription: long) == pass.rendered)
    }

    @Test func theScheduleFollowsTheLastSuccessfulCopy() {
        let policy = IncrementalPolicy(every: 3600, overlap: 900)
        let full = Date(timeIntervalSince1970: 10_000)
        #expect(PassSchedule.nextPass(policy: policy, fullCopyStart: full, fullCopyDone: false, passes: []) == nil)
        #expect(PassSchedule.nextPass(policy: policy, fullCopyStart: full, fullCopyDone: true, passes: []) == Date(timeIntervalSince1970: 13_600))
        let ok = PassRecord(n: 1, migrateSince: Date(timeIntervalSince1970: 9_100), start: Date(timeIntervalSince1970: 13_700),
                            finish: Date(timeIntervalSince1970: 13_800), status: "succeeded")
        #expect(PassSchedule.nextPass(policy: policy, fullCopyStart: full, fullCopyDone: true, passes: [ok]) == Date(timeIntervalSince1970: 17_300))
        #expect(PassSchedule.migrateSince(lastSuccessfulStart: Date(timeIntervalSince1970: 13_700.9), overlap: 900) == 12_800)
        // A pass that failed for good: the next waits `every` after it ended.
        let failed = PassRecord(n: 2, migrateSince: Date(), start: Date(timeIntervalSince1970: 17_300),
                                finish: Date(timeIntervalSince1970: 20_000), status: "failed")
        #expect(PassSchedule.nextPass(policy: policy, fullCopyStart: full, fullCopyDone: true, passes: [ok, failed]) == Date(timeIntervalSince1970: 23_600))
        // A requested final pass is due at its time; once created, no pass follows.
        var final = PassRecord(n: 3, final: true, migrateSince: Date(), due: Date(timeIntervalSince1970: 30_000))
        #expect(PassSchedule.nextPass(policy: policy, fullCopyStart: full, fullCopyDone: true, passes: [ok, final]) == Date(timeIntervalSince1970: 30_000))
        final.taskID = "99"
        #expect(PassSchedule.nextPass(policy: policy, fullCopyStart: full, fullCopyDone: true, passes: [ok, final]) == nil)
    }
}
