import Foundation
import MigrationPlan

extension MigrationReport {
    /// One acceptance of failed objects (`acceptFailures` of a task, group or set spec): a
    /// reason and at least one matcher. The plan does not carry them yet; until it does the
    /// command passes none and the report shows none.
    public struct AcceptanceRule: Sendable, Hashable {
        public var reason: String
        public var keys: [String]
        public var prefix: String?
        public var codes: [String]

        public init(reason: String, keys: [String] = [], prefix: String? = nil, codes: [String] = []) {
            self.reason = reason
            self.keys = keys
            self.prefix = prefix
            self.codes = codes
        }

        /// Every matcher given must match (as the plan's `acceptFailures` reads them); keys and
        /// codes are compared by their bytes, a prefix on the key's leading bytes. No matcher:
        /// nothing.
        public func matches(key: String, code: String) -> Bool {
            guard !keys.isEmpty || prefix != nil || !codes.isEmpty else { return false }
            if !keys.isEmpty, !keys.contains(where: { $0.utf8.elementsEqual(key.utf8) }) { return false }
            if let prefix, !key.utf8.starts(with: prefix.utf8) { return false }
            if !codes.isEmpty, !codes.contains(where: { $0.utf8.elementsEqual(code.utf8) }) { return false }
            return true
        }

        /// What it matches, in words.
        public var words: String {
            var parts: [String] = []
            if !keys.isEmpty { parts.append("keys " + keys.joined(separator: ", ")) }
            if let prefix { parts.append("prefix " + prefix) }
            if !codes.isEmpty { parts.append("codes " + codes.joined(separator: ", ")) }
            return parts.joined(separator: "; ")
        }
    }

    /// The failed objects read from one resource's lists, and why they may be fewer than OMS
    /// counts (a list not read or cut short).
    public struct FailedObjectsRead: Sendable, Hashable {
        public var objects: [(key: String, code: String, reason: String)] { rows.map { ($0.key, $0.code, $0.reason) } }
        var rows: [FailedObject]
        public var note: String?

        public init(objects: [(key: String, code: String, reason: String)], note: String? = nil) {
            rows = objects.map { FailedObject(address: "", key: $0.key, code: $0.code, reason: $0.reason) }
            self.note = note
        }
    }

    /// The report of `desired`'s stack from one read of OMS: `status` made from `live`, the
    /// observation `history` (peak speeds), the failed objects read per address and the
    /// plan's acceptances per address.
    public static func build(
        desired: DesiredState, live: LiveState, status: StatusReport, history: ObservationHistory,
        failedObjects: [String: FailedObjectsRead] = [:], acceptances: [String: [AcceptanceRule]] = [:]
    ) -> MigrationReport {
        let adoptions = Dictionary(
            desired.omsResources.compactMap { r in r.adoptID.map { (r.address, $0) } }, uniquingKeysWith: { a, _ in a })
        var owned: [String: LiveResource] = [:]
        for (address, resource) in Ownership(live: live, stack: desired.stack.name, adoptions: adoptions).owned {
            owned[address.description] = resource
        }
        var resources: [Resource] = []
        var allFailed: [FailedObject] = []
        var accepted: [Acceptance] = []
        for entry in status.entries {
            var r = Resource(address: entry.address, kind: entry.kind, status: entry.status)
            r.liveId = entry.liveId
            if let live = owned[entry.address], let kind = Kinds.adapter(for: live) as? any ReportingKind {
                kind.reportFigures(live, settled: entry.settled, into: &r)
            }
            let samples = (history.resources[entry.address] ?? []).map(\.speed) + [entry.speed]
            if let peak = samples.max(), peak > 0 { r.peakSpeed = peak }
            let rules = acceptances[entry.address] ?? []
            let read = failedObjects[entry.address]
            var matched = [Int64](repeating: 0, count: rules.count)
            var codes: [String: CodeCount] = [:]
            for var object in read?.rows ?? [] {
                object.address = entry.address
                let rule = rules.firstIndex { $0.matches(key: object.key, code: object.code) }
                codes[object.code, default: CodeCount(code: object.code, count: 0, accepted: 0)].count += 1
                if let rule {
                    matched[rule] += 1
                    object.acceptedBy = rules[rule].reason
                    codes[object.code]!.accepted += 1
                    r.objectsFailedAccepted += 1
                }
                allFailed.append(object)
            }
            r.failedByCode = sortedCodes(Array(codes.values))
            r.failedObjectsNote = note(r, read: read)
            for (index, rule) in rules.enumerated() {
                accepted.append(Acceptance(address: entry.address, reason: rule.reason, matches: rule.words, matched: matched[index]))
            }
            resources.append(r)
        }
        return MigrationReport(
            stack: desired.stack.name, region: desired.stack.region, readAt: status.readAt,
            timezone: status.serviceTimezone ?? desired.stack.serviceTimezone, resources: resources, acceptances: accepted,
            failedObjects: allFailed)
    }

    /// Why fewer failed objects are listed than OMS counts, if they are.
    static func note(_ r: Resource, read: FailedObjectsRead?) -> String? {
        if let note = read?.note { return note }
        let listed = Int64(read?.rows.count ?? 0)
        guard r.objectsFailed > listed else { return nil }
        if r.figuresAre == "month" { return "OMS writes no failed list for a synchronization task" }
        if let error = r.lists.failedListError { return "OMS could not write the failed list (\(error))" }
        if r.lists.failedList == nil { return "OMS recorded no failed list (enableFailedObjectRecording off)" }
        if read == nil { return "the failed list was not read" }
        return "the failed list names \(listed) of \(r.objectsFailed)"
    }
}
