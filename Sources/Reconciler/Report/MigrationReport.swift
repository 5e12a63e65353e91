import Foundation

/// The migration report a team signs off (`oms-plan report`, issue 24 part 5): per resource of
/// one stack what OMS moved, what failed and why, where OMS's own lists are, and the totals.
/// Built by `MigrationReport.build` from a status read; rendered by the `Report*Renderer`s.
public struct MigrationReport: Sendable, Codable, Hashable {
    /// One object OMS's failed lists name (the CSV's rows).
    public struct FailedObject: Sendable, Codable, Hashable {
        public var address: String
        public var key: String
        public var code: String
        public var reason: String
        /// The reason of the plan's acceptance that covers it; nil: not accepted.
        public var acceptedBy: String?

        public init(address: String, key: String, code: String, reason: String, acceptedBy: String? = nil) {
            self.address = address
            self.key = key
            self.code = code
            self.reason = reason
            self.acceptedBy = acceptedBy
        }
    }

    /// Failed objects of one error code.
    public struct CodeCount: Sendable, Codable, Hashable {
        public var code: String
        public var count: Int64
        /// Of them, how many an acceptance covers.
        public var accepted: Int64

        public init(code: String, count: Int64, accepted: Int64 = 0) {
            self.code = code
            self.count = count
            self.accepted = accepted
        }
    }

    /// Where OMS keeps its lists of a resource's objects, in its destination bucket.
    public struct Lists: Sendable, Codable, Hashable {
        public var bucket: String?
        /// `failed_object_record.list_file_key` (a file, or a group's folder).
        public var failedList: String?
        /// Why OMS could not write the failed list (`failed_object_record.error_code`).
        public var failedListError: String?
        /// The folders OMS writes the success and skip lists into.
        public var successFolder: String?
        public var skipFolder: String?
        /// `success_record_error_reason`, `skip_record_error_reason`.
        public var successListError: String?
        public var skipListError: String?

        public init() {}
    }

    /// One acceptance of the plan (`acceptFailures`) and what it matched.
    public struct Acceptance: Sendable, Codable, Hashable {
        public var address: String
        public var reason: String
        /// What it matches, in words (`keys a, b`, `prefix p/`, `codes NoSuchKey`).
        public var matches: String
        /// Failed objects it covers (0: stale, or the lists were not read).
        public var matched: Int64

        public init(address: String, reason: String, matches: String, matched: Int64) {
            self.address = address
            self.reason = reason
            self.matches = matches
            self.matched = matched
        }
    }

    public struct Resource: Sendable, Codable, Hashable {
        public var address: String
        public var kind: String
        public var liveId: String?
        public var status: String
        /// A synchronization task's figures are this month's (OMS keeps no others).
        public var figuresAre: String
        public var objectsListed: Int64 = 0
        public var objectsCopied: Int64 = 0
        public var objectsSkipped: Int64 = 0
        public var objectsFailed: Int64 = 0
        /// Failed objects an acceptance covers (of those read from the lists).
        public var objectsFailedAccepted: Int64 = 0
        public var failedByCode: [CodeCount] = []
        public var bytesCopied: Int64 = 0
        public var bytesTotal: Int64 = 0
        public var firstStart: Date?
        public var lastFinish: Date?
        /// Bytes per second over the run (bytes copied / time taken), and the highest OMS
        /// reported in the observation history or this read.
        public var averageSpeed: Int64?
        public var peakSpeed: Int64?
        /// `size_last_modified`, `crc64` or `no_check`.
        public var consistencyCheck: String?
        public var lists = Lists()
        /// Why the failed objects are not all listed (lists not read, not recorded, cut short).
        public var failedObjectsNote: String?

        public init(address: String, kind: String, status: String, figuresAre: String = "run") {
            self.address = address
            self.kind = kind
            self.status = status
            self.figuresAre = figuresAre
        }
    }

    public struct Totals: Sendable, Codable, Hashable {
        public var resources = 0
        public var objectsListed: Int64 = 0
        public var objectsCopied: Int64 = 0
        public var objectsSkipped: Int64 = 0
        public var objectsFailed: Int64 = 0
        public var objectsFailedAccepted: Int64 = 0
        public var failedByCode: [CodeCount] = []
        public var bytesCopied: Int64 = 0
        public var bytesTotal: Int64 = 0
        public var firstStart: Date?
        public var lastFinish: Date?
        public var averageSpeed: Int64?
        public var peakSpeed: Int64?
    }

    public var stack: String
    public var region: String
    public var readAt: Date
    /// The zone times are shown in (the stack's service zone, else UTC).
    public var timezone: String?
    public var resources: [Resource]
    public var totals: Totals
    public var acceptances: [Acceptance]
    /// Every failed object read from OMS's lists, in address then list order.
    public var failedObjects: [FailedObject]

    public init(stack: String, region: String, readAt: Date, timezone: String?, resources: [Resource], acceptances: [Acceptance],
                failedObjects: [FailedObject]) {
        self.stack = stack
        self.region = region
        self.readAt = readAt
        self.timezone = timezone
        self.resources = resources
        self.acceptances = acceptances
        self.failedObjects = failedObjects
        self.totals = Self.total(resources)
    }

    /// Sums of every resource; the run's span from the first start to the last finish.
    static func total(_ resources: [Resource]) -> Totals {
        var t = Totals()
        t.resources = resources.count
        var codes: [String: CodeCount] = [:]
        for r in resources {
            t.objectsListed += r.objectsListed
            t.objectsCopied += r.objectsCopied
            t.objectsSkipped += r.objectsSkipped
            t.objectsFailed += r.objectsFailed
            t.objectsFailedAccepted += r.objectsFailedAccepted
            t.bytesCopied += r.bytesCopied
            t.bytesTotal += r.bytesTotal
            if let s = r.firstStart { t.firstStart = min(t.firstStart ?? s, s) }
            if let f = r.lastFinish { t.lastFinish = max(t.lastFinish ?? f, f) }
            if let p = r.peakSpeed { t.peakSpeed = max(t.peakSpeed ?? p, p) }
            for c in r.failedByCode {
                codes[c.code, default: CodeCount(code: c.code, count: 0, accepted: 0)].count += c.count
                codes[c.code]!.accepted += c.accepted
            }
        }
        t.failedByCode = sortedCodes(Array(codes.values))
        if let start = t.firstStart, let finish = t.lastFinish, finish > start {
            t.averageSpeed = Int64((Double(t.bytesCopied) / finish.timeIntervalSince(start)).rounded())
        }
        return t
    }

    /// Most first, then by the code's bytes: the order every format lists codes in.
    static func sortedCodes(_ codes: [CodeCount]) -> [CodeCount] {
        codes.sorted { $0.count != $1.count ? $0.count > $1.count : $0.code.utf8.lexicographicallyPrecedes($1.code.utf8) }
    }
}
