import Foundation
import MigrationPlan
import OMSModels

/// When passes are due and what they copy, from the full copy's start and the recorded passes:
/// one pure rule for the engine (which creates them) and `status` (which shows the next one).
public enum PassSchedule {
    /// The start of the last successful copy: the newest succeeded pass's, else the full copy's.
    public static func lastSuccessfulStart(fullCopyStart: Date?, passes: [PassRecord]) -> Date? {
        let starts = passes.filter(\.succeeded).compactMap(\.start) + (fullCopyStart.map { [$0] } ?? [])
        return starts.max()
    }

    /// When the next pass is due: a requested final pass at its time; otherwise `every` after
    /// the last successful copy started, and never sooner than `every` after a pass that failed
    /// for good ended (so a source that keeps failing does not get a new task at every pass).
    /// nil when none will come: the full copy is not done, or a final pass was created.
    public static func nextPass(policy: IncrementalPolicy?, fullCopyStart: Date?, fullCopyDone: Bool, passes: [PassRecord]) -> Date? {
        if let final = passes.last(where: \.final) { return final.taskID == nil ? final.due : nil }
        guard let policy, fullCopyDone, let last = lastSuccessfulStart(fullCopyStart: fullCopyStart, passes: passes) else { return nil }
        var due = last.addingTimeInterval(policy.every)
        if let failed = passes.last, failed.status == PassRecord.Status.failed.rawValue, let end = failed.finish ?? failed.start {
            due = max(due, end.addingTimeInterval(policy.every))
        }
        return due
    }

    /// `migrate_since` of a new pass: the last successful copy's start less the overlap, in
    /// whole seconds (OMS takes seconds), never before 1970.
    public static func migrateSince(lastSuccessfulStart: Date, overlap: TimeInterval) -> Int64 {
        max(0, Int64((lastSuccessfulStart.timeIntervalSince1970 - overlap).rounded(.down)))
    }
}

/// A live pass task or group, read for the ledger: its state and counts.
struct LivePass: Sendable {
    var marker: PassMarker
    var live: LiveResource

    var status: PassRecord.Status {
        let s = LiveStatus(live)
        return s.isComplete ? .succeeded : s.isFailed ? .failed : .running
    }

    /// OMS's start time (milliseconds), when it gives one.
    var start: Date? {
        let ms: Int64? = switch live {
        case .task(let t): t.startTime
        case .group(let g): g.startTime
        case .syncTask: nil
        }
        return ms.flatMap { $0 > 0 ? Date(timeIntervalSince1970: TimeInterval($0) / 1000) : nil }
    }

    /// The ledger's record of it: `known` (what was recorded before) with OMS's state and counts.
    func record(updating known: PassRecord?, now: Date) -> PassRecord {
        var r = known ?? PassRecord(n: marker.n, final: marker.final, migrateSince: Date(timeIntervalSince1970: 0))
        r.n = marker.n
        r.final = marker.final
        r.taskID = live.id
        let status = status
        r.status = status.rawValue
        r.due = nil
        if let start { r.start = start } else if r.start == nil { r.start = now }
        switch live {
        case .task(let t):
            if let since = t.migrateSince, known == nil { r.migrateSince = Date(timeIntervalSince1970: TimeInterval(since) / 1000) }
            r.objectsListed = t.totalNum ?? 0
            r.objectsCopied = t.successfulNum ?? 0
            r.objectsSkipped = t.skippedNum ?? 0
            r.objectsFailed = t.failedNum ?? 0
            r.bytesListed = t.totalSize ?? 0
            let complete = t.completeSize ?? 0
            r.bytesCopied = t.realSize ?? complete
            r.bytesSkipped = Self.gap(complete, r.bytesCopied)
            r.bytesFailed = status == .running ? 0 : Self.gap(r.bytesListed, complete)
            if status != .running, r.finish == nil, let start = r.start, let total = t.totalTime, total > 0 {
                r.finish = start.addingTimeInterval(TimeInterval(total) / 1000)
            }
        case .group(let g):
            if let since = g.migrateSince, known == nil { r.migrateSince = Date(timeIntervalSince1970: TimeInterval(since) / 1000) }
            r.objectsListed = g.totalNum ?? 0
            r.objectsCopied = g.successNum ?? 0
            r.objectsSkipped = g.skipNum ?? 0
            r.objectsFailed = g.failNum ?? 0
            r.bytesListed = g.totalSize ?? 0
            r.bytesCopied = g.completeSize ?? 0
            r.bytesFailed = status == .running ? 0 : Self.gap(r.bytesListed, r.bytesCopied)
            if status != .running, r.finish == nil, let start = r.start, let total = g.totalTime, total > 0 {
                r.finish = start.addingTimeInterval(TimeInterval(total) / 1000)
            }
        case .syncTask: break
        }
        if status == .running { r.finish = nil } else if r.finish == nil { r.finish = now }
        return r
    }

    /// `a - b`, never below 0 and never trapping: the counts are OMS's answer, which may hold
    /// any pair of values (a difference past Int64's range is the largest, or 0).
    static func gap(_ a: Int64, _ b: Int64) -> Int64 {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        if overflow { return a > b ? .max : 0 }
        return max(0, difference)
    }
}

extension LiveState {
    /// The pass tasks and groups of `stack` in OMS, by resource address and pass number.
    func passes(stack: String) -> [ResourceAddress: [Int: LivePass]] {
        var out: [ResourceAddress: [Int: LivePass]] = [:]
        func consider(_ resource: LiveResource) {
            guard let marker = PassMarker.parse(description: resource.description), marker.stack == stack,
                marker.address.kind == resource.kind
            else { return }
            // Two with one number (a concurrent run's): the oldest counts, as for the full copy.
            if out[marker.address]?[marker.n] == nil { out[marker.address, default: [:]][marker.n] = LivePass(marker: marker, live: resource) }
        }
        // Filtered before sorting: sorting the whole answer would copy every task of a large
        // stack (10,000 tasks: about 16 MB more for each diff).
        for task in tasks.filter({ PassMarker.isPass($0.description) }).sorted(by: { ($0.id ?? 0) < ($1.id ?? 0) }) { consider(.task(task)) }
        for group in groups where PassMarker.isPass(group.description) { consider(.group(group)) }
        return out
    }
}
