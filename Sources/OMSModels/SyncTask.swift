import Foundation

/// Synchronization tasks: a long-lived task bound to a whole source bucket that copies the
/// objects named by sync events to OBS. Not in the API reference; the shapes follow the
/// official SDK's models (`huaweicloudsdkoms.v2`), see `shared/design/sync-tasks.md`.

/// `SYNCHRONIZING` or `STOPPED` (open: an unknown value is kept, not refused).
public struct SyncTaskStatus: OpenStringEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let synchronizing = Self(rawValue: "SYNCHRONIZING")
    public static let stopped = Self(rawValue: "STOPPED")
    public static let documented: [Self] = [.synchronizing, .stopped]
}

/// `POST /v2/{project_id}/sync-tasks`.
public struct CreateSyncTaskReq: Codable, Hashable, Sendable {
    public var srcCloudType: CloudType?
    public var srcRegion: String?
    public var srcBucket: String?
    public var srcAk: String?
    public var srcSk: String?
    public var srcCryptoType: String?
    public var srcKmsKeyId: String?
    public var dstAk: String?
    public var dstSk: String?
    public var dstCryptoType: String?
    public var dstKmsKeyId: String?
    public var dstRegion: String?
    public var dstBucket: String?
    public var description: String?
    public var enableMetadataMigration: Bool?
    public var enableRestore: Bool?
    public var dstStoragePolicy: StoragePolicy?
    public var appId: String?
    public var sourceCdn: SourceCdnReq?
    public var consistencyCheck: ConsistencyCheck?

    public init(
        srcCloudType: CloudType? = nil, srcRegion: String, srcBucket: String, srcAk: String?, srcSk: String?, dstAk: String?, dstSk: String?,
        dstRegion: String, dstBucket: String, description: String? = nil, enableMetadataMigration: Bool? = nil, enableRestore: Bool? = nil,
        dstStoragePolicy: StoragePolicy? = nil, appId: String? = nil, sourceCdn: SourceCdnReq? = nil, consistencyCheck: ConsistencyCheck? = nil
    ) {
        self.srcCloudType = srcCloudType
        self.srcRegion = srcRegion
        self.srcBucket = srcBucket
        self.srcAk = srcAk
        self.srcSk = srcSk
        self.dstAk = dstAk
        self.dstSk = dstSk
        self.dstRegion = dstRegion
        self.dstBucket = dstBucket
        self.description = description
        self.enableMetadataMigration = enableMetadataMigration
        self.enableRestore = enableRestore
        self.dstStoragePolicy = dstStoragePolicy
        self.appId = appId
        self.sourceCdn = sourceCdn
        self.consistencyCheck = consistencyCheck
    }

    enum CodingKeys: String, CodingKey {
        case srcCloudType = "src_cloud_type", srcRegion = "src_region", srcBucket = "src_bucket", srcAk = "src_ak", srcSk = "src_sk"
        case srcCryptoType = "src_crypto_type", srcKmsKeyId = "src_kms_key_id", dstAk = "dst_ak", dstSk = "dst_sk"
        case dstCryptoType = "dst_crypto_type", dstKmsKeyId = "dst_kms_key_id", dstRegion = "dst_region", dstBucket = "dst_bucket"
        case description, enableMetadataMigration = "enable_metadata_migration", enableRestore = "enable_restore"
        case dstStoragePolicy = "dst_storage_policy", appId = "app_id", sourceCdn = "source_cdn", consistencyCheck = "consistency_check"
    }
}

public struct CreateSyncTaskResp: Codable, Hashable, Sendable {
    public var syncTaskId: String?
    public init(syncTaskId: String?) { self.syncTaskId = syncTaskId }
    enum CodingKeys: String, CodingKey { case syncTaskId = "sync_task_id" }
}

/// `POST .../sync-tasks/{id}/start`: the keys again, in the task's start body (a sync task
/// takes the access keys and the CDN key only).
public typealias StartSyncTaskReq = StartTaskReq

/// `POST .../sync-tasks/{id}/events`: at most 10 URL-encoded object keys.
public struct SyncObjectReq: Codable, Hashable, Sendable {
    public static let maximumKeys = 10
    public var objectKeys: [String]?
    public init(objectKeys: [String]) { self.objectKeys = objectKeys }
    enum CodingKeys: String, CodingKey { case objectKeys = "object_keys" }
}

