import Foundation
import MigrationPlan
import OMSClient

/// The fields OMS cannot change in place, as plan paths with normalised values, built the same
/// way from what the plan sends and from what OMS reports: case of types and clouds, seconds
/// versus milliseconds, defaults OMS fills in, empty strings versus absent values.
struct SpecView: Equatable {
    var fields: [String: JSONValue] = [:]

    init() {}

    /// Paths that differ, in a stable order, with before (live) and after (desired).
    static func differences(live: SpecView, desired: SpecView, ignoring: Set<String> = []) -> [FieldChange] {
        Set(live.fields.keys).union(desired.fields.keys).subtracting(ignoring).sorted().compactMap { path in
            let before = live.fields[path] ?? .null
            let after = desired.fields[path] ?? .null
            return before == after ? nil : FieldChange(path: path, before: before, after: after, forcesReplacement: true)
        }
    }

    private mutating func set(_ path: String, _ value: String?, default fallback: String = "") {
        fields[path] = .string(value ?? fallback)
    }

    // MARK: Tasks

    init(desired r: CreateTaskReq, userDescription: String?) {
        self.init(
            type: (r.taskType ?? .object).canonical.rawValue, cloud: r.srcNode.cloudType, region: r.srcNode.region,
            bucket: r.srcNode.bucket, appId: r.srcNode.appId, keys: r.srcNode.objectKey, listFile: r.srcNode.listFile,
            dstRegion: r.dstNode.region, dstBucket: r.dstNode.bucket, savePrefix: r.dstNode.savePrefix,
            description: userDescription, migrateSinceSeconds: r.migrateSince,
            cdn: r.sourceCdn.map { ($0.domain, $0.protocol, $0.authenticationType) },
            options: r.options)
    }

    init(live t: TaskResp, userDescription: String?) {
        self.init(
            type: (t.taskType ?? .object).canonical.rawValue, cloud: t.srcNode?.cloudType, region: t.srcNode?.region,
            bucket: t.srcNode?.bucket, appId: t.srcNode?.appId, keys: t.srcNode?.objectKey, listFile: t.srcNode?.listFile,
            dstRegion: t.dstNode?.region, dstBucket: t.dstNode?.bucket, savePrefix: t.dstNode?.savePrefix,
            description: userDescription, migrateSinceSeconds: t.migrateSinceSeconds,
            cdn: t.sourceCdn.map { ($0.domain, $0.protocol, $0.authenticationType) },
            options: t.options)
    }

    // MARK: Groups

    init(desired r: CreateTaskGroupReq, userDescription: String?) {
        self.init(
            type: (r.taskType ?? .prefix).canonical.rawValue.lowercased(), cloud: r.srcNode.cloudType, region: r.srcNode.region,
            bucket: r.srcNode.bucket, appId: r.srcNode.appId, keys: r.srcNode.objectKey, listFile: r.srcNode.listFile,
            dstRegion: r.dstNode.region, dstBucket: r.dstNode.bucket, savePrefix: r.dstNode.savePrefix,
            description: userDescription, migrateSinceSeconds: r.migrateSince,
            cdn: r.sourceCdn.map { ($0.domain, $0.protocol, $0.authenticationType) },
            options: r.options)
    }

    init(live g: TaskGroupResp, userDescription: String?) {
        self.init(
            type: (g.taskType ?? .prefix).canonical.rawValue.lowercased(), cloud: g.srcNode?.cloudType, region: g.srcNode?.region,
            bucket: g.srcNode?.bucket, appId: g.srcNode?.appId, keys: g.srcNode?.objectKey, listFile: g.srcNode?.listFile,
            dstRegion: g.dstNode?.region, dstBucket: g.dstNode?.bucket, savePrefix: g.dstNode?.savePrefix,
            description: userDescription, migrateSinceSeconds: g.migrateSinceSeconds,
            cdn: g.sourceCdn.map { ($0.domain, $0.protocol, $0.authenticationType) },
            options: g.options)
    }

    // MARK: Synchronization tasks

    init(desired r: CreateSyncTaskReq, userDescription: String?) {
        self.init(syncCloud: r.srcCloudType, region: r.srcRegion, bucket: r.srcBucket, appId: r.appId, dstRegion: r.dstRegion,
                  dstBucket: r.dstBucket, description: userDescription,
                  cdn: r.sourceCdn.map { ($0.domain, $0.protocol, $0.authenticationType) },
                  options: MigrationOptions(consistencyCheck: r.consistencyCheck, dstStoragePolicy: r.dstStoragePolicy,
                                            enableMetadataMigration: r.enableMetadataMigration, enableRestore: r.enableRestore))
    }

