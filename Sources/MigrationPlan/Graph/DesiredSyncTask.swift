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
