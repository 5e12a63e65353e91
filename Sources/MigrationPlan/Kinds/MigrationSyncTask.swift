import Foundation
import OMSModels

// `MigrationSyncTask`: the plan's side of one OMS synchronization task: what its spec takes
// and refuses, its resolved form, its identity and its build. The loop's side is
// Reconciler/Kinds/MigrationSyncTaskKind.swift.

extension SpecFields {
    /// `MigrationSyncTask`: what a synchronization task can take (it follows a whole bucket,
    /// has no bandwidth rules, and never finishes, so it has no failure policy either).
    static let syncTask: Set<String> = ["source", "destination", "description", "state", "dependsOn", "adopt", "options", "suspend"]
    static let syncSource: Set<String> = ["cloud", "region", "bucket", "credentials", "appId", "cdn"]
    static let syncDestination: Set<String> = ["region", "bucket", "credentials"]
    static let syncOptions: Set<String> = ["enableMetadataMigration", "enableRestore", "dstStoragePolicy", "consistencyCheck"]
    /// Clouds a synchronization task can follow (the SDK's `src_cloud_type`).
    static let syncClouds = ["AWS", "Azure", "Aliyun", "Tencent", "HuaweiCloud", "QingCloud", "KingsoftCloud", "Baidu", "Qiniu", "UCloud"]
}

/// The loader's rules of a `MigrationSyncTask`: a whole bucket, no type, no bandwidth, no
/// failure policy, no deadline.
struct MigrationSyncTaskPlan: PlanKind {
    let kind = ResourceKind.migrationSyncTask
    let noun = "synchronization task"
    let specFields = SpecFields.syncTask
    let sourceFields = SpecFields.syncSource
    let destinationFields = SpecFields.syncDestination
    let optionFields = SpecFields.syncOptions
    let types: [String]? = nil
    let finishes = false
    let securityTokenHint: String? = "use permanent keys for synchronization tasks"
    /// Stack defaults it does not take (it takes the rest: credentials, clouds, regions, its options).
    let skippedDefaults: Set<String> = {
        var skips: Set<String> = ["type", "bandwidth", "onFailure", "replaceOnChange", "destination.savePrefix", "incremental"]
        for key in SpecFields.source.subtracting(SpecFields.syncSource) { skips.insert("source." + key) }
        for key in SpecFields.options.subtracting(SpecFields.syncOptions) { skips.insert("options." + key) }
        return skips
    }()

    func refusal(_ key: String, in section: SpecSection) -> String? {
        switch section {
        case .spec:
            switch key {
            case "type": "MigrationSyncTask has no `type`: a synchronization task follows the whole source bucket"
            case "bandwidth": "MigrationSyncTask has no `bandwidth`: OMS synchronization tasks take no bandwidth rules"
            case "onFailure": "MigrationSyncTask has no `onFailure`: a synchronization task does not fail as a whole; failed objects are counted in its statistics"
            case "replaceOnChange": "MigrationSyncTask has no `replaceOnChange`: replacing a synchronization task loses no data, so it is never blocked"
            case "deadline": "MigrationSyncTask has no `deadline`: a synchronization task never finishes"
            case "acceptFailures": "MigrationSyncTask has no `acceptFailures`: a synchronization task never finishes, so there is no result for an acceptance to settle; its failed objects are counted in its statistics"
            case "incremental": "MigrationSyncTask has no `incremental`: a synchronization task follows the source bucket itself, so there is nothing for a pass to catch up"
            default: nil
            }
        case .source where ["prefixes", "objects", "listFile"].contains(key):
            "MigrationSyncTask has no `source.\(key)`: a synchronization task follows the whole source bucket"
        case .destination where key == "savePrefix":
            "MigrationSyncTask has no `destination.savePrefix`: a synchronization task writes each object under its own key"
        case .options where SpecFields.options.contains(key):
            "MigrationSyncTask has no `options.\(key)`: synchronization tasks take \(SpecFields.syncOptions.sorted().map { "`\($0)`" }.joined(separator: ", "))"
        default: nil
        }
    }

    func cloudProblem(_ cloud: String) -> (message: String, hint: String)? {
        SpecFields.syncClouds.contains(cloud) ? nil
            : ("a MigrationSyncTask cannot follow `cloud: \(cloud)`", "OMS synchronization tasks follow \(SpecFields.syncClouds.joined(separator: ", "))")
    }

    func adoptProblem(_ id: String) -> String? { textIDProblem(id) }

