import Foundation
import OMSModels

/// Bucket operations, clouds, regions and API versions (reference 6.1, 6.4 to 6.6).
/// The bucket calls are POSTs that only read, so they are retried like GETs.
extension OMSClient {
    public func listBucketObjects(_ request: ListBucketObjectsReq) async throws(OMSClientError) -> ListBucketObjectsResp {
        try await ask("ListBucketObjects", "/objectstorage/buckets/objects", request)
    }

    public func showCdnInfo(_ request: ShowCdnInfoReq) async throws(OMSClientError) -> ShowCdnInfoResp {
        try await ask("ShowCdnInfo", "/objectstorage/buckets/cdn-info", request)
    }

    public func listBuckets(_ request: ListBucketsReq) async throws(OMSClientError) -> [String] {
        try await ask("ListBuckets", "/objectstorage/buckets", request)
    }

    public func showBucketRegion(_ request: ShowBucketRegionReq) async throws(OMSClientError) -> ShowBucketRegionResp {
        try await ask("ShowBucketRegion", "/objectstorage/buckets/regions", request)
    }

    public func checkPrefix(_ request: CheckPrefixReq) async throws(OMSClientError) -> CheckPrefixResp {
        try await ask("CheckPrefix", "/objectstorage/buckets/prefix", request)
    }

    /// One bucket question: a POST of `request` under the project, its answer decoded. They
    /// only read, so they are retried like GETs.
    private func ask<Request: Encodable, Answer: Decodable>(
        _ operation: String, _ path: String, _ request: Request
    ) async throws(OMSClientError) -> Answer {
        try await perform(Call(operation: operation, method: "POST", path: projectPath(path)), body: request, decoding: Answer.self)
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
