import Foundation
import MigrationPlan
import OMSModels

/// Plan YAML for live tasks and task groups no stack owns: each with `spec.adopt: {id}` and every field the
/// differ compares (type, source, destination, description, every option, migrateSince,
/// CDN), spelled out so that stack defaults cannot change them; the next diff shows each one
/// adopted, with no create and no replace.
public enum ImportDocuments {
    public struct Output: Sendable {
        /// The YAML text of every document.
        public var yaml: String
        /// Addresses written, in the order written.
        public var addresses: [ResourceAddress]
        /// Ids that were asked for and cannot be written (with why).
        public var skipped: [(id: String, reason: String)]
    }

    /// Builds the documents for the live tasks and groups with `ids`; synchronization tasks
    /// are reported as skipped (listed by `import`, not yet written).
    public static func build(ids: [String], live: LiveState, desired: DesiredState) -> Output {
        var names = Set(desired.resources.keys.map(\.name))
        var credentials = existingCredentials(desired)
        var newCredentials: [String] = []
        var documents: [[PlanYAMLEntry]] = []
        var addresses: [ResourceAddress] = []
        var skipped: [(id: String, reason: String)] = []
        for id in ids {
            guard let resource = live.resource(kind: .migrationTask, id: id) ?? live.resource(kind: .migrationTaskGroup, id: id)
                ?? live.resource(kind: .migrationSyncTask, id: id)
            else {
                skipped.append((id, "OMS lists no task, task group or synchronization task with this id"))
                continue
            }
            let spec: LiveFields
            let ownName: String
            switch resource {
            case .task(let task): (spec, ownName) = (fields(task), task.name ?? "")
            case .group(let group): (spec, ownName) = (fields(group), "group-" + (group.srcNode?.bucket ?? ""))
            case .syncTask:
                skipped.append((id, "writing a MigrationSyncTask is not supported yet; add it by hand with spec.adopt: {id: \"\(id)\"}"))
                continue
            }
            let name = uniqueName(ownName, id: id, taken: &names)
            func credentialsName(for cloud: String) -> String {
                if let known = credentials[cloud] { return known }
                let made = uniqueName("imported-" + cloud, id: "", taken: &names)
                credentials[cloud] = made
                newCredentials.append(made)
                return made
            }
            let source = spec.cloud == CloudType.urlSource.rawValue ? nil : credentialsName(for: spec.cloud)
            let destination = credentialsName(for: CloudType.huaweiCloud.rawValue)
            documents.append(document(spec, name: name, sourceCredentials: source, destinationCredentials: destination))
            addresses.append(ResourceAddress(spec.kind, name))
        }
        for made in newCredentials {
            let variable = "IMPORTED_" + String(String.UnicodeScalarView(made.dropFirst("imported-".count).uppercased().unicodeScalars.map {
                ("A"..."Z").contains($0) || ("0"..."9").contains($0) ? $0 : "_"
            }))
            documents.append([
                PlanYAMLEntry("apiVersion", .string("oms-plan/v1")), PlanYAMLEntry("kind", .string(ResourceKind.credentials.rawValue)),
                PlanYAMLEntry("metadata", .map([PlanYAMLEntry("name", .string(made))])),
                PlanYAMLEntry("spec", .map([
                    PlanYAMLEntry("accessKey", .reference("${env:\(variable)_AK}")), PlanYAMLEntry("secretKey", .reference("${env:\(variable)_SK}")),
                ])),
            ])
            addresses.append(ResourceAddress(.credentials, made))
        }
        let header = ["Written by `oms-plan import`: live OMS resources adopted by id (spec.adopt).",
                      "Keys are references: set the variables named below; OMS never returns keys."]
        let yaml = PlanYAMLWriter.render(documents: documents, header: header)
        return Output(yaml: yaml, addresses: addresses, skipped: skipped)
    }

