import Foundation
@testable import Reconciler

/// A report of two tasks, one with failed objects (a hostile key, a key with a tab, formula
/// starters, quotes and commas), and an acceptance: what every renderer test reads.
enum ReportFixtures {
    static let start = Date(timeIntervalSince1970: 1_796_000_000)

    static let failed: [MigrationReport.FailedObject] = [
        .init(address: "MigrationTask/photos", key: "<script>alert(1)</script>.jpg", code: "NoSuchKey", reason: "gone at the source"),
        .init(address: "MigrationTask/photos", key: "a\tb.jpg", code: "NoSuchKey", reason: "said \"no\", twice"),
        .init(address: "MigrationTask/photos", key: "=HYPERLINK(\"http://x\")", code: "InvalidObjectState", reason: "archived",
              acceptedBy: "archive, not needed (OPS-1)"),
        .init(address: "MigrationTask/photos", key: "+1", code: "-2", reason: "@sum", acceptedBy: nil),
    ]

    static func report(acceptances: [MigrationReport.Acceptance] = [
        .init(address: "MigrationTask/photos", reason: "archive, not needed (OPS-1)", matches: "codes InvalidObjectState", matched: 1),
        .init(address: "MigrationTask/photos", reason: "old prefix", matches: "prefix tmp/", matched: 0),
    ]) -> MigrationReport {
        var photos = MigrationReport.Resource(address: "MigrationTask/photos", kind: "MigrationTask", status: "Failed")
        photos.liveId = "101"
        photos.objectsListed = 120
        photos.objectsCopied = 110
        photos.objectsSkipped = 6
        photos.objectsFailed = 4
        photos.objectsFailedAccepted = 1
        photos.failedByCode = [.init(code: "NoSuchKey", count: 2), .init(code: "-2", count: 1), .init(code: "InvalidObjectState", count: 1, accepted: 1)]
        photos.bytesCopied = 3_000_000
        photos.bytesTotal = 3_100_000
        photos.firstStart = start
        photos.lastFinish = start.addingTimeInterval(100)
        photos.averageSpeed = 30_000
        photos.peakSpeed = 80_000
        photos.consistencyCheck = "crc64"
        photos.lists.bucket = "dest-bucket"
        photos.lists.failedList = "oms/task/photos/failed_object_lists/1.failed_list.txt"
        photos.lists.successFolder = "oms/task/photos/success_object_lists/"
        photos.lists.skipFolder = "oms/task/photos/skip_object_lists/"
        var docs = MigrationReport.Resource(address: "MigrationTask/docs", kind: "MigrationTask", status: "Succeeded")
        docs.objectsListed = 30
        docs.objectsCopied = 30
        docs.bytesCopied = 1_000_000
        docs.bytesTotal = 1_000_000
        docs.firstStart = start.addingTimeInterval(50)
        docs.lastFinish = start.addingTimeInterval(200)
        docs.peakSpeed = 120_000
        return MigrationReport(
            stack: "media", region: "cn-north-4", readAt: start.addingTimeInterval(300), timezone: "+08:00", resources: [docs, photos],
            acceptances: acceptances, failedObjects: failed)
    }
}
