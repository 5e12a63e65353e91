import Foundation
import MigrationPlan
import OMSModels
import Testing

@testable import Reconciler

/// A task OMS calls Failed whose every failed object the plan accepts is done for oms-plan: the
/// text view, its colours and the live page all show it as succeeded, never in red; the JSON
/// keeps OMS's own status.
@Suite struct SettledDisplayTests {
    struct Accepts: FailedObjectAcceptance {
        var code: String
        func accepts(_ object: FailedObject) -> Bool { object.code == code }
        var acceptanceReason: String { "deleted at the source (OPS-1)" }
    }

    /// The quickstart's status with its first entry a failed task whose one failed object is
    /// accepted (`settled`) or not.
    static func status(settled: Bool) throws -> StatusReport {
        let desired = try Fixtures.quickstart(variables: Fixtures.fakeSecrets)
        var status = StatusReport(desired: desired, live: Fixtures.emptyLive())
        let address = try #require(ResourceAddress(parsing: status.entries[0].address))
        var entry = StatusReport.Entry(
            address: address, liveId: "t-1", status: "Failed", phase: .failed, progress: 0.99, bytesDone: 99, bytesTotal: 100,
            objectsDone: 99, objectsFailed: 1, objectsTotal: 100, error: "TRF.0062", settled: true)
        var read = FailedListReader.Result()
        read.objects = [FailedObject(key: "photos/gone.jpg", code: "NoSuchKey", reason: "not found")]
        entry.failedObjects = FailedObjectsSummary(
            listFile: "oms/failed_object_lists/t-1.txt", read: read, acceptances: [Accepts(code: settled ? "NoSuchKey" : "Other")])
        status.entries[0] = entry
        return status
    }

    static let red = "\u{1B}[31m"
    static let green = "\u{1B}[32m"

    @Test func theTextViewShowsASettledTaskAsSucceededInGreen() throws {
        let settled = try Self.status(settled: true)
        let line = try #require(StatusTextRenderer(color: true, bars: false).render(settled).split(separator: "\n").first)
        #expect(line.contains("Succeeded") && !line.contains("Failed"), "\(line)")
        #expect(line.contains(Self.green + "Succeeded") && !line.contains(Self.red), "\(line)")

        let open = try #require(StatusTextRenderer(color: true, bars: false).render(try Self.status(settled: false)).split(separator: "\n").first)
        #expect(open.contains(Self.red + "Failed"), "an unaccepted failure stays red: \(open)")
    }

    @Test func thePageShowsASettledTaskAsSucceededWithItsAcceptedFailures() throws {
        let settled = try Self.status(settled: true)
        let board = StatusBoard()
        board.record(settled, history: ObservationHistory())
        let html = StatusPageRenderer(now: Fixtures.evaluatedAt).render(board.snapshot)
        let address = settled.entries[0].address
        #expect(html.contains("data-address=\"\(address)\" data-state=\"Succeeded\""), "\(html)")
        #expect(html.contains("<td class=\"state good\">Succeeded <small>with 1 accepted failure</small>"))
        #expect(!html.contains("<td class=\"state bad\">"))

        let open = try Self.status(settled: false)
        board.record(open, history: ObservationHistory())
        let failing = StatusPageRenderer(now: Fixtures.evaluatedAt).render(board.snapshot)
        #expect(failing.contains("data-state=\"Failed\"") && failing.contains("<td class=\"state bad\">Failed"))
    }

    @Test func theJSONKeepsOMSsOwnStatus() throws {
        let settled = try Self.status(settled: true)
        #expect(settled.entries[0].status == "Failed" && settled.entries[0].shownStatus == "Succeeded")
        #expect(settled.entries[0].shownPhase == .finished && settled.entries[0].phase == .failed)
    }

    /// A finished task has no failed object for its acceptances: each is stale, said in the
    /// text view and the JSON; no "0 failed objects" line about a list that does not exist.
    @Test func everyAcceptanceOfAFinishedTaskIsStale() throws {
        var status = try Self.status(settled: true)
        status.entries[0].failedObjects = nil
        status.entries[0].status = "Succeeded"
        status.entries[0].phase = .finished
        status.entries[0].objectsFailed = 0
        status.entries[0].error = nil
        let address = try #require(ResourceAddress(parsing: status.entries[0].address))
        let rules = [FailureAcceptance(reason: "gone at the source (OPS-9)", codes: ["NoSuchKey"])]
        status.markStaleAcceptancesOfFinished { $0 == address ? rules : [] }
        let summary = try #require(status.entries[0].failedObjects)
        #expect(summary.count == 0 && summary.staleAcceptances?.map(\.index) == [0] && summary.settled == false)
        #expect(status.entries.dropFirst().allSatisfy { $0.failedObjects == nil }, "resources without acceptances get nothing")
        let lines = summary.textLines()
        #expect(lines == ["    stale acceptance: acceptFailures[0] (gone at the source (OPS-9)) matches no failed object; remove or fix it"], "\(lines)")
        #expect(!summary.htmlDetails.contains("<details"))
    }
}
