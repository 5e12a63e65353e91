import Foundation
import MigrationPlan
import OMSModels

/// The spec of one imported document: every field the differ compares, read from what OMS
/// answers and spelled as the plan spells it, so that stack defaults cannot change any of them.
struct ImportSpec {
    var kind: ResourceKind
    var id: String
    /// nil for a synchronization task, which has no type.
    var type: String?
    var cloud: String
    var region, bucket, appId: String?
    var keys: [String] = []
    var listFile: ListFile?
    var cdn: SourceCdnResp?
    var dstRegion, dstBucket, savePrefix: String?
    var description: String?
    var options: MigrationOptions
    var migrateSince: Int64?
    var paused: Bool
    /// nil for a synchronization task, which takes no bandwidth rules.
    var bandwidth: [BandwidthPolicy]?
    var priority: TaskPriority?
    /// The name OMS gives it, or what stands in for one (groups and sync tasks have none).
    var ownName: String

    init(_ t: TaskResp) {
        (kind, id, type) = (.migrationTask, String(t.liveId), (t.taskType ?? .object).canonical.rawValue)
        (cloud, region, bucket, appId) = ((t.srcNode?.cloudType ?? .aliyun).canonical.rawValue, t.srcNode?.region, t.srcNode?.bucket, t.srcNode?.appId)
        (keys, listFile, cdn) = (t.srcNode?.objectKey ?? [], t.srcNode?.listFile, t.sourceCdn)
        (dstRegion, dstBucket, savePrefix, description) = (t.dstNode?.region, t.dstNode?.bucket, t.dstNode?.savePrefix, t.description)
        (options, migrateSince, paused, bandwidth) = (t.options, t.migrateSinceSeconds, t.status == .paused, t.bandwidthPolicy ?? [])
        priority = t.taskPriority ?? MigrationOptions.defaultTaskPriority
        ownName = t.name ?? ""
    }

    /// Groups answer `PREFIX`/`ALIYUN`; the plan (and the differ's view) use `prefix`/`Aliyun`.
    init(_ g: TaskGroupResp) {
        (kind, id, type) = (.migrationTaskGroup, g.liveId, (g.taskType ?? .prefix).canonical.rawValue.lowercased())
        (cloud, region, bucket, appId) = ((g.srcNode?.cloudType ?? .aliyun).canonical.rawValue, g.srcNode?.region, g.srcNode?.bucket, g.srcNode?.appId)
        (keys, listFile, cdn) = (g.srcNode?.objectKey ?? [], g.srcNode?.listFile, g.sourceCdn)
        (dstRegion, dstBucket, savePrefix, description) = (g.dstNode?.region, g.dstNode?.bucket, g.dstNode?.savePrefix, g.description)
        (options, migrateSince, paused, bandwidth) = (g.options, g.migrateSinceSeconds, g.status == .paused, g.bandwidthPolicy ?? [])
        ownName = "group-" + (g.srcNode?.bucket ?? "")
    }

    /// A synchronization task: a whole bucket, four options, stopped or synchronizing.
    init(_ s: SyncTaskInfo) {
        (kind, id, type) = (.migrationSyncTask, s.liveId, nil)
        (cloud, region, bucket, appId, cdn) = ((s.srcCloudType ?? .aliyun).canonical.rawValue, s.srcRegion, s.srcBucket, s.appId, s.sourceCdn)
        (dstRegion, dstBucket, description) = (s.dstRegion, s.dstBucket, s.description)
        options = MigrationOptions(consistencyCheck: s.consistencyCheck, dstStoragePolicy: s.dstStoragePolicy,
                                   enableMetadataMigration: s.enableMetadataMigration, enableRestore: s.enableRestore)
        paused = s.status == .stopped
        ownName = "sync-" + (s.srcBucket ?? "")
    }

    /// The options a synchronization task takes (the plan refuses the others on one).
    static let syncOptions: Set<String> = ["options.consistencyCheck", "options.dstStoragePolicy", "options.enableMetadataMigration", "options.enableRestore"]

