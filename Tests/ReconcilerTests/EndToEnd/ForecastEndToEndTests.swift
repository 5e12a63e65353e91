import Foundation
import MigrationPlan
import OMSClient
import Reconciler
import Testing

@testable import OMSSandbox

/// The forecast against the sandbox's engine: a task that starts in a slow window and finishes
/// in a fast one ends where the window-aware forecast said, not where bytes / current speed said.
@Suite("forecast end to end", .serialized)
struct ForecastEndToEndTests {
    static let mib: Int64 = 1_048_576

    static func hhmm(_ minuteOfDay: Int) -> String {
        let m = ((minuteOfDay % 1440) + 1440) % 1440
        return String(format: "%02d:%02d", m / 60, m % 60)
    }

    @Test func aTaskFinishesWithinTenPercentOfItsWindowAwareForecast() async throws {
        try await withEndToEnd { e2e in
            // Half a minute into a minute of sandbox time (the clock moves only when told).
            let clock = e2e.server.clock
            let seconds = clock.now.timeIntervalSince1970
            clock.advance(by: 60 - seconds.truncatingRemainder(dividingBy: 60) + 30)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(secondsFromGMT: 0)!
            let parts = calendar.dateComponents([.hour, .minute], from: clock.now)
            let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
            // 1 MiB/s through the next minute (90 s from now), then 4 MiB/s. 130 MiB: 90 MiB in the
            // slow window and 40 MiB in 10 s of the fast one: about 100 s. Bytes / the speed it
            // moves at when it starts says 130 s.
            let windows = "[{start: \"\(Self.hhmm(minute))\", end: \"\(Self.hhmm(minute + 1))\", limit: 1MiB/s}, "
                + "{start: \"\(Self.hhmm(minute + 2))\", end: \"\(Self.hhmm(minute + 40))\", limit: 4MiB/s}]"
            try e2e.seedSource(prefix: "fc/", objects: 130, size: Int(Self.mib))
            try e2e.writePlan([PlanText.task("fc", bandwidth: windows)])
            let desired = try e2e.load()
            let applied = try await e2e.apply(desired)
            #expect(applied.changes.allSatisfy { $0.outcome?.status != .failed }, "\(applied.digest)")
            try await e2e.runEngine(1)

            let started = clock.now
            var status = StatusReport(desired: desired, live: try await LiveState.read(from: e2e.client, now: started))
            var history = ObservationHistory()
            history.record(status)
            status.addForecasts(desired: desired, history: history)
            let entry = try #require(status.entries.first { $0.address == "MigrationTask/fc" })
            #expect(entry.status == "Migrating", "\(entry)")
            let forecast = try #require(entry.forecastFinish, "\(entry.forecastReason ?? "")")
            #expect(entry.forecastReason?.hasPrefix("waits for the \(Self.hhmm(minute + 2)) window (4.00 MiB/s)") == true, "\(entry.forecastReason ?? "")")
            let left = Double(entry.bytesTotal - entry.bytesDone)
            let naive = started.addingTimeInterval(left / Double(entry.speed))

            // Run the engine a second at a time until the task has succeeded.
            var finished: Date?
            for _ in 0..<300 {
                try await e2e.runEngine(1)
                if try await e2e.status("fc") == .succeeded {
                    finished = clock.now
                    break
                }
            }
            let actual = try #require(finished, "the task did not finish within 300 sandbox seconds")
            let forecastSpan = forecast.timeIntervalSince(started)
            let error = abs(actual.timeIntervalSince(forecast))
            #expect(error <= 0.1 * forecastSpan, "finished \(actual.timeIntervalSince(started)) s after the read, forecast \(forecastSpan) s")
            print("forecast-e2e: read at +0 s; forecast +\(Int(forecastSpan)) s; finished +\(Int(actual.timeIntervalSince(started))) s; naive +\(Int(naive.timeIntervalSince(started))) s")
            // The naive estimate is off by more than the forecast's tolerance.
            #expect(abs(actual.timeIntervalSince(naive)) > 0.1 * forecastSpan, "naive \(naive.timeIntervalSince(started)) s")
        }
    }
}

/// Forecasts in a diff: a create's source sized through the bucket operations (and a lower
/// bound when the listing budget runs out), and a bandwidth change that moves the finish.
@Suite("diff forecasts", .serialized)
struct DiffForecastTests {
    @Test func createsAreSizedAndABandwidthChangeMovesTheFinish() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 3, size: 4096)
            try e2e.seedSource(prefix: "a/deeper/", objects: 2, size: 4096)
            // 25 folders: more listing calls than one create may spend.
            for folder in 0..<25 { try e2e.seedSource(prefix: "wide/f\(folder)/", objects: 1, size: 1024) }
            try e2e.writePlan([
                PlanText.task("a", bandwidth: PlanText.allDay("1MiB/s")),
                PlanText.task("wide", bandwidth: PlanText.allDay("1MiB/s")),
            ])
            let desired = try e2e.load()
            var plan = try await e2e.reconciler(ledger: MemoryAttemptLedger()).plan(desired, options: .init(forecast: true))
            let a = try #require(try plan.report.change("a").forecast)
            #expect(a.bytes == 5 * 4096 && !a.isLowerBound)
            #expect(a.finish == EndToEnd.evaluatedAt.addingTimeInterval(Double(5 * 4096) / 1_048_576), "\(a)")
            let wide = try #require(try plan.report.change("wide").forecast)
            #expect(wide.isLowerBound && (wide.bytes ?? 0) < 25 * 1024, "\(wide)")
            #expect(try plan.report.change("wide").reasons.contains { $0.description.contains("at least") })

            // Created and part way: 1 MiB/s all day; the plan raises it to 4 MiB/s.
            try e2e.seedSource(prefix: "big/", objects: 40, size: 256 * 1024)
            try e2e.writePlan([PlanText.task("big", bandwidth: PlanText.allDay("1MiB/s"))])
            #expect(try await e2e.apply(try e2e.load()).changes.allSatisfy { $0.outcome?.status == .succeeded })
            try await e2e.runEngine(2)
            try e2e.writePlan([PlanText.task("big", bandwidth: PlanText.allDay("4MiB/s"))])
            plan = try await e2e.reconciler(ledger: MemoryAttemptLedger()).plan(try e2e.load(), options: .init(forecast: true))
            let change = try plan.report.change("big")
            #expect(change.action == .update)
            let moved = try #require(change.forecast, "\(plan.report.digest)")
            let before = try #require(moved.previousFinish), after = try #require(moved.finish)
            #expect(after < before, "\(moved)")
            // 4x the rate: the time left shrinks to a quarter.
            let now = EndToEnd.evaluatedAt
            #expect(abs(after.timeIntervalSince(now) * 4 - before.timeIntervalSince(now)) < 1, "\(moved)")
            #expect(change.reasons.contains { $0.description.contains("earlier by") })
        }
    }
}
