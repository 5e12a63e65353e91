import Foundation
import MigrationPlan
import OMSModels

/// A live resource's bandwidth rules as the plan's inline `bandwidth:` windows.
///
/// The two spell the same limits differently. OMS answers `bandwidth_policy` as daily `hh:mm`
/// rules that it reads in its service time zone, split at that zone's midnight, with `23:59`
/// for the end of the day. A plan's inline windows are read in the stack's `serviceTimezone`
/// (the zone the plan says OMS reads its rules in), may cross midnight and end at `24:00`;
/// `BandwidthCompiler` turns them back into OMS's rules for the evaluation day. So each time
/// of day is converted from OMS's service zone to the plan's zone for inline windows, which
/// is that same zone: moving it to UTC or to this machine's zone would shift every window by
/// the offset. What changes is the spelling: a `23:59` end is `24:00`, and a rule that ends
/// the day with the same limit as the one that starts it is one window across midnight.
///
/// Then the windows are compiled exactly as `diff` will compile them, and a conversion that
/// would not give back OMS's rules says so (e.g. two touching rules of one limit, which the
/// compiler joins), rather than write a plan whose first diff changes them unannounced.
enum ImportBandwidth {
    struct Conversion: Equatable {
        /// In the stack's service zone, sorted by start; an end of 1440 is `24:00`.
        var windows: [BandwidthWindow]
        /// Why the windows do not compile back to the live rules; nil when they do.
        var mismatch: String?
    }

    static func convert(_ rules: [BandwidthPolicy], serviceZone: ScheduleTimeZone, on date: Date) -> Conversion {
        let live = BandwidthRules.normalized(rules)
        var windows: [BandwidthWindow] = []
        var skipped: [String] = []
        for rule in live {
            // A rule of no length would read as a window of a whole day (an end before or at the
            // start crosses midnight): left out, and said so below.
            guard let start = rule.start.flatMap({ WallClockTime(parsing: $0) }), let end = rule.end.flatMap({ WallClockTime(parsing: $0) }),
                let limit = rule.maxBandwidth, start < end
            else {
                skipped.append(text(rule))
                continue
            }
            windows.append(BandwidthWindow(startMinute: start.minutes, endMinute: end == .lastMinute ? WallClockTime.endOfDay.minutes : end.minutes,
                                           limit: limit))
        }
        windows.sort { ($0.startMinute, $0.endMinute) < ($1.startMinute, $1.endMinute) }
        // OMS splits a night window at midnight; the plan writes it as one (end before start).
        if windows.count > 1, let first = windows.first, let last = windows.last, first.startMinute == 0,
            last.endMinute == WallClockTime.endOfDay.minutes, first.limit == last.limit
        {
            windows.removeLast()
            windows[0].startMinute = last.startMinute
            windows.sort { $0.startMinute < $1.startMinute }
        }
        var problems: [String] = []
        if !skipped.isEmpty { problems.append("left out \(skipped.joined(separator: ", ")) (not a window of at least a minute)") }
        switch BandwidthCompiler.compile(BandwidthScheduleDefinition(windows: windows), serviceTimezone: serviceZone, on: date) {
        case .success(let compiled) where BandwidthRules.normalized(compiled) == live: break
        case .success(let compiled):
            if skipped.isEmpty {
                problems.append("the windows compile to [\(BandwidthRules.normalized(compiled).map(text).joined(separator: ", "))]")
            }
        case .failure(let failure):
            problems.append("the plan would refuse them: " + failure.problems.map(\.message).joined(separator: "; "))
        }
        guard !problems.isEmpty else { return Conversion(windows: windows, mismatch: nil) }
        return Conversion(
            windows: windows,
            mismatch: "OMS's bandwidth rules [\(live.map(text).joined(separator: ", "))] cannot be written as plan windows exactly: "
                + problems.joined(separator: "; ") + "; the next diff shows the difference as a bandwidth update")
    }

    /// The windows as plan YAML: `{start, end, limit}` with `24:00` ends and limits in bytes/s.
    static func yaml(_ windows: [BandwidthWindow]) -> PlanYAMLValue {
        .list(windows.map { w in
            .map([PlanYAMLEntry("start", .string(BandwidthFormat.time(w.startMinute))),
                  PlanYAMLEntry("end", .string(BandwidthFormat.time(w.endMinute, isEnd: true, raw: true))),
                  PlanYAMLEntry("limit", .int(w.limit))])
        })
    }

    private static func text(_ rule: BandwidthPolicy) -> String {
        "\(rule.start ?? "?")-\(rule.end ?? "?") \(rule.maxBandwidth.map { ValueFormat.rate(Double($0)) } ?? "no limit")"
    }
}
