import Foundation
import MigrationPlan
import Reconciler
import Testing

/// Issue 24, part 4: acceptances are never identity. Adding, changing or removing them after
/// apply is no change at all: no update, no replacement, no step.
@Suite("acceptFailures in diff", .serialized)
struct AcceptFailuresDiffTests {
    @Test func addingOrRemovingAcceptancesChangesNothingLive() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 2)
            try e2e.writePlan([PlanText.task("a")])
            let applied = try await e2e.apply(try e2e.load())
            #expect(applied.summary.create == 1, "\(applied.digest)")

            for acceptances in [
                ["  acceptFailures:", "    - {reason: \"deleted at the source (OPS-1234)\", keys: [a/1.txt]}",
                 "    - {reason: scratch, prefix: a/tmp/, codes: [NoSuchKey]}"],
                ["  acceptFailures: [{reason: anything gone, codes: [NoSuchKey, AccessDenied]}]"],
                [],
            ] {
                try e2e.writePlan([PlanText.task("a", extra: acceptances)])
                let desired = try e2e.load()
                let plan = try await e2e.diff(desired)
                #expect(plan.report.summary.noop == 1, "\(acceptances): \(plan.report.digest)")
                #expect(plan.report.summary.update == 0 && plan.report.summary.replace == 0)
                #expect(!plan.report.hasChanges)
                #expect(plan.steps.isEmpty)
                let task = try #require(desired.tasks.first)
                #expect(task.acceptFailures.count == (acceptances.isEmpty ? 0 : acceptances.count == 1 ? 1 : 2))
            }
        }
    }
}
