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
        var change: ResourceChange?
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
            reconciler.failedObjects = FailedObjectAccess(endpoint: .fixed(ObjectStorageEndpoint.given(obs)!), parallelism: 2)
            _ = try await reconciler.apply(desired, options: .init(apply: ApplyOptions(pollInterval: .milliseconds(20))))
            try await e2e.runEngine(until: "f", is: .failed)
            let plan = try await reconciler.plan(desired)
            change = try plan.report.change("f")
            if change?.action == .noop {
                #expect(plan.steps.isEmpty, "\(plan.steps)")
            }
        }
        return try #require(change)
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
}
