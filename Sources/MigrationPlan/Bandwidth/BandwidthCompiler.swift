import Foundation
import OMSModels

/// Compiles a schedule into the daily `bandwidth_policy` rules OMS takes: windows are moved
/// from the schedule's zone into the service zone, split at the service zone's midnight,
/// `24:00` becomes `23:59`, and touching rules with the same limit are joined. A pure
/// function of the schedule, the zones and the date.
public enum BandwidthCompiler {
    struct Interval {
        var start: Int
        var end: Int
        var limit: Int64
        var window: Int
    }

    /// The rules in effect on the service zone's calendar day that contains `date`.
    public static func compile(
        _ schedule: BandwidthScheduleDefinition, serviceTimezone: ScheduleTimeZone, on date: Date
    ) -> Result<[BandwidthPolicy], BandwidthProblems> {
        let (rules, problems) = compileDay(schedule, serviceTimezone: serviceTimezone, on: date)
        return problems.isEmpty ? .success(rules) : .failure(BandwidthProblems(problems: problems))
    }

    /// Problems on any of the seven days starting with `date`'s: `validate` should not pass
    /// on Tuesday a schedule that OMS would refuse on Saturday.
    public static func checkWeek(
        _ schedule: BandwidthScheduleDefinition, serviceTimezone: ScheduleTimeZone, startingAt date: Date
    ) -> [BandwidthProblem] {
        var seen = Set<String>()
        var out: [BandwidthProblem] = []
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = serviceTimezone.timeZone
        let noon = calendar.date(bySettingHour: 12, minute: 0, second: 0, of: date) ?? date
        for offset in 0..<7 {
            let day = calendar.date(byAdding: .day, value: offset, to: noon) ?? noon
            for p in compileDay(schedule, serviceTimezone: serviceTimezone, on: day).1 {
                let key: String
                switch p.kind {
                case .limitOutOfRange: key = "range\(p.window)"
                case .tooManyRules: key = "count"
                case .overlap(let o): key = "overlap\(min(o, p.window))-\(max(o, p.window))"
                }
                if seen.insert(key).inserted { out.append(p) }
            }
        }
        return out
    }

