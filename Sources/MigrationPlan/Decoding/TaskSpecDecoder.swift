import OMSModels

/// What the task decoders need to know about the stack.
struct StackContext {
    var name: String
    var region: String
    var serviceTimezone: ScheduleTimeZone
    /// `spec.unknownRegions: warning` (or the loader's option): regions newer than the table warn.
    var unknownRegionsAreWarnings = false
}

/// Decodes the spec of a task, group or sync task (after defaults are merged and task sets
/// expanded) into a `TaskDraft`: the fields the kinds share, read alike; what a kind takes,
/// refuses and checks beyond them, its `PlanKind` says.
struct TaskSpecDecoder {
    let ctx: DecodeContext
    let stack: StackContext

    func decode(_ spec: PNode, owner: Loc, address: ResourceAddress, labels: [String: String], declLoc: Loc,
                generatedBy: ResourceAddress?) -> TaskDraft {
        var d = TaskDraft(address: address, labels: labels, declLoc: declLoc, generatedBy: generatedBy)
        let rules = d.rules
        let kindName = address.kind.rawValue
        // A generated task's fields were written under the task set's `spec.template`.
        let path = generatedBy == nil ? "spec" : "spec.template"
        guard let f = Fields(spec, path: path, owner: owner, allowed: rules.specFields, ctx: ctx,
                             explain: { rules.refusal($0, in: .spec) })
        else { return d }
        func note(_ key: String, _ loc: Loc?) { if let loc { d.locations[key] = loc } }

        if let types = rules.types, let t = f.string("type", required: true) {
            if types.contains(t.value) {
                d.type = t
            } else {
                let extra = rules.refusal(t.value, in: .typeValue)
                ctx.error("`spec.type` of a \(kindName) must be one of \(types.map { "`\($0)`" }.joined(separator: ", ")), found `\(t.value)`",
                          at: t.loc, hint: extra ?? Suggestion.hint(for: t.value, in: types))
            }
        }
        note("type", d.type?.loc)
        decodeSource(f, into: &d, rules)
        decodeDestination(f, into: &d, rules)
        for key in ["source", "destination"] { note(key, f.keyLoc(key)) }

        if let v = f.value("bandwidth") {
            note("bandwidth", v.loc)
            if v.stringValue != nil, let name = f.string("bandwidth") {
                if ResourceName.isValid(name.value) { d.bandwidth = .schedule(name) } else {
                    ctx.error("`spec.bandwidth` must name a BandwidthSchedule, and `\(name.value)` \(ResourceName.problem(name.value))",
                              at: name.loc)
                }
            } else if let items = v.items {
                if let w = ScheduleDecoder(ctx: ctx).decodeWindows(items, at: v.loc, path: "spec.bandwidth") {
                    d.bandwidth = .inline(InlineSchedule(definition: BandwidthScheduleDefinition(windows: w.0),
                                                         windowLocs: w.1, limitLocs: w.2, loc: v.loc))
                }
            } else {
                ctx.error("`spec.bandwidth` must be a BandwidthSchedule name or a list of windows, found \(v.kindDescription)", at: v.loc)
            }
        }
        if let desc = f.string("description") {
            d.description = desc
            note("description", desc.loc)
            checkDescription(desc, address: address)
        }
        if let s = f.choice("state", ["running", "paused"]) {
            d.paused = s.value == "paused"
            note("state", s.loc)
        }
        if let of = f.mapping("onFailure", allowed: SpecFields.onFailure) {
            note("onFailure", of.owner)
            if let a = of.choice("action", FailurePolicy.Action.allCases.map(\.rawValue)) {
                d.onFailure.action = FailurePolicy.Action(rawValue: a.value) ?? .none
            }
            if let n = of.int("maxAttempts", in: 1...100) { d.onFailure.maxAttempts = n.value }
        }
        if let deps = f.stringList("dependsOn") {
            d.dependsOn = deps.value
            note("dependsOn", deps.loc)
        }
        if let r = f.bool("replaceOnChange") { d.replaceOnChange = r.value }
        if let adopt = f.mapping("adopt", allowed: SpecFields.adopt) {
            if let id = adopt.text("id", expected: "a string") {
                if let problem = rules.adoptProblem(id.value) { ctx.error(problem, at: id.loc) } else { d.adoptID = id }
            } else if !adopt.has("id") {
                adopt.missing("id")
            }
            note("adopt", adopt.owner)
        }
        if rules.finishes {
            d.deadline = DeadlineField.decode(f, path: path, ctx: ctx)
            note("deadline", f.value("deadline")?.loc)
        }
        d.options = OptionsDecoder(ctx: ctx).decode(f, rules, locations: &d.locations)
        if rules.specFields.contains("acceptFailures"), let accepted = AcceptFailuresDecoder(ctx: ctx).decode(f, path: path) {
            d.acceptFailures = accepted
            note("acceptFailures", f.value("acceptFailures")?.loc)
        }
        if rules.specFields.contains("incremental"), let policy = IncrementalDecoder(ctx: ctx).decode(f, path: path) {
            d.incremental = policy
            note("incremental", f.value("incremental")?.loc)
        }
        if let suspension = HoldDecoder(ctx: ctx).suspension(f) {
            d.suspension = suspension
            note("suspend", f.value("suspend")?.loc)
        }
        rules.check(&d, f, self)
        return d
    }

