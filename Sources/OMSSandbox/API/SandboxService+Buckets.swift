import Foundation
import OMSModels

/// Bucket operations (6.4), clouds (6.5), regions (6.6) and versions (6.1), answered from the
/// local bucket folders.
extension SandboxService {
    private func authorize(_ cloud: CloudType, _ region: String, _ bucket: String, _ ak: String?, _ sk: String?) throws(SandboxError) {
        typealias Location = RequestValidator.Location
        try Location.cloud("cloud_type", cloud)
        try Location.region("region", region)
        try Location.bucket("bucket_name", bucket)
        do {
            try buckets.authorize(cloud: cloud, region: region, bucket: bucket, ak: ak, sk: sk, from: .client)
        } catch {
            if error == .noSuchBucket {
                let hint = configuration.missingBucketHint(cloud: cloud, region: region, bucket: bucket)
                throw .badRequest(.invalidSourceBucket, "Bucket '\(bucket)' does not exist in \(cloud) \(region)." + hint)
            }
            throw .badRequest(.sourceBucketUnreadable, "The AK/SK cannot access bucket '\(bucket)'.")
        }
    }

    func listBucketObjects(_ body: Data) throws(SandboxError) -> ListBucketObjectsResp {
        let request = try Self.decode(ListBucketObjectsReq.self, body)
        guard (0...100).contains(request.pageSize) else { throw .outOfRange("page_size", "0 to 100") }
        guard request.filePath.isEmpty || request.filePath.hasSuffix("/") else { throw .outOfRange("file_path", "must end with /") }
        try RequestValidator.Location.key("file_path", request.filePath, allowEmpty: true)
        try authorize(request.cloudType, request.dataCenter, request.bucketName, request.ak, request.sk)
        // Direct children of the folder: objects, and sub-folders shown with size "--".
        let (page, more) = buckets.folderPage(
            cloud: request.cloudType, region: request.dataCenter, bucket: request.bucketName, folder: request.filePath,
            after: request.behindFilename, limit: request.pageSize)
        let records = page.map { BucketRecord(name: $0.name, size: $0.size.map(Self.humanSize) ?? "--") }
        return ListBucketObjectsResp(nextPage: more, nextMarker: more ? page.last?.name : nil, records: records)
    }

    static func humanSize(_ bytes: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.2f %@", value, units[unit])
    }

    func showCdnInfo(_ body: Data) throws(SandboxError) -> ShowCdnInfoResp {
        let request = try Self.decode(ShowCdnInfoReq.self, body)
        try authorize(request.cloudType, request.region, request.bucket, request.ak, request.sk)
        for key in request.prefix?.keys ?? [] { try RequestValidator.Location.key("prefix.keys", key) }
        let checked = (request.prefix?.keys ?? []).map { key in
            let exists = buckets.object(cloud: request.cloudType, region: request.region, bucket: request.bucket, key: key) != nil
            return CheckedKey(key: key, isEtagMatching: exists, isObjectExisting: exists)
        }
        return ShowCdnInfoResp(isSameCloudType: true, isDownloadAvailable: true, checkedKeys: checked)
    }

    func listBuckets(_ body: Data) throws(SandboxError) -> [String] {
        let request = try Self.decode(ListBucketsReq.self, body)
        guard request.cloudType.canonical.isDocumented || request.cloudType.sameValue(as: .hec) else {
            throw .outOfRange("cloud_type", "'\(request.cloudType)' is not a supported cloud")
        }
        return buckets.bucketNames(cloud: request.cloudType).filter { name in
            guard let region = buckets.region(cloud: request.cloudType, bucket: name) else { return false }
            return (try? buckets.authorize(cloud: request.cloudType, region: region, bucket: name, ak: request.ak, sk: request.sk, from: .client)) != nil
        }
    }

    func showBucketRegion(_ body: Data) throws(SandboxError) -> ShowBucketRegionResp {
        let request = try Self.decode(ShowBucketRegionReq.self, body)
        try RequestValidator.Location.cloud("cloud_type", request.cloudType)
        try RequestValidator.Location.bucket("bucket_name", request.bucketName)
        guard let region = buckets.region(cloud: request.cloudType, bucket: request.bucketName) else {
            throw .badRequest(
                .invalidSourceBucket,
                "Bucket '\(request.bucketName)' does not exist in \(request.cloudType)."
                    + configuration.missingBucketHint(cloud: request.cloudType, region: nil, bucket: request.bucketName))
        }
        try authorize(request.cloudType, region, request.bucketName, request.ak, request.sk)
        return ShowBucketRegionResp(id: region, name: region, support: true)
    }

    func checkPrefix(_ body: Data) throws(SandboxError) -> CheckPrefixResp {
        let request = try Self.decode(CheckPrefixReq.self, body)
        try authorize(request.cloudType, request.dataCenter, request.bucketName, request.ak, request.sk)
        try RequestValidator.Location.key("file_name", request.fileName, allowEmpty: true)
        let found = !buckets.list(cloud: request.cloudType, region: request.dataCenter, bucket: request.bucketName, prefix: request.fileName).isEmpty
        return CheckPrefixResp(exist: found)
    }

    func listCloudTypes(_ type: String?) throws(SandboxError) -> [String] {
        guard let type, !type.isEmpty else { throw .missing("type") }
        switch type {
        case "src": return CloudType.documented.map(\.rawValue)
        case "dst": return [CloudType.huaweiCloud.rawValue]
        default: throw .outOfRange("type", "src or dst")
        }
    }

    /// The regions each cloud offers: OMS's table (`RegionCatalog`, the one validation reads)
    /// in its order and with its descriptions, then every other region that has buckets.
    func listRegions() -> [ShowRegionInfoResp] {
        let catalog = RegionCatalog.shipped
        return CloudType.documented.filter { $0 != .urlSource }.map { cloud in
            let listed = catalog.entries(of: cloud)
            let known = Set(listed.compactMap(\.value))
            let extra = buckets.regionNames(cloud: cloud).filter { !known.contains($0) }.sorted()
            return ShowRegionInfoResp(
                serviceName: cloud.rawValue,
                regionList: listed + extra.map { RegionInfo(cloudType: cloud.rawValue, value: $0, description: $0) })
        }
    }

    func apiVersions(baseURL: String) -> ListAPIVersionsResp {
        ListAPIVersionsResp(versions: ["v1", "v2"].map { apiVersion($0, baseURL: baseURL)! })
    }

    func apiVersion(_ id: String, baseURL: String) -> APIVersion? {
        guard id == "v1" || id == "v2" else { return nil }
        return APIVersion(
            id: id, links: [Link(href: "\(baseURL)/\(id)/", rel: "self")], status: id == "v2" ? .current : .supported,
            updated: id == "v2" ? "2020-04-01T12:00:00Z" : "2020-01-01T12:00:00Z")
    }
}
