import Foundation
import MigrationPlan
import OMSClient
import Reconciler
import Testing

@testable import OMSSandbox

/// `StackReconciler.report` against the in-process sandbox: the figures are OMS's, as `status`
/// reads them, with what only the report says (skipped, start, consistency check, lists).
@Suite("migration report end to end", .serialized)
struct ReportEndToEndTests {
    @Test func reportSaysWhatOMSSaysPerResourceAndInTotal() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "ok/", objects: 4)
            try e2e.seedSource(prefix: "f/", objects: 2)
            try e2e.writePlan([PlanText.task("ok"), PlanText.task("f")])
            // One source object is archived and the task does not restore: it fails in OMS
            // (InvalidObjectState), the other moves (the sandbox's archive sidecar).
            let source = try #require(e2e.buckets.bucketURL(cloud: .aliyun, region: "cn-hangzhou", bucket: "src"))
            try Data("f/object-00000.bin\n".utf8).write(to: source.deletingLastPathComponent().appendingPathComponent("src.archive"))
            let desired = try e2e.load()
            try await e2e.apply(desired, options: DiffOptions(ledger: MemoryAttemptLedger()))
            try await e2e.runEngine(until: "f", is: .failed)
            try await e2e.runEngine(until: "ok", is: .succeeded)

            let reconciler = e2e.reconciler(ledger: MemoryAttemptLedger())
            let report = try await reconciler.report(of: desired)
            var history = ObservationHistory()
            let status = try await reconciler.status(of: desired, history: &history)
            #expect(report.stack == "e2e" && report.resources.map(\.address) == status.entries.map(\.address))
            for (r, e) in zip(report.resources, status.entries) {
                #expect(r.status == e.status && r.liveId == e.liveId, "\(r.address)")
                #expect(r.objectsListed == e.objectsTotal && r.objectsCopied + r.objectsSkipped == e.objectsDone, "\(r.address)")
                #expect(r.objectsFailed == e.objectsFailed && r.bytesCopied == e.bytesDone && r.bytesTotal == e.bytesTotal, "\(r.address)")
                #expect(r.firstStart != nil && r.consistencyCheck != nil, "\(r.address)")
            }
            let ok = try #require(report.resources.first { $0.address == "MigrationTask/ok" })
            #expect(ok.objectsListed == 4 && ok.objectsCopied == 4 && ok.objectsFailed == 0 && ok.bytesCopied == 4 * 1024)
            #expect(ok.lists.successFolder?.hasPrefix("oms/task/") == true && ok.lists.failedList == nil && ok.failedObjectsNote == nil)
            let failed = try #require(report.resources.first { $0.address == "MigrationTask/f" })
            #expect(failed.status == "Failed" && failed.objectsFailed == 1 && failed.objectsCopied == 1)
            #expect(failed.lists.failedList?.hasSuffix(".failed_list.txt") == true, "\(failed.lists)")
            // The lists are not read by this call: the report says so rather than listing none.
            #expect(failed.failedObjectsNote != nil)
            #expect(report.totals.objectsFailed == 1 && report.totals.objectsCopied == 5 && report.totals.bytesCopied == 5 * 1024)
            #expect(report.acceptances.isEmpty)

            let csv = ReportCSVRenderer().render(report)
            #expect(csv == "address,key,code,reason,accepted_by\r\n")
        }
    }

    @Test func failedObjectsAreReadWholeAndAcceptancesCountThem() async throws {
        try await withEndToEnd { e2e in
            let (obs, obsTask) = try await FailedObjectsEndToEndTests.startOBS(e2e)
            defer { obsTask.cancel() }
            try e2e.seedSource(prefix: "f/", objects: 9)
            try e2e.writePlan([PlanText.task("f")])
            let source = try #require(e2e.buckets.bucketURL(cloud: .aliyun, region: "cn-hangzhou", bucket: "src"))
            try Data("f/object-0000*\n".utf8).write(to: source.deletingLastPathComponent().appendingPathComponent("src.archive"))
            let desired = try e2e.load()
            try await e2e.apply(desired, options: DiffOptions(ledger: MemoryAttemptLedger()))
            try await e2e.runEngine(until: "f", is: .failed)

            var reconciler = e2e.reconciler(ledger: MemoryAttemptLedger())
            reconciler.failedObjects = FailedObjectAccess(endpoint: .fixed(ObjectStorageEndpoint.given(obs)!), keys: .destinationCredentials, parallelism: 2)
            let rules = ["MigrationTask/f": [
                MigrationReport.AcceptanceRule(reason: "archived on purpose (OPS-9)", keys: ["f/object-00003.bin"]),
                MigrationReport.AcceptanceRule(reason: "stale", prefix: "g/"),
            ]]
            let report = try await reconciler.report(of: desired, acceptances: rules)
            let f = try #require(report.resources.first)
            #expect(f.objectsFailed == 9 && f.failedObjectsNote == nil, "\(f)")
            #expect(report.failedObjects.count == 9 && Set(report.failedObjects.map(\.code)) == ["InvalidObjectState"])
            #expect(f.failedByCode == [.init(code: "InvalidObjectState", count: 9, accepted: 1)] && f.objectsFailedAccepted == 1)
            #expect(report.failedObjects.filter { $0.acceptedBy != nil }.map(\.key) == ["f/object-00003.bin"])
            #expect(report.acceptances.map(\.matched) == [1, 0])
            let csv = ReportCSVRenderer().render(report).components(separatedBy: "\r\n")
            #expect(csv.count == 11 && csv.contains("MigrationTask/f,f/object-00003.bin,InvalidObjectState,\(report.failedObjects[3].reason),archived on purpose (OPS-9)"))
        }
    }
}