    /// The document. `cdnKey` is the `${env:…}` reference written when the CDN needs a key
    /// (OMS never returns it); `bandwidth` the converted windows (tasks and groups).
    func document(name: String, sourceCredentials: String?, destinationCredentials: String, cdnKey: String, bandwidth: [BandwidthWindow]) -> [PlanYAMLEntry] {
        var source: [PlanYAMLEntry] = [PlanYAMLEntry("cloud", .string(cloud))]
        if let region, !region.isEmpty { source.append(PlanYAMLEntry("region", .string(region))) }
        if let bucket, !bucket.isEmpty { source.append(PlanYAMLEntry("bucket", .string(bucket))) }
        if let appId, !appId.isEmpty { source.append(PlanYAMLEntry("appId", .string(appId))) }
        if let sourceCredentials { source.append(PlanYAMLEntry("credentials", .string(sourceCredentials))) }
        let keyValues = keys.map(PlanYAMLValue.string)
        switch type {
        case nil: break
        case "prefix": source.append(PlanYAMLEntry("prefixes", .list(keyValues.isEmpty ? [.string("")] : keyValues)))
        case "object": source.append(PlanYAMLEntry("objects", .list(keyValues)))
        default:
            var list = [PlanYAMLEntry("bucket", .string(listFile?.obsBucket ?? "")), PlanYAMLEntry("key", .string(listFile?.listFileKey ?? ""))]
            if let count = listFile?.listFileNum, !count.isEmpty { list.append(PlanYAMLEntry("count", .string(count))) }
            source.append(PlanYAMLEntry("listFile", .map(list)))
        }
        if let cdn {
            let authType = (cdn.authenticationType ?? .none).canonical
            var entries = [
                PlanYAMLEntry("domain", .string(cdn.domain ?? "")), PlanYAMLEntry("protocol", .string((cdn.protocol?.rawValue ?? "").lowercased())),
                PlanYAMLEntry("authType", .string(authType.rawValue)),
            ]
            // The plan requires a key for every scheme but NONE, and it must be a reference.
            if authType != .none { entries.append(PlanYAMLEntry("authKey", .reference(cdnKey))) }
            source.append(PlanYAMLEntry("cdn", .map(entries)))
        }
        var destination = [
            PlanYAMLEntry("region", .string(dstRegion ?? "")), PlanYAMLEntry("bucket", .string(dstBucket ?? "")),
            PlanYAMLEntry("credentials", .string(destinationCredentials)),
        ]
        if type != nil { destination.append(PlanYAMLEntry("savePrefix", .string(savePrefix ?? ""))) }
        // Every option, OMS's defaults filled in: a stack default must not change any of them.
        var optionEntries: [PlanYAMLEntry] = []
        for (path, value) in options.withOMSDefaults.planFields where type != nil || Self.syncOptions.contains(path) {
            let key = String(path.dropFirst("options.".count))
            switch value {
            case .flag(let flag): if let flag { optionEntries.append(PlanYAMLEntry(key, .bool(flag))) }
            case .name(let name): if let name { optionEntries.append(PlanYAMLEntry(key, .string(name))) }
            }
        }
        if let since = migrateSince, since > 0 { optionEntries.append(PlanYAMLEntry("migrateSince", .int(since))) }
        if let priority { optionEntries.append(PlanYAMLEntry("priority", .string(priority.canonical.rawValue))) }
        var spec: [PlanYAMLEntry] = [PlanYAMLEntry("adopt", .map([PlanYAMLEntry("id", .string(id))]))]
        if let type { spec.append(PlanYAMLEntry("type", .string(type))) }
        spec += [PlanYAMLEntry("source", .map(source)), PlanYAMLEntry("destination", .map(destination))]
        if let description, !description.isEmpty { spec.append(PlanYAMLEntry("description", .string(description))) }
        if paused { spec.append(PlanYAMLEntry("state", .string("paused"))) }
        // Always written for tasks and groups, `[]` when OMS has none: a stack's default
        // schedule would otherwise change it.
        if self.bandwidth != nil { spec.append(PlanYAMLEntry("bandwidth", ImportBandwidth.yaml(bandwidth))) }
        spec.append(PlanYAMLEntry("options", .map(optionEntries)))
        return [
            PlanYAMLEntry("apiVersion", .string("oms-plan/v1")), PlanYAMLEntry("kind", .string(kind.rawValue)),
            PlanYAMLEntry("metadata", .map([PlanYAMLEntry("name", .string(name))])), PlanYAMLEntry("spec", .map(spec)),
        ]
    }
}
