import Foundation

/// `spec.suspend` of the Stack or of one resource: leave it exactly as it is (no create,
/// update, start, pause, retry or delete) until `until`, or until the plan drops it. Never
/// identity and never sent to OMS: suspending a resource is a decision about when oms-plan
/// acts, not about what OMS holds, so lifting it must not make the resource a replacement.
public struct Suspension: Hashable, Sendable, Codable {
    /// Why (a ticket, a person): shown by diff, status and apply wherever the resource is.
    public var reason: String
    /// When the suspension ends by itself; nil: until the plan drops it.
    public var until: Date?

    public init(reason: String, until: Date? = nil) {
        self.reason = reason
        self.until = until
    }

    /// Whether it holds at `now`: an `until` in the past has ended it.
    public func isActive(at now: Date) -> Bool { until.map { now < $0 } ?? true }
}

/// One entry of `Stack.spec.freezes`: while it lasts, reconcile and apply make no change but
/// the pauses the plan asks for and the bandwidth rules of the day's windows.
public struct ChangeFreeze: Hashable, Sendable {
    public enum Span: Hashable, Sendable {
        /// Every week on `days` (every day when nil), from `startMinute` to `endMinute` after
        /// midnight in `zone`; `endMinute` 1440 is `24:00`, and an end at or before the start
        /// ends the next day. `days` are the days a window begins on, as for bandwidth windows.
        case weekly(startMinute: Int, endMinute: Int, days: Set<Weekday>?, zone: ScheduleTimeZone)
        /// Once, from `start` to `end`.
        case once(start: Date, end: Date)
    }

    public var span: Span
    public var reason: String

    public init(span: Span, reason: String) {
        self.span = span
        self.reason = reason
    }

    /// The occurrence that contains `date` (start included, end excluded), or nil.
    public func occurrence(containing date: Date) -> DateInterval? {
        switch span {
        case .once(let start, let end):
            return start <= date && date < end ? DateInterval(start: start, end: end) : nil
        case .weekly:
            // A window that began up to two days ago (one crossing midnight) may still last.
            return occurrences(from: date.addingTimeInterval(-2 * 86_400), days: 3).first { $0.start <= date && date < $0.end }
        }
    }

    /// The first occurrence that starts after `date`, within eight days for a weekly one.
    public func next(after date: Date) -> DateInterval? {
        switch span {
        case .once(let start, let end):
            return start > date ? DateInterval(start: start, end: end) : nil
        case .weekly:
            return occurrences(from: date, days: 9).first { $0.start > date }
        }
    }

    /// `minutes` after midnight on the wall clock of `day`'s zone (the hour a clock skips in
    /// spring is read as the hour after it).
    private static func wallClock(_ minutes: Int, on day: Date, _ calendar: Calendar) -> Date? {
        calendar.date(bySettingHour: minutes / 60, minute: minutes % 60, second: 0, of: day, matchingPolicy: .nextTime)
    }

    /// Weekly windows that begin on `days` consecutive days from `date`'s day, in order.
    private func occurrences(from date: Date, days count: Int) -> [DateInterval] {
        guard case .weekly(let startMinute, let endMinute, let days, let zone) = span else { return [] }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone.timeZone
        let firstDay = calendar.startOfDay(for: date)
        var result: [DateInterval] = []
        for offset in 0..<count {
            guard let day = calendar.date(byAdding: .day, value: offset, to: firstDay) else { continue }
            if let days, !days.contains(Weekday(calendarWeekday: calendar.component(.weekday, from: day))) { continue }
            // Wall-clock times of that day (a day with a DST change has 23 or 25 hours, so
            // minutes after midnight would be an hour off); 24:00 is the next day's midnight.
            guard let start = Self.wallClock(startMinute, on: day, calendar),
                let endDay = endMinute <= startMinute || endMinute == 1440 ? calendar.date(byAdding: .day, value: 1, to: day) : day,
                let end = Self.wallClock(endMinute % 1440, on: endDay, calendar),
                end > start
            else { continue }
            result.append(DateInterval(start: start, end: end))
        }
        return result
    }
}

/// The freeze in force at a moment, or the next one: what diff, status and apply say.
public struct FreezeWindow: Hashable, Sendable {
    public var reason: String
    public var start: Date
    public var end: Date

    public init(reason: String, start: Date, end: Date) {
        self.reason = reason
        self.start = start
        self.end = end
    }

    /// The freeze in force at `date`, nil outside every freeze. Of several, the one that lasts
    /// longest gives the reason, and `end` is when no freeze holds any more (one that begins
    /// as another ends carries the hold on), so "held until" is never too early.
    public static func current(_ freezes: [ChangeFreeze], at date: Date) -> FreezeWindow? {
        func containing(_ moment: Date) -> FreezeWindow? {
            freezes.compactMap { f in f.occurrence(containing: moment).map { FreezeWindow(reason: f.reason, start: $0.start, end: $0.end) } }
                .max { $0.end < $1.end }
        }
        guard var window = containing(date) else { return nil }
        // Bounded: weekly windows can chain for ever (every day 00:00-24:00).
        for _ in 0..<16 {
            guard let later = containing(window.end), later.end > window.end else { break }
            window.end = later.end
        }
        return window
    }

    /// The next freeze to begin after `date` (the earliest; ties: the plan's first).
    public static func next(_ freezes: [ChangeFreeze], after date: Date) -> FreezeWindow? {
        freezes.compactMap { f in f.next(after: date).map { FreezeWindow(reason: f.reason, start: $0.start, end: $0.end) } }
            .min { $0.start < $1.start }
    }
}
