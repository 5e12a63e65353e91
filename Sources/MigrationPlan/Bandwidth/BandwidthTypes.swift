import Foundation
import OMSModels

/// Days of the week as plans spell them.
public enum Weekday: String, Sendable, Hashable, CaseIterable, Codable {
    case mon, tue, wed, thu, fri, sat, sun

    /// From Foundation's `Calendar` weekday (1 = Sunday).
    init(calendarWeekday: Int) {
        self = [.sun, .mon, .tue, .wed, .thu, .fri, .sat][(calendarWeekday - 1) % 7]
    }

    var longName: String {
        switch self {
        case .mon: "Monday"
        case .tue: "Tuesday"
        case .wed: "Wednesday"
        case .thu: "Thursday"
        case .fri: "Friday"
        case .sat: "Saturday"
        case .sun: "Sunday"
        }
    }
}

/// An IANA zone (`Europe/Berlin`) or a fixed offset (`+08:00`).
public struct ScheduleTimeZone: Hashable, Sendable, CustomStringConvertible {
    /// As written in the plan.
    public let name: String
    public let timeZone: TimeZone

    /// nil when `text` is neither a `+HH:MM`/`-HH:MM` offset nor a known zone name.
    public init?(_ text: String) {
        if let seconds = Self.fixedOffset(text) {
            guard let tz = TimeZone(secondsFromGMT: seconds) else { return nil }
            self.timeZone = tz
        } else if text == "UTC" || text == "Z" {
            self.timeZone = TimeZone(secondsFromGMT: 0)!
        } else if text.contains("/") || text.allSatisfy({ $0.isLetter }), let tz = TimeZone(identifier: text) {
            self.timeZone = tz
        } else {
            return nil
        }
        self.name = text
    }

    public var description: String { name }

    static func fixedOffset(_ text: String) -> Int? {
        let b = Array(text.utf8)
        guard b.count == 6, b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-"), b[3] == UInt8(ascii: ":"),
            let h = Int(String(decoding: b[1...2], as: UTF8.self)), let m = Int(String(decoding: b[4...5], as: UTF8.self)),
            h <= 14, m < 60
        else { return nil }
        return (b[0] == UInt8(ascii: "-") ? -1 : 1) * (h * 3600 + m * 60)
    }

    public static func == (a: Self, b: Self) -> Bool { a.name == b.name }
    public func hash(into h: inout Hasher) { h.combine(name) }
}

/// One window of a schedule: from `startMinute` to `endMinute` (minutes after midnight in
/// the schedule's zone; `endMinute` 1440 is `24:00`; an end before the start crosses midnight),
/// limited to `limit` bytes per second, on `days` (every day when nil).
public struct BandwidthWindow: Hashable, Sendable {
    public var startMinute: Int
    public var endMinute: Int
    public var limit: Int64
    public var days: Set<Weekday>?

    public init(startMinute: Int, endMinute: Int, limit: Int64, days: Set<Weekday>? = nil) {
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.limit = limit
        self.days = days
    }

    /// `08:00-19:00`
    public var span: String { "\(BandwidthFormat.time(startMinute))-\(BandwidthFormat.time(endMinute, isEnd: true, raw: true))" }
}

/// A schedule as the compiler sees it: the windows, and the zone they are written in
/// (nil: the service zone). Locations are kept by the caller, by window index.
public struct BandwidthScheduleDefinition: Hashable, Sendable {
    public var timezone: ScheduleTimeZone?
    public var windows: [BandwidthWindow]

    public init(timezone: ScheduleTimeZone? = nil, windows: [BandwidthWindow]) {
        self.timezone = timezone
        self.windows = windows
    }
}

/// Why a schedule cannot be sent to OMS. `window` is the index of the window to blame.
public struct BandwidthProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case limitOutOfRange
        case tooManyRules(count: Int)
        case overlap(otherWindow: Int)
    }

    public var kind: Kind
    public var window: Int
    public var message: String
    public var hint: String?

    public var description: String { message + (hint.map { " (\($0))" } ?? "") }
}

