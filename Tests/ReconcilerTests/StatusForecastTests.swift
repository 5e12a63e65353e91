import Foundation
import MigrationPlan
import OMSModels
import Testing

@testable import Reconciler

/// Forecasts in `status`: dependsOn waves, sizes of what is not created yet, deadlines.
@Suite struct StatusForecastTests {
    static let mib: Int64 = 1_048_576

    /// Stack `waves` (+00:00, deadline 10:15Z), tasks `a` and `b` (b after a), both held to
    /// 10 MiB/s all day; `a` must be done by 12:00Z.
    static func plan() throws -> DesiredState {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("forecast-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = """
            apiVersion: oms-plan/v1
            kind: Stack
            metadata: {name: waves}
            spec: {region: cn-north-4, serviceTimezone: "+00:00", deadline: "2026-11-24T10:15:00Z"}
            ---
            apiVersion: oms-plan/v1
            kind: Credentials
            metadata: {name: keys}
            spec: {accessKey: "${env:AK}", secretKey: "${env:SK}"}
            ---
            apiVersion: oms-plan/v1
            kind: MigrationTaskSet
            metadata: {name: waves}
            spec:
              deadline: "2026-11-24T12:00:00Z"
              forEach: [a]
              name: "${item}"
              template:
                type: prefix
                source: {cloud: Aliyun, region: cn-hangzhou, bucket: src, credentials: keys, prefixes: ["${item}/"]}
                destination: {bucket: dst, credentials: keys}
                bandwidth: [{start: "00:00", end: "24:00", limit: 10MiB/s}]
            ---
            apiVersion: oms-plan/v1
            kind: MigrationTask
            metadata: {name: b}
            spec:
              type: prefix
              source: {cloud: Aliyun, region: cn-hangzhou, bucket: src, credentials: keys, prefixes: ["b/"]}
              destination: {bucket: dst, credentials: keys}
              bandwidth: [{start: "00:00", end: "24:00", limit: 10MiB/s}]
              dependsOn: [MigrationTask/a]

            """
        try text.write(to: folder.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
        let result = PlanLoader.load(
            paths: [folder.path],
            options: LoadOptions(environment: PlanEnvironment(variables: ["AK": "a", "SK": "b"], fileSystem: LocalFileSystem()),
                                 evaluationDate: Fixtures.evaluatedAt))
        return try #require(result.desiredState, "\(result.diagnostics.map(\.rendered))")
    }

    @Test func wavesSizesAndDeadlines() throws {
        let desired = try Self.plan()
        guard case .task(let a)? = desired[ResourceAddress(.migrationTask, "a")] else { Issue.record("no task a"); return }
        #expect(a.deadline == ISO8601DateFormatter().date(from: "2026-11-24T12:00:00Z"), "the set's deadline reaches its tasks")
        #expect(desired.stack.deadline == ISO8601DateFormatter().date(from: "2026-11-24T10:15:00Z"))
        var live = try Fixtures.live(a, id: 1, status: .migrating)
        live.totalSize = 36_000 * Self.mib
        live.completeSize = 0
        live.migrateSpeed = 10 * Self.mib
        // 09:00Z: a has 36,000 MiB at 10 MiB/s left: 10:00. b is not created yet.
        let now = ISO8601DateFormatter().date(from: "2026-11-24T09:00:00Z")!
        var report = StatusReport(desired: desired, live: LiveState(tasks: [live], groups: [], readAt: now))
        var blind = report
        blind.addForecasts(desired: desired, history: ObservationHistory())
        #expect(blind.entries.first { $0.address == "MigrationTask/b" }?.forecastReason == "its size is not known until it is created")
        #expect(blind.forecastFinish == nil && blind.forecastReason == "no forecast for MigrationTask/b: its size is not known until it is created")

        // With b's source listed (18,000 MiB): it starts at 10:00 when a finishes, ends 10:30.
        report.addForecasts(desired: desired, history: ObservationHistory(),
                            sizes: [ResourceAddress(.migrationTask, "b"): SizeEstimate(bytes: 18_000 * Self.mib, isLowerBound: false)])
        let first = try #require(report.entries.first { $0.address == "MigrationTask/a" })
        let second = try #require(report.entries.first { $0.address == "MigrationTask/b" })
        #expect(first.forecastFinish == ISO8601DateFormatter().date(from: "2026-11-24T10:00:00Z"))
        #expect(first.deadlineSlack == 7200)
        #expect(second.forecastFinish == ISO8601DateFormatter().date(from: "2026-11-24T10:30:00Z"))
        #expect(second.forecastReason?.hasPrefix("starts when MigrationTask/a finishes, then ") == true, "\(second.forecastReason ?? "")")
        #expect(report.forecastFinish == second.forecastFinish && report.forecastReason == "when MigrationTask/b finishes")
        #expect(report.deadlineSlack == -900, "the stack's 10:15 deadline is missed by 15 minutes")

        let text = StatusTextRenderer(color: false, bars: false).render(report)
        #expect(text.contains("finish ~2026-11-24 10:00 +00:00 (at 10.0 MiB/s, the limit of the 00:00-24:00 window)"), "\(text)")
        #expect(text.contains("deadline 2026-11-24 12:00 +00:00: 2h0m to spare"))
        #expect(text.contains("Stack: finish ~2026-11-24 10:30 +00:00 (when MigrationTask/b finishes); deadline 2026-11-24 10:15 +00:00: forecast misses it by 15m0s."),
                "\(text)")
    }
}
