/// `task_type` of a migration task (lower case), e.g. `prefix`.
public struct TaskType: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let list: Self = "list"
    public static let urlList: Self = "url_list"
    public static let object: Self = "object"
    public static let prefix: Self = "prefix"
    public static let documented: [Self] = [.list, .urlList, .object, .prefix]
}

/// `task_type` of a task group (upper case), e.g. `PREFIX`.
public struct TaskGroupType: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let list: Self = "LIST"
    public static let urlList: Self = "URL_LIST"
    public static let prefix: Self = "PREFIX"
    public static let documented: [Self] = [.list, .urlList, .prefix]
}

/// Source cloud (`cloud_type`). Requests use `Aliyun`; task group responses say `ALIYUN`.
public struct CloudType: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let aws: Self = "AWS"
    public static let azure: Self = "Azure"
    public static let aliyun: Self = "Aliyun"
    public static let tencent: Self = "Tencent"
    public static let huaweiCloud: Self = "HuaweiCloud"
    public static let qingCloud: Self = "QingCloud"
    public static let kingsoftCloud: Self = "KingsoftCloud"
    public static let baidu: Self = "Baidu"
    public static let qiniu: Self = "Qiniu"
    public static let google: Self = "Google"
    public static let urlSource: Self = "URLSource"
    public static let uCloud: Self = "UCloud"
    /// Destination cloud of task groups and bucket operations (Huawei Enterprise Cloud).
    public static let hec: Self = "HEC"
    public static let documented: [Self] = [
        .aws, .azure, .aliyun, .tencent, .huaweiCloud, .qingCloud, .kingsoftCloud, .baidu, .qiniu,
        .google, .urlSource, .uCloud,
    ]
}

/// Task `status`: 1 Waiting, 2 Migrating, 3 Paused, 4 Failed, 5 Succeeded, 7 Pausing.
public struct TaskStatus: OpenIntEnum {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let waiting = Self(rawValue: 1)
    public static let migrating = Self(rawValue: 2)
    public static let paused = Self(rawValue: 3)
    public static let failed = Self(rawValue: 4)
    public static let succeeded = Self(rawValue: 5)
    public static let pausing = Self(rawValue: 7)
    public static let all: [Self] = [.waiting, .migrating, .paused, .failed, .succeeded, .pausing]
    public var name: String? {
        switch rawValue {
        case 1: "Waiting"
        case 2: "Migrating"
        case 3: "Paused"
        case 4: "Failed"
        case 5: "Succeeded"
        case 7: "Pausing"
        default: nil
        }
    }
    /// Waiting or Migrating: OMS is (about to be) moving data.
    public var isRunning: Bool { self == .waiting || self == .migrating }
}

/// Task group `status`, 0 to 9.
public struct TaskGroupStatus: OpenIntEnum {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let waiting = Self(rawValue: 0)
    public static let executing = Self(rawValue: 1)
    public static let monitoring = Self(rawValue: 2)
    public static let paused = Self(rawValue: 3)
    public static let creationFailed = Self(rawValue: 4)
    public static let migrationFailed = Self(rawValue: 5)
    public static let completed = Self(rawValue: 6)
    public static let pausing = Self(rawValue: 7)
    public static let waitingForDeletion = Self(rawValue: 8)
    public static let deleted = Self(rawValue: 9)
    public var name: String? {
        switch rawValue {
        case 0: "Waiting"
        case 1: "Executing"
        case 2: "Monitoring"
        case 3: "Paused"
        case 4: "CreationFailed"
        case 5: "MigrationFailed"
        case 6: "Completed"
        case 7: "Pausing"
        case 8: "WaitingForDeletion"
        case 9: "Deleted"
        default: nil
        }
    }
    public var isFailed: Bool { self == .creationFailed || self == .migrationFailed }
}

/// `group_type` of a task.
public struct GroupType: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let normalTask: Self = "NORMAL_TASK"
    public static let syncTask: Self = "SYNC_TASK"
    public static let groupTask: Self = "GROUP_TASK"
    public static let documented: [Self] = [.normalTask, .syncTask, .groupTask]
}

public struct ObjectOverwriteMode: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let noOverwrite: Self = "NO_OVERWRITE"
    public static let sizeLastModifiedComparisonOverwrite: Self = "SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE"
    public static let crc64ComparisonOverwrite: Self = "CRC64_COMPARISON_OVERWRITE"
    public static let fullOverwrite: Self = "FULL_OVERWRITE"
    public static let documented: [Self] = [
        .noOverwrite, .sizeLastModifiedComparisonOverwrite, .crc64ComparisonOverwrite, .fullOverwrite,
    ]
}

public struct ConsistencyCheck: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let sizeLastModified: Self = "size_last_modified"
    public static let crc64: Self = "crc64"
    public static let noCheck: Self = "no_check"
    public static let documented: [Self] = [.sizeLastModified, .crc64, .noCheck]
}

public struct StoragePolicy: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let standard: Self = "STANDARD"
    public static let ia: Self = "IA"
    public static let archive: Self = "ARCHIVE"
    public static let deepArchive: Self = "DEEP_ARCHIVE"
    public static let srcStorageMapping: Self = "SRC_STORAGE_MAPPING"
    public static let documented: [Self] = [.standard, .ia, .archive, .deepArchive, .srcStorageMapping]
}

public struct TaskPriority: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let high: Self = "HIGH"
    public static let medium: Self = "MEDIUM"
    public static let low: Self = "LOW"
    public static let documented: [Self] = [.high, .medium, .low]
}

public struct CdnAuthenticationType: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let none: Self = "NONE"
    public static let qiniuPrivateAuthentication: Self = "QINIU_PRIVATE_AUTHENTICATION"
    public static let aliyunOssA: Self = "ALIYUN_OSS_A"
    public static let aliyunOssB: Self = "ALIYUN_OSS_B"
    public static let aliyunOssC: Self = "ALIYUN_OSS_C"
    public static let ksyunPrivateAuthentication: Self = "KSYUN_PRIVATE_AUTHENTICATION"
    public static let azureSasToken: Self = "AZURE_SAS_TOKEN"
    public static let tencentCosA: Self = "TENCENT_COS_A"
    public static let tencentCosB: Self = "TENCENT_COS_B"
    public static let tencentCosC: Self = "TENCENT_COS_C"
    public static let tencentCosD: Self = "TENCENT_COS_D"
    public static let documented: [Self] = [
        .none, .qiniuPrivateAuthentication, .aliyunOssA, .aliyunOssB, .aliyunOssC, .ksyunPrivateAuthentication,
        .azureSasToken, .tencentCosA, .tencentCosB, .tencentCosC, .tencentCosD,
    ]
}

/// CDN protocol; the reference spells it both `HTTP` and `http`, OMS accepts either.
public struct CdnProtocol: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let http: Self = "http"
    public static let https: Self = "https"
    public static let documented: [Self] = [.http, .https]
}

public struct SmnLanguage: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let zhCN: Self = "zh-cn"
    public static let enUS: Self = "en-us"
    public static let documented: [Self] = [.zhCN, .enUS]
}

public struct SmnTriggerCondition: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let success: Self = "SUCCESS"
    public static let failure: Self = "FAILURE"
    public static let documented: [Self] = [.success, .failure]
}

public struct APIVersionStatus: OpenStringEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let current: Self = "CURRENT"
    public static let supported: Self = "SUPPORTED"
    public static let deprecated: Self = "DEPRECATED"
    public static let documented: [Self] = [.current, .supported, .deprecated]
}