public struct BandwidthProblems: Error, Sendable, Hashable {
    public var problems: [BandwidthProblem]
}

/// Parsing and printing of times and limits.
public enum BandwidthFormat {
    /// `HH:MM` -> minutes after midnight; `24:00` (1440) only when `allow24` (`WallClockTime`).
    public static func parseTime(_ text: String, allow24: Bool) -> Int? {
        WallClockTime(parsing: text, allowEndOfDay: allow24)?.minutes
    }

    /// Minutes -> `HH:MM`. An end of 1440 is `23:59` for OMS (which has no `24:00`), or
    /// `24:00` when `raw` (for messages about the plan's own windows).
    public static func time(_ minutes: Int, isEnd: Bool = false, raw: Bool = false) -> String {
        if minutes >= 1440 && isEnd { return raw ? WallClockTime.endOfDay.description : WallClockTime.endOfDay.omsText }
        return WallClockTime(minutes: ((minutes % 1440) + 1440) % 1440).description
    }

    public static let units: [(String, Double)] = [
        ("B/s", 1), ("KB/s", 1e3), ("MB/s", 1e6), ("GB/s", 1e9),
        ("KiB/s", 1024), ("MiB/s", 1_048_576), ("GiB/s", 1_073_741_824),
        ("Kbps", 125), ("Mbps", 125_000), ("Gbps", 125_000_000),
    ]

    /// `20MiB/s`, `50 MB/s`, `100Mbps`, `1048576` -> bytes per second.
    public static func parseLimit(_ text: String) -> Result<Int64, InvalidLimit> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let numberEnd = trimmed.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? trimmed.endIndex
        let numberText = String(trimmed[..<numberEnd])
        let unit = trimmed[numberEnd...].trimmingCharacters(in: .whitespaces)
        guard !numberText.isEmpty, numberText.first != ".", let number = Double(numberText), number.isFinite else {
            return .failure(InvalidLimit(message: "`\(text)` is not a bandwidth", hint: "write a number and a unit, e.g. `20MiB/s`"))
        }
        let multiplier: Double
        if unit.isEmpty {
            multiplier = 1
        } else if let u = units.first(where: { $0.0 == unit }) {
            multiplier = u.1
        } else {
            let names = units.map(\.0)
            return .failure(InvalidLimit(
                message: "unknown bandwidth unit `\(unit)` in `\(text)`",
                hint: names.contains(unit + "/s") ? "did you mean `\(unit)/s`?"
                    : Suggestion.hint(for: unit, in: names) ?? "units: \(names.joined(separator: ", "))"))
        }
        let bytes = (number * multiplier).rounded()
        guard bytes < 9e18 else {
            return .failure(InvalidLimit(message: "bandwidth `\(text)` is far too large", hint: nil))
        }
        return .success(Int64(bytes))
    }

    public struct InvalidLimit: Error, Sendable, Hashable {
        public var message: String
        public var hint: String?
    }

    /// 20971520 -> `20 MiB/s`; other values in bytes per second.
    public static func limit(_ bytes: Int64) -> String {
        for (unit, m) in [("GiB/s", 1_073_741_824.0), ("MiB/s", 1_048_576.0), ("KiB/s", 1024.0)] {
            let v = Double(bytes) / m
            if v >= 1, v == v.rounded() { return "\(Int64(v)) \(unit)" }
        }
        for (unit, m) in [("GB/s", 1e9), ("MB/s", 1e6), ("KB/s", 1e3)] {
            let v = Double(bytes) / m
            if v >= 1, v == v.rounded() { return "\(Int64(v)) \(unit)" }
        }
        return "\(bytes) B/s"
    }

    static func rule(_ p: BandwidthPolicy) -> String {
        "\(p.start ?? "?")-\(p.end ?? "?") \(limit(p.maxBandwidth ?? 0))"
    }
}
