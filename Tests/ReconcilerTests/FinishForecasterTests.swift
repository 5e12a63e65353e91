import Foundation
import MigrationPlan
import Testing

@testable import Reconciler

/// Hand-computed forecasts: every expected time below is worked out in the comment above it.
@Suite struct FinishForecasterTests {
    static let mib: Int64 = 1_048_576
    static let beijing = ScheduleTimeZone("+08:00")!

    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func window(_ start: String, _ end: String, _ mibPerSecond: Int64, days: Set<Weekday>? = nil) -> BandwidthWindow {
        BandwidthWindow(startMinute: BandwidthFormat.parseTime(start, allow24: false)!, endMinute: BandwidthFormat.parseTime(end, allow24: true)!,
                        limit: mibPerSecond * mib, days: days)
    }

    static let officeHours = BandwidthScheduleDefinition(windows: [window("08:00", "19:00", 20), window("19:00", "08:00", 200)])

    // A rule holds through its end minute, and where two rules touch the earlier keeps the shared
    // minute (as the sandbox applies them): the compiled 08:00-19:00 rule limits until 19:01.

    @Test func aWindowAcrossMidnight() {
        // Tuesday 10:00 (+08:00). 10:00-19:01 at 20 MiB/s: 32,460 s x 20 = 649,200 MiB; then
        // 200 MiB/s: 5 h 59 min more (21,540 s, 4,308,000 MiB) run to 01:00 on Wednesday, past
        // midnight, where the next day's 00:00-08:00 rule (the same window) carries on.
        let left = (649_200 + 4_308_000) * Self.mib
        let profile = FinishForecaster.Profile(schedule: Self.officeHours, serviceTimezone: Self.beijing, capacity: nil)
        let f = FinishForecaster.forecast(bytesLeft: left, from: Self.at("2026-11-24T10:00:00+08:00"), profile: profile)
        #expect(f.finish == Self.at("2026-11-25T01:00:00+08:00"))
        #expect(f.reason == "waits for the 19:00 window (200 MiB/s); 20.0 MiB/s until then")
        // Naive bytes / current speed would say 4,957,200 MiB / 20 MiB/s = 68.9 hours.
    }

    @Test func aWeekendWindow() {
        // Friday 2026-11-27 17:00 (+08:00), weekdays 09:00-18:00 at 10 MiB/s, weekends all day at
        // 100 MiB/s, and the task reaches 50 MiB/s on its own. Friday 17:00-18:01 at 10: 36,600 MiB.
        // 18:01-24:00 unlimited, so 50: 21,540 s, 1,077,000 MiB. Saturday's window allows 100, the
        // task reaches 50: 2 hours for the last 360,000 MiB, so 02:00 on Saturday.
        let schedule = BandwidthScheduleDefinition(windows: [
            Self.window("09:00", "18:00", 10, days: [.mon, .tue, .wed, .thu, .fri]),
            Self.window("00:00", "24:00", 100, days: [.sat, .sun]),
        ])
        let profile = FinishForecaster.Profile(schedule: schedule, serviceTimezone: Self.beijing, capacity: 50 * Self.mib)
        let f = FinishForecaster.forecast(bytesLeft: (36_600 + 1_077_000 + 360_000) * Self.mib, from: Self.at("2026-11-27T17:00:00+08:00"),
                                          profile: profile)
        #expect(f.finish == Self.at("2026-11-28T02:00:00+08:00"))
        #expect(f.reason == "waits for the unlimited hours from 18:01; 10.0 MiB/s until then")
    }

    @Test func aDaylightSavingChange() throws {
        // Berlin leaves summer time on 2026-10-25: 03:00 CEST becomes 02:00 CET, so the rule
        // 00:00-06:00 (wall clock, through 06:00 itself) lasts 7 h 1 min that day, not 6 h 1 min.
        // At 10 MiB/s that is 25,260 s x 10 = 252,600 MiB; 10 MiB less finishes one second before
        // 06:01 CET (05:01Z). A forecast that took the day as 24 hours would finish past 16:00.
        let berlin = try #require(ScheduleTimeZone("Europe/Berlin"))
        let schedule = BandwidthScheduleDefinition(windows: [Self.window("00:00", "06:00", 10), Self.window("06:00", "24:00", 1)])
        let profile = FinishForecaster.Profile(schedule: schedule, serviceTimezone: berlin, capacity: nil)
        let f = FinishForecaster.forecast(bytesLeft: (252_600 - 10) * Self.mib, from: Self.at("2026-10-24T22:00:00Z"), profile: profile)
        #expect(f.finish == Self.at("2026-10-25T05:00:59Z"))
        #expect(f.reason == "at 10.0 MiB/s, the limit of the 00:00-06:00 window")
    }

    @Test func aTaskAlreadyFasterThanEveryWindow() {
        // It reaches 500 MiB/s, but the 08:00-19:00 window holds it to 20: an hour for 72,000 MiB
        // (bytes / its own speed would say 144 seconds).
        let profile = FinishForecaster.Profile(schedule: Self.officeHours, serviceTimezone: Self.beijing, capacity: 500 * Self.mib)
        let f = FinishForecaster.forecast(bytesLeft: 72_000 * Self.mib, from: Self.at("2026-11-24T10:00:00+08:00"), profile: profile)
        #expect(f.finish == Self.at("2026-11-24T11:00:00+08:00"))
        #expect(f.reason == "at 20.0 MiB/s, the limit of the 08:00-19:00 window")
    }

    @Test func aSlowSourceIsSlowerThanItsWindows() {
        // 5 MiB/s is all it reaches, below both windows: 36,000 MiB take 2 hours.
        let profile = FinishForecaster.Profile(schedule: Self.officeHours, serviceTimezone: Self.beijing, capacity: 5 * Self.mib)
        let f = FinishForecaster.forecast(bytesLeft: 36_000 * Self.mib, from: Self.at("2026-11-24T10:00:00+08:00"), profile: profile)
        #expect(f.finish == Self.at("2026-11-24T12:00:00+08:00"))
        #expect(f.reason == "at the 5.00 MiB/s it reaches (the 08:00-19:00 window allows 20.0 MiB/s)")
    }

    @Test func withoutWindowsOrASpeedThereIsNoForecast() {
        let none = FinishForecaster.Profile(schedule: nil, serviceTimezone: Self.beijing, capacity: nil)
        #expect(FinishForecaster.forecast(bytesLeft: Self.mib, from: Self.at("2026-11-24T10:00:00Z"), profile: none).finish == nil)
        // Unlimited at 10 MiB/s: 36,000 MiB in an hour.
        let plain = FinishForecaster.Profile(schedule: nil, serviceTimezone: Self.beijing, capacity: 10 * Self.mib)
        let f = FinishForecaster.forecast(bytesLeft: 36_000 * Self.mib, from: Self.at("2026-11-24T10:00:00Z"), profile: plain)
        #expect(f.finish == Self.at("2026-11-24T11:00:00Z"))
        #expect(f.reason == "at the 10.0 MiB/s it reaches, outside every window")
        let done = FinishForecaster.forecast(bytesLeft: 0, from: Self.at("2026-11-24T10:00:00Z"), profile: plain)
        #expect(done.finish == Self.at("2026-11-24T10:00:00Z"))
    }
}
