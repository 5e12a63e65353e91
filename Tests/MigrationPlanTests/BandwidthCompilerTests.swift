import Foundation
import OMSModels
import Testing
@testable import MigrationPlan

@Suite struct BandwidthCompilerTests {
    let beijing = ScheduleTimeZone("+08:00")!
    let berlin = ScheduleTimeZone("Europe/Berlin")!

    func date(_ s: String) -> Date { PlanDate.parse(s)! }
    func w(_ s: String, _ e: String, _ limit: Int64 = 20 << 20, days: Set<Weekday>? = nil) -> BandwidthWindow {
        BandwidthWindow(startMinute: BandwidthFormat.parseTime(s, allow24: false)!,
                        endMinute: BandwidthFormat.parseTime(e, allow24: true)!, limit: limit, days: days)
    }
    func rules(_ windows: [BandwidthWindow], zone: ScheduleTimeZone? = nil, on day: String = "2026-11-24T12:00:00+08:00") throws -> [String] {
        let r = BandwidthCompiler.compile(BandwidthScheduleDefinition(timezone: zone, windows: windows), serviceTimezone: beijing, on: date(day))
        return try r.get().map { "\($0.start!)-\($0.end!)=\($0.maxBandwidth! >> 20)" }
    }

    @Test func units() throws {
        let cases: [(String, Int64)] = [
            ("20MiB/s", 20_971_520), ("50MB/s", 50_000_000), ("100Mbps", 12_500_000), ("1Gbps", 125_000_000),
            ("1048576", 1_048_576), ("1.5GiB/s", 1_610_612_736), ("20 MiB/s", 20_971_520), ("2048KiB/s", 2_097_152),
            ("3000KB/s", 3_000_000), ("1GB/s", 1_000_000_000), ("8000Kbps", 1_000_000), ("1000000B/s", 1_000_000),
        ]
        for (text, bytes) in cases { #expect(try BandwidthFormat.parseLimit(text).get() == bytes, "\(text)") }
        for bad in ["20MB", "fast", "", "MiB/s", "20mib/s", ".5MiB/s"] {
            #expect(throws: BandwidthFormat.InvalidLimit.self) { try BandwidthFormat.parseLimit(bad).get() }
        }
        guard case .failure(let e) = BandwidthFormat.parseLimit("20MiBs") else { Issue.record("parsed"); return }
        #expect(e.hint == "did you mean `MiB/s`?")
    }

    @Test func times() {
        #expect(BandwidthFormat.parseTime("00:00", allow24: false) == 0)
        #expect(BandwidthFormat.parseTime("23:59", allow24: false) == 1439)
        #expect(BandwidthFormat.parseTime("24:00", allow24: true) == 1440)
        for bad in ["24:00", "8:00", "08:60", "25:00", "0800", "08:00:00", "ab:cd"] {
            #expect(BandwidthFormat.parseTime(bad, allow24: false) == nil, "\(bad)")
        }
        #expect(BandwidthFormat.time(1440, isEnd: true) == "23:59")
        #expect(BandwidthFormat.time(0) == "00:00")
    }

    @Test func crossingMidnightSplitsAtMidnight() throws {
        #expect(try rules([w("08:00", "19:00", 20 << 20), w("19:00", "08:00", 200 << 20)]) ==
                ["00:00-08:00=200", "08:00-19:00=20", "19:00-23:59=200"])
    }

    @Test func wholeDayIsOneRuleEndingAt2359() throws {
        #expect(try rules([w("00:00", "24:00")]) == ["00:00-23:59=20"])
        #expect(try rules([w("22:00", "24:00")]) == ["22:00-23:59=20"])
    }

    @Test func convertsFromTheScheduleZone() throws {
        // November: Berlin is UTC+1, 7 hours behind +08:00.
        #expect(try rules([w("08:00", "19:00")], zone: berlin) == ["00:00-02:00=20", "15:00-23:59=20"])
        // July: Berlin is UTC+2, 6 hours behind.
        #expect(try rules([w("08:00", "19:00")], zone: berlin, on: "2026-07-14T12:00:00+08:00") == ["00:00-01:00=20", "14:00-23:59=20"])
        // A whole Berlin day is a whole service day: the two halves join.
        #expect(try rules([w("00:00", "24:00")], zone: berlin) == ["00:00-23:59=20"])
        let minus = ScheduleTimeZone("-05:30")!
        #expect(try rules([w("09:00", "10:00")], zone: minus) == ["22:30-23:30=20"])
    }

    @Test func daysAreEvaluatedOnTheDay() throws {
        let weekend = [w("00:00", "24:00", 100 << 20, days: [.sat, .sun])]
        #expect(try rules(weekend, on: "2026-11-24T12:00:00+08:00").isEmpty)  // Tuesday
        #expect(try rules(weekend, on: "2026-11-28T12:00:00+08:00") == ["00:00-23:59=100"])  // Saturday
        // A Friday night window ends on Saturday morning.
        let friday = [w("20:00", "06:00", 50 << 20, days: [.fri])]
        #expect(try rules(friday, on: "2026-11-27T12:00:00+08:00") == ["20:00-23:59=50"])
        #expect(try rules(friday, on: "2026-11-28T12:00:00+08:00") == ["00:00-06:00=50"])
        // Days are read in the schedule's zone: Saturday in Berlin starts at 07:00 in +08:00.
        #expect(try rules(weekend, zone: berlin, on: "2026-11-28T12:00:00+08:00") == ["07:00-23:59=100"])
        #expect(try rules(weekend, zone: berlin, on: "2026-11-30T12:00:00+08:00") == ["00:00-07:00=100"])
    }

