import Foundation
import OMSModels

/// A task group as the sandbox stores it. Counters are rolled up from its tasks by the engine.
struct GroupRecord: Codable, Sendable {
    var id: String
    var request: CreateTaskGroupReq
    var status: TaskGroupStatus
    var createdAt: Date
    var startedAt: Date?
    var bandwidth: [BandwidthPolicy]
    var errorReason: ErrorReason?
    /// What the group's tasks add up to (filled by the engine).
    var rollup = Rollup()
    /// Where the group's tasks' failed lists are (filled by the engine when the group settles).
    var failedObjectRecord: FailedObjectRecord?

    struct Rollup: Codable, Sendable {
        var totalTaskNum: Int64 = 0
        var createTaskNum: Int64 = 0
        var failedTaskNum: Int64 = 0
        var completeTaskNum: Int64 = 0
        var pausedTaskNum: Int64 = 0
        var executingTaskNum: Int64 = 0
        var waitingTaskNum: Int64 = 0
        var totalNum: Int64 = 0
        var successNum: Int64 = 0
        var failNum: Int64 = 0
        var skipNum: Int64 = 0
        var totalSize: Int64 = 0
        var completeSize: Int64 = 0
        var speed: Int64 = 0
        var totalTime: Int64 = 0
    }

    /// The group as `GET .../taskgroups/{id}` shows it: upper-case type and cloud, no keys.
    func response() -> TaskGroupResp {
        var r = TaskGroupResp()
        r.groupId = id
        r.status = status
        r.errorReason = errorReason
        r.srcNode = TaskGroupSrcNodeResp(
            bucket: request.srcNode.bucket, cloudType: CloudType(rawValue: (request.srcNode.cloudType ?? .aliyun).rawValue.uppercased()),
            region: request.srcNode.region, appId: request.srcNode.appId ?? "", objectKey: request.srcNode.objectKey,
            listFile: request.srcNode.listFile)
        r.description = request.description ?? ""
        r.dstNode = TaskGroupDstNodeResp(bucket: request.dstNode.bucket, region: request.dstNode.region, savePrefix: request.dstNode.savePrefix ?? "")
        r.options = request.options.withOMSDefaults
        r.taskType = TaskGroupType(rawValue: (request.taskType ?? .prefix).rawValue.uppercased())
        r.bandwidthPolicy = bandwidth
        r.smnConfig = request.smnConfig.map { _ in SmnInfo(notifyResult: nil, notifyErrorMessage: "", topicName: "") }
        r.sourceCdn = request.sourceCdn.map {
            SourceCdnResp(domain: $0.domain, protocol: $0.protocol, authenticationType: $0.authenticationType)
        }
        r.migrateSince = (request.migrateSince ?? 0) * 1000
        r.migrateSpeed = rollup.speed
        r.totalTime = rollup.totalTime
        r.startTime = Int64(((startedAt ?? createdAt).timeIntervalSince1970 * 1000).rounded())
        r.totalTaskNum = rollup.totalTaskNum
        r.createTaskNum = rollup.createTaskNum
        r.failedTaskNum = rollup.failedTaskNum
        r.completeTaskNum = rollup.completeTaskNum
        r.pausedTaskNum = rollup.pausedTaskNum
        r.executingTaskNum = rollup.executingTaskNum
        r.waitingTaskNum = rollup.waitingTaskNum
        r.totalNum = rollup.totalNum
        r.createCompleteNum = rollup.totalNum
        r.successNum = rollup.successNum
        r.failNum = rollup.failNum
        r.skipNum = rollup.skipNum
        r.totalSize = rollup.totalSize
        r.createCompleteSize = rollup.totalSize
        r.completeSize = rollup.completeSize
        r.failedObjectRecord = failedObjectRecord ?? FailedObjectRecord()
        return r
    }
}