    // MARK: Source and destination

    /// Fields whose positions diagnostics point at, with their plan paths spelled once (not
    /// built again for each of 10,000 tasks).
    static let sourceLocationPaths = ["cloud", "region", "bucket", "credentials", "appId", "prefixes", "objects", "listFile", "cdn"]
        .map { ($0, "source.\($0)") }
    static let destinationLocationPaths = ["region", "bucket", "credentials", "savePrefix"].map { ($0, "destination.\($0)") }

    private func decodeSource(_ spec: Fields, into d: inout TaskDraft, _ rules: any PlanKind) {
        guard let f = spec.mapping("source", allowed: rules.sourceFields, required: true, explain: { rules.refusal($0, in: .source) })
        else { return }
        if let c = f.string("cloud", required: true) {
            if SpecFields.clouds.contains(c.value), let problem = rules.cloudProblem(c.value) {
                ctx.error(problem.message, at: c.loc, hint: problem.hint)
            } else if SpecFields.clouds.contains(c.value) { d.source.cloud = c } else {
                ctx.error("unknown cloud `\(c.value)` in `spec.source.cloud`", at: c.loc,
                          hint: Suggestion.hint(for: c.value, in: SpecFields.clouds) ?? "clouds: \(SpecFields.clouds.joined(separator: ", "))")
            }
        }
        d.source.region = f.string("region")
        d.source.bucket = f.string("bucket")
        // The shape first (what the sandbox needs), then what the source cloud itself accepts.
        if let cloud = d.source.cloud.map({ CloudType(rawValue: $0.value) }) {
            if let r = d.source.region, !checkName(r, field: "spec.source.region", problem: StorageNames.regionProblem) {
                locationRules.checkRegion(r, cloud: cloud, field: "spec.source.region")
            }
            if let b = d.source.bucket, !checkName(b, field: "spec.source.bucket", problem: StorageNames.bucketProblem) {
                locationRules.checkBucket(b, rules: BucketNaming.of(cloud), field: "spec.source.bucket")
            }
        } else {
            checkName(d.source.region, field: "spec.source.region", problem: StorageNames.regionProblem)
            checkName(d.source.bucket, field: "spec.source.bucket", problem: StorageNames.bucketProblem)
        }
        d.source.credentials = f.string("credentials")
        d.source.appId = f.text("appId", expected: "a string")
        d.source.prefixes = f.stringList("prefixes")
        if rules.readsObjectKeys { d.source.objects = f.stringList("objects") }
        for (key, path) in Self.sourceLocationPaths {
            if let l = f.value(key)?.loc { d.locations[path] = l }
        }
        for (list, isPrefixList) in [(d.source.prefixes, true), (d.source.objects, false)] {
            guard let list else { continue }
            if list.value.count > 500 {
                ctx.error("OMS takes at most 500 keys per task, this list has \(list.value.count)", at: list.loc,
                          hint: rules.keyListHint)
            }
            if list.value.isEmpty { ctx.error("the list of keys is empty", at: list.loc, hint: "use [\"\"] for the whole bucket") }
            for key in list.value {
                if key.value.utf8.count > StorageNames.maximumKeyBytes {
                    ctx.error("object key is \(key.value.utf8.count) bytes long; OMS allows 1024", at: key.loc)
                } else {
                    checkKey(key, what: isPrefixList ? "prefix" : "object key", allowEmpty: isPrefixList)
                }
            }
        }
        if let lf = f.mapping("listFile", allowed: SpecFields.listFile) {
            let bucket = lf.string("bucket", required: true)
            let key = lf.string("key", required: true)
            // List files are in an OBS bucket (beside the destination).
            if let bucket, !checkName(bucket, field: "spec.source.listFile.bucket", problem: StorageNames.bucketProblem) {
                locationRules.checkBucket(bucket, rules: .obs, field: "spec.source.listFile.bucket")
            }
            let count = lf.text("count", expected: "a string of digits")
            if let count, !(count.value.allSatisfy { $0.isASCII && $0.isNumber } && !count.value.isEmpty) {
                ctx.error("`spec.source.listFile.count` must be a number of list files, found `\(count.value)`", at: count.loc)
            }
            if let key, key.value.isEmpty { ctx.error("`spec.source.listFile.key` is empty", at: key.loc) }
            if let key, !key.value.isEmpty { checkKey(key, what: "list file key", allowEmpty: false) }
            if let bucket, let key {
                d.source.listFile = ListFile(listFileKey: key.value, obsBucket: bucket.value, listFileNum: count?.value)
            }
            d.source.listFileLoc = lf.owner
        }
        if let cdn = f.mapping("cdn", allowed: SpecFields.cdn) {
            let domain = cdn.string("domain", required: true)
            let proto = cdn.choice("protocol", ["http", "https"], required: true)
            let auth = cdn.choice("authType", CdnAuthenticationType.documented.map(\.rawValue))
            let authType = auth?.value ?? "NONE"
            var key: SecretValue?
            if let v = cdn.value("authKey") {
                key = SecretDecoder(ctx: ctx).decode(v, path: "spec.source.cdn.authKey")
                if authType == "NONE" {
                    ctx.error("`authKey` is set but `authType` is NONE", at: cdn.keyLoc("authKey") ?? v.loc,
                              hint: "set `authType` to the CDN's authentication scheme, or remove `authKey`")
                }
            } else if authType != "NONE" {
                cdn.missing("authKey", hint: "authType \(authType) needs a key, e.g. `authKey: ${env:CDN_KEY}`")
            }
            if let domain, let proto {
                d.source.cdn = CdnDraft(domain: domain.value, protocol: proto.value, authType: authType, authKey: key)
            }
        }
    }

