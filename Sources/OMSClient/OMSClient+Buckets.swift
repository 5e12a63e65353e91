import Foundation
import OMSModels

/// Bucket operations, clouds, regions and API versions (reference 6.1, 6.4 to 6.6).
/// The bucket calls are POSTs that only read, so they are retried like GETs.
extension OMSClient {
    public func listBucketObjects(_ request: ListBucketObjectsReq) async throws(OMSClientError) -> ListBucketObjectsResp {
        let response = try await perform(
            Call(operation: "ListBucketObjects", method: "POST", path: projectPath("/objectstorage/buckets/objects")),
            body: request)
        return try decode(ListBucketObjectsResp.self, response, operation: "ListBucketObjects")
    }

    public func showCdnInfo(_ request: ShowCdnInfoReq) async throws(OMSClientError) -> ShowCdnInfoResp {
        let response = try await perform(
            Call(operation: "ShowCdnInfo", method: "POST", path: projectPath("/objectstorage/buckets/cdn-info")), body: request)
        return try decode(ShowCdnInfoResp.self, response, operation: "ShowCdnInfo")
    }

    public func listBuckets(_ request: ListBucketsReq) async throws(OMSClientError) -> [String] {
        let response = try await perform(
            Call(operation: "ListBuckets", method: "POST", path: projectPath("/objectstorage/buckets")), body: request)
        return try decode([String].self, response, operation: "ListBuckets")
    }

    public func showBucketRegion(_ request: ShowBucketRegionReq) async throws(OMSClientError) -> ShowBucketRegionResp {
        let response = try await perform(
            Call(operation: "ShowBucketRegion", method: "POST", path: projectPath("/objectstorage/buckets/regions")),
            body: request)
        return try decode(ShowBucketRegionResp.self, response, operation: "ShowBucketRegion")
    }

    public func checkPrefix(_ request: CheckPrefixReq) async throws(OMSClientError) -> CheckPrefixResp {
        let response = try await perform(
            Call(operation: "CheckPrefix", method: "POST", path: projectPath("/objectstorage/buckets/prefix")), body: request)
        return try decode(CheckPrefixResp.self, response, operation: "CheckPrefix")
    }

    public func listCloudTypes(_ end: ConnectionEnd) async throws(OMSClientError) -> [String] {
        try await perform(
            Call(
                operation: "ListCloudTypes", method: "GET", path: projectPath("/objectstorage/cloud-type"),
                query: [("type", end.rawValue)]),
            decoding: [String].self)
    }

    public func listRegions() async throws(OMSClientError) -> [ShowRegionInfoResp] {
        try await perform(
            Call(operation: "ListRegions", method: "GET", path: projectPath("/objectstorage/data-center")),
            decoding: [ShowRegionInfoResp].self)
    }

    public func listAPIVersions() async throws(OMSClientError) -> ListAPIVersionsResp {
        try await perform(Call(operation: "ListAPIVersions", method: "GET", path: "/"), decoding: ListAPIVersionsResp.self)
    }

    public func showAPIVersion(_ version: String) async throws(OMSClientError) -> APIVersion {
        try await perform(Call(operation: "ShowAPIVersion", method: "GET", path: "/\(version)"), decoding: APIVersion.self)
    }
}
