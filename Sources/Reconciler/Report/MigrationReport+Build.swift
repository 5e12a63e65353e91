import Foundation
import MigrationPlan

extension MigrationReport {
    /// One acceptance of failed objects: the plan's `acceptFailures` entry (a reason and
    /// matchers that must all match, compared as bytes).
    public typealias AcceptanceRule = FailureAcceptance

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
            var rows = (read?.rows ?? []).map { row in
                var row = row
                row.address = entry.address
                return row
            }
            // The same matcher status, diff and apply use: they conclude alike.
            let outcome = AcceptanceMatcher.match(rows.indices.map { Indexed(index: $0, object: rows[$0]) }, against: rules)
            for accepted in outcome.accepted { rows[accepted.failure.index].acceptedBy = rules[accepted.entry].reason }
            var codes: [String: CodeCount] = [:]
            for object in rows {
                codes[object.code, default: CodeCount(code: object.code, count: 0, accepted: 0)].count += 1
                if object.acceptedBy != nil {
                    codes[object.code]!.accepted += 1
                    r.objectsFailedAccepted += 1
                }
            }
            allFailed += rows
            let matched = outcome.matchesPerEntry.map(Int64.init)
            r.failedByCode = sortedCodes(Array(codes.values))
            r.failedObjectsNote = note(r, read: read)
            for (index, rule) in rules.enumerated() {
                accepted.append(Acceptance(address: entry.address, reason: rule.reason, matches: rule.matcherSummary, matched: matched[index]))
            }
            resources.append(r)
        }
        return MigrationReport(
            stack: desired.stack.name, region: desired.stack.region, readAt: status.readAt,
            timezone: status.serviceTimezone ?? desired.stack.serviceTimezone, resources: resources, acceptances: accepted,
            failedObjects: allFailed)
    }

    /// A failed object with its place in the list, as the matcher sees it.
    struct Indexed: AcceptableFailure, Sendable {
        var index: Int
        var object: FailedObject
        var key: String { object.key }
        var code: String { object.code }
    }

    /// Every resource's `acceptFailures` in the plan, by address.
    public static func acceptances(of desired: DesiredState) -> [String: [AcceptanceRule]] {
        var all: [String: [AcceptanceRule]] = [:]
        for resource in desired.omsResources where !resource.acceptFailures.isEmpty {
            all[resource.address.description] = resource.acceptFailures
        }
        return all
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
