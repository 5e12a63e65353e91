import Foundation
import MigrationPlan
import OMSModels
import Synchronization

/// When a transfer will finish, forecast from the bytes left, the bandwidth rules of each
/// coming day (the plan's windows compiled for that day in the service zone, as apply and
/// reconcile keep them in OMS) and the speed the resource reaches on its own. OMS's own
/// `left_time` divides by the current speed, which is wrong as soon as a window changes.
///
/// A pure function: the same inputs give the same forecast, so that the cases are unit tested
/// by hand (a window across midnight, a weekend window, a DST change, a fast task).
public enum FinishForecaster {
    /// How far ahead the forecast looks; beyond that it says "more than a year".
    public static let horizonDays = 400

    /// What limits a transfer over time.
    public struct Profile: Sendable, Hashable {
        /// The windows as written; nil: no rules, OMS migrates unlimited.
        public var schedule: BandwidthScheduleDefinition?
        public var serviceTimezone: ScheduleTimeZone
        /// Bytes per second the resource reaches when no rule holds it back (source-bound);
        /// nil when no such speed was observed.
        public var capacity: Int64?

        public init(schedule: BandwidthScheduleDefinition?, serviceTimezone: ScheduleTimeZone, capacity: Int64?) {
            self.schedule = schedule
            self.serviceTimezone = serviceTimezone
            self.capacity = capacity
        }
    }

    /// A stretch of time with one rule (or none).
    struct Segment: Equatable, Sendable {
        var from: Date
        var to: Date
        /// Bytes per second of the rule; nil outside every rule.
        var limit: Int64?
        /// `19:00-08:00` style span of the rule, in the service zone.
        var span: String?
    }

    /// Each day's segments of a schedule, computed once for all the resources that share it (a
    /// diff that changes the windows of 10,000 tasks forecasts each of them twice).
    public final class SegmentCache: Sendable {
        private struct Key: Hashable, Sendable {
            var zone: String
            var day: Date
            var schedule: BandwidthScheduleDefinition?
        }
        private let days = Mutex<[Key: [Segment]]>([:])
        public init() {}

        func segments(on date: Date, profile: Profile, calendar: Calendar) -> [Segment] {
            let key = Key(zone: profile.serviceTimezone.name, day: calendar.startOfDay(for: date), schedule: profile.schedule)
            if let hit = days.withLock({ $0[key] }) { return hit }
            let computed = FinishForecaster.segments(on: date, profile: profile, calendar: calendar)
            days.withLock { days in
                if days.count > 50_000 { days.removeAll() }
                days[key] = computed
            }
            return computed
        }
    }

