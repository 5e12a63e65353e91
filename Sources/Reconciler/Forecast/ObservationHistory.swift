import Foundation
import MigrationPlan

/// What the serving process (`status --serve`, `reconcile --interval`) and scheduled reconcile
/// passes have seen: each resource's recent speeds (for the forecasts' "speed it reaches") and
/// the stack's throughput (for the page's chart). Bounded: a few hours per resource, a day for
/// the stack. `reconcile` keeps it in `.oms-plan/state/<stack>.history.json`.
public struct ObservationHistory: Codable, Sendable, Hashable {
    public struct Sample: Codable, Sendable, Hashable {
        public var at: Date
        /// Bytes per second.
        public var speed: Int64
        public var bytesDone: Int64

        public init(at: Date, speed: Int64, bytesDone: Int64) {
            self.at = at
            self.speed = speed
            self.bytesDone = bytesDone
        }
    }

    public static let resourceWindow: TimeInterval = 6 * 3600
    public static let maximumResourceSamples = 60
    /// Per resource at most one sample a minute, the newest kept.
    public static let resourceSpacing: TimeInterval = 60
    public static let stackWindow: TimeInterval = 24 * 3600
    public static let maximumStackSamples = 1440
    public static let stackSpacing: TimeInterval = 15
    /// A history file larger than this is ignored (started afresh).
    public static let maximumFileBytes = 64 << 20

    /// Address -> samples, oldest first.
    public var resources: [String: [Sample]] = [:]
    /// The stack's summed speed and bytes, oldest first.
    public var stack: [Sample] = []

    public init() {}

    /// Adds what a status read shows, and drops what is too old or too many.
    public mutating func record(_ report: StatusReport) {
        let now = report.readAt
        var present = Set<String>()
        // Only what is moving: a finished or paused resource needs no speeds, and a project of
        // 10,000 tasks has only a few migrating at a time, so the history stays small.
        for entry in report.entries where !entry.settled && Kinds.finishes(kindName: entry.kind) {
            present.insert(entry.address)
            var samples = resources[entry.address] ?? []
            if let last = samples.last, now.timeIntervalSince(last.at) < Self.resourceSpacing, samples.count >= 2 { samples.removeLast() }
            samples.append(Sample(at: now, speed: entry.speed, bytesDone: entry.bytesDone))
            samples.removeAll { now.timeIntervalSince($0.at) > Self.resourceWindow }
            if samples.count > Self.maximumResourceSamples { samples.removeFirst(samples.count - Self.maximumResourceSamples) }
            resources[entry.address] = samples
        }
        for address in resources.keys where !present.contains(address) { resources[address] = nil }
        let speed = report.entries.filter { !$0.settled }.reduce(Int64(0)) { $0 + $1.speed }
        let done = report.entries.reduce(Int64(0)) { $0 + $1.bytesDone }
        // At most one point per 15 seconds, the newest kept: six hours at full resolution, a
        // day when reads are a minute or more apart.
        if let last = stack.last, now.timeIntervalSince(last.at) < Self.stackSpacing, stack.count >= 2 { stack.removeLast() }
        stack.append(Sample(at: now, speed: speed, bytesDone: done))
        stack.removeAll { now.timeIntervalSince($0.at) > Self.stackWindow }
        if stack.count > Self.maximumStackSamples { stack.removeFirst(stack.count - Self.maximumStackSamples) }
    }

    /// The speed a resource reaches on its own, from its samples: the highest one taken while
    /// no rule held it back (no rule in force, or well below the rule's limit). A speed at the
    /// limit says only that the rule binds; it tells nothing about what the source could give.
    public func capacity(
        of address: String, schedule: BandwidthScheduleDefinition?, serviceTimezone: ScheduleTimeZone,
        cache: FinishForecaster.SegmentCache? = nil
    ) -> Int64? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = serviceTimezone.timeZone
        let profile = FinishForecaster.Profile(schedule: schedule, serviceTimezone: serviceTimezone, capacity: nil)
        var best: Int64?
        for sample in resources[address] ?? [] where sample.speed > 0 {
            let segments = cache?.segments(on: sample.at, profile: profile, calendar: calendar)
                ?? FinishForecaster.segments(on: sample.at, profile: profile, calendar: calendar)
            let limit = segments.first { $0.from <= sample.at && sample.at < $0.to }?.limit
            if let limit, Double(sample.speed) >= 0.9 * Double(limit) { continue }
            best = max(best ?? 0, sample.speed)
        }
        return best
    }

    // MARK: Files

    /// The history in `url`; an empty one when the file is missing or unreadable (it is a cache:
    /// losing it only makes the next forecasts less informed).
    public static func load(from url: URL) -> ObservationHistory {
        // Bounded like any input: the history this code writes stays far below this.
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        guard size <= maximumFileBytes, let data = try? Data(contentsOf: url) else { return ObservationHistory() }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return (try? decoder.decode(ObservationHistory.self, from: data)) ?? ObservationHistory()
    }

    public func save(to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: url, options: .atomic)
    }
}
