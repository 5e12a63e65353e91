import Foundation
import OMSModels

// `MigrationTaskGroup`: the plan's side of one OMS task group: what its spec takes and refuses,
// its resolved form, its identity and its build. The loop's side is
// Reconciler/Kinds/MigrationTaskGroupKind.swift.

/// The loader's rules of a `MigrationTaskGroup`: a task's fields but object lists and priority.
struct MigrationTaskGroupPlan: TaskOrGroupPlan {
    let kind = ResourceKind.migrationTaskGroup
    let noun = "task group"
    let sourceFields = SpecFields.source.subtracting(["objects"])
    let optionFields = SpecFields.options.subtracting(["priority"])
    let types: [String]? = ["prefix", "list", "url_list"]
    let skippedDefaults: Set<String> = ["options.priority", "source.objects"]
    let readsObjectKeys = false
    let keyListHint: String? = nil
    let securityTokenHint: String? = "use permanent keys for task groups, or a MigrationTask per prefix"

    func refusal(_ key: String, in section: SpecSection) -> String? {
        switch (section, key) {
        case (.typeValue, "object"): "OMS task groups have no `object` type"
        case (.source, "objects"): "MigrationTaskGroup has no `source.objects`: OMS task groups migrate prefixes or lists"
        case (.options, "priority"): "MigrationTaskGroup has no `options.priority`: OMS task groups have no priority"
        default: nil
        }
    }

    func adoptProblem(_ id: String) -> String? { textIDProblem(id) }

    /// The group's create body from the parts `buildTaskOrGroup` resolved.
    func request(_ d: TaskDraft, _ p: GraphBuilder.BuildParts) -> CreateTaskGroupReq {
        let o = d.options
        return CreateTaskGroupReq(
            srcNode: TaskGroupSrcNode(cloudType: CloudType(rawValue: p.cloud), region: d.source.region?.value,
                                      bucket: d.source.bucket?.value, appId: d.source.appId?.value, objectKey: p.keys,
                                      listFile: d.source.listFile),
            dstNode: TaskGroupDstNode(region: p.dstRegion, bucket: p.dstBucket, savePrefix: d.destination.savePrefix?.value),
            taskType: TaskGroupType(rawValue: p.type.uppercased()), description: p.user,
            bandwidthPolicy: p.policy, smnConfig: o.notifications, sourceCdn: p.cdn,
            migrateSince: o.migrateSince == 0 ? nil : o.migrateSince)
    }

    func fingerprint(_ request: CreateTaskGroupReq, userDescription: String?) -> String {
        Fingerprint.group(request, userDescription: userDescription)
    }

    func node(_ request: CreateTaskGroupReq, _ common: DesiredCommon) -> DesiredResource {
        .taskGroup(DesiredTaskGroup(request: request, common: common))
    }
}

/// A `MigrationTaskGroup`, fully resolved.
public struct DesiredTaskGroup: DesiredOMSResource, Hashable {
    /// The create body without secrets, marker in `description`, today's bandwidth rules.
    public var request: CreateTaskGroupReq
    public var common: DesiredCommon
    public var bandwidthPolicy: [BandwidthPolicy] { request.bandwidthPolicy ?? [] }

    /// As for tasks: the canonical form, computed on demand.
    public var canonicalJSON: String { common.canonicalJSON(body: RequestJSON.group(request.describing(userDescription))) }

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

extension CreateTaskGroupReq: DescribedBody {}
