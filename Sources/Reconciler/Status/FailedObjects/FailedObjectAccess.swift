import Foundation
import MigrationPlan
import OMSClient

/// How `status` reaches OBS to read the failed lists OMS wrote into destination buckets.
public struct FailedObjectAccess: Sendable {
    public enum Endpoint: Sendable, Hashable {
        /// `https://<bucket>.obs.<region>.myhuaweicloud.com`: the destination's region decides.
        case huaweiCloud
        /// One endpoint for every region (`OMS_OBS_ENDPOINT`, the embedded sandbox's OBS port).
        case fixed(ObjectStorageEndpoint)
    }

    /// Keys that sign the reads: the resource's destination Credentials (what OMS writes the
    /// list with), or fixed keys (the embedded sandbox's own, which open every bucket: it takes
    /// any key in task bodies, so it cannot check a signature made with the plan's stand-ins).
    public enum Keys: Sendable {
        case destinationCredentials
        case fixed(accessKey: String, secretKey: String)
    }

    public var endpoint: Endpoint
    public var keys: Keys
    /// At most this many OBS requests in flight (`--parallelism`).
    public var parallelism: Int
    public var requestTimeout: Duration
    /// The acceptances of a resource (the plan's `acceptFailures`, once it has them).
    public var acceptances: @Sendable (ResourceAddress) -> [any FailedObjectAcceptance]
    /// Files read per resource at most (a group's folder holds one per task and run).
    public var maximumFiles: Int
    var transport: (any HTTPTransport)?

    public init(
        endpoint: Endpoint, keys: Keys = .destinationCredentials, parallelism: Int = 8, requestTimeout: Duration = .seconds(30),
        acceptances: @escaping @Sendable (ResourceAddress) -> [any FailedObjectAcceptance] = { _ in [] }, maximumFiles: Int = 200,
        transport: (any HTTPTransport)? = nil
    ) {
        self.endpoint = endpoint
        self.keys = keys
        self.parallelism = max(1, parallelism)
        self.requestTimeout = requestTimeout
        self.acceptances = acceptances
        self.maximumFiles = max(1, maximumFiles)
        self.transport = transport
    }

    /// Where OBS is for a command: `OMS_OBS_ENDPOINT` when set (any region, path-style), else
    /// the embedded sandbox's OBS port with its keys, else the region's public endpoint.
    /// nil when `OMS_OBS_ENDPOINT` is not an `http(s)://host[:port]` URL (the error says so).
    public static func resolve(
        environment: [String: String], sandboxOBSEndpoint: String?, sandboxKeys: (accessKey: String, secretKey: String)?
    ) throws(FailedObjectAccessError) -> FailedObjectAccess {
        if let given = environment["OMS_OBS_ENDPOINT"], !given.isEmpty {
            guard let endpoint = ObjectStorageEndpoint.given(given) else { throw FailedObjectAccessError(endpoint: given) }
            return FailedObjectAccess(endpoint: .fixed(endpoint))
        }
        if let sandboxOBSEndpoint, let endpoint = ObjectStorageEndpoint.given(sandboxOBSEndpoint) {
            let keys = sandboxKeys.map { Keys.fixed(accessKey: $0.accessKey, secretKey: $0.secretKey) } ?? .destinationCredentials
            return FailedObjectAccess(endpoint: .fixed(endpoint), keys: keys)
        }
        return FailedObjectAccess(endpoint: .huaweiCloud)
    }

    /// A client for a bucket of `region`, signed with `credentials` (the resource's destination).
    func client(region: String, credentials: CredentialSecrets?) throws(FailedObjectNote) -> ObjectStorageClient {
        let signer: ObjectStorageSigner
        switch keys {
        case .fixed(let accessKey, let secretKey):
            signer = ObjectStorageSigner(accessKey: accessKey, secretKey: secretKey, region: region)
        case .destinationCredentials:
            guard let credentials, let accessKey = credentials.accessKey?.value, !accessKey.isEmpty,
                let secretKey = credentials.secretKey?.value, !secretKey.isEmpty
            else {
                let references = [credentials?.accessKey, credentials?.secretKey].compactMap { $0?.reference }
                throw FailedObjectNote(
                    "the destination Credentials\(credentials.map { "/\($0.name)" } ?? "") are not set"
                        + (references.isEmpty ? "" : " (\(references.joined(separator: ", ")))") + ": set them to read the failed list")
            }
            signer = ObjectStorageSigner(
                accessKey: accessKey, secretKey: secretKey, securityToken: credentials.securityToken?.value, region: region)
        }
        let base: ObjectStorageEndpoint
        switch endpoint {
        case .huaweiCloud: base = .huaweiCloud(region: region)
        case .fixed(let fixed): base = fixed
        }
        return ObjectStorageClient(endpoint: base, signer: signer, requestTimeout: requestTimeout, transport: transport)
    }
}

/// `OMS_OBS_ENDPOINT` is not a URL oms-plan can use.
public struct FailedObjectAccessError: Error, Sendable, CustomStringConvertible {
    public var endpoint: String
    public var description: String {
        "OMS_OBS_ENDPOINT must be an http(s)://host[:port] URL without a path (e.g. http://127.0.0.1:9000), found \(endpoint)"
    }
}

/// Why a resource's failed objects could not be read: shown as a note, never a failure.
struct FailedObjectNote: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