    init(live s: SyncTaskInfo, userDescription: String?) {
        self.init(syncCloud: s.srcCloudType, region: s.srcRegion, bucket: s.srcBucket, appId: s.appId, dstRegion: s.dstRegion,
                  dstBucket: s.dstBucket, description: userDescription,
                  cdn: s.sourceCdn.map { ($0.domain, $0.protocol, $0.authenticationType) },
                  options: MigrationOptions(consistencyCheck: s.consistencyCheck, dstStoragePolicy: s.dstStoragePolicy,
                                            enableMetadataMigration: s.enableMetadataMigration, enableRestore: s.enableRestore))
    }

    /// A synchronization task has no type, keys or save prefix, and four of the options.
    private init(
        syncCloud cloud: CloudType?, region: String?, bucket: String?, appId: String?, dstRegion: String?, dstBucket: String?,
        description: String?, cdn: (String?, CdnProtocol?, CdnAuthenticationType?)?, options: MigrationOptions
    ) {
        let cloudValue = (cloud ?? .aliyun).canonical
        set("source.cloud", cloudValue.rawValue)
        set("source.region", region)
        set("source.bucket", bucket)
        if cloudValue == .tencent { set("source.appId", appId) }
        set("destination.region", dstRegion)
        set("destination.bucket", dstBucket)
        set("description", description)
        if let cdn {
            fields["source.cdn"] = .object([
                "domain": .string(cdn.0 ?? ""), "protocol": .string((cdn.1?.rawValue ?? "").lowercased()),
                "authType": .string((cdn.2 ?? .none).canonical.rawValue),
            ])
        }
        let syncOptions: Set<String> = ["options.consistencyCheck", "options.dstStoragePolicy", "options.enableMetadataMigration", "options.enableRestore"]
        for (path, value) in options.withOMSDefaults.planFields where syncOptions.contains(path) {
            switch value {
            case .flag(let flag): fields[path] = flag.map(JSONValue.bool) ?? .null
            case .name(let name): fields[path] = .string(name ?? "")
            }
        }
    }

    private init(
        type: String, cloud: CloudType?, region: String?, bucket: String?, appId: String?, keys: [String]?,
        listFile: ListFile?, dstRegion: String?, dstBucket: String?, savePrefix: String?, description: String?,
        migrateSinceSeconds: Int64?, cdn: (String?, CdnProtocol?, CdnAuthenticationType?)?, options: MigrationOptions
    ) {
        let cloudValue = (cloud ?? .aliyun).canonical
        fields["type"] = .string(type)
        set("source.cloud", cloudValue.rawValue)
        if cloudValue != .urlSource {
            set("source.region", region)
            set("source.bucket", bucket)
        }
        if cloudValue == .tencent { set("source.appId", appId) }
        switch type {
        case "prefix": fields["source.prefixes"] = .array((keys ?? [""]).sorted().map(JSONValue.string))
        case "object": fields["source.objects"] = .array((keys ?? []).sorted().map(JSONValue.string))
        default:
            fields["source.listFile"] = .object([
                "bucket": .string(listFile?.obsBucket ?? ""), "key": .string(listFile?.listFileKey ?? ""),
            ])
        }
        set("destination.region", dstRegion)
        set("destination.bucket", dstBucket)
        set("destination.savePrefix", savePrefix)
        set("description", description)
        fields["options.migrateSince"] = .number(Double(migrateSinceSeconds ?? 0))
        if let cdn {
            fields["source.cdn"] = .object([
                "domain": .string(cdn.0 ?? ""), "protocol": .string((cdn.1?.rawValue ?? "").lowercased()),
                "authType": .string((cdn.2 ?? .none).canonical.rawValue),
            ])
        }
        // Options compare with OMS's defaults filled in on both sides (one table: MigrationOptions).
        for (path, value) in options.withOMSDefaults.planFields {
            switch value {
            case .flag(let flag): fields[path] = flag.map(JSONValue.bool) ?? .null
            case .name(let name): fields[path] = .string(name ?? "")
            }
        }
    }
}

/// Bandwidth rules in a canonical order and the contract's JSON shape.
enum BandwidthRules {
    static func normalized(_ rules: [BandwidthPolicy]?) -> [BandwidthPolicy] {
        (rules ?? []).sorted { ($0.start ?? "", $0.end ?? "") < ($1.start ?? "", $1.end ?? "") }
    }

    static func json(_ rules: [BandwidthPolicy]) -> JSONValue {
        .array(normalized(rules).map { rule in
            .object([
                "start": .string(rule.start ?? ""), "end": .string(rule.end ?? ""),
                "maxBandwidth": .number(Double(rule.maxBandwidth ?? 0)),
            ])
        })
    }
}
