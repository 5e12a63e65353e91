import Foundation
import MigrationPlan
import OMSClient
import Reconciler
import Testing

@testable import OMSSandbox

/// Issue 24, part 4: the plan's `acceptFailures` reach status's failed-object summaries through
/// `FailedObjectAccess.acceptances` (as the CLI wires them: `DesiredState.acceptances(of:)`), and
/// `AcceptanceMatcher` says which failures remain and which entries are stale.
@Suite("acceptFailures in status", .serialized)
struct AcceptFailuresStatusTests {
    @Test func statusCountsAcceptedObjectsAndTheMatcherNamesWhatRemains() async throws {
        try await withEndToEnd { e2e in
            let (obs, obsTask) = try await FailedObjectsEndToEndTests.startOBS(e2e)
            defer { obsTask.cancel() }
            try e2e.seedSource(prefix: "f/", objects: 5)
            try e2e.writePlan([PlanText.task("f", extra: [
                "  acceptFailures:",
                "    - {reason: \"deleted at the source (OPS-1234)\", codes: [NoSuchKey]}",
                "    - {reason: scratch, prefix: zzz/}",
            ])])
            let desired = try e2e.load()
            try await FailedObjectsEndToEndTests.fail(e2e, prefix: "f/object-00001", code: "InvalidObjectState")
            try await FailedObjectsEndToEndTests.fail(e2e, prefix: "f/object-00002", code: "NoSuchKey")
            try await FailedObjectsEndToEndTests.fail(e2e, prefix: "f/object-00003", code: "NoSuchKey")
            var reconciler = e2e.reconciler(ledger: MemoryAttemptLedger())
            var access = FailedObjectAccess(endpoint: .fixed(ObjectStorageEndpoint.given(obs)!), parallelism: 2)
            access.acceptances = { desired.acceptances(of: $0) }
            reconciler.failedObjects = access
            _ = try await reconciler.apply(desired, options: .init(apply: ApplyOptions(pollInterval: .milliseconds(20))))
            try await e2e.runEngine(until: "f", is: .failed)

            var history = ObservationHistory()
            let status = try await reconciler.status(of: desired, history: &history)
            let failed = try #require(status.entries.first { $0.address == "MigrationTask/f" }?.failedObjects)
            #expect(failed.count == 3 && failed.accepted == 2, "\(failed)")
            // The unaccepted object comes first in the sample.
            #expect(failed.sample.first?.code == "InvalidObjectState", "\(failed.sample)")

            // The summary says the same: one unaccepted object, entry 1 stale, not settled.
            #expect(failed.settled == false && failed.unaccepted == 1, "\(failed)")
            #expect(failed.staleAcceptances?.map(\.index) == [1] && failed.staleAcceptances?.map(\.reason) == ["scratch"])
            let text = StatusTextRenderer(color: false, bars: false).render(status)
            #expect(text.contains("1 unaccepted failed object: f/object-00001.bin"), "\(text)")
            #expect(text.contains("stale acceptance: acceptFailures[1] (scratch) matches no failed object"), "\(text)")

            let objects = failed.sample.map { FailedObject(key: $0.key, code: $0.code, reason: $0.reason) }
            let outcome = AcceptanceMatcher.match(objects, against: desired.acceptances(of: ResourceAddress(.migrationTask, "f")))
            #expect(outcome.remaining.map(\.key) == ["f/object-00001.bin"])
            #expect(outcome.accepted.map(\.entry) == [0, 0])
            #expect(outcome.stale == [1])
        }
    }
}
