import Foundation
import MigrationPlan
import OMSClient
import Testing

@testable import Reconciler

/// A replacement held back because the task already moved data, and an in-place change on
/// the same task: the in-place change is still made, and the blocked one says why and what
/// unblocks it (issue 23, part 3).
@Suite("blocked replacement beside an in-place change", .serialized)
struct BlockedWithInPlaceTests {
    @Test func theBandwidthChangeIsMadeAndTheBlockSaysWhatUnblocksIt() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSlowSource(prefix: "a/")
            try e2e.seedSource(prefix: "b/", objects: 2)
            try e2e.writePlan([PlanText.task("a", prefixes: ["a/"], bandwidth: PlanText.allDay("1MiB/s"))])
            try await e2e.apply(try e2e.load())
            try await e2e.runEngine(1)
            let before = try await e2e.ownedTask("a")
            #expect(before.status == .migrating && (before.completeSize ?? 0) > 0)

            try e2e.writePlan([PlanText.task("a", prefixes: ["b/"], bandwidth: PlanText.allDay("2MiB/s"))])
            let desired = try e2e.load()
            let planned = try await e2e.diff(desired)
            let change = try planned.report.change("a")
            #expect(change.action == .blocked)
            #expect(change.fields.contains { $0.path == "bandwidth" }, "\(change.fields)")
            #expect(change.calls.contains { $0.hasSuffix("/bandwidth-policy") }, "\(change.calls)")

            let applied = try await e2e.apply(desired)
            let after = try applied.change("a")
            #expect(after.outcome?.status == .succeeded, "\(String(describing: after.outcome))")
            let live = try await e2e.ownedTask("a")
            #expect(live.id == before.id, "the task is kept")
            let limits = (live.bandwidthPolicy ?? []).compactMap(\.maxBandwidth)
            #expect(!limits.isEmpty && limits.allSatisfy { $0 == 2 * 1_048_576 }, "the in-place change was made: \(String(describing: live.bandwidthPolicy))")
            // What unblocks it is named.
            let reasons = after.reasons.map(\.description).joined(separator: " ")
            #expect(reasons.contains("replaceOnChange: true") && reasons.contains("--allow-replace MigrationTask/a"), "\(reasons)")
        }
    }

    @Test func aCompletedTaskSaysOneThing() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 2)
            try e2e.seedSource(prefix: "b/", objects: 2)
            try e2e.writePlan([PlanText.task("a", prefixes: ["a/"])])
            try await e2e.apply(try e2e.load())
            try await e2e.runEngine(until: "a", is: .succeeded)
            try e2e.writePlan([PlanText.task("a", prefixes: ["b/"])])
            let change = try await e2e.diff(try e2e.load()).report.change("a")
            #expect(change.action == .blocked)
            let sentences = change.reasons.map(\.description)
            #expect(!sentences.contains { $0.contains("nothing left to change") }, "\(sentences)")
            #expect(sentences.contains { $0.contains("completed") && $0.contains("--allow-replace MigrationTask/a") }, "\(sentences)")
        }
    }
}
