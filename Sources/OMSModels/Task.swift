/// `POST /v2/{project_id}/tasks` body.
public struct CreateTaskReq: Codable, Hashable, Sendable {
    public var taskType: TaskType?
    public var srcNode: SrcNodeReq
    public var dstNode: DstNodeReq
    public var enableKms: Bool?
    public var description: String?
    /// Seconds since 1970 (responses carry milliseconds).
    public var migrateSince: Int64?
    public var bandwidthPolicy: [BandwidthPolicy]?
    public var sourceCdn: SourceCdnReq?
    public var smnConfig: SmnConfig?
    public var enableMetadataMigration: Bool?
    public var enableRestore: Bool?
    public var enableFailedObjectRecording: Bool?
    public var objectOverwriteMode: ObjectOverwriteMode?
    public var dstStoragePolicy: StoragePolicy?
    public var consistencyCheck: ConsistencyCheck?
    public var enableRequesterPays: Bool?
    public var taskPriority: TaskPriority?

    public init(
        taskType: TaskType? = nil, srcNode: SrcNodeReq, dstNode: DstNodeReq, enableKms: Bool? = nil,
        description: String? = nil, migrateSince: Int64? = nil, bandwidthPolicy: [BandwidthPolicy]? = nil,
        sourceCdn: SourceCdnReq? = nil, smnConfig: SmnConfig? = nil, enableMetadataMigration: Bool? = nil,
        enableRestore: Bool? = nil, enableFailedObjectRecording: Bool? = nil,
        objectOverwriteMode: ObjectOverwriteMode? = nil, dstStoragePolicy: StoragePolicy? = nil,
        consistencyCheck: ConsistencyCheck? = nil, enableRequesterPays: Bool? = nil, taskPriority: TaskPriority? = nil
    ) {
        self.taskType = taskType
        self.srcNode = srcNode
        self.dstNode = dstNode
        self.enableKms = enableKms
        self.description = description
        self.migrateSince = migrateSince
        self.bandwidthPolicy = bandwidthPolicy
        self.sourceCdn = sourceCdn
        self.smnConfig = smnConfig
        self.enableMetadataMigration = enableMetadataMigration
        self.enableRestore = enableRestore
        self.enableFailedObjectRecording = enableFailedObjectRecording
        self.objectOverwriteMode = objectOverwriteMode
        self.dstStoragePolicy = dstStoragePolicy
        self.consistencyCheck = consistencyCheck
        self.enableRequesterPays = enableRequesterPays
        self.taskPriority = taskPriority
    }

    enum CodingKeys: String, CodingKey {
        case taskType = "task_type"
        case srcNode = "src_node"
        case dstNode = "dst_node"
        case enableKms = "enable_kms"
        case description
        case migrateSince = "migrate_since"
        case bandwidthPolicy = "bandwidth_policy"
        case sourceCdn = "source_cdn"
        case smnConfig = "smn_config"
        case enableMetadataMigration = "enable_metadata_migration"
        case enableRestore = "enable_restore"
        case enableFailedObjectRecording = "enable_failed_object_recording"
        case objectOverwriteMode = "object_overwrite_mode"
        case dstStoragePolicy = "dst_storage_policy"
        case consistencyCheck = "consistency_check"
        case enableRequesterPays = "enable_requester_pays"
        case taskPriority = "task_priority"
    }
}

/// Source of a task. `ak`, `sk`, `security_token`, `json_auth_file` are secrets.
public struct SrcNodeReq: Codable, Hashable, Sendable {
    public var cloudType: CloudType?
    public var region: String?
    public var ak: String?
    public var sk: String?
    public var jsonAuthFile: String?
    public var securityToken: String?
    public var appId: String?
    public var bucket: String?
    public var objectKey: [String]?
    public var listFile: ListFile?

    public init(
        cloudType: CloudType? = nil, region: String? = nil, ak: String? = nil, sk: String? = nil,
        jsonAuthFile: String? = nil, securityToken: String? = nil, appId: String? = nil, bucket: String? = nil,
        objectKey: [String]? = nil, listFile: ListFile? = nil
    ) {
        self.cloudType = cloudType
        self.region = region
        self.ak = ak
        self.sk = sk
        self.jsonAuthFile = jsonAuthFile
        self.securityToken = securityToken
        self.appId = appId
        self.bucket = bucket
        self.objectKey = objectKey
        self.listFile = listFile
    }

    enum CodingKeys: String, CodingKey {
        case cloudType = "cloud_type"
        case region, ak, sk
        case jsonAuthFile = "json_auth_file"
        case securityToken = "security_token"
        case appId = "app_id"
        case bucket
        case objectKey = "object_key"
        case listFile = "list_file"
    }
}

/// Destination of a task (always OBS).
public struct DstNodeReq: Codable, Hashable, Sendable {
    public var ak: String?
    public var sk: String?
    public var securityToken: String?
    public var bucket: String?
    public var savePrefix: String?
    public var region: String?

