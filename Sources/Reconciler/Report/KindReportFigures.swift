import Foundation
import MigrationPlan
import OMSModels

/// What a kind's live answer says for the report: counts, bytes, times, consistency check and
/// where OMS keeps its lists. Each adapter answers for its own kind (in this file, beside the
/// report, so that the adapters' files stay as they are); the report never switches on a kind.
protocol ReportingKind {
    /// `settled`: the status read says it no longer moves (its time taken is then final).
    func reportFigures(_ live: LiveResource, settled: Bool, into resource: inout MigrationReport.Resource)
}

extension MigrationReport {
    /// OMS's default check when an answer does not say.
    static let defaultConsistencyCheck = ConsistencyCheck.sizeLastModified.rawValue

    /// Milliseconds since 1970 (OMS's times) as a date; nil for none or 0.
    static func date(milliseconds: Int64?) -> Date? {
        guard let milliseconds, milliseconds > 0 else { return nil }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// Start, finish (start + time taken, once settled) and the average speed over the run.
    static func span(_ resource: inout Resource, start: Int64?, took: Int64?, settled: Bool) {
        resource.firstStart = date(milliseconds: start)
        guard let took, took > 0 else { return }
        if settled, let first = resource.firstStart { resource.lastFinish = first.addingTimeInterval(Double(took) / 1000) }
        resource.averageSpeed = Int64((Double(resource.bytesCopied) / (Double(took) / 1000)).rounded())
    }

    /// `failed_object_record`: the list's key when written, OMS's code when not.
    static func failedList(_ record: FailedObjectRecord?, into lists: inout Lists) {
        guard let record else { return }
        if record.result == true, let key = record.listFileKey, !key.isEmpty { lists.failedList = key }
        if record.result == false { lists.failedListError = record.errorCode.flatMap { $0.isEmpty ? nil : $0 } ?? "not written" }
    }

    static func nonEmpty(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }
}

extension MigrationReport.Resource {
    /// OMS's counters as the report's (absent: 0).
    mutating func count(listed: Int64?, copied: Int64?, skipped: Int64?, failed: Int64?, bytes: Int64?, of total: Int64?) {
        objectsListed = listed ?? 0
        objectsCopied = copied ?? 0
        objectsSkipped = skipped ?? 0
        objectsFailed = failed ?? 0
        bytesCopied = bytes ?? 0
        bytesTotal = total ?? 0
    }
}

extension MigrationTaskKind: ReportingKind {
    func reportFigures(_ live: LiveResource, settled: Bool, into r: inout MigrationReport.Resource) {
        guard case .task(let t) = live else { return }
        r.count(listed: t.totalNum, copied: t.successfulNum, skipped: t.skippedNum, failed: t.failedNum, bytes: t.completeSize, of: t.totalSize)
        MigrationReport.span(&r, start: t.startTime, took: t.totalTime, settled: settled)
        r.consistencyCheck = t.consistencyCheck?.rawValue ?? MigrationReport.defaultConsistencyCheck
        r.lists.bucket = t.dstNode?.bucket
        MigrationReport.failedList(t.failedObjectRecord, into: &r.lists)
        // Where OMS documents a task's lists (a task of a group writes under its group's folder).
        if let name = t.name, !name.isEmpty {
            let base = MigrationReport.nonEmpty(t.groupId).map { "oms/task_group/\($0)/" } ?? "oms/task/\(name)/"
            let task = MigrationReport.nonEmpty(t.groupId) == nil ? "" : "\(name)/"
            r.lists.successFolder = base + "success_object_lists/" + task
            r.lists.skipFolder = base + "skip_object_lists/" + task
        }
        r.lists.successListError = MigrationReport.nonEmpty(t.successRecordErrorReason)
        r.lists.skipListError = MigrationReport.nonEmpty(t.skipRecordErrorReason)
    }
}

extension MigrationTaskGroupKind: ReportingKind {
    func reportFigures(_ live: LiveResource, settled: Bool, into r: inout MigrationReport.Resource) {
        guard case .group(let g) = live else { return }
        r.count(listed: g.totalNum, copied: g.successNum, skipped: g.skipNum, failed: g.failNum, bytes: g.completeSize, of: g.totalSize)
        MigrationReport.span(&r, start: g.startTime, took: g.totalTime, settled: settled)
        r.consistencyCheck = g.consistencyCheck?.rawValue ?? MigrationReport.defaultConsistencyCheck
        r.lists.bucket = g.dstNode?.bucket
        MigrationReport.failedList(g.failedObjectRecord, into: &r.lists)
        if let id = MigrationReport.nonEmpty(g.groupId) {
            r.lists.successFolder = "oms/task_group/\(id)/success_object_lists/"
            r.lists.skipFolder = "oms/task_group/\(id)/skip_object_lists/"
        }
    }
}

extension MigrationSyncTaskKind: ReportingKind {
    /// A synchronization task never finishes: its counters are the month's, and OMS writes no
    /// object lists for it.
    func reportFigures(_ live: LiveResource, settled: Bool, into r: inout MigrationReport.Resource) {
        guard case .syncTask(let s) = live else { return }
        r.figuresAre = "month"
        r.count(listed: s.monthlyAcceptanceRequest, copied: s.monthlySuccessObject, skipped: s.monthlySkipObject,
                failed: s.monthlyFailureObject, bytes: s.monthlySize, of: s.monthlySize)
        r.firstStart = MigrationReport.date(milliseconds: s.lastStartTime ?? s.createTime)
        r.consistencyCheck = s.consistencyCheck?.rawValue ?? MigrationReport.defaultConsistencyCheck
        r.lists.bucket = s.dstBucket
    }
}
