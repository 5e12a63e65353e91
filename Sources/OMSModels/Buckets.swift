/// Body of `POST .../objectstorage/buckets/objects`: one page of a bucket's listing.
public struct ListBucketObjectsReq: Codable, Hashable, Sendable {
    public var cloudType: CloudType
    /// Folder to list; ends with `/` (empty for the bucket root).
    public var filePath: String
    public var ak: String?
    public var sk: String?
    public var jsonAuthFile: String?
    public var dataCenter: String
    /// 0...100.
    public var pageSize: Int
    /// Key after which the page starts (`next_marker` of the previous page, empty at first).
    public var behindFilename: String
    public var appId: String?
    public var bucketName: String

    public init(
        cloudType: CloudType, bucketName: String, dataCenter: String, filePath: String = "", pageSize: Int = 100,
        behindFilename: String = "", ak: String? = nil, sk: String? = nil, jsonAuthFile: String? = nil,
        appId: String? = nil
    ) {
        self.cloudType = cloudType
        self.bucketName = bucketName
        self.dataCenter = dataCenter
        self.filePath = filePath
        self.pageSize = pageSize
        self.behindFilename = behindFilename
        self.ak = ak
        self.sk = sk
        self.jsonAuthFile = jsonAuthFile
        self.appId = appId
    }

    enum CodingKeys: String, CodingKey {
        case cloudType = "cloud_type"
        case filePath = "file_path"
        case ak, sk
        case jsonAuthFile = "json_auth_file"
        case dataCenter = "data_center"
        case pageSize = "page_size"
        case behindFilename = "behind_filename"
        case appId = "app_id"
        case bucketName = "bucket_name"
    }
}

public struct ListBucketObjectsResp: Codable, Hashable, Sendable {
    public var nextPage: Bool?
    public var nextMarker: String?
    public var records: [BucketRecord]?

    public init(nextPage: Bool?, nextMarker: String?, records: [BucketRecord]?) {
        self.nextPage = nextPage
        self.nextMarker = nextMarker
        self.records = records
    }

    enum CodingKeys: String, CodingKey {
        case nextPage = "next_page"
        case nextMarker = "next_marker"
        case records
    }
}

/// One listed object; `size` is human-readable text (`73.59 MB`), `--` for folders.
public struct BucketRecord: Codable, Hashable, Sendable {
    public var name: String?
    public var size: String?

    public init(name: String?, size: String?) {
        self.name = name
        self.size = size
    }
}

/// Body of `POST .../objectstorage/buckets/cdn-info`.
public struct ShowCdnInfoReq: Codable, Hashable, Sendable {
    public var ak: String
    public var sk: String
    public var cloudType: CloudType
    public var region: String
    public var appId: String?
    public var bucket: String
    public var prefix: PrefixKeyInfo?
    public var sourceCdn: SourceCdnReq

    public init(
        cloudType: CloudType, region: String, bucket: String, ak: String, sk: String, sourceCdn: SourceCdnReq,
        appId: String? = nil, prefix: PrefixKeyInfo? = nil
    ) {
        self.cloudType = cloudType
        self.region = region
        self.bucket = bucket
        self.ak = ak
        self.sk = sk
        self.sourceCdn = sourceCdn
        self.appId = appId
        self.prefix = prefix
    }

    enum CodingKeys: String, CodingKey {
        case ak, sk
        case cloudType = "cloud_type"
        case region
        case appId = "app_id"
        case bucket, prefix
        case sourceCdn = "source_cdn"
    }
}

public struct PrefixKeyInfo: Codable, Hashable, Sendable {
    public var keys: [String]
    public init(keys: [String]) { self.keys = keys }
}

public struct ShowCdnInfoResp: Codable, Hashable, Sendable {
    public var isSameCloudType: Bool?
    public var isDownloadAvailable: Bool?
    public var checkedKeys: [CheckedKey]?

    public init(isSameCloudType: Bool?, isDownloadAvailable: Bool?, checkedKeys: [CheckedKey]?) {
        self.isSameCloudType = isSameCloudType
        self.isDownloadAvailable = isDownloadAvailable
        self.checkedKeys = checkedKeys
    }

    enum CodingKeys: String, CodingKey {
        case isSameCloudType = "is_same_cloud_type"
        case isDownloadAvailable = "is_download_available"
        case checkedKeys = "checked_keys"
    }
}

public struct CheckedKey: Codable, Hashable, Sendable {
    public var key: String?
    public var isEtagMatching: Bool?
    public var isObjectExisting: Bool?