    /// Credentials the plan already uses, by the cloud they read (`HuaweiCloud` for OBS).
    static func existingCredentials(_ desired: DesiredState) -> [String: String] {
        var byCloud: [String: String] = [:]
        let used = desired.tasks.map { ($0.request.srcNode.cloudType, $0.sourceCredentials, $0.destinationCredentials) }
            + desired.taskGroups.map { ($0.request.srcNode.cloudType, $0.sourceCredentials, $0.destinationCredentials) }
        for (cloud, source, destination) in used {
            if let source { byCloud[(cloud ?? .aliyun).canonical.rawValue] = byCloud[(cloud ?? .aliyun).canonical.rawValue] ?? source }
            byCloud[CloudType.huaweiCloud.rawValue] = byCloud[CloudType.huaweiCloud.rawValue] ?? destination
        }
        return byCloud
    }

    /// What the plan needs of a live task or group: the fields the differ compares.
    struct LiveFields {
        var kind: ResourceKind
        var id: String
        var type: String
        var cloud: String
        var region, bucket, appId: String?
        var keys: [String]
        var listFile: ListFile?
        var cdn: SourceCdnResp?
        var dstRegion, dstBucket, savePrefix: String?
        var description: String?
        var options: MigrationOptions
        var migrateSince: Int64?
        var paused: Bool
        var bandwidth: [BandwidthPolicy]?
        var priority: TaskPriority?
    }

    static func fields(_ t: TaskResp) -> LiveFields {
        LiveFields(
            kind: .migrationTask, id: String(t.liveId), type: (t.taskType ?? .object).canonical.rawValue,
            cloud: (t.srcNode?.cloudType ?? .aliyun).canonical.rawValue, region: t.srcNode?.region, bucket: t.srcNode?.bucket,
            appId: t.srcNode?.appId, keys: t.srcNode?.objectKey ?? [], listFile: t.srcNode?.listFile, cdn: t.sourceCdn,
            dstRegion: t.dstNode?.region, dstBucket: t.dstNode?.bucket, savePrefix: t.dstNode?.savePrefix, description: t.description,
            options: t.options, migrateSince: t.migrateSinceSeconds, paused: t.status == .paused, bandwidth: t.bandwidthPolicy,
            priority: t.taskPriority ?? MigrationOptions.defaultTaskPriority)
    }

    /// Groups answer `PREFIX`/`ALIYUN`; the plan (and the differ's view) use `prefix`/`Aliyun`.
    static func fields(_ g: TaskGroupResp) -> LiveFields {
        LiveFields(
            kind: .migrationTaskGroup, id: g.liveId, type: (g.taskType ?? .prefix).canonical.rawValue.lowercased(),
            cloud: (g.srcNode?.cloudType ?? .aliyun).canonical.rawValue, region: g.srcNode?.region, bucket: g.srcNode?.bucket,
            appId: g.srcNode?.appId, keys: g.srcNode?.objectKey ?? [], listFile: g.srcNode?.listFile, cdn: g.sourceCdn,
            dstRegion: g.dstNode?.region, dstBucket: g.dstNode?.bucket, savePrefix: g.dstNode?.savePrefix, description: g.description,
            options: g.options, migrateSince: g.migrateSinceSeconds, paused: g.status == .paused, bandwidth: g.bandwidthPolicy,
            priority: nil)
    }

