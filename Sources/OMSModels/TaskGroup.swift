/// `POST /v2/{project_id}/taskgroups` body.
public struct CreateTaskGroupReq: Codable, Hashable, Sendable {
    public var srcNode: TaskGroupSrcNode
    public var description: String?
    public var dstNode: TaskGroupDstNode
    public var enableMetadataMigration: Bool?
    public var enableFailedObjectRecording: Bool?
    public var enableRestore: Bool?
    /// Marked required by the reference, yet the official SDK's model has no such field:
    /// absent means false.
    public var enableKms: Bool?
    public var taskType: TaskGroupType?
    public var bandwidthPolicy: [BandwidthPolicy]?
    public var smnConfig: SmnConfig?
    public var sourceCdn: SourceCdnReq?
    /// Seconds since 1970.
    public var migrateSince: Int64?
    public var objectOverwriteMode: ObjectOverwriteMode?
    public var dstStoragePolicy: StoragePolicy?
    public var consistencyCheck: ConsistencyCheck?
    public var enableRequesterPays: Bool?

    public init(
        srcNode: TaskGroupSrcNode, dstNode: TaskGroupDstNode, enableKms: Bool? = false, taskType: TaskGroupType? = nil,
        description: String? = nil, enableMetadataMigration: Bool? = nil, enableFailedObjectRecording: Bool? = nil,
        enableRestore: Bool? = nil, bandwidthPolicy: [BandwidthPolicy]? = nil, smnConfig: SmnConfig? = nil,
        sourceCdn: SourceCdnReq? = nil, migrateSince: Int64? = nil, objectOverwriteMode: ObjectOverwriteMode? = nil,
        dstStoragePolicy: StoragePolicy? = nil, consistencyCheck: ConsistencyCheck? = nil,
        enableRequesterPays: Bool? = nil
    ) {
        self.srcNode = srcNode
        self.dstNode = dstNode
        self.enableKms = enableKms
        self.taskType = taskType
        self.description = description
        self.enableMetadataMigration = enableMetadataMigration
        self.enableFailedObjectRecording = enableFailedObjectRecording
        self.enableRestore = enableRestore
        self.bandwidthPolicy = bandwidthPolicy
        self.smnConfig = smnConfig
        self.sourceCdn = sourceCdn
        self.migrateSince = migrateSince
        self.objectOverwriteMode = objectOverwriteMode
        self.dstStoragePolicy = dstStoragePolicy
        self.consistencyCheck = consistencyCheck
        self.enableRequesterPays = enableRequesterPays
    }

    enum CodingKeys: String, CodingKey {
        case srcNode = "src_node"
        case description
        case dstNode = "dst_node"
        case enableMetadataMigration = "enable_metadata_migration"
        case enableFailedObjectRecording = "enable_failed_object_recording"
        case enableRestore = "enable_restore"
        case enableKms = "enable_kms"
        case taskType = "task_type"
        case bandwidthPolicy = "bandwidth_policy"
        case smnConfig = "smn_config"
        case sourceCdn = "source_cdn"
        case migrateSince = "migrate_since"
        case objectOverwriteMode = "object_overwrite_mode"
        case dstStoragePolicy = "dst_storage_policy"
        case consistencyCheck = "consistency_check"
        case enableRequesterPays = "enable_requester_pays"
    }
}

/// Source of a task group. `ak`, `sk`, `json_auth_file` are secrets.
public struct TaskGroupSrcNode: Codable, Hashable, Sendable {
    public var ak: String?
    public var sk: String?
    public var jsonAuthFile: String?
    public var appId: String?
    public var region: String?
    public var objectKey: [String]?
    public var bucket: String?
    public var cloudType: CloudType?
    public var listFile: ListFile?

    public init(
        cloudType: CloudType? = nil, region: String? = nil, bucket: String? = nil, ak: String? = nil,
        sk: String? = nil, jsonAuthFile: String? = nil, appId: String? = nil, objectKey: [String]? = nil,
        listFile: ListFile? = nil
    ) {
        self.cloudType = cloudType
        self.region = region
        self.bucket = bucket
        self.ak = ak
        self.sk = sk
        self.jsonAuthFile = jsonAuthFile
        self.appId = appId
        self.objectKey = objectKey
        self.listFile = listFile
    }

    enum CodingKeys: String, CodingKey {
        case ak, sk
        case jsonAuthFile = "json_auth_file"
        case appId = "app_id"
        case region
        case objectKey = "object_key"
        case bucket
        case cloudType = "cloud_type"
        case listFile = "list_file"
    }
}

/// Destination of a task group.
public struct TaskGroupDstNode: Codable, Hashable, Sendable {
    public var ak: String?
    public var sk: String?
    public var region: String?
    public var bucket: String?
    /// `HEC` (Huawei Cloud) by default.
    public var cloudType: CloudType?
    public var savePrefix: String?

    public init(
        region: String, bucket: String, ak: String? = nil, sk: String? = nil, cloudType: CloudType? = nil,
        savePrefix: String? = nil
    ) {
        self.region = region
        self.bucket = bucket
        self.ak = ak
        self.sk = sk
        self.cloudType = cloudType
        self.savePrefix = savePrefix
    }

