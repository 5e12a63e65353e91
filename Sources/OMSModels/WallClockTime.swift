/// A time of day as OMS's bandwidth rules write it, `HH:MM` (the service's time zone): minutes
/// after midnight. One type for the plan's windows, the compiled rules, the differ and the
/// sandbox's engine, so that a rule is parsed and printed the same way everywhere.
public struct WallClockTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// 0...1439, or 1440 for a plan window's end written `24:00`.
    public let minutes: Int

    public static let midnight = WallClockTime(minutes: 0)
    /// `24:00`: the end of a plan window that runs to midnight (OMS writes it `23:59`).
    public static let endOfDay = WallClockTime(minutes: 1440)
    /// The last minute OMS can name.
    public static let lastMinute = WallClockTime(minutes: 1439)

    public init(minutes: Int) {
        self.minutes = min(max(minutes, 0), 1440)
    }

    /// Strict `HH:MM` (two digits each); `24:00` only when `allowEndOfDay`.
    public init?(parsing text: String, allowEndOfDay: Bool = false) {
        let b = Array(text.utf8)
        guard b.count == 5, b[2] == UInt8(ascii: ":"),
            b.enumerated().allSatisfy({ $0.offset == 2 || ($0.element >= 48 && $0.element <= 57) })
        else { return nil }
        let h = Int(b[0] - 48) * 10 + Int(b[1] - 48), m = Int(b[3] - 48) * 10 + Int(b[4] - 48)
        if h == 24 && m == 0 && allowEndOfDay {
            self.minutes = 1440
            return
        }
        guard h < 24, m < 60 else { return nil }
        self.minutes = h * 60 + m
    }

    /// `HH:MM`; `24:00` for the end of the day.
    public var description: String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
    }

    /// As OMS takes it: the end of the day is `23:59`.
    public var omsText: String { minutes >= 1440 ? Self.lastMinute.description : description }

    public static func < (a: WallClockTime, b: WallClockTime) -> Bool { a.minutes < b.minutes }
}

extension BandwidthPolicy {
    public init(start: WallClockTime, end: WallClockTime, maxBandwidth: Int64) {
        self.init(start: start.omsText, end: end.omsText, maxBandwidth: maxBandwidth)
    }

    /// `start` read as a time, nil when it is not strict `HH:MM`.
    public var startTime: WallClockTime? { start.flatMap { WallClockTime(parsing: $0) } }
    public var endTime: WallClockTime? { end.flatMap { WallClockTime(parsing: $0) } }
}