    @Test func touchingWindowsAreFineOverlapsAreNot() {
        let ok = BandwidthScheduleDefinition(windows: [w("00:00", "08:00"), w("08:00", "24:00", 30 << 20)])
        #expect(BandwidthCompiler.checkWeek(ok, serviceTimezone: beijing, startingAt: date("2026-11-24T00:00:00Z")).isEmpty)
        let bad = BandwidthScheduleDefinition(windows: [w("00:00", "09:00"), w("08:00", "24:00", 30 << 20)])
        let problems = BandwidthCompiler.checkWeek(bad, serviceTimezone: beijing, startingAt: date("2026-11-24T00:00:00Z"))
        #expect(problems.count == 1)
        #expect(problems.first?.kind == .overlap(otherWindow: 0))
        #expect(problems.first?.window == 1)
    }

    @Test func overlapOnlyOnSomeDaysIsFoundByTheWeekCheck() {
        let s = BandwidthScheduleDefinition(windows: [w("08:00", "19:00"), w("00:00", "24:00", 50 << 20, days: [.sat])])
        // Compiling for Tuesday alone is fine; the week check finds Saturday.
        #expect((try? BandwidthCompiler.compile(s, serviceTimezone: beijing, on: date("2026-11-24T12:00:00+08:00")).get()) != nil)
        let problems = BandwidthCompiler.checkWeek(s, serviceTimezone: beijing, startingAt: date("2026-11-24T12:00:00+08:00"))
        #expect(problems.map(\.message).contains { $0.contains("Saturdays") })
    }

    @Test func atMostFiveRules() {
        let six = (0..<6).map { i in w(BandwidthFormat.time(i * 120), BandwidthFormat.time(i * 120 + 60)) }
        let result = BandwidthCompiler.compile(BandwidthScheduleDefinition(windows: six), serviceTimezone: beijing, on: date("2026-11-24T00:00:00Z"))
        guard case .failure(let f) = result else { Issue.record("compiled"); return }
        #expect(f.problems.count == 1)
        #expect(f.problems[0].kind == .tooManyRules(count: 6))
        #expect(f.problems[0].window == 5)
        #expect(f.problems[0].hint?.hasPrefix("OMS allows at most 5 bandwidth rules; this schedule compiles to 6: 00:00-01:00 20 MiB/s") == true)
        // Five windows, one crossing midnight, make six rules.
        let five = [w("02:00", "03:00"), w("04:00", "05:00"), w("06:00", "07:00"), w("08:00", "09:00"), w("23:00", "01:00", 30 << 20)]
        #expect(!BandwidthCompiler.checkWeek(BandwidthScheduleDefinition(windows: five), serviceTimezone: beijing,
                                             startingAt: date("2026-11-24T00:00:00Z")).isEmpty)
    }

    @Test func touchingRulesWithTheSameLimitJoin() throws {
        #expect(try rules([w("00:00", "08:00"), w("08:00", "12:00")]) == ["00:00-12:00=20"])
    }

    @Test func limitRange() {
        let low = BandwidthScheduleDefinition(windows: [w("00:00", "08:00", 1_048_575)])
        let high = BandwidthScheduleDefinition(windows: [w("00:00", "08:00", 209_715_201)])
        let edge = BandwidthScheduleDefinition(windows: [w("00:00", "08:00", 1_048_576), w("08:00", "09:00", 209_715_200)])
        for s in [low, high] {
            #expect(BandwidthCompiler.checkWeek(s, serviceTimezone: beijing, startingAt: date("2026-11-24T00:00:00Z")).first?.kind == .limitOutOfRange)
        }
        #expect(BandwidthCompiler.checkWeek(edge, serviceTimezone: beijing, startingAt: date("2026-11-24T00:00:00Z")).isEmpty)
    }

    @Test func daylightSavingDaysDoNotBreak() throws {
        // Berlin springs forward on 2026-03-29 and falls back on 2026-10-25.
        for day in ["2026-03-29T12:00:00+08:00", "2026-03-30T12:00:00+08:00", "2026-10-25T12:00:00+08:00"] {
            let r = try rules([w("01:00", "04:00"), w("22:00", "01:00", 30 << 20)], zone: berlin, on: day)
            #expect(!r.isEmpty && r.count <= 5, "\(day): \(r)")
        }
        let berlinService = BandwidthCompiler.compile(BandwidthScheduleDefinition(windows: [w("01:00", "04:00")]),
                                                      serviceTimezone: berlin, on: date("2026-03-29T12:00:00+02:00"))
        #expect(try berlinService.get().count == 1)
    }

    @Test func timeZoneNames() {
        #expect(ScheduleTimeZone("+08:00")?.timeZone.secondsFromGMT() == 28_800)
        #expect(ScheduleTimeZone("-05:30")?.timeZone.secondsFromGMT() == -19_800)
        #expect(ScheduleTimeZone("UTC") != nil)
        #expect(ScheduleTimeZone("Asia/Shanghai") != nil)
        for bad in ["Mars/Olympus", "+8", "+15:00", "Berlin", "08:00", ""] { #expect(ScheduleTimeZone(bad) == nil, "\(bad)") }
    }
}