    private func decodeDestination(_ spec: Fields, into d: inout TaskDraft, _ rules: any PlanKind) {
        guard let f = spec.mapping("destination", allowed: rules.destinationFields, required: true,
                                   explain: { rules.refusal($0, in: .destination) })
        else { return }
        d.destination.region = f.string("region")
        d.destination.bucket = f.string("bucket", required: true)
        d.destination.credentials = f.string("credentials", required: true)
        d.destination.savePrefix = f.string("savePrefix")
        for (key, path) in Self.destinationLocationPaths {
            if let l = f.value(key)?.loc { d.locations[path] = l }
        }
        if let r = d.destination.region, r.value != stack.region,
           !locationRules.checkRegion(r, cloud: .huaweiCloud, field: "spec.destination.region") {
            ctx.error("`spec.destination.region` is `\(r.value)`, but the stack's OMS region is `\(stack.region)`", at: r.loc,
                      hint: "OMS migrates into the region of its endpoint; leave the field out to use the stack's region")
        }
        if let b = d.destination.bucket, b.value.isEmpty || b.value.utf8.count > 1024 {
            ctx.error("`spec.destination.bucket` must be 1 to 1024 characters", at: b.loc)
        } else if let b = d.destination.bucket, !checkName(b, field: "spec.destination.bucket", problem: StorageNames.bucketProblem) {
            locationRules.checkBucket(b, rules: .obs, field: "spec.destination.bucket")
        }
        if let p = d.destination.savePrefix, p.value.utf8.count > 1024 {
            ctx.error("`spec.destination.savePrefix` is \(p.value.utf8.count) bytes long; OMS allows 1024", at: p.loc)
        } else if let p = d.destination.savePrefix {
            checkKey(p, what: "save prefix", allowEmpty: true)
        }
    }

    /// Regions and buckets must be single folder names, by the same rules the sandbox keeps
    /// its buckets by (`StorageNames`): nothing that separates, escapes or starts with `.`.
    /// Returns whether it reported a problem.
    @discardableResult
    private func checkName(_ name: Located<String>?, field: String, problem: (String) -> String?) -> Bool {
        guard let name, let problem = problem(name.value) else { return false }
        ctx.error("`\(field)` \(problem)", at: name.loc)
        return true
    }

    private var locationRules: LocationRules { LocationRules(ctx: ctx, unknownRegionsAreWarnings: stack.unknownRegionsAreWarnings) }

    /// Keys, prefixes and save prefixes must be object keys, never paths (`StorageNames`).
    private func checkKey(_ key: Located<String>, what: String, allowEmpty: Bool) {
        guard let problem = StorageNames.keyProblem(key.value, allowEmpty: allowEmpty) else { return }
        ctx.error("this \(what) \(problem): object keys are names, not paths", at: key.loc,
                  hint: "write the key as it is in the bucket, e.g. `logs/2024/`")
    }

    // MARK: Description

    private func checkDescription(_ desc: Located<String>, address: ResourceAddress) {
        if let bad = DescriptionRules.firstForbidden(in: desc.value) {
            ctx.error("`spec.description` contains `\(bad)`, which OMS refuses", at: desc.loc,
                      hint: "OMS descriptions may not contain any of ^<>&\"'()")
        }
        // (Bytes first: Foundation's search is slow, and without these bytes it finds nothing.)
        if desc.value.containsUTF8(OwnershipMarker.prefixBytes), desc.value.contains(OwnershipMarker.prefix) {
            ctx.error("`spec.description` contains `\(OwnershipMarker.prefix)`, which oms-plan reserves for its ownership marker", at: desc.loc)
        }
        let markerLength = OwnershipMarker.renderedLength(stack: stack.name, address: address)
        let total = OwnershipMarker.descriptionLength(user: desc.value, stack: stack.name, address: address)
        if total > OwnershipMarker.maximumDescriptionLength {
            let room = OwnershipMarker.maximumDescriptionLength - markerLength - 1
            ctx.error("`spec.description` is too long: \(desc.value.utf16.count) characters plus oms-plan's \(markerLength)-character ownership marker and a space make \(total); OMS allows \(OwnershipMarker.maximumDescriptionLength)",
                      at: desc.loc, hint: "shorten it to at most \(max(0, room)) characters")
        }
    }
}
