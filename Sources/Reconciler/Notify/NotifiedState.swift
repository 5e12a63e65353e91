import Foundation

/// What was sent, per Notification and condition (`state/<stack>.notified.json`), so that a
/// cron job of `reconcile --once` does not repeat itself: a condition is sent when it starts to
/// hold, and not again while it holds; once it stopped holding it may be sent again, but not
/// within the notification's `minInterval` of the last message. Keys are events and addresses,
/// never a URL (the file may be read by anyone who reads the state folder).
public struct NotifiedState: Codable, Sendable, Equatable {
    public struct Record: Codable, Sendable, Equatable {
        /// When a message about it was last delivered.
        public var sent: Date
        /// Whether the condition held at the last pass (then it is not sent again).
        public var holds: Bool
    }

    public var version = 1
    /// Notification name -> condition key (`failed MigrationTask/photos`) -> record.
    public var notifications: [String: [String: Record]] = [:]

    /// At most this many records per notification: the oldest that no longer hold go first.
    public static let maximumRecords = 5000

    public init() {}

    /// The conditions of `current` that are due now for `notification`: they hold, were not
    /// held at the last pass, and were not sent within `minInterval`.
    public func due(_ current: [NotificationCondition], notification: String, minInterval: TimeInterval, now: Date) -> [NotificationCondition] {
        let records = notifications[notification] ?? [:]
        var seen = Set<String>()
        return current.filter { condition in
            guard seen.insert(condition.key).inserted else { return false }
            guard let record = records[condition.key] else { return true }
            return !record.holds && now.timeIntervalSince(record.sent) >= minInterval
        }
    }

    /// Problems (`NotificationCondition.problems`) that were told and, of what this pass looked at
    /// (`covering`), hold no longer: each gets one "resolved" message, as its record stops holding.
    public func resolved(notification: String, holding: [NotificationCondition], covering: NotificationCoverage)
        -> [(event: NotificationCondition.Event, subject: String)]
    {
        let held = Set(holding.map(\.key))
        return (notifications[notification] ?? [:]).filter { $0.value.holds && !held.contains($0.key) }.keys.sorted().compactMap { key in
            guard let (event, subject) = Self.parse(key), NotificationCondition.problems.contains(event), covering.covers(event, subject)
            else { return nil }
            return (event, subject)
        }
    }

    /// The event and subject of a record's key (`NotificationCondition.key`): split at its first
    /// space byte (events are ASCII words; a subject may hold spaces, `wave 2`).
    static func parse(_ key: String) -> (event: NotificationCondition.Event, subject: String)? {
        let bytes = Array(key.utf8)
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")),
            let event = NotificationCondition.Event(rawValue: String(decoding: bytes[..<space], as: UTF8.self))
        else { return nil }
        return (event, String(decoding: bytes[(space + 1)...], as: UTF8.self))
    }

    /// After a pass: `delivered` were sent now; of what this pass looked at (`covering`),
    /// conditions not in `holding` hold no longer. A condition that holds but was not delivered (the
    /// interval, or a failed delivery) keeps its record, so it is tried again later.
    public mutating func update(notification: String, delivered: [NotificationCondition], holding: [NotificationCondition],
                                covering: NotificationCoverage, minInterval: TimeInterval, now: Date) {
        var records = notifications[notification] ?? [:]
        let held = Set(holding.map(\.key))
        for condition in delivered { records[condition.key] = Record(sent: now, holds: true) }
        for (key, record) in records where record.holds && !held.contains(key) {
            guard let (event, subject) = Self.parse(key) else { continue }
            if covering.covers(event, subject) { records[key]?.holds = false }
        }
        // Bounded: what no longer holds is forgotten once its interval is over.
        records = records.filter { $0.value.holds || now.timeIntervalSince($0.value.sent) < minInterval }
        if records.count > Self.maximumRecords {
            let oldest = records.sorted { ($0.value.holds ? 1 : 0, $0.value.sent) < ($1.value.holds ? 1 : 0, $1.value.sent) }
            for (key, _) in oldest.prefix(records.count - Self.maximumRecords) { records[key] = nil }
        }
        notifications[notification] = records.isEmpty ? nil : records
    }

    /// Notifications no longer declared are forgotten.
    public mutating func keep(only names: Set<String>) {
        notifications = notifications.filter { names.contains($0.key) }
    }

    // MARK: File

    /// The largest state file read: 5,000 records of a notification take about 1 MiB.
    public static let maximumFileBytes = 16 << 20

    /// The state in `url`; empty when missing, unreadable, not a regular file or larger than
    /// `maximumFileBytes` (then, at worst, a message is sent again).
    public static func load(from url: URL) -> NotifiedState {
        guard let data = try? StateFileReading.contents(of: url, limit: maximumFileBytes) else { return NotifiedState() }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (try? decoder.decode(NotifiedState.self, from: data)) ?? NotifiedState()
    }

    public func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        // Written whole and moved into place: a run killed mid-write leaves the old state.
        try data.write(to: url, options: .atomic)
    }
}

/// What one pass could judge: the events it derives and, for some, only the subjects it saw
/// (a `--target` run's report holds only its targets; a status read, every managed resource).
/// A record outside it is left as it is: not "over", so neither resolved nor sent again.
public struct NotificationCoverage: Sendable {
    public var events: Set<NotificationCondition.Event>
    /// Per event, the subjects seen; an event without an entry covers every subject.
    public var subjects: [NotificationCondition.Event: Set<String>]

    public init(events: Set<NotificationCondition.Event>, subjects: [NotificationCondition.Event: Set<String>] = [:]) {
        self.events = events
        self.subjects = subjects
    }

    public func covers(_ event: NotificationCondition.Event, _ subject: String) -> Bool {
        events.contains(event) && (subjects[event].map { $0.contains(subject) } ?? true)
    }
}
