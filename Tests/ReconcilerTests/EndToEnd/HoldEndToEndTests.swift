import Foundation
import MigrationPlan
import OMSClient
import Reconciler
import Testing

/// Issue 26 end to end against the sandbox: a suspended resource gets no request at all (the
/// client's request counts hold only the reads of the live state), an `until` in the past
/// suspends nothing, and a change freeze holds a create while it lets a pause and a bandwidth
/// change through. The reconciler's clock is the fixture's `evaluatedAt` (2026-11-24T09:00:00Z).
@Suite("Suspend and change freezes end to end", .serialized)
struct HoldEndToEndTests {
    static let reads: Set<String> = ["ListTasks", "ListTaskGroups", "ListSyncTasks"]

    func writePlan(_ e2e: EndToEnd, stackExtra: String = "", _ documents: [String]) throws {
        var files = ["stack.yaml": PlanText.stack() + stackExtra, "credentials.yaml": PlanText.credentials]
        for (index, document) in documents.enumerated() { files["tasks/\(String(format: "%02d", index)).yaml"] = document }
        try e2e.writePlan(files)
    }

    static func suspend(_ reason: String, until: String? = nil) -> String {
        "  suspend: {reason: \"\(reason)\"\(until.map { ", until: \"\($0)\"" } ?? "")}"
    }

    @Test func suspendedResourcesAreSentNothingUntilTheirUntilHasPassed() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSlowSource(prefix: "a/")
            try e2e.seedSlowSource(prefix: "c/")
            let bandwidth = PlanText.allDay("1MiB/s")
            try writePlan(e2e, [PlanText.task("a", bandwidth: bandwidth)])
            try await e2e.apply(try e2e.load())
            try await e2e.runEngine(1)
            #expect(try await e2e.status("a") == .migrating)

            // a should now be paused and c created, but both are suspended.
            let until = "2026-11-25T00:00:00Z"
            try writePlan(e2e, [
                PlanText.task("a", bandwidth: bandwidth, state: "paused", extra: [Self.suspend("NET-42", until: until)]),
                PlanText.task("c", bandwidth: bandwidth, extra: [Self.suspend("NET-42", until: until)]),
            ])
            let held = try e2e.load()
            let planned = try await e2e.diff(held)
            #expect(planned.steps.isEmpty, "\(planned.report.digest)")
            #expect(try planned.report.change("a").suspended?.heldAction == .pause)
            #expect(try planned.report.change("c").suspended?.heldAction == .create)
            e2e.client.statistics.reset()
            let applied = try await e2e.apply(held)
            #expect(Set(e2e.client.statistics.byOperation.keys).isSubset(of: Self.reads), "\(e2e.client.statistics.byOperation)")
            #expect(applied.changes.allSatisfy { $0.action == .noop }, "\(applied.digest)")
            #expect(try await e2e.owned("c").isEmpty)
            #expect(try await e2e.status("a") == .migrating)

            // The same suspension with an `until` already past holds nothing.
            try writePlan(e2e, [
                PlanText.task("a", bandwidth: bandwidth, state: "paused", extra: [Self.suspend("NET-42", until: "2026-11-24T08:59:00Z")]),
                PlanText.task("c", bandwidth: bandwidth, extra: [Self.suspend("NET-42", until: "2026-11-24T08:59:00Z")]),
            ])
            e2e.client.statistics.reset()
            let lifted = try await e2e.apply(try e2e.load())
            #expect(try lifted.change("a").action == .pause)
            #expect(try lifted.change("c").action == .create)
            #expect(lifted.changes.allSatisfy { $0.outcome?.status != .failed }, "\(lifted.digest)")
            #expect(e2e.client.statistics.byOperation["CreateTask"] == 1, "\(e2e.client.statistics.byOperation)")
            #expect(e2e.client.statistics.byOperation["StopTask"] == 1, "\(e2e.client.statistics.byOperation)")
            #expect(try await e2e.owned("c").count == 1)
        }
    }

    @Test func aSuspendedStackIsSentNothing() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSlowSource(prefix: "a/")
            try e2e.seedSlowSource(prefix: "b/")
            try writePlan(e2e, stackExtra: "  suspend: {reason: \"audit (SEC-9)\"}\n", [PlanText.task("a"), PlanText.task("b")])
            e2e.client.statistics.reset()
            let applied = try await e2e.apply(try e2e.load())
            #expect(Set(e2e.client.statistics.byOperation.keys).isSubset(of: Self.reads), "\(e2e.client.statistics.byOperation)")
            #expect(applied.changes.allSatisfy { $0.suspended?.byStack == true && $0.suspended?.heldAction == .create }, "\(applied.digest)")
            #expect(try await e2e.tasks().isEmpty)
        }
    }

    @Test func aFreezeHoldsACreateButLetsAPauseAndABandwidthChangeThrough() async throws {
        try await withEndToEnd { e2e in
            for name in ["a", "b", "c"] { try e2e.seedSlowSource(prefix: "\(name)/") }
            try writePlan(e2e, [PlanText.task("a", bandwidth: PlanText.allDay("1MiB/s")), PlanText.task("b", bandwidth: PlanText.allDay("1MiB/s"))])
            try await e2e.apply(try e2e.load())
            try await e2e.runEngine(1)

            // Inside the freeze: a's rules change, b is to pause, c is new.
            let freeze = "  freezes:\n    - {start: \"2026-11-24T08:00:00Z\", end: \"2026-11-24T10:00:00Z\", reason: \"release week (CAB-7)\"}\n"
            let documents = [PlanText.task("a", bandwidth: PlanText.allDay("2MiB/s")), PlanText.task("b", bandwidth: PlanText.allDay("1MiB/s"), state: "paused"),
                             PlanText.task("c", bandwidth: PlanText.allDay("1MiB/s"))]
            try writePlan(e2e, stackExtra: freeze, documents)
            e2e.client.statistics.reset()
            let frozen = try await e2e.apply(try e2e.load())
            let calls = e2e.client.statistics.byOperation
            #expect(calls["CreateTask"] == nil, "\(calls)")
            #expect(calls["StopTask"] == 1, "\(calls)")
            #expect((calls["UpdateBandwidthPolicy"] ?? 0) + (calls["BatchUpdateTasks"] ?? 0) == 1, "\(calls)")
            #expect(try frozen.change("a").action == .update)
            #expect(try frozen.change("b").action == .pause)
            let c = try frozen.change("c")
            #expect(c.action == .blocked)
            #expect(c.reasons.map(\.code).contains("held_by_freeze"))
            #expect(frozen.freeze?.active == true)
            #expect(try await e2e.owned("c").isEmpty)
            #expect(try await e2e.ownedTask("a").bandwidthPolicy == [BandwidthPolicy(start: "00:00", end: "23:59", maxBandwidth: 2_097_152)])

            // The same plan once the freeze is over: c is created.
            try writePlan(e2e, stackExtra: freeze.replacingOccurrences(of: "2026-11-24T10:00:00Z", with: "2026-11-24T08:30:00Z"), documents)
            e2e.client.statistics.reset()
            let after = try await e2e.apply(try e2e.load())
            #expect(try after.change("c").action == .create)
            #expect(e2e.client.statistics.byOperation["CreateTask"] == 1, "\(e2e.client.statistics.byOperation)")
            #expect(after.freeze == nil)
        }
    }
}
