import Foundation
import OMSModels

// `MigrationTaskGroup`: the plan's side of one OMS task group (its resolved form, its identity).
// The loop's side is Reconciler/Kinds/MigrationTaskGroupKind.swift.

/// A `MigrationTaskGroup`, fully resolved.
public struct DesiredTaskGroup: DesiredOMSResource, Hashable {
    public var address: ResourceAddress
    public var labels: [String: String]
    /// The create body without secrets, marker in `description`, today's bandwidth rules.
    public var request: CreateTaskGroupReq
    public var userDescription: String?
    public var marker: OwnershipMarker
    public var fingerprint: String { marker.fingerprint }
    public var secrets: ResolvedSecrets
    public var state: DesiredRunState
    public var onFailure: FailurePolicy
    public var dependsOn: [ResourceAddress]
    public var replaceOnChange: Bool
    public var adoptID: String?
    public var bandwidth: BandwidthSource
    public var bandwidthPolicy: [BandwidthPolicy] { request.bandwidthPolicy ?? [] }

    /// As for tasks: the canonical form, computed on demand.
    public var canonicalJSON: String {
        var r = request
        r.description = userDescription
        return Fingerprint.canonical(address: address, body: RequestJSON.group(r), state: state, onFailure: onFailure, dependsOn: dependsOn,
                                     replaceOnChange: replaceOnChange, adoptID: adoptID, bandwidth: bandwidth)
    }
    public var sourceCredentials: String?
    public var destinationCredentials: String
    public var generatedBy: ResourceAddress? { nil }
    public var declaredAt: SourceLocation
    public var fieldLocations: [String: SourceLocation]
    /// The bandwidth windows as written (schedule or inline), for review; nil without
    /// `bandwidth`. Not part of identity: the compiled rules in `request` are.
    public var bandwidthWindows: BandwidthScheduleDefinition? = nil
    public var deadline: Date? = nil

    /// The create body with credentials and the CDN key, for POST /taskgroups.
    public func requestWithSecrets() throws(MissingSecretsError) -> CreateTaskGroupReq {
        try secrets.require(for: address)
        var r = request
        if let s = secrets.source {
            r.srcNode.ak = s.accessKey?.value
            r.srcNode.sk = s.secretKey?.value
            r.srcNode.jsonAuthFile = s.json
        }
        r.dstNode.ak = secrets.dstAK
        r.dstNode.sk = secrets.dstSK
        if r.sourceCdn != nil { r.sourceCdn?.authenticationKey = secrets.cdnKey }
        return r
    }

    /// The body of PUT /taskgroups/{id}/start (resume).
    public func startRequest() throws(MissingSecretsError) -> StartTaskGroupReq {
        try secrets.require(for: address)
        return StartTaskGroupReq(srcAk: secrets.srcAK, srcSk: secrets.srcSK, jsonAuthFile: secrets.source?.json,
                                 dstAk: secrets.dstAK, dstSk: secrets.dstSK, sourceCdnAuthenticationKey: secrets.cdnKey)
    }

    /// The body of PUT /taskgroups/{id}/retry.
    public func retryRequest(migrateFailedObjects: Bool) throws(MissingSecretsError) -> RetryTaskGroupReq {
        try secrets.require(for: address)
        return RetryTaskGroupReq(srcAk: secrets.srcAK, srcSk: secrets.srcSK, jsonAuthFile: secrets.source?.json,
                                 dstAk: secrets.dstAK, dstSk: secrets.dstSK, sourceCdnAuthenticationKey: secrets.cdnKey,
                                 migrateFailedObject: migrateFailedObjects)
    }
}

extension Fingerprint {
    /// As for tasks, without priority (groups have none).
    public static let excludedGroupFields: Set<String> = ["bandwidth_policy", "ak", "sk", "json_auth_file", "authentication_key"]

    /// Identity of a task group: see `excludedGroupFields`.
    static func group(_ request: CreateTaskGroupReq, userDescription: String?) -> String {
        var r = request
        r.description = userDescription
        r.bandwidthPolicy = nil
        return hex8(RequestJSON.group(r))
    }
}

extension GraphBuilder {
    /// The group's create body, identity and resolved form from the parts `build` resolved.
    func buildGroup(_ d: TaskDraft, _ p: BuildParts, dependsOn deps: [ResourceAddress]) -> DesiredResource {
        let o = d.options
        var r = CreateTaskGroupReq(
            srcNode: TaskGroupSrcNode(cloudType: CloudType(rawValue: p.cloud), region: d.source.region?.value,
                                      bucket: d.source.bucket?.value, appId: d.source.appId?.value, objectKey: p.keys,
                                      listFile: d.source.listFile),
            dstNode: TaskGroupDstNode(region: p.dstRegion, bucket: p.dstBucket, savePrefix: d.destination.savePrefix?.value),
            taskType: TaskGroupType(rawValue: p.type.uppercased()), description: p.user,
            bandwidthPolicy: p.policy, smnConfig: o.notifications, sourceCdn: p.cdn,
            migrateSince: o.migrateSince == 0 ? nil : o.migrateSince)
        r.options = p.options
        let fp = Fingerprint.group(r, userDescription: p.user)
        let marker = OwnershipMarker(stack: stack.name, address: d.address, fingerprint: fp)
        r.description = marker.description(userDescription: p.user)
        return .taskGroup(DesiredTaskGroup(
            address: d.address, labels: d.labels, request: r, userDescription: p.user, marker: marker,
            secrets: p.secrets, state: p.state, onFailure: d.onFailure, dependsOn: deps, replaceOnChange: d.replaceOnChange,
            adoptID: d.adoptID?.value, bandwidth: p.bandwidth, sourceCredentials: d.source.credentials?.value,
            destinationCredentials: p.destinationCredentials, declaredAt: p.declared, fieldLocations: p.locations,
            bandwidthWindows: p.windows, deadline: d.deadline))
    }
}