    public init(
        region: String, bucket: String, ak: String? = nil, sk: String? = nil, securityToken: String? = nil,
        savePrefix: String? = nil
    ) {
        self.region = region
        self.bucket = bucket
        self.ak = ak
        self.sk = sk
        self.securityToken = securityToken
        self.savePrefix = savePrefix
    }

    enum CodingKeys: String, CodingKey {
        case ak, sk
        case securityToken = "security_token"
        case bucket
        case savePrefix = "save_prefix"
        case region
    }
}

/// Answer to a task creation.
public struct CreateTaskResp: Codable, Hashable, Sendable {
    public var id: Int64?
    public var taskName: String?

    public init(id: Int64?, taskName: String?) {
        self.id = id
        self.taskName = taskName
    }

    enum CodingKeys: String, CodingKey {
        case id
        case taskName = "task_name"
    }
}

/// A task as OMS reports it (list and get). Every field may be absent or `null`.
public struct TaskResp: Codable, Hashable, Sendable {
    public var bandwidthPolicy: [BandwidthPolicy]?
    public var completeSize: Int64?
    public var description: String?
    public var dstNode: DstNodeResp?
    public var enableFailedObjectRecording: Bool?
    public var enableKms: Bool?
    public var enableMetadataMigration: Bool?
    public var enableRestore: Bool?
    public var errorReason: ErrorReason?
    public var failedNum: Int64?
    public var failedObjectRecord: FailedObjectRecord?
    public var groupId: String?
    public var id: Int64?
    public var isQueryOver: Bool?
    /// Milliseconds.
    public var leftTime: Int64?
    /// Milliseconds since 1970 (requests carry seconds); see `migrateSinceSeconds`.
    public var migrateSince: Int64?
    /// Bytes per second.
    public var migrateSpeed: Int64?
    public var name: String?
    /// 0...1.
    public var progress: Double?
    public var realSize: Int64?
    public var skippedNum: Int64?
    public var srcNode: SrcNodeResp?
    /// Milliseconds since 1970.
    public var startTime: Int64?
    public var status: TaskStatus?
    public var successfulNum: Int64?
    public var taskType: TaskType?
    public var groupType: GroupType?
    public var totalNum: Int64?
    public var totalSize: Int64?
    /// Milliseconds.
    public var totalTime: Int64?
    public var smnInfo: SmnInfo?
    public var sourceCdn: SourceCdnResp?
    public var successRecordErrorReason: String?
    public var skipRecordErrorReason: String?
    public var objectOverwriteMode: ObjectOverwriteMode?
    public var dstStoragePolicy: StoragePolicy?
    public var consistencyCheck: ConsistencyCheck?
    public var enableRequesterPays: Bool?
    public var taskPriority: TaskPriority?

    public init() {}

    /// `migrate_since` in seconds, whichever unit OMS used.
    public var migrateSinceSeconds: Int64? { migrateSince.map(MigrateSince.seconds(fromResponseValue:)) }

    enum CodingKeys: String, CodingKey {
        case bandwidthPolicy = "bandwidth_policy"
        case completeSize = "complete_size"
        case description
        case dstNode = "dst_node"
        case enableFailedObjectRecording = "enable_failed_object_recording"
        case enableKms = "enable_kms"
        case enableMetadataMigration = "enable_metadata_migration"
        case enableRestore = "enable_restore"
        case errorReason = "error_reason"
        case failedNum = "failed_num"
        case failedObjectRecord = "failed_object_record"
        case groupId = "group_id"
        case id
        case isQueryOver = "is_query_over"
        case leftTime = "left_time"
        case migrateSince = "migrate_since"
        case migrateSpeed = "migrate_speed"
        case name, progress
        case realSize = "real_size"
        case skippedNum = "skipped_num"
        case srcNode = "src_node"
        case startTime = "start_time"
        case status
        case successfulNum = "successful_num"
        case taskType = "task_type"
        case groupType = "group_type"
        case totalNum = "total_num"
        case totalSize = "total_size"
        case totalTime = "total_time"
        case smnInfo = "smn_info"
        case sourceCdn = "source_cdn"
        case successRecordErrorReason = "success_record_error_reason"
        case skipRecordErrorReason = "skip_record_error_reason"
        case objectOverwriteMode = "object_overwrite_mode"
        case dstStoragePolicy = "dst_storage_policy"
        case consistencyCheck = "consistency_check"
        case enableRequesterPays = "enable_requester_pays"
        case taskPriority = "task_priority"
    }
}

/// Source of a task as reported (no credentials).
public struct SrcNodeResp: Codable, Hashable, Sendable {
    public var bucket: String?
    public var cloudType: CloudType?
    public var region: String?
    public var appId: String?
    public var objectKey: [String]?
    public var listFile: ListFile?

