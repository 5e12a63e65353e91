import Foundation
import OMSModels

/// Which limit is in effect at an instant: the rule whose `hh:mm` span (in the service time
/// zone, end minute included) covers it; none means unlimited.
struct BandwidthSchedule: Sendable {
    let rules: [BandwidthPolicy]
    let timeZone: TimeZone

    /// Bytes per second the sandbox moves when no rule applies.
    static let unlimited: Double = 1024 * 1024 * 1024

    func limit(at date: Date) -> Double {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        for rule in rules {
            guard let start = rule.startTime?.minutes, let end = rule.endTime?.minutes,
                let maximum = rule.maxBandwidth
            else { continue }
            if start <= minute && minute <= end { return Double(maximum) }
        }
        return Self.unlimited
    }

    /// Bytes allowed between two instants, sampling the limit every minute of the span.
    func allowance(from start: Date, to end: Date) -> Double {
        var total = 0.0
        var cursor = start
        while cursor < end {
            let next = min(end, cursor.addingTimeInterval(60 - cursor.timeIntervalSince1970.truncatingRemainder(dividingBy: 60)))
            total += limit(at: cursor) * next.timeIntervalSince(cursor)
            cursor = next
        }
        return total
    }
}
