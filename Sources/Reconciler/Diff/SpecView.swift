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

    // The kinds' own initialisers (from the plan's body and from OMS's answer) live with
    // their adapters in Kinds/; these two build the view from the fields they share.

    /// A synchronization task has no type, keys or save prefix, and four of the options.
    init(
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

    /// A task or group: type, source keys, destination prefix, every option.
    init(
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