    public init(
        bucket: String? = nil, cloudType: CloudType? = nil, region: String? = nil, appId: String? = nil,
        objectKey: [String]? = nil, listFile: ListFile? = nil
    ) {
        self.bucket = bucket
        self.cloudType = cloudType
        self.region = region
        self.appId = appId
        self.objectKey = objectKey
        self.listFile = listFile
    }

    enum CodingKeys: String, CodingKey {
        case bucket
        case cloudType = "cloud_type"
        case region
        case appId = "app_id"
        case objectKey = "object_key"
        case listFile = "list_file"
    }
}

/// Destination of a task as reported (no credentials).
public struct DstNodeResp: Codable, Hashable, Sendable {
    public var bucket: String?
    public var region: String?
    public var savePrefix: String?

    public init(bucket: String? = nil, region: String? = nil, savePrefix: String? = nil) {
        self.bucket = bucket
        self.region = region
        self.savePrefix = savePrefix
    }

    enum CodingKeys: String, CodingKey {
        case bucket, region
        case savePrefix = "save_prefix"
    }
}

/// Answer to `GET /v2/{project_id}/tasks`.
public struct ListTasksResp: Codable, Hashable, Sendable {
    public var tasks: [TaskResp]?
    public var count: Int64?

    public init(tasks: [TaskResp]?, count: Int64?) {
        self.tasks = tasks
        self.count = count
    }
}

/// Body of `POST .../tasks/{task_id}/start`: credentials again, since OMS does not keep them.
/// The same body starts a group (`StartTaskGroupReq`, `RetryTaskGroupReq`) and a sync task
/// (`StartSyncTaskReq`): each kind's builder sets the keys its call takes, and the keys left
/// `nil` are not sent.
public struct StartTaskReq: Codable, Hashable, Sendable {
    public var srcAk: String?
    public var srcSk: String?
    public var jsonAuthFile: String?
    public var srcSecurityToken: String?
    public var dstAk: String?
    public var dstSk: String?
    public var dstSecurityToken: String?
    public var sourceCdnAuthenticationKey: String?
    /// true: only the objects that failed last time; false: everything again.
    public var migrateFailedObject: Bool?

    public init(
        srcAk: String? = nil, srcSk: String? = nil, jsonAuthFile: String? = nil, srcSecurityToken: String? = nil,
        dstAk: String? = nil, dstSk: String? = nil, dstSecurityToken: String? = nil,
        sourceCdnAuthenticationKey: String? = nil, migrateFailedObject: Bool? = nil
    ) {
        self.srcAk = srcAk
        self.srcSk = srcSk
        self.jsonAuthFile = jsonAuthFile
        self.srcSecurityToken = srcSecurityToken
        self.dstAk = dstAk
        self.dstSk = dstSk
        self.dstSecurityToken = dstSecurityToken
        self.sourceCdnAuthenticationKey = sourceCdnAuthenticationKey
        self.migrateFailedObject = migrateFailedObject
    }

    enum CodingKeys: String, CodingKey {
        case srcAk = "src_ak"
        case srcSk = "src_sk"
        case jsonAuthFile = "json_auth_file"
        case srcSecurityToken = "src_security_token"
        case dstAk = "dst_ak"
        case dstSk = "dst_sk"
        case dstSecurityToken = "dst_security_token"
        case sourceCdnAuthenticationKey = "source_cdn_authentication_key"
        case migrateFailedObject = "migrate_failed_object"
    }
}

/// Body of `PUT .../tasks/{task_id}/bandwidth-policy` and `PUT .../taskgroups/{group_id}/update`.
public struct UpdateBandwidthPolicyReq: Codable, Hashable, Sendable {
    public var bandwidthPolicy: [BandwidthPolicy]

    public init(bandwidthPolicy: [BandwidthPolicy]) { self.bandwidthPolicy = bandwidthPolicy }

    enum CodingKeys: String, CodingKey {
        case bandwidthPolicy = "bandwidth_policy"
    }
}

/// Body of `POST .../tasks/batch-update`: a group's tasks or up to 20 ids.
public struct BatchUpdateTasksReq: Codable, Hashable, Sendable {
    public var groupId: String?
    public var ids: [Int64]?
    public var bandwidthPolicy: [BandwidthPolicy]
    public var taskPriority: TaskPriority?

    /// OMS takes at most this many ids per call.
    public static let maximumIds = 20

    public init(groupId: String? = nil, ids: [Int64]? = nil, bandwidthPolicy: [BandwidthPolicy], taskPriority: TaskPriority? = nil) {
        self.groupId = groupId
        self.ids = ids
        self.bandwidthPolicy = bandwidthPolicy
        self.taskPriority = taskPriority
    }

    enum CodingKeys: String, CodingKey {
        case groupId = "group_id"
        case ids
        case bandwidthPolicy = "bandwidth_policy"
        case taskPriority = "task_priority"
    }
}