    static func compileDay(
        _ schedule: BandwidthScheduleDefinition, serviceTimezone: ScheduleTimeZone, on date: Date
    ) -> ([BandwidthPolicy], [BandwidthProblem]) {
        var problems: [BandwidthProblem] = []
        for (i, w) in schedule.windows.enumerated() where !BandwidthPolicy.allowedBandwidth.contains(w.limit) {
            problems.append(BandwidthProblem(
                kind: .limitOutOfRange, window: i,
                message: "bandwidth limit \(BandwidthFormat.limit(w.limit)) (\(w.limit) bytes/s) is outside what OMS accepts",
                hint: "OMS accepts 1,048,576..209,715,200 bytes/s (1 MiB/s to 200 MiB/s)"))
        }

        var service = Calendar(identifier: .gregorian)
        service.timeZone = serviceTimezone.timeZone
        var local = Calendar(identifier: .gregorian)
        local.timeZone = (schedule.timezone ?? serviceTimezone).timeZone

        let dayStart = service.startOfDay(for: date)
        let dayEnd = service.date(byAdding: .day, value: 1, to: dayStart) ?? dayStart.addingTimeInterval(86_400)
        let weekday = Weekday(calendarWeekday: service.component(.weekday, from: dayStart))

        // Window instances of the schedule-zone days around the service day, clipped to it.
        var intervals: [Interval] = []
        var localDay = local.date(byAdding: .day, value: -1, to: local.startOfDay(for: dayStart)) ?? dayStart
        var guardCount = 0
        while localDay < dayEnd && guardCount < 5 {
            guardCount += 1
            let parts = local.dateComponents([.year, .month, .day, .weekday], from: localDay)
            let localWeekday = Weekday(calendarWeekday: parts.weekday ?? 1)
            for (i, w) in schedule.windows.enumerated() {
                if let days = w.days, !days.contains(localWeekday) { continue }
                let endMinute = w.endMinute <= w.startMinute ? w.endMinute + 1440 : w.endMinute
                guard let a = wallClock(parts, minute: w.startMinute, in: local),
                    let b = wallClock(parts, minute: endMinute, in: local)
                else { continue }
                let from = max(a, dayStart), to = min(b, dayEnd)
                guard from < to else { continue }
                let s = minuteOfDay(from, dayStart: dayStart, dayEnd: dayEnd, in: service)
                let e = minuteOfDay(to, dayStart: dayStart, dayEnd: dayEnd, in: service)
                if e > s { intervals.append(Interval(start: s, end: e, limit: w.limit, window: i)) }
            }
            localDay = local.date(byAdding: .day, value: 1, to: localDay) ?? dayEnd
        }
        intervals.sort { ($0.start, $0.end, $0.window) < ($1.start, $1.end, $1.window) }

        // Overlaps (touching ends are fine).
        var reach: Interval?
        for iv in intervals {
            if let r = reach, iv.start < r.end, r.window != iv.window {
                let later = max(r.window, iv.window), earlier = min(r.window, iv.window)
                let zone = serviceTimezone.name
                problems.append(BandwidthProblem(
                    kind: .overlap(otherWindow: earlier), window: later,
                    message: "window \(schedule.windows[later].span) overlaps window \(schedule.windows[earlier].span) on \(weekday.longName)s"
                        + (schedule.timezone.map { $0 != serviceTimezone ? " (in \(zone) after conversion from \($0.name))" : "" } ?? ""),
                    hint: "OMS refuses overlapping rules; make one window end where the other starts"))
            }
            if reach == nil || iv.end > reach!.end { reach = iv }
        }

        // Join touching intervals with the same limit, then render.
        var joined: [Interval] = []
        for iv in intervals {
            if var last = joined.last, last.end == iv.start, last.limit == iv.limit {
                last.end = iv.end
                last.window = max(last.window, iv.window)
                joined[joined.count - 1] = last
            } else {
                joined.append(iv)
            }
        }
        var rules: [BandwidthPolicy] = []
        var blame: [Int] = []
        for iv in joined {
            let start = BandwidthFormat.time(iv.start), end = BandwidthFormat.time(iv.end, isEnd: true)
            if start == end { continue }  // a sliver shorter than OMS's minute resolution
            rules.append(BandwidthPolicy(start: start, end: end, maxBandwidth: iv.limit))
            blame.append(iv.window)
        }
        if rules.count > BandwidthPolicy.maximumRules {
            let listing = rules.map(BandwidthFormat.rule).joined(separator: ", ")
            problems.append(BandwidthProblem(
                kind: .tooManyRules(count: rules.count), window: blame.max() ?? 0,
                message: "this schedule compiles to \(rules.count) bandwidth rules on \(weekday.longName)s",
                hint: "OMS allows at most \(BandwidthPolicy.maximumRules) bandwidth rules; this schedule compiles to \(rules.count): \(listing)"))
        }
        return (rules, problems)
    }

    /// The instant of `minute` minutes after midnight of the local day `parts` (wall clock,
    /// so that DST days are handled; minute may exceed 1440 for the next day).
    private static func wallClock(_ parts: DateComponents, minute: Int, in calendar: Calendar) -> Date? {
        var c = DateComponents()
        c.year = parts.year
        c.month = parts.month
        c.day = (parts.day ?? 1) + minute / 1440
        c.hour = (minute % 1440) / 60
        c.minute = minute % 60
        return calendar.date(from: c)
    }

    private static func minuteOfDay(_ t: Date, dayStart: Date, dayEnd: Date, in calendar: Calendar) -> Int {
        if t >= dayEnd { return 1440 }
        if t <= dayStart { return 0 }
        let c = calendar.dateComponents([.hour, .minute], from: t)
        return (c.hour ?? 0) * 60 + (c.minute ?? 0)
    }
}
