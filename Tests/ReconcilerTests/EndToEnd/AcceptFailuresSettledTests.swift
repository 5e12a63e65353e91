import Foundation
import MigrationPlan
import OMSClient
import Reconciler
import Testing

@testable import OMSSandbox

/// Issue 24, part 4: a failed task whose every failed object the plan accepts is settled: no
/// retry, nothing that needs a person; one unaccepted object keeps it failed.
@Suite("acceptFailures settle", .serialized)
struct AcceptFailuresSettledTests {
    func run(codes: [String], accept: String) async throws -> ResourceChange {
        try await runWithStatus(codes: codes, accept: accept).change
    }

    /// The plan's change of `f`, and what `diff` says of it as text and Markdown.
    func runWithDiff(codes: [String], accept: String) async throws -> (change: ResourceChange, text: String, markdown: String) {
        let run = try await runWithStatus(codes: codes, accept: accept)
        return (run.change, run.diffText, run.diffMarkdown)
    }

    /// The plan's change of `f`, and what `status` says of it (its failed objects and text).
    func runWithStatus(codes: [String], accept: String) async throws -> (
        change: ResourceChange, failed: FailedObjectsSummary, text: String, diffText: String, diffMarkdown: String
    ) {
        var change: ResourceChange?
        var failed: FailedObjectsSummary?
        var text = "", diffText = "", diffMarkdown = ""
        try await withEndToEnd { e2e in
            let (obs, obsTask) = try await FailedObjectsEndToEndTests.startOBS(e2e)
            defer { obsTask.cancel() }
            try e2e.seedSource(prefix: "f/", objects: 4)
            try e2e.writePlan([PlanText.task("f", extra: [
                "  onFailure: {action: retryFailedObjects, maxAttempts: 3}",
                "  acceptFailures: [{reason: \"deleted at the source (OPS-1234)\", codes: [\(accept)]}]",
            ])])
            let desired = try e2e.load()
            for (n, code) in codes.enumerated() {
                try await FailedObjectsEndToEndTests.fail(e2e, prefix: "f/object-0000\(n + 1)", code: code)
            }
            var reconciler = e2e.reconciler(ledger: MemoryAttemptLedger())
            var access = FailedObjectAccess(endpoint: .fixed(ObjectStorageEndpoint.given(obs)!), parallelism: 2)
            access.acceptances = { desired.acceptances(of: $0) }
            reconciler.failedObjects = access
            _ = try await reconciler.apply(desired, options: .init(apply: ApplyOptions(pollInterval: .milliseconds(20))))
            try await e2e.runEngine(until: "f", is: .failed)
            let plan = try await reconciler.plan(desired)
            change = try plan.report.change("f")
            diffText = TextReportRenderer().render(plan.report)
            diffMarkdown = MarkdownReportRenderer().render(plan.report)
            let json = JSONReportRenderer().render(plan.report)
            // The JSON document carries `acceptance`, and reads back.
            let read = try JSONReportRenderer.decode(Data(json.utf8))
            #expect(try read.change("f").acceptance == change?.acceptance, "\(json)")
            if change?.action == .noop {
                #expect(plan.steps.isEmpty, "\(plan.steps)")
            }
            var history = ObservationHistory()
            let status = try await reconciler.status(of: desired, history: &history)
            failed = status.entries.first { $0.address == "MigrationTask/f" }?.failedObjects
            text = StatusTextRenderer(color: false, bars: false).render(status)
        }
        return (try #require(change), try #require(failed), text, diffText, diffMarkdown)
    }

    @Test func statusSaysASettledTaskSucceededWithItsReasons() async throws {
        let (_, failed, text, _, _) = try await runWithStatus(codes: ["NoSuchKey", "NoSuchKey"], accept: "NoSuchKey")
        #expect(failed.settled == true && failed.unaccepted == 0 && failed.staleAcceptances == [], "\(failed)")
        #expect(text.contains("Succeeded with 2 accepted failures (deleted at the source (OPS-1234))"), "\(text)")
        let taskLine = text.split(separator: "\n").first { $0.hasPrefix("MigrationTask/f") } ?? ""
        #expect(taskLine.contains("Succeeded") && !taskLine.contains("Failed"), "\(taskLine)")
    }

    @Test func statusKeepsAPartlyAcceptedTaskFailed() async throws {
        let (_, failed, text, _, _) = try await runWithStatus(codes: ["NoSuchKey", "InvalidObjectState"], accept: "NoSuchKey")
        #expect(failed.settled == false && failed.unaccepted == 1, "\(failed)")
        #expect(!text.contains("Succeeded"), "\(text)")
        #expect(text.contains("1 unaccepted failed object: f/object-00002.bin"), "\(text)")
    }

    @Test func everyFailedObjectAcceptedIsSettled() async throws {
        let change = try await run(codes: ["NoSuchKey", "NoSuchKey"], accept: "NoSuchKey")
        #expect(change.action == .noop, "\(change.reasons)")
        #expect(change.reasons.contains(.completed))
        let needsPerson = change.reasons.contains { $0.needsAttention }
        #expect(!needsPerson)
    }

    @Test func oneUnacceptedObjectKeepsItFailed() async throws {
        let change = try await run(codes: ["NoSuchKey", "InvalidObjectState"], accept: "NoSuchKey")
        #expect(change.action == .retry, "\(change.reasons)")
        #expect(!change.reasons.contains(.completed))
    }

    @Test func diffSaysWhatIsAcceptedAndWhatRemains() async throws {
        let settled = try await runWithDiff(codes: ["NoSuchKey", "NoSuchKey"], accept: "NoSuchKey")
        #expect(settled.change.acceptance?.accepted == 2 && settled.change.acceptance?.unaccepted == 0, "\(settled.change)")
        #expect(settled.text.contains("MigrationTask/f is settled by acceptFailures"), "\(settled.text)")
        #expect(settled.text.contains("2 failed objects accepted by acceptFailures"), "\(settled.text)")
        let open = try await runWithDiff(codes: ["NoSuchKey", "InvalidObjectState"], accept: "NoSuchKey")
        #expect(open.change.acceptance?.unaccepted == 1 && open.change.acceptance?.firstUnaccepted == ["f/object-00002.bin"])
        #expect(open.text.contains("1 unaccepted failed object: f/object-00002.bin"), "\(open.text)")
        #expect(open.markdown.contains("1 unaccepted failed object: f/object-00002.bin"), "\(open.markdown)")
        let stale = try await runWithDiff(codes: ["InvalidObjectState"], accept: "NoSuchKey")
        #expect(stale.change.acceptance?.staleAcceptances.map(\.index) == [0], "\(stale.change)")
        #expect(stale.text.contains("stale acceptance: acceptFailures[0] (deleted at the source (OPS-1234))"), "\(stale.text)")
    }
}