    public init(key: String?, isEtagMatching: Bool?, isObjectExisting: Bool?) {
        self.key = key
        self.isEtagMatching = isEtagMatching
        self.isObjectExisting = isObjectExisting
    }

    enum CodingKeys: String, CodingKey {
        case key
        case isEtagMatching = "is_etag_matching"
        case isObjectExisting = "is_object_existing"
    }
}

/// Body of `POST .../objectstorage/buckets` (the answer is a JSON array of names).
public struct ListBucketsReq: Codable, Hashable, Sendable {
    public var cloudType: CloudType
    public var ak: String?
    public var sk: String?
    public var jsonAuthFile: String?
    public var appId: String?

    public init(cloudType: CloudType, ak: String? = nil, sk: String? = nil, jsonAuthFile: String? = nil, appId: String? = nil) {
        self.cloudType = cloudType
        self.ak = ak
        self.sk = sk
        self.jsonAuthFile = jsonAuthFile
        self.appId = appId
    }

    enum CodingKeys: String, CodingKey {
        case cloudType = "cloud_type"
        case ak, sk
        case jsonAuthFile = "json_auth_file"
        case appId = "app_id"
    }
}

/// Body of `POST .../objectstorage/buckets/regions`.
public struct ShowBucketRegionReq: Codable, Hashable, Sendable {
    public var cloudType: CloudType
    public var ak: String?
    public var sk: String?
    public var jsonAuthFile: String?
    public var appId: String?
    public var bucketName: String

    public init(
        cloudType: CloudType, bucketName: String, ak: String? = nil, sk: String? = nil, jsonAuthFile: String? = nil,
        appId: String? = nil
    ) {
        self.cloudType = cloudType
        self.bucketName = bucketName
        self.ak = ak
        self.sk = sk
        self.jsonAuthFile = jsonAuthFile
        self.appId = appId
    }

    enum CodingKeys: String, CodingKey {
        case cloudType = "cloud_type"
        case ak, sk
        case jsonAuthFile = "json_auth_file"
        case appId = "app_id"
        case bucketName = "bucket_name"
    }
}

public struct ShowBucketRegionResp: Codable, Hashable, Sendable {
    public var id: String?
    public var name: String?
    public var support: Bool?

    public init(id: String?, name: String?, support: Bool? = nil) {
        self.id = id
        self.name = name
        self.support = support
    }
}

/// Body of `POST .../objectstorage/buckets/prefix`.
public struct CheckPrefixReq: Codable, Hashable, Sendable {
    public var cloudType: CloudType
    public var ak: String?
    public var sk: String?
    public var jsonAuthFile: String?
    public var appId: String?
    public var bucketName: String
    /// The prefix to look for.
    public var fileName: String
    public var dataCenter: String
    public var securityToken: String?

    public init(
        cloudType: CloudType, bucketName: String, fileName: String, dataCenter: String, ak: String? = nil,
        sk: String? = nil, jsonAuthFile: String? = nil, appId: String? = nil, securityToken: String? = nil
    ) {
        self.cloudType = cloudType
        self.bucketName = bucketName
        self.fileName = fileName
        self.dataCenter = dataCenter
        self.ak = ak
        self.sk = sk
        self.jsonAuthFile = jsonAuthFile
        self.appId = appId
        self.securityToken = securityToken
    }

    enum CodingKeys: String, CodingKey {
        case cloudType = "cloud_type"
        case ak, sk
        case jsonAuthFile = "json_auth_file"
        case appId = "app_id"
        case bucketName = "bucket_name"
        case fileName = "file_name"
        case dataCenter = "data_center"
        case securityToken = "security_token"
    }
}

public struct CheckPrefixResp: Codable, Hashable, Sendable {
    public var exist: Bool?
    public init(exist: Bool?) { self.exist = exist }
}

/// One element of `GET .../objectstorage/data-center`.
public struct ShowRegionInfoResp: Codable, Hashable, Sendable {
    public var serviceName: String?
    public var regionList: [RegionInfo]?

    public init(serviceName: String?, regionList: [RegionInfo]?) {
        self.serviceName = serviceName
        self.regionList = regionList
    }

    enum CodingKeys: String, CodingKey {
        case serviceName = "service_name"
        case regionList = "region_list"
    }
}

public struct RegionInfo: Codable, Hashable, Sendable {
    public var cloudType: String?
    public var value: String?
    public var description: String?

    public init(cloudType: String?, value: String?, description: String?) {
        self.cloudType = cloudType
        self.value = value
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case cloudType = "cloud_type"
        case value, description
    }
}

/// `type` query parameter of the cloud-type listing.
public enum ConnectionEnd: String, Codable, Sendable {
    case src, dst
}
