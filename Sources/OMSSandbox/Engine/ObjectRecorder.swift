import Foundation
import OMSModels

/// Writes a settled task's object lists into its destination bucket, as OMS does with
/// `enable_failed_object_recording` (docs/sandbox-objects.md), and fills in the task's
/// `failed_object_record` and the success and skip lists' error reasons.
struct ObjectRecorder: Sendable {
    let buckets: LocalBuckets
    /// The region's time zone: the lines' times are written in it.
    let timeZone: TimeZone

    func record(_ task: inout TaskRecord, at now: Date) {
        task.failedObjectRecord = nil
        task.successRecordError = nil
        task.skipRecordError = nil
        guard task.request.options.withOMSDefaults.enableFailedObjectRecording == true, let objects = task.objects else { return }
        let region = task.request.dstNode.region ?? "", bucket = task.request.dstNode.bucket ?? ""
        let time = ObjectLists.time(now, in: timeZone)
        // The failed list names every object still failed (what a failed-objects retry moves);
        // the success and skip lists name what this run settled.
        let failed = objects.filter { $0.state == .failed }
        let run = task.retrying.map { $0.filter(objects.indices.contains).map { objects[$0] } } ?? objects
        let check = (task.request.options.withOMSDefaults.consistencyCheck ?? .sizeLastModified).rawValue
        if !failed.isEmpty {
            let key = ObjectLists.key(.failed, taskName: task.name, groupId: task.groupId, at: now)
            let lines = failed.map { object in
                let failure = object.failure ?? ObjectFailure.gone(at: now)
                return ObjectLists.failedLine(
                    reason: failure.reason, time: ObjectLists.time(failure.at, in: timeZone), key: object.source, code: failure.code)
            }
            task.failedObjectRecord = write(lines, region: region, bucket: bucket, key: key, at: now)
                ? FailedObjectRecord(result: true, listFileKey: key, errorCode: "")
                : FailedObjectRecord(result: false, listFileKey: "", errorCode: OMSErrorCode.failedObjectRecordNotSaved.rawValue)
        }
        let succeeded = run.filter { $0.state == .succeeded }
        if !succeeded.isEmpty {
            let lines = succeeded.map { ObjectLists.successLine(time: time, key: $0.source, size: $0.size, check: check) }
            let key = ObjectLists.key(.success, taskName: task.name, groupId: task.groupId, at: now)
            if !write(lines, region: region, bucket: bucket, key: key, at: now) {
                task.successRecordError = OMSErrorCode.failedObjectRecordNotSaved.rawValue
            }
        }
        let skipped = run.filter { $0.state == .skipped }
        if !skipped.isEmpty {
            let lines = skipped.map {
                ObjectLists.skipLine(reason: ($0.skipReason ?? .alreadyAtDestination).sentence, time: time, key: $0.source, size: $0.size)
            }
            let key = ObjectLists.key(.skip, taskName: task.name, groupId: task.groupId, at: now)
            if !write(lines, region: region, bucket: bucket, key: key, at: now) {
                task.skipRecordError = OMSErrorCode.failedObjectRecordNotSaved.rawValue
            }
        }
    }

    private func write(_ lines: [String], region: String, bucket: String, key: String, at now: Date) -> Bool {
        (try? buckets.writeList(region: region, bucket: bucket, key: key, lines: lines, at: now)) != nil
    }

    /// The keys of the task's failed list as it stands in the destination bucket, or nil when
    /// the task has none (not recorded, or the file is gone): then a failed-objects retry moves
    /// the objects the task holds as failed.
    func failedListKeys(_ task: TaskRecord) -> [String]? {
        guard let record = task.failedObjectRecord, record.result == true, let key = record.listFileKey, !key.isEmpty,
            let data = try? buckets.read(cloud: .huaweiCloud, region: task.request.dstNode.region ?? "", bucket: task.request.dstNode.bucket ?? "", key: key)
        else { return nil }
        return ObjectLists.failedKeys(data)
    }
}