    /// A synchronization task reads one whole bucket with keys: region, bucket and
    /// credentials are required, `appId` belongs to Tencent only.
    func check(_ d: inout TaskDraft, _ spec: Fields, _ decoder: TaskSpecDecoder) {
        guard let source = spec.value("source"), source.pairs != nil else { return }
        let ctx = decoder.ctx
        let owner = spec.keyLoc("source") ?? spec.owner
        func has(_ key: String) -> Bool { source[key] != nil }
        func require(_ key: String, _ why: String, hint: String? = nil) {
            if !has(key) { ctx.error("missing `source.\(key)`: \(why)", at: owner, hint: hint) }
        }
        require("region", "the source bucket's region")
        require("bucket", "the bucket this synchronization task follows")
        require("credentials", "the name of the Credentials that read the source bucket")
        if d.source.cloud?.value == "Tencent" {
            require("appId", "Tencent Cloud buckets need the account's APPID", hint: "e.g. appId: \"1250000000\"")
        } else if has("appId") {
            ctx.error("`source.appId` is only for `cloud: Tencent`", at: source.pair("appId")?.keyLoc ?? owner)
        }
    }

    func build(_ d: TaskDraft, _ builder: GraphBuilder, dependsOn deps: [ResourceAddress],
               cache: inout [BandwidthScheduleDefinition: [BandwidthPolicy]?]) -> DesiredResource? {
        builder.buildSyncTask(d, dependsOn: deps)
    }
}

/// A `MigrationSyncTask`, fully resolved: an OMS synchronization task that copies the objects
/// of a whole source bucket to OBS as sync events name them.
///
/// Nothing in a synchronization task can be updated: every field is identity except the run
/// state (start/stop). Replacing one loses nothing (objects already copied stay, and the new
/// task copies what changes from then on), so a replacement is never held back for moved data.
///
/// Its `common` holds what a synchronization task cannot choose: no failure policy (it never
/// fails as a whole; failed objects are counted), always replaced on change (see above), no
/// bandwidth, no task set, no deadline (it never finishes). `buildSyncTask` sets them.
public struct DesiredSyncTask: DesiredOMSResource, Hashable {
    /// The create body without keys; `description` carries the ownership marker.
    public var request: CreateSyncTaskReq
    public var common: DesiredCommon
    public var bandwidthPolicy: [BandwidthPolicy] { [] }

    public var canonicalJSON: String { common.canonicalJSON(body: RequestJSON.syncTask(request.describing(userDescription))) }

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

extension RequestJSON {
    /// A synchronization task's create body, keys in sorted order.
    static func syncTask(_ r: CreateSyncTaskReq) -> String {
        ObjectWriter.object { w in
            w.str("app_id", r.appId); w.str("consistency_check", r.consistencyCheck); w.str("description", r.description)
            w.str("dst_ak", r.dstAk); w.str("dst_bucket", r.dstBucket); w.str("dst_crypto_type", r.dstCryptoType)
            w.str("dst_kms_key_id", r.dstKmsKeyId); w.str("dst_region", r.dstRegion); w.str("dst_sk", r.dstSk)
            w.str("dst_storage_policy", r.dstStoragePolicy); w.flag("enable_metadata_migration", r.enableMetadataMigration)
            w.flag("enable_restore", r.enableRestore); w.raw("source_cdn", cdn(r.sourceCdn)); w.str("src_ak", r.srcAk)
            w.str("src_bucket", r.srcBucket); w.str("src_cloud_type", r.srcCloudType); w.str("src_crypto_type", r.srcCryptoType)
            w.str("src_kms_key_id", r.srcKmsKeyId); w.str("src_region", r.srcRegion); w.str("src_sk", r.srcSk)
        }
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
        let o = d.options.migration
        let user = d.userDescription
        // OMS's defaults written out, as for tasks, so that leaving a field out and writing its
        // default are the same resource (one table: MigrationOptions).
        let defaults = MigrationOptions.omsDefaults
        var r = CreateSyncTaskReq(
            srcCloudType: CloudType(rawValue: cloud), srcRegion: region, srcBucket: bucket, srcAk: nil, srcSk: nil, dstAk: nil, dstSk: nil,
            dstRegion: d.destination.region?.value ?? stack.region, dstBucket: dstBucket, description: user,
            enableMetadataMigration: o.enableMetadataMigration ?? defaults.enableMetadataMigration, enableRestore: o.enableRestore ?? defaults.enableRestore,
            dstStoragePolicy: o.dstStoragePolicy ?? defaults.dstStoragePolicy,
            appId: d.source.appId?.value, sourceCdn: d.source.cdn?.request,
            consistencyCheck: o.consistencyCheck ?? defaults.consistencyCheck)
        var c = common(d, fingerprint: Fingerprint.syncTask(r, userDescription: user), user: user,
                       secrets: ResolvedSecrets(source: src.secrets, destination: dst.secrets, cdnAuthenticationKey: d.source.cdn?.authKey),
                       dependsOn: deps, sourceCredentials: d.source.credentials?.value, destinationCredentials: dstRef)
        c.replaceOnChange = true
        r.description = c.marker.description(userDescription: user)
        return .syncTask(DesiredSyncTask(request: r, common: c))
    }
}

extension CreateSyncTaskReq: DescribedBody {}