    public static func forecast(
        bytesLeft: Int64, from start: Date, profile: Profile, lowerBound: Bool = false, cache: SegmentCache? = nil
    ) -> Forecast {
        guard bytesLeft > 0 else { return Forecast(finish: start, reason: "nothing left to copy", isLowerBound: lowerBound) }
        let highestLimit = profile.schedule?.windows.map(\.limit).max()
        // Speed outside the rules: what it reaches; unknown, the fastest window (a guess, said so).
        let unlimitedRate = profile.capacity ?? highestLimit
        guard unlimitedRate != nil || profile.schedule != nil else {
            return Forecast(finish: nil, reason: "no speed observed yet, and no bandwidth window limits it", isLowerBound: lowerBound)
        }
        func rate(_ segment: Segment) -> Int64? {
            guard let limit = segment.limit else { return unlimitedRate }
            return profile.capacity.map { min($0, limit) } ?? limit
        }
        var left = Double(bytesLeft)
        var first: Segment?
        var firstRate: Int64?
        var fasterLater: (Segment, Int64)?
        var day = start
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = profile.serviceTimezone.timeZone
        for _ in 0..<horizonDays {
            let daySegments = cache?.segments(on: day, profile: profile, calendar: calendar) ?? segments(on: day, profile: profile, calendar: calendar)
            for segment in daySegments where segment.to > start {
                let from = max(segment.from, start)
                guard let r = rate(segment), r > 0 else { continue }
                if first == nil { (first, firstRate) = (segment, r) }
                if let firstRate, r > firstRate, fasterLater == nil { fasterLater = (segment, r) }
                let seconds = segment.to.timeIntervalSince(from)
                let capacity = Double(r) * seconds
                if capacity >= left {
                    let finish = from.addingTimeInterval(left / Double(r))
                    let reason = Self.reason(
                        first: first!, firstRate: firstRate!, finishing: segment, finishingRate: r, fasterLater: fasterLater,
                        profile: profile, highestLimit: highestLimit)
                    return Forecast(finish: finish, reason: reason, isLowerBound: lowerBound)
                }
                left -= capacity
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: day)) else { break }
            day = next
        }
        return Forecast(finish: nil, reason: "more than \(horizonDays) days at the speeds its windows allow", isLowerBound: lowerBound)
    }

    /// The service-zone day containing `date`, cut into stretches of one rule or none.
    static func segments(on date: Date, profile: Profile, calendar: Calendar) -> [Segment] {
        let dayStart = calendar.startOfDay(for: date)
        let dayEnd = calendar.date(byAdding: .day, value: 1, to: dayStart) ?? dayStart.addingTimeInterval(86_400)
        guard let schedule = profile.schedule,
            case .success(let rules) = BandwidthCompiler.compile(schedule, serviceTimezone: profile.serviceTimezone, on: dayStart)
        else { return [Segment(from: dayStart, to: dayEnd, limit: nil, span: nil)] }
        // A rule holds from its start minute through its end minute (23:59 is the day's end); where
        // two rules touch, the earlier one keeps the shared minute, as OMS (and the sandbox) apply them.
        func instant(_ text: String?, isEnd: Bool) -> Date? {
            guard let text, let minutes = BandwidthFormat.parseTime(text, allow24: true) else { return nil }
            if minutes >= 1440 { return dayEnd }
            guard let start = calendar.date(bySettingHour: minutes / 60, minute: minutes % 60, second: 0, of: dayStart,
                                            matchingPolicy: .nextTime, repeatedTimePolicy: .first, direction: .forward)
            else { return nil }
            return isEnd ? min(dayEnd, start.addingTimeInterval(60)) : start
        }
        var out: [Segment] = []
        var cursor = dayStart
        let ordered = rules.compactMap { rule -> (Date, Date, BandwidthPolicy)? in
            guard let a = instant(rule.start, isEnd: false), let b = instant(rule.end, isEnd: true), a < b else { return nil }
            return (a, b, rule)
        }.sorted { $0.0 < $1.0 }
        for (a, b, rule) in ordered {
            if a > cursor { out.append(Segment(from: cursor, to: a, limit: nil, span: nil)) }
            out.append(Segment(from: max(a, cursor), to: b, limit: rule.maxBandwidth, span: "\(rule.start ?? "")-\(rule.end == "23:59" ? "24:00" : rule.end ?? "")"))
            cursor = max(cursor, b)
        }
        if cursor < dayEnd { out.append(Segment(from: cursor, to: dayEnd, limit: nil, span: nil)) }
        return out
    }

    /// Why it finishes when it does, in one phrase.
    static func reason(
        first: Segment, firstRate: Int64, finishing: Segment, finishingRate: Int64, fasterLater: (Segment, Int64)?, profile: Profile,
        highestLimit: Int64?
    ) -> String {
        func describe(_ segment: Segment, _ rate: Int64) -> String {
            if let limit = segment.limit, let span = segment.span {
                if let capacity = profile.capacity, capacity < limit {
                    return "at the \(ByteCount.rate(capacity)) it reaches (the \(span) window allows \(ByteCount.rate(limit)))"
                }
                return "at \(ByteCount.rate(rate)), the limit of the \(span) window"
            }
            if profile.capacity == nil, let highestLimit {
                return "at \(ByteCount.rate(highestLimit)) outside its windows (assumed: no speed observed yet)"
            }
            return "at the \(ByteCount.rate(rate)) it reaches, outside every window"
        }
        if finishing == first { return describe(first, firstRate) }
        if let (faster, rate) = fasterLater {
            let clock = wallClock(faster.from, profile.serviceTimezone)
            let ruleStart = faster.span.map { String($0.prefix(5)) } ?? clock
            let what = faster.limit == nil ? "the unlimited hours from \(clock)" : "the \(ruleStart) window (\(ByteCount.rate(rate)))"
            return "waits for \(what); \(ByteCount.rate(firstRate)) until then"
        }
        return describe(finishing, finishingRate) + "; \(ByteCount.rate(firstRate)) now"
    }

    static func wallClock(_ date: Date, _ zone: ScheduleTimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone.timeZone
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }
}

/// A forecast finish time, and why.
public struct Forecast: Sendable, Hashable, Codable {
    /// nil when it cannot be told (no speed known, or beyond the horizon).
    public var finish: Date?
    public var reason: String
    /// The bytes were a lower bound (a listing cut short): the finish is the earliest possible.
    public var isLowerBound: Bool

    public init(finish: Date?, reason: String, isLowerBound: Bool = false) {
        self.finish = finish
        self.reason = reason
        self.isLowerBound = isLowerBound
    }
}