    static func document(_ t: LiveFields, name: String, sourceCredentials: String?, destinationCredentials: String) -> [PlanYAMLEntry] {
        var source: [PlanYAMLEntry] = [PlanYAMLEntry("cloud", .string(t.cloud))]
        if let region = t.region, !region.isEmpty { source.append(PlanYAMLEntry("region", .string(region))) }
        if let bucket = t.bucket, !bucket.isEmpty { source.append(PlanYAMLEntry("bucket", .string(bucket))) }
        if let appId = t.appId, !appId.isEmpty { source.append(PlanYAMLEntry("appId", .string(appId))) }
        if let sourceCredentials { source.append(PlanYAMLEntry("credentials", .string(sourceCredentials))) }
        let keys = t.keys.map(PlanYAMLValue.string)
        switch t.type {
        case "prefix": source.append(PlanYAMLEntry("prefixes", .list(keys.isEmpty ? [.string("")] : keys)))
        case "object": source.append(PlanYAMLEntry("objects", .list(keys)))
        default:
            var list = [PlanYAMLEntry("bucket", .string(t.listFile?.obsBucket ?? "")),
                        PlanYAMLEntry("key", .string(t.listFile?.listFileKey ?? ""))]
            if let count = t.listFile?.listFileNum, !count.isEmpty { list.append(PlanYAMLEntry("count", .string(count))) }
            source.append(PlanYAMLEntry("listFile", .map(list)))
        }
        if let cdn = t.cdn {
            source.append(PlanYAMLEntry("cdn", .map([
                PlanYAMLEntry("domain", .string(cdn.domain ?? "")), PlanYAMLEntry("protocol", .string((cdn.protocol?.rawValue ?? "").lowercased())),
                PlanYAMLEntry("authType", .string((cdn.authenticationType ?? .none).canonical.rawValue)),
            ])))
        }
        let destination = [
            PlanYAMLEntry("region", .string(t.dstRegion ?? "")), PlanYAMLEntry("bucket", .string(t.dstBucket ?? "")),
            PlanYAMLEntry("credentials", .string(destinationCredentials)), PlanYAMLEntry("savePrefix", .string(t.savePrefix ?? "")),
        ]
        // Every option, OMS's defaults filled in: a stack default must not change any of them.
        var options: [PlanYAMLEntry] = []
        for (path, value) in t.options.withOMSDefaults.planFields {
            let key = String(path.dropFirst("options.".count))
            switch value {
            case .flag(let flag): if let flag { options.append(PlanYAMLEntry(key, .bool(flag))) }
            case .name(let name): if let name { options.append(PlanYAMLEntry(key, .string(name))) }
            }
        }
        if let since = t.migrateSince, since > 0 { options.append(PlanYAMLEntry("migrateSince", .int(since))) }
        if let priority = t.priority { options.append(PlanYAMLEntry("priority", .string(priority.canonical.rawValue))) }
        var spec: [PlanYAMLEntry] = [
            PlanYAMLEntry("adopt", .map([PlanYAMLEntry("id", .string(t.id))])),
            PlanYAMLEntry("type", .string(t.type)), PlanYAMLEntry("source", .map(source)),
            PlanYAMLEntry("destination", .map(destination)),
        ]
        if let description = t.description, !description.isEmpty { spec.append(PlanYAMLEntry("description", .string(description))) }
        if t.paused { spec.append(PlanYAMLEntry("state", .string("paused"))) }
        // Always written, `[]` when OMS has none: a stack's default schedule would otherwise change it.
        spec.append(PlanYAMLEntry("bandwidth", .list(BandwidthRules.normalized(t.bandwidth).map { rule in
            .map([PlanYAMLEntry("start", .string(rule.start ?? "")), PlanYAMLEntry("end", .string(rule.end ?? "")),
                  PlanYAMLEntry("limit", .int(rule.maxBandwidth ?? 0))])
        })))
        spec.append(PlanYAMLEntry("options", .map(options)))
        return [
            PlanYAMLEntry("apiVersion", .string("oms-plan/v1")), PlanYAMLEntry("kind", .string(t.kind.rawValue)),
            PlanYAMLEntry("metadata", .map([PlanYAMLEntry("name", .string(name))])), PlanYAMLEntry("spec", .map(spec)),
        ]
    }

    /// A plan name (lower-case letters, digits and `-`, at most 63) made from `raw`, looked at
    /// scalar by scalar; `task-<id>` when nothing is left; `-<id>` appended when taken.
    static func uniqueName(_ raw: String, id: String, taken: inout Set<String>) -> String {
        var name = ""
        for scalar in raw.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                name.unicodeScalars.append(scalar)
            } else if !name.isEmpty, !name.hasSuffix("-") {
                name += "-"
            }
        }
        while name.hasSuffix("-") { name.removeLast() }
        if name.isEmpty { name = "task-" + id }
        var candidate = String(name.prefix(63))
        var n = 2
        while taken.contains(candidate) || candidate.hasSuffix("-") {
            let suffix = "-" + (id.isEmpty || n > 2 ? String(n) : id)
            candidate = String(name.prefix(63 - suffix.count)).trimmingSuffix("-") + suffix
            n += 1
        }
        taken.insert(candidate)
        return candidate
    }
}

extension String {
    fileprivate func trimmingSuffix(_ c: Character) -> String {
        var s = self
        while s.last == c { s.removeLast() }
        return s
    }
}
