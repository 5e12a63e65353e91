import Foundation
import MigrationPlan
import OMSModels

/// Plan YAML for live tasks, task groups and synchronization tasks no stack owns: each with
/// `spec.adopt: {id}` and every field the differ compares (type, source, destination,
/// description, state, every option it takes, migrateSince, CDN, bandwidth), spelled out so
/// that stack defaults cannot change them; the next diff shows each one adopted, with no
/// create, no replace and no delete. Keys are `${env:…}` references: OMS never returns them.
public enum ImportDocuments {
    public struct Output: Sendable {
        /// The YAML text of every document.
        public var yaml: String
        /// Addresses written, in the order written.
        public var addresses: [ResourceAddress]
        /// Ids that were asked for and cannot be written (with why).
        public var skipped: [(id: String, reason: String)]
        /// What a user should know about what was written (bandwidth rules the plan cannot
        /// spell exactly), one sentence each, naming the address.
        public var notes: [String] = []
    }

    /// Builds the documents for the live tasks, groups and synchronization tasks with `ids`.
    public static func build(ids: [String], live: LiveState, desired: DesiredState) -> Output {
        var names = Set(desired.resources.keys.map(\.name))
        var credentials = CredentialsChoice(desired)
        var documents: [[PlanYAMLEntry]] = []
        var addresses: [ResourceAddress] = []
        var skipped: [(id: String, reason: String)] = []
        var notes: [String] = []
        for id in ids {
            guard let resource = live.resource(kind: .migrationTask, id: id) ?? live.resource(kind: .migrationTaskGroup, id: id)
                ?? live.resource(kind: .migrationSyncTask, id: id)
            else {
                skipped.append((id, "OMS lists no task, task group or synchronization task with this id"))
                continue
            }
            let spec: ImportSpec
            switch resource {
            case .task(let task): spec = ImportSpec(task)
            case .group(let group): spec = ImportSpec(group)
            case .syncTask(let sync): spec = ImportSpec(sync)
            }
            let name = uniqueName(spec.ownName, id: id, taken: &names)
            let address = ResourceAddress(spec.kind, name)
            // Groups and synchronization tasks take access keys without a token, nothing else.
            let permanent = spec.kind != .migrationTask
            let source = spec.cloud == CloudType.urlSource.rawValue ? nil : credentials.name(for: spec.cloud, permanent: permanent, taken: &names)
            let destination = credentials.name(for: CloudType.huaweiCloud.rawValue, permanent: permanent, taken: &names)
            var windows: [BandwidthWindow] = []
            if let rules = spec.bandwidth {
                let conversion = ImportBandwidth.convert(rules, serviceZone: desired.stack.serviceZone, on: desired.stack.evaluationDate)
                windows = conversion.windows
                if let mismatch = conversion.mismatch { notes.append("\(address): \(mismatch)") }
            }
            documents.append(spec.document(
                name: name, sourceCredentials: source, destinationCredentials: destination,
                cdnKey: "${env:IMPORTED_\(variableName(name))_CDN_KEY}", bandwidth: windows))
            addresses.append(address)
        }
        for made in credentials.made {
            let variable = "IMPORTED_" + variableName(String(made.dropFirst("imported-".count)))
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
                      "Keys are references: set the variables named below; OMS never returns keys.",
                      "Bandwidth windows are in the stack's serviceTimezone (\(desired.stack.serviceTimezone)), the zone OMS reads its rules in."]
        let yaml = PlanYAMLWriter.render(documents: documents, header: header)
        return Output(yaml: yaml, addresses: addresses, skipped: skipped, notes: notes)
    }

    /// `IMPORTED_<THIS>`: upper-case letters and digits of `text`, anything else `_`.
    static func variableName(_ text: String) -> String {
        String(String.UnicodeScalarView(text.uppercased().unicodeScalars.map {
            ("A"..."Z").contains($0) || ("0"..."9").contains($0) ? $0 : "_"
        }))
    }

    /// Which Credentials each written document names: one the plan already uses for that cloud
    /// (`HuaweiCloud` for OBS) when it suits, else `imported-<cloud>` (access keys, made once and
    /// shared). Tasks take any the plan uses; groups and synchronization tasks only access keys
    /// without a security token (the plan refuses the others on them, as OMS does).
    struct CredentialsChoice {
        var byCloud: [String: String] = [:]
        var permanentByCloud: [String: String] = [:]
        /// Credentials documents to write, in the order made.
        var made: [String] = []
        private var madeByCloud: [String: String] = [:]

        init(_ desired: DesiredState) {
            func permanent(_ name: String) -> Bool {
                guard case .credentials(let c)? = desired.resources[ResourceAddress(.credentials, name)] else { return false }
                return c.secrets.accessKey != nil && c.secrets.securityToken == nil && c.secrets.jsonAuthFile == nil
            }
            let used = desired.syncTasks.map { ($0.request.srcCloudType, $0.sourceCredentials, $0.destinationCredentials) }
                + desired.tasks.map { ($0.request.srcNode.cloudType, $0.sourceCredentials, $0.destinationCredentials) }
                + desired.taskGroups.map { ($0.request.srcNode.cloudType, $0.sourceCredentials, $0.destinationCredentials) }
            for (cloud, source, destination) in used {
                let key = (cloud ?? .aliyun).canonical.rawValue
                for (cloudKey, name) in [(key, source), (CloudType.huaweiCloud.rawValue, destination)] {
                    guard let name else { continue }
                    if byCloud[cloudKey] == nil { byCloud[cloudKey] = name }
                    if permanentByCloud[cloudKey] == nil, permanent(name) { permanentByCloud[cloudKey] = name }
                }
            }
        }

        mutating func name(for cloud: String, permanent: Bool, taken: inout Set<String>) -> String {
            if let known = (permanent ? permanentByCloud : byCloud)[cloud] { return known }
            if let made = madeByCloud[cloud] { return made }
            let made = ImportDocuments.uniqueName("imported-" + cloud, id: "", taken: &taken)
            madeByCloud[cloud] = made
            self.made.append(made)
            return made
        }
    }

    /// A plan name (lower-case letters, digits and `-`, at most 63) made from `raw`, looked at
    /// scalar by scalar; `task-<id>` when nothing is left; `-<id>` appended when taken.
    static func uniqueName(_ raw: String, id: String, taken: inout Set<String>) -> String {
        let id = slug(id)
        var name = slug(raw)
        if name.isEmpty { name = "task-" + id }
        var candidate = String(name.prefix(63)).trimmingSuffix("-")
        var n = 2
        while taken.contains(candidate) || candidate.isEmpty {
            let suffix = "-" + (id.isEmpty || n > 2 ? String(n) : id)
            candidate = String(name.prefix(max(0, 63 - suffix.count))).trimmingSuffix("-") + suffix
            n += 1
        }
        taken.insert(candidate)
        return candidate
    }

    /// Lower-case letters and digits of `raw` (looked at scalar by scalar), runs of anything
    /// else one `-`, none at either end.
    static func slug(_ raw: String) -> String {
        var name = ""
        for scalar in raw.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                name.unicodeScalars.append(scalar)
            } else if !name.isEmpty, !name.hasSuffix("-") {
                name += "-"
            }
        }
        while name.hasSuffix("-") { name.removeLast() }
        return name
    }
}

extension String {
    fileprivate func trimmingSuffix(_ c: Character) -> String {
        var s = self
        while s.last == c { s.removeLast() }
        return s
    }
}
