import Foundation
import OMSModels

/// One object a task migrates, and how far it got.
struct PlannedObject: Codable, Hashable, Sendable {
    enum State: String, Codable, Sendable { case pending, succeeded, skipped, failed }
    /// Key in the source (for `url_list`: the URL).
    var source: String
    /// Key in the destination bucket, `save_prefix` included.
    var destination: String
    var size: Int64
    var state: State = .pending
    /// Bytes already moved of this object (counts toward the bandwidth budget).
    var copied: Int64 = 0
    /// Why it failed and when (the failed list's line); nil unless `state` is failed.
    var failure: ObjectFailure?
    /// Why it was skipped (the skip list's line); nil unless `state` is skipped.
    var skipReason: SkipReason?
    /// The source as it was when the object's first bytes moved: the consistency check
    /// compares it with the source once the last bytes have moved. Nil when not in flight.
    var transferOf: SourceVersion?
}

/// One object's failure as the failed list records it.
struct ObjectFailure: Codable, Hashable, Sendable {
    /// The source SDK's error code (`NoSuchKey`, `InvalidObjectState`, ...) or the sandbox's.
    var code: String
    var reason: String
    var at: Date
}

enum SkipReason: String, Codable, Sendable {
    /// Last modified before `migrate_since`.
    case olderThanMigrateSince = "since"
    /// The destination already holds it (the overwrite mode's comparison).
    case alreadyAtDestination = "exists"

    var sentence: String {
        switch self {
        case .olderThanMigrateSince: "The source object was last modified before migrate_since."
        case .alreadyAtDestination: "The destination already holds this object (object_overwrite_mode)."
        }
    }
}

/// A source object's size and exact mtime.
struct SourceVersion: Codable, Hashable, Sendable {
    var size: Int64
    var seconds: Int64
    var nanoseconds: Int64

    init(_ object: LocalBuckets.Object) {
        size = object.size
        seconds = object.time.seconds
        nanoseconds = object.time.nanoseconds
    }
}

/// A task as the sandbox stores it: the create request (with the credentials it needs to run,
/// never returned), its state and the engine's progress.
struct TaskRecord: Codable, Sendable {
    var id: Int64
    var name: String
    var request: CreateTaskReq
    var status: TaskStatus
    var groupId: String?
    var groupType: GroupType
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?
    /// Accumulated run time before the current run (milliseconds).
    var elapsedBefore: Double = 0
    var bandwidth: [BandwidthPolicy]
    var priority: TaskPriority
    var errorReason: ErrorReason?
    var failedObjectRecord: FailedObjectRecord?
    /// Nil until the source has been listed.
    var objects: [PlannedObject]?
    /// Unspent bandwidth allowance carried between engine steps (bytes).
    var byteCredit: Double = 0
    var lastStepAt: Date?
    /// Bytes per second over the last step.
    var speed: Int64 = 0
    var smnInfo: SmnInfo?
    /// Indices of the objects a failed-objects retry moves again (nil: the whole task); the
    /// success and skip lists of a run name only these.
    var retrying: [Int]?
    /// `success_record_error_reason` and `skip_record_error_reason`: why a list was not written.
    var successRecordError: String?
    var skipRecordError: String?

    var totalNum: Int64 { Int64(objects?.count ?? 0) }
    var totalSize: Int64 { objects?.reduce(0) { $0 + $1.size } ?? 0 }
    func count(_ state: PlannedObject.State) -> Int64 { Int64(objects?.lazy.filter { $0.state == state }.count ?? 0) }
    func size(_ state: PlannedObject.State) -> Int64 {
        objects?.lazy.filter { $0.state == state }.reduce(0) { $0 + $1.size } ?? 0
    }
    var copiedBytes: Int64 { objects?.reduce(0) { $0 + ($1.state == .pending ? $1.copied : $1.size) } ?? 0 }

    /// The task as `GET .../tasks/{id}` shows it: no credentials, `migrate_since` in milliseconds.
    func response(now: Date) -> TaskResp {
        var r = TaskResp()
        r.id = id
        r.name = name
        r.status = status
        r.taskType = request.taskType ?? .object
        r.groupId = groupId ?? ""
        r.groupType = groupType
        r.description = request.description ?? ""
        r.bandwidthPolicy = bandwidth
        r.taskPriority = priority
        r.srcNode = SrcNodeResp(
            bucket: request.srcNode.bucket, cloudType: request.srcNode.cloudType ?? .aliyun, region: request.srcNode.region,
            appId: request.srcNode.appId, objectKey: request.srcNode.objectKey, listFile: request.srcNode.listFile)
        r.dstNode = DstNodeResp(bucket: request.dstNode.bucket, region: request.dstNode.region, savePrefix: request.dstNode.savePrefix ?? "")
        r.options = request.options.withOMSDefaults
        r.migrateSince = (request.migrateSince ?? 0) * 1000
        r.sourceCdn = request.sourceCdn.map {
            SourceCdnResp(domain: $0.domain, protocol: $0.protocol, authenticationType: $0.authenticationType)
        }
        r.smnInfo = request.smnConfig.map { _ in smnInfo ?? SmnInfo(notifyResult: nil, notifyErrorMessage: "", topicName: "") }
        r.errorReason = errorReason
        r.failedObjectRecord = failedObjectRecord ?? FailedObjectRecord()
        r.isQueryOver = objects != nil
        let total = totalSize
        r.totalNum = totalNum
        r.totalSize = total
        r.successfulNum = count(.succeeded)
        r.failedNum = count(.failed)
        r.skippedNum = count(.skipped)
        r.realSize = size(.succeeded)
        let copied = copiedBytes
        // Bytes of finished objects plus what is copied of the ones in flight, so that the
        // byte counter moves with `progress` (a single 30 MiB object is not "0 B" at 93 %).
        r.completeSize = size(.succeeded) + size(.skipped) + (objects?.reduce(0) { $0 + ($1.state == .pending ? $1.copied : 0) } ?? 0)
        if let objects, !objects.isEmpty {
            r.progress = total > 0 ? Double(copied) / Double(total)
                : Double(objects.count { $0.state != .pending }) / Double(objects.count)
        } else {
            r.progress = status == .succeeded ? 1 : 0
        }
        r.startTime = Int64(((startedAt ?? createdAt).timeIntervalSince1970 * 1000).rounded())
        r.totalTime = Int64(runMilliseconds(now: now))
        let running = status == .migrating
        r.migrateSpeed = running ? speed : 0
        r.leftTime = running && speed > 0 ? Int64(Double(total - copied) / Double(speed) * 1000) : 0
        r.successRecordErrorReason = successRecordError ?? ""
        r.skipRecordErrorReason = skipRecordError ?? ""
        return r
    }

    /// Whether `response(now:)` changes with `now` alone: a started task's run time grows.
    var responseDependsOnTime: Bool {
        (status == .migrating || status == .waiting || status == .pausing) && startedAt != nil
    }

    func runMilliseconds(now: Date) -> Double {
        guard status == .migrating || status == .waiting || status == .pausing, let startedAt else { return elapsedBefore }
        return elapsedBefore + max(0, now.timeIntervalSince(startedAt)) * 1000
    }
}
