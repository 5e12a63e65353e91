import Foundation
import MigrationPlan
import OMSClient
import OMSModels
import Testing

@testable import Reconciler

/// Forecasts through OMS's 5 slots per destination region, computed by hand.
@Suite struct SlotForecastTests {
    static let mib: Int64 = 1_048_576
    /// 10 MiB/s all day: a minute moves 600 MiB.
    static let perMinute: Int64 = 600 * mib
    static let now = ISO8601DateFormatter().date(from: "2026-11-24T09:00:00Z")!

    /// Stack `slots` (+00:00, cn-north-4) with tasks `names`, each held to 10 MiB/s all day;
    /// `priorities` by name (MEDIUM otherwise).
    static func plan(_ names: [String], priorities: [String: String] = [:]) throws -> DesiredState {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var text = """
            apiVersion: oms-plan/v1
            kind: Stack
            metadata: {name: slots}
            spec: {region: cn-north-4, serviceTimezone: "+00:00"}
            ---
            apiVersion: oms-plan/v1
            kind: Credentials
            metadata: {name: keys}
            spec: {accessKey: "${env:AK}", secretKey: "${env:SK}"}

            """
        for name in names {
            text += """
                ---
                apiVersion: oms-plan/v1
                kind: MigrationTask
                metadata: {name: \(name)}
                spec:
                  type: prefix
                  source: {cloud: Aliyun, region: cn-hangzhou, bucket: src, credentials: keys, prefixes: ["\(name)/"]}
                  destination: {bucket: dst, credentials: keys}
                  bandwidth: [{start: "00:00", end: "24:00", limit: 10MiB/s}]
                  options: {priority: \(priorities[name] ?? "MEDIUM")}

                """
        }
        try text.write(to: folder.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
        let result = PlanLoader.load(
            paths: [folder.path],
            options: LoadOptions(environment: PlanEnvironment(variables: ["AK": "a", "SK": "b"], fileSystem: LocalFileSystem()),
                                 evaluationDate: Fixtures.evaluatedAt))
        return try #require(result.desiredState, "\(result.diagnostics.map(\.rendered))")
    }

    /// Forecasts for tasks not created yet whose sources list `minutes` each (at 10 MiB/s).
    static func forecast(_ desired: DesiredState, minutes: [String: Int64]) -> StatusReport {
        var report = StatusReport(desired: desired, live: LiveState(tasks: [], groups: [], readAt: now))
        var sizes: [ResourceAddress: SizeEstimate] = [:]
        for (name, m) in minutes { sizes[ResourceAddress(.migrationTask, name)] = SizeEstimate(bytes: m * perMinute, isLowerBound: false) }
        report.addForecasts(desired: desired, history: ObservationHistory(), sizes: sizes)
        return report
    }

    static func minutesAfterNow(_ report: StatusReport, _ name: String) -> Double? {
        report.entries.first { $0.address == "MigrationTask/\(name)" }?.forecastFinish.map { $0.timeIntervalSince(now) / 60 }
    }

    @Test func twentyEqualTasksInOneRegionTakeFourRounds() throws {
        let names = (1...20).map { String(format: "t%02d", $0) }
        let desired = try Self.plan(names)
        // Each moves 6,000 MiB at 10 MiB/s: 10 minutes. Five at a time: four rounds, 40 minutes.
        let report = Self.forecast(desired, minutes: Dictionary(uniqueKeysWithValues: names.map { ($0, 10) }))
        #expect(report.forecastFinish == Self.now.addingTimeInterval(40 * 60), "\(report.forecastReason ?? "")")
        let finishes = names.compactMap { Self.minutesAfterNow(report, $0) }
        #expect(finishes == Array(repeating: 10, count: 5) + Array(repeating: 20, count: 5) + Array(repeating: 30, count: 5)
            + Array(repeating: 40, count: 5))
        let sixth = try #require(report.entries.first { $0.address == "MigrationTask/t06" })
        #expect(sixth.forecastReason?.hasPrefix("waits for a slot in cn-north-4 (OMS runs 5 tasks at once per region) until 09:10, then ") == true,
                "\(sixth.forecastReason ?? "")")
    }

    @Test func unequalTasksTakeTheFirstSlotToFreeByPriority() throws {
        // Minutes at 10 MiB/s; t7 is HIGH, so OMS starts it first.
        //   slots at 0: t7 (0-15), t1 (0-10), t2 (0-20), t3 (0-30), t4 (0-40)
        //   t5 takes t1's slot at 10: 10-60; t6 takes t7's at 15: 15-20. The stack: 60 minutes.
        let minutes: [String: Int64] = ["t1": 10, "t2": 20, "t3": 30, "t4": 40, "t5": 50, "t6": 5, "t7": 15]
        let desired = try Self.plan(minutes.keys.sorted(), priorities: ["t7": "HIGH"])
        let report = Self.forecast(desired, minutes: minutes)
        let expected: [String: Double] = ["t1": 10, "t2": 20, "t3": 30, "t4": 40, "t5": 60, "t6": 20, "t7": 15]
        for (name, finish) in expected { #expect(Self.minutesAfterNow(report, name) == finish, "\(name)") }
        #expect(report.forecastFinish == Self.now.addingTimeInterval(60 * 60))
        #expect(report.forecastReason == "when MigrationTask/t5 finishes")
    }

    @Test func aRunningTaskKeepsItsSlotAheadOfHigherPriorities() throws {
        // t1 (LOW) migrates already, 30 minutes left; six HIGH tasks of 10 minutes are not created:
        // four start now beside it, the fifth and sixth take slots at 10 minutes.
        let names = ["t1", "h1", "h2", "h3", "h4", "h5", "h6"]
        var priorities = Dictionary(uniqueKeysWithValues: names.dropFirst().map { ($0, "HIGH") })
        priorities["t1"] = "LOW"
        let desired = try Self.plan(names, priorities: priorities)
        guard case .task(let t1)? = desired[ResourceAddress(.migrationTask, "t1")] else { Issue.record("no t1"); return }
        var live = try Fixtures.live(t1, id: 1, status: .migrating)
        live.totalSize = 30 * Self.perMinute
        live.completeSize = 0
        var report = StatusReport(desired: desired, live: LiveState(tasks: [live], groups: [], readAt: Self.now))
        var sizes: [ResourceAddress: SizeEstimate] = [:]
        for name in names.dropFirst() { sizes[ResourceAddress(.migrationTask, name)] = SizeEstimate(bytes: 10 * Self.perMinute, isLowerBound: false) }
        report.addForecasts(desired: desired, history: ObservationHistory(), sizes: sizes)
        #expect(Self.minutesAfterNow(report, "t1") == 30)
        #expect(["h1", "h2", "h3", "h4"].map { Self.minutesAfterNow(report, $0) } == [10, 10, 10, 10])
        #expect(["h5", "h6"].map { Self.minutesAfterNow(report, $0) } == [20, 20])
    }

    @Test func otherRegionsHaveTheirOwnSlots() {
        var queue = RegionSlotQueue(now: Self.now)
        for _ in 0..<5 { queue.hold(in: "cn-north-4", until: Self.now.addingTimeInterval(600)) }
        #expect(queue.start(in: "cn-north-4", earliest: Self.now) == Self.now.addingTimeInterval(600))
        #expect(queue.start(in: "ap-southeast-1", earliest: Self.now) == Self.now)
        for _ in 0..<5 { queue.hold(in: "cn-north-4", until: nil) }
        #expect(queue.start(in: "cn-north-4", earliest: Self.now) == .distantFuture, "a slot held by a transfer with no forecast never frees")
    }

    @Test func aDiffQueuesItsCreatesThroughTheSlots() async throws {
        try await withEndToEnd { e2e in
            // Seven creates of 6 MiB at 1 MiB/s (6 s each): five start now, two when they finish.
            let names = (1...7).map { "s\($0)" }
            for name in names { try e2e.seedSource(prefix: "\(name)/", objects: 1, size: Int(6 * Self.mib)) }
            try e2e.writePlan(names.map { PlanText.task($0, bandwidth: PlanText.allDay("1MiB/s")) })
            let plan = try await e2e.reconciler(ledger: MemoryAttemptLedger()).plan(try e2e.load(), options: .init(forecast: true))
            var finishes: [Double] = []
            for name in names {
                let forecast = try #require(try plan.report.change(name).forecast)
                finishes.append(try #require(forecast.finish).timeIntervalSince(EndToEnd.evaluatedAt))
            }
            #expect(finishes == [6, 6, 6, 6, 6, 12, 12], "\(plan.report.digest)")
            #expect(try plan.report.change("s6").forecast?.reason.hasPrefix("waits for a slot in cn-north-4") == true)
        }
    }
}