/// A sync task as list and show answer it (never with keys). Show adds the month's counters.
public struct SyncTaskInfo: Codable, Hashable, Sendable {
    public var syncTaskId: String?
    public var srcCloudType: CloudType?
    public var srcRegion: String?
    public var srcBucket: String?
    /// Milliseconds.
    public var createTime: Int64?
    public var lastStartTime: Int64?
    public var dstBucket: String?
    public var dstRegion: String?
    public var description: String?
    public var status: SyncTaskStatus?
    public var enableMetadataMigration: Bool?
    public var enableRestore: Bool?
    public var appId: String?
    public var sourceCdn: SourceCdnResp?
    public var objectOverwriteMode: ObjectOverwriteMode?
    public var dstStoragePolicy: StoragePolicy?
    public var consistencyCheck: ConsistencyCheck?
    public var monthlyAcceptanceRequest: Int64?
    public var monthlySuccessObject: Int64?
    public var monthlyFailureObject: Int64?
    public var monthlySkipObject: Int64?
    public var monthlySize: Int64?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case syncTaskId = "sync_task_id", srcCloudType = "src_cloud_type", srcRegion = "src_region", srcBucket = "src_bucket"
        case createTime = "create_time", lastStartTime = "last_start_time", dstBucket = "dst_bucket", dstRegion = "dst_region"
        case description, status, enableMetadataMigration = "enable_metadata_migration", enableRestore = "enable_restore"
        case appId = "app_id", sourceCdn = "source_cdn", objectOverwriteMode = "object_overwrite_mode"
        case dstStoragePolicy = "dst_storage_policy", consistencyCheck = "consistency_check"
        case monthlyAcceptanceRequest = "monthly_acceptance_request", monthlySuccessObject = "monthly_success_object"
        case monthlyFailureObject = "monthly_failure_object", monthlySkipObject = "monthly_skip_object", monthlySize = "monthly_size"
    }
}

public struct ListSyncTasksResp: Codable, Hashable, Sendable {
    public var tasks: [SyncTaskInfo]?
    public var count: Int64?
    public init(tasks: [SyncTaskInfo], count: Int64) {
        self.tasks = tasks
        self.count = count
    }
}

/// What a statistic counts: event keys received, objects copied, failed or skipped, bytes.
public struct SyncStatisticType: OpenStringEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let request = Self(rawValue: "REQUEST")
    public static let success = Self(rawValue: "SUCCESS")
    public static let failure = Self(rawValue: "FAILURE")
    public static let skip = Self(rawValue: "SKIP")
    public static let size = Self(rawValue: "SIZE")
    public static let documented: [Self] = [.request, .success, .failure, .skip, .size]
}

/// `GET .../sync-tasks/{id}/statistics`: counts per five minutes (a range up to a day) or
/// per hour (longer), one series per data type asked for.
public struct SyncTaskStatisticsResp: Codable, Hashable, Sendable {
    public struct Point: Codable, Hashable, Sendable {
        /// Start of the period, in milliseconds.
        public var timeStamp: Int64?
        public var statisticNum: Int64?
        public init(timeStamp: Int64, statisticNum: Int64) {
            self.timeStamp = timeStamp
            self.statisticNum = statisticNum
        }
        enum CodingKeys: String, CodingKey { case timeStamp = "time_stamp", statisticNum = "statistic_num" }
    }

    public struct Series: Codable, Hashable, Sendable {
        public var dataType: SyncStatisticType?
        public var data: [Point]?
        public init(dataType: SyncStatisticType, data: [Point]) {
            self.dataType = dataType
            self.data = data
        }
        enum CodingKeys: String, CodingKey { case dataType = "data_type", data }
    }

    public var syncTaskId: String?
    /// `FIVE_MINUTES` or `ONE_HOUR`.
    public var statisticTimeType: String?
    public var statisticDatas: [Series]?

    public init(syncTaskId: String, statisticTimeType: String, statisticDatas: [Series]) {
        self.syncTaskId = syncTaskId
        self.statisticTimeType = statisticTimeType
        self.statisticDatas = statisticDatas
    }

    enum CodingKeys: String, CodingKey {
        case syncTaskId = "sync_task_id", statisticTimeType = "statistic_time_type", statisticDatas = "statistic_datas"
    }
}
