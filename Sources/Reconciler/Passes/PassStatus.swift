import Foundation
import MigrationPlan

/// One pass as `status` shows it (JSON `entries[].passes[]`): what it copied, not what it
/// listed or skipped (those stay in the ledger, for the Cutover's prediction).
public struct PassSummary: Sendable, Codable, Hashable {
    public var n: Int
    public var start: Date?
    public var finish: Date?
    /// Objects copied.
    public var objects: Int64
    /// Bytes copied.
    public var bytes: Int64
    /// Objects that failed.
    public var failed: Int64
    /// `waiting`, `running`, `succeeded` or `failed`.
    public var status: String
    /// Present (true) only for the cut-over's final pass.
    public var final: Bool?

    public init(_ record: PassRecord) {
        n = record.n
        start = record.start
        finish = record.finish
        objects = record.objectsCopied
        bytes = record.bytesCopied
        failed = record.objectsFailed
        status = record.status
        final = record.final ? true : nil
    }
}

extension StatusReport {
    /// Adds each resource's passes and next pass time, for resources with `incremental` or
    /// with recorded passes; others keep no `passes` and no `nextPass` (their JSON is as it was).
    public mutating func addPasses(desired: DesiredState, live: LiveState, ledger: PassLedger) {
        // (A plan without passes costs one look at the ledger: nothing is built for 10,000 entries.)
        let recorded = ledger.all()
        guard !recorded.isEmpty || desired.omsResources.contains(where: { $0.incremental != nil }) else { return }
        let byAddress = Dictionary(desired.omsResources.map { ($0.address.description, $0) }, uniquingKeysWith: { a, _ in a })
        let adoptions = Dictionary(
            desired.omsResources.compactMap { r in r.adoptID.map { (r.address, $0) } }, uniquingKeysWith: { a, _ in a })
        let owned = Ownership(live: live, stack: desired.stack.name, adoptions: adoptions).owned
        for index in entries.indices {
            guard let resource = byAddress[entries[index].address] else { continue }
            let passes = recorded[resource.address] ?? []
            guard resource.incremental != nil || !passes.isEmpty else { continue }
            entries[index].passes = passes.map(PassSummary.init)
            guard let full = owned[resource.address] else { continue }
            let start = LivePass(marker: PassMarker(of: resource.marker, n: 0), live: full).start
            entries[index].nextPass = PassSchedule.nextPass(
                policy: resource.incremental, fullCopyStart: start, fullCopyDone: LiveStatus(full).isComplete, passes: passes)
        }
    }
}

extension StatusReport.Entry {
    /// `passes: 3 (last #3 succeeded 12-07 10:00, 120 objects, 1.2 MiB in 4m); next 12-07 22:00`:
    /// the line under a resource with passes, for `status` and the page; nil without passes.
    public func passesText(_ zone: String?) -> String? {
        guard passes != nil || nextPass != nil else { return nil }
        let list = passes ?? []
        var text = "passes: \(list.count)"
        if let last = list.last {
            text += " (last #\(last.n)\(last.final == true ? " final" : "") \(last.status)"
            if let start = last.start { text += " " + StatusTextRenderer.clock(start, zone) }
            text += ", \(last.objects) objects, \(ByteCount.format(last.bytes))"
            if let start = last.start, let finish = last.finish { text += " in \(StatusTextRenderer.duration(Int64(finish.timeIntervalSince(start))))" }
            if last.failed > 0 { text += ", \(last.failed) failed" }
            text += ")"
        }
        if let next = nextPass { text += "; next " + StatusTextRenderer.clock(next, zone) }
        return text
    }
}
