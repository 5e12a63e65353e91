import Foundation
import OMSModels

/// A `MigrationSyncTask`, fully resolved: an OMS synchronization task that copies the objects
/// of a whole source bucket to OBS as sync events name them.
///
/// Nothing in a synchronization task can be updated: every field is identity except the run
/// state (start/stop). Replacing one loses nothing (objects already copied stay, and the new
/// task copies what changes from then on), so a replacement is never held back for moved data.
public struct DesiredSyncTask: DesiredOMSResource, Hashable {
    public var address: ResourceAddress
    public var labels: [String: String]
    /// The create body without keys; `description` carries the ownership marker.
    public var request: CreateSyncTaskReq
    public var userDescription: String?
    public var marker: OwnershipMarker
    public var fingerprint: String { marker.fingerprint }
    public var secrets: ResolvedSecrets
    public var state: DesiredRunState
    public var dependsOn: [ResourceAddress]
    public var adoptID: String?
    public var sourceCredentials: String?
    public var destinationCredentials: String
    public var declaredAt: SourceLocation
    public var fieldLocations: [String: SourceLocation]

    /// A synchronization task never fails as a whole (failed objects are counted), so there is
    /// nothing to restart or retry.
    public var onFailure: FailurePolicy { FailurePolicy() }
    /// Always true: see the type's comment.
    public var replaceOnChange: Bool { true }
    public var bandwidth: BandwidthSource { .none }
    public var bandwidthPolicy: [BandwidthPolicy] { [] }
    public var bandwidthWindows: BandwidthScheduleDefinition? { nil }
    public var generatedBy: ResourceAddress? { nil }
    /// A synchronization task never finishes.
    public var deadline: Date? { nil }

    public var canonicalJSON: String {
        var r = request
        r.description = userDescription
        return Fingerprint.canonical(address: address, body: RequestJSON.syncTask(r), state: state, onFailure: onFailure,
                                     dependsOn: dependsOn, replaceOnChange: replaceOnChange, adoptID: adoptID, bandwidth: bandwidth)
    }

    /// The create body with the keys and the CDN key filled in, for POST /sync-tasks.
    public func requestWithSecrets() throws(MissingSecretsError) -> CreateSyncTaskReq {
        try secrets.require(for: address)
        var r = request
        r.srcAk = secrets.srcAK
        r.srcSk = secrets.srcSK
        r.dstAk = secrets.dstAK
        r.dstSk = secrets.dstSK
        if r.sourceCdn != nil { r.sourceCdn?.authenticationKey = secrets.cdnKey }
        return r
    }

    /// The body of POST /sync-tasks/{id}/start (the keys again: OMS does not keep them).
    public func startRequest() throws(MissingSecretsError) -> StartSyncTaskReq {
        try secrets.require(for: address)
        return StartSyncTaskReq(srcAk: secrets.srcAK, srcSk: secrets.srcSK, dstAk: secrets.dstAK, dstSk: secrets.dstSK,
                                sourceCdnAuthenticationKey: secrets.cdnKey)
    }
}

extension Fingerprint {
    /// A synchronization task updates nothing in place: only its keys are left out.
    public static let excludedSyncTaskFields: Set<String> = ["src_ak", "src_sk", "dst_ak", "dst_sk", "authentication_key"]

    /// Identity of a synchronization task: every field but the keys (the request never holds
    /// them: the graph keeps secrets apart), with the user's description.
    static func syncTask(_ request: CreateSyncTaskReq, userDescription: String?) -> String {
        var r = request
        r.description = userDescription
        (r.srcAk, r.srcSk, r.dstAk, r.dstSk) = (nil, nil, nil, nil)
        r.sourceCdn?.authenticationKey = nil
        return hex8(RequestJSON.syncTask(r))
    }
}

extension GraphBuilder {
    /// Builds one synchronization task; nil when a required part is missing (reported).
    func buildSyncTask(_ d: TaskDraft, dependsOn deps: [ResourceAddress]) -> DesiredResource? {
        let src = lookupCredentials(d.source.credentials, role: "source")
        let dst = lookupCredentials(d.destination.credentials, role: "destination")
        for (c, ref, role) in [(src, d.source.credentials, "source"), (dst, d.destination.credentials, "destination")] {
            guard let c, let ref else { continue }
            if !c.hasAccessKey {
                ctx.error("\(role) credentials `\(ref.value)` have no access key; synchronization tasks need `accessKey` and `secretKey`",
                          at: ref.loc)
            }
            if c.secrets.token != nil {
                ctx.error("credentials `\(ref.value)` carry a security token, which OMS synchronization tasks cannot take", at: ref.loc,
                          hint: "use permanent keys for synchronization tasks")
            }
        }
        guard let cloud = d.source.cloud?.value, let region = d.source.region?.value, let bucket = d.source.bucket?.value,
            let dstBucket = d.destination.bucket?.value, let dstRef = d.destination.credentials?.value, let src, let dst,
            src.hasAccessKey, dst.hasAccessKey, src.secrets.token == nil, dst.secrets.token == nil
        else { return nil }
        var cdn: SourceCdnReq?
        if let c = d.source.cdn {
            cdn = SourceCdnReq(domain: c.domain, protocol: CdnProtocol(rawValue: c.protocol),
                               authenticationType: CdnAuthenticationType(rawValue: c.authType))
        }
        let o = d.options
        let user = d.description?.value.isEmpty == false ? d.description?.value : nil
        // OMS's defaults written out, as for tasks, so that leaving a field out and writing its
        // default are the same resource (one table: MigrationOptions).
        let defaults = MigrationOptions.omsDefaults
        var r = CreateSyncTaskReq(
            srcCloudType: CloudType(rawValue: cloud), srcRegion: region, srcBucket: bucket, srcAk: nil, srcSk: nil, dstAk: nil, dstSk: nil,
            dstRegion: d.destination.region?.value ?? stack.region, dstBucket: dstBucket, description: user,
            enableMetadataMigration: o.enableMetadataMigration ?? defaults.enableMetadataMigration, enableRestore: o.enableRestore ?? defaults.enableRestore,
            dstStoragePolicy: o.dstStoragePolicy.map(StoragePolicy.init(rawValue:)) ?? defaults.dstStoragePolicy,
            appId: d.source.appId?.value, sourceCdn: cdn,
            consistencyCheck: o.consistencyCheck.map(ConsistencyCheck.init(rawValue:)) ?? defaults.consistencyCheck)
        let fp = Fingerprint.syncTask(r, userDescription: user)
        let marker = OwnershipMarker(stack: stack.name, address: d.address, fingerprint: fp)
        r.description = marker.description(userDescription: user)
        // (mapValues keeps the table: no key is hashed again.)
        let locations = d.locations.mapValues { ctx.sink.files.location($0) }
        return .syncTask(DesiredSyncTask(
            address: d.address, labels: d.labels, request: r, userDescription: user, marker: marker,
            secrets: ResolvedSecrets(source: src.secrets, destination: dst.secrets, cdnAuthenticationKey: d.source.cdn?.authKey),
            state: d.paused ? .paused : .running, dependsOn: deps, adoptID: d.adoptID?.value,
            sourceCredentials: d.source.credentials?.value, destinationCredentials: dstRef,
            declaredAt: ctx.sink.files.location(d.declLoc), fieldLocations: locations))
    }
}