    enum CodingKeys: String, CodingKey {
        case ak, sk, region, bucket
        case cloudType = "cloud_type"
        case savePrefix = "save_prefix"
    }
}

/// Answer to a task group creation.
public struct CreateTaskGroupResp: Codable, Hashable, Sendable {
    public var groupId: String?

    public init(groupId: String?) { self.groupId = groupId }

    enum CodingKeys: String, CodingKey {
        case groupId = "group_id"
    }
}

/// A task group as OMS reports it. Types and clouds come back upper case (`PREFIX`, `ALIYUN`).
public struct TaskGroupResp: Codable, Hashable, Sendable {
    public var groupId: String?
    public var status: TaskGroupStatus?
    public var errorReason: ErrorReason?
    public var srcNode: TaskGroupSrcNodeResp?
    public var description: String?
    public var dstNode: TaskGroupDstNodeResp?
    public var enableMetadataMigration: Bool?
    public var enableFailedObjectRecording: Bool?
    public var enableRestore: Bool?
    public var enableKms: Bool?
    public var taskType: TaskGroupType?
    public var bandwidthPolicy: [BandwidthPolicy]?
    /// Named `smn_config` in the response but shaped like `smn_info`.
    public var smnConfig: SmnInfo?
    public var sourceCdn: SourceCdnResp?
    /// Milliseconds since 1970.
    public var migrateSince: Int64?
    public var migrateSpeed: Int64?
    public var totalTime: Int64?
    public var startTime: Int64?
    public var totalTaskNum: Int64?
    public var createTaskNum: Int64?
    public var failedTaskNum: Int64?
    public var completeTaskNum: Int64?
    public var pausedTaskNum: Int64?
    public var executingTaskNum: Int64?
    public var waitingTaskNum: Int64?
    public var totalNum: Int64?
    public var createCompleteNum: Int64?
    public var successNum: Int64?
    public var failNum: Int64?
    public var skipNum: Int64?
    public var totalSize: Int64?
    public var createCompleteSize: Int64?
    public var completeSize: Int64?
    public var failedObjectRecord: FailedObjectRecord?
    public var objectOverwriteMode: ObjectOverwriteMode?
    public var dstStoragePolicy: StoragePolicy?
    public var consistencyCheck: ConsistencyCheck?
    public var enableRequesterPays: Bool?

    public init() {}

    public var migrateSinceSeconds: Int64? { migrateSince.map(MigrateSince.seconds(fromResponseValue:)) }

    enum CodingKeys: String, CodingKey {
        case groupId = "group_id"
        case status
        case errorReason = "error_reason"
        case srcNode = "src_node"
        case description
        case dstNode = "dst_node"
        case enableMetadataMigration = "enable_metadata_migration"
        case enableFailedObjectRecording = "enable_failed_object_recording"
        case enableRestore = "enable_restore"
        case enableKms = "enable_kms"
        case taskType = "task_type"
        case bandwidthPolicy = "bandwidth_policy"
        case smnConfig = "smn_config"
        case sourceCdn = "source_cdn"
        case migrateSince = "migrate_since"
        case migrateSpeed = "migrate_speed"
        case totalTime = "total_time"
        case startTime = "start_time"
        case totalTaskNum = "total_task_num"
        case createTaskNum = "create_task_num"
        case failedTaskNum = "failed_task_num"
        case completeTaskNum = "complete_task_num"
        case pausedTaskNum = "paused_task_num"
        case executingTaskNum = "executing_task_num"
        case waitingTaskNum = "waiting_task_num"
        case totalNum = "total_num"
        case createCompleteNum = "create_complete_num"
        case successNum = "success_num"
        case failNum = "fail_num"
        case skipNum = "skip_num"
        case totalSize = "total_size"
        case createCompleteSize = "create_complete_size"
        case completeSize = "complete_size"
        case failedObjectRecord = "failed_object_record"
        case objectOverwriteMode = "object_overwrite_mode"
        case dstStoragePolicy = "dst_storage_policy"
        case consistencyCheck = "consistency_check"
        case enableRequesterPays = "enable_requester_pays"
    }
}

/// A group reports its source and destination with exactly the fields (and keys) a task
/// does: one type each, so a field OMS adds is added once.
public typealias TaskGroupSrcNodeResp = SrcNodeResp
public typealias TaskGroupDstNodeResp = DstNodeResp

/// Answer to `GET /v2/{project_id}/taskgroups`.
public struct ListTaskGroupsResp: Codable, Hashable, Sendable {
    public var count: Int64?
    public var taskgroups: [TaskGroupResp]?

    public init(count: Int64?, taskgroups: [TaskGroupResp]?) {
        self.count = count
        self.taskgroups = taskgroups
    }
}

/// Bodies of `PUT .../taskgroups/{group_id}/start` (resume) and `.../retry`: the keys again,
/// in the task's start body (a group takes no security tokens; a start leaves
/// `migrate_failed_object` out).
public typealias StartTaskGroupReq = StartTaskReq
public typealias RetryTaskGroupReq = StartTaskReq
