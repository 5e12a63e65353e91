import Foundation
import OMSModels

/// A schedule after compiling: today's rules, or nil when it has problems (reported).
struct CompiledSchedule: Sendable {
    var schedule: InlineSchedule
    var policy: [BandwidthPolicy]?
}

/// Turns decoded drafts into graph nodes: resolves credentials, schedules and dependsOn,
/// builds the OMS request bodies, markers and fingerprints.
struct GraphBuilder {
    let ctx: DecodeContext
    let stack: StackInfo
    let credentials: [String: CredentialsInfo]
    let schedules: [String: CompiledSchedule]
    /// Credentials and schedules that are declared but invalid (already reported).
    let broken: Set<ResourceAddress>
    let taskSets: [ResourceAddress: [ResourceAddress]]
    let known: Set<ResourceAddress>
    let date: Date

    init(ctx: DecodeContext, stack: StackInfo, credentials: [String: CredentialsInfo], schedules: [String: CompiledSchedule],
         broken: Set<ResourceAddress>, taskSets: [ResourceAddress: [ResourceAddress]], known: Set<ResourceAddress>, date: Date) {
        self.broken = broken
        self.ctx = ctx
        self.stack = stack
        self.credentials = credentials
        self.schedules = schedules
        self.taskSets = taskSets
        self.known = known
        self.date = date
    }

    /// Compiles a schedule and reports its problems at the windows' positions.
    static func compile(_ s: InlineSchedule, zone: ScheduleTimeZone, date: Date, ctx: DecodeContext) -> [BandwidthPolicy]? {
        let problems = BandwidthCompiler.checkWeek(s.definition, serviceTimezone: zone, startingAt: date)
        for p in problems {
            var hint = p.hint
            let at: Loc
            switch p.kind {
            case .limitOutOfRange: at = s.limitLocs[p.window]
            case .tooManyRules: at = s.windowLocs[p.window]
            case .overlap(let other):
                at = s.windowLocs[p.window]
                hint = (hint ?? "") + " (the other window is at line \(s.windowLocs[other].line))"
            }
            ctx.error(p.message, at: at, hint: hint)
        }
        guard problems.isEmpty, case .success(let rules) = BandwidthCompiler.compile(s.definition, serviceTimezone: zone, on: date)
        else { return nil }
        return rules
    }

    /// Resolved `dependsOn` addresses (task sets expanded); problems reported.
    func dependencies(_ d: TaskDraft) -> [(ResourceAddress, Loc)] {
        var out: [(ResourceAddress, Loc)] = []
        var seen = Set<ResourceAddress>()
        for dep in d.dependsOn {
            guard let a = ResourceAddress(parsing: dep.value), [.migrationTask, .migrationTaskGroup, .migrationTaskSet, .migrationSyncTask].contains(a.kind)
            else {
                let bare = known.filter { $0.name == dep.value }.sorted().first
                ctx.error("`dependsOn` entries are addresses `Kind/name` of tasks, groups or task sets, found `\(dep.value)`",
                          at: dep.loc, hint: bare.map { "did you mean `\($0)`?" })
                continue
            }
            let targets = a.kind == .migrationTaskSet ? taskSets[a] : (known.contains(a) ? [a] : nil)
            if targets == nil, broken.contains(a) { continue }
            guard let targets else {
                let candidates = (known.map(\.description) + taskSets.keys.map(\.description)).sorted()
                ctx.error("`dependsOn` names `\(a)`, which is not declared", at: dep.loc,
                          hint: Suggestion.hint(for: a.description, in: candidates))
                continue
            }
            if a.kind == .migrationSyncTask || targets.contains(where: { $0.kind == .migrationSyncTask }) {
                ctx.error("`dependsOn` names `\(a)`, a synchronization task, which never finishes: what depends on it would wait forever",
                          at: dep.loc, hint: "depend on the MigrationTask or MigrationTaskGroup that does the bulk copy instead")
                continue
            }
            for t in targets where seen.insert(t).inserted { out.append((t, dep.loc)) }
        }
        return out
    }

    func lookupCredentials(_ ref: Located<String>?, role: String) -> CredentialsInfo? {
        guard let ref else { return nil }
        guard let c = credentials[ref.value] else {
            if broken.contains(ResourceAddress(.credentials, ref.value)) { return nil }
            ctx.error("\(role) credentials `\(ref.value)` are not declared", at: ref.loc,
                      hint: Suggestion.hint(for: ref.value, in: credentials.keys.sorted()) ?? "declare a Credentials resource named `\(ref.value)`")
            return nil
        }
        return c
    }

    private func bandwidth(_ d: TaskDraft, cache: inout [BandwidthScheduleDefinition: [BandwidthPolicy]?]) -> ([BandwidthPolicy], BandwidthSource)? {
        switch d.bandwidth {
        case .none: return ([], .none)
        case .schedule(let name):
            guard let s = schedules[name.value] else {
                if broken.contains(ResourceAddress(.bandwidthSchedule, name.value)) { return nil }
                ctx.error("bandwidth schedule `\(name.value)` is not declared", at: name.loc,
                          hint: Suggestion.hint(for: name.value, in: schedules.keys.sorted()) ?? "declare a BandwidthSchedule named `\(name.value)`")
                return nil
            }
            return s.policy.map { ($0, .schedule(name.value)) }
        case .inline(let s):
            let rules: [BandwidthPolicy]?
            if let cached = cache[s.definition] { rules = cached } else {
                rules = Self.compile(s, zone: stack.serviceTimezone, date: date, ctx: ctx)
                cache[s.definition] = rules
            }
            return rules.map { ($0, .inline) }
        }
    }

    /// The windows a task or group takes its rules from, as written.
    private func windowsAsWritten(_ d: TaskDraft) -> BandwidthScheduleDefinition? {
        switch d.bandwidth {
        case .none: nil
        case .schedule(let name): schedules[name.value]?.schedule.definition
        case .inline(let s): s.definition
        }
    }

    /// Builds one task or group; nil when a required part is missing (already reported).
    func build(_ d: TaskDraft, dependsOn deps: [ResourceAddress],
               cache: inout [BandwidthScheduleDefinition: [BandwidthPolicy]?]) -> DesiredResource? {
        if d.isSync { return buildSyncTask(d, dependsOn: deps) }
        let urlList = d.type?.value == "url_list"
        let src = urlList ? nil : lookupCredentials(d.source.credentials, role: "source")
        if urlList, let c = d.source.credentials { _ = lookupCredentials(c, role: "source") }
        let dst = lookupCredentials(d.destination.credentials, role: "destination")
        if let dst, !dst.hasAccessKey, let ref = d.destination.credentials {
            ctx.error("destination credentials `\(ref.value)` have no access key; OBS needs `accessKey` and `secretKey`", at: ref.loc)
        }
        if d.isGroup {
            for (c, ref) in [(src, d.source.credentials), (dst, d.destination.credentials)] {
                if let c, c.secrets.token != nil, let ref {
                    ctx.error("credentials `\(ref.value)` carry a security token, which OMS task groups cannot take", at: ref.loc,
                              hint: "use permanent keys for task groups, or a MigrationTask per prefix")
                }
            }
        }
        let bw = bandwidth(d, cache: &cache)
        guard let type = d.type?.value, let cloud = d.source.cloud?.value, let dstBucket = d.destination.bucket?.value,
            let dstRef = d.destination.credentials?.value, let dst, let (policy, bwSource) = bw,
            urlList || src != nil
        else { return nil }
        var cdn: SourceCdnReq?
        if let c = d.source.cdn {
            cdn = SourceCdnReq(domain: c.domain, protocol: CdnProtocol(rawValue: c.protocol),
                               authenticationType: CdnAuthenticationType(rawValue: c.authType))
        }
        let secrets = ResolvedSecrets(source: src?.secrets, destination: dst.secrets, cdnAuthenticationKey: d.source.cdn?.authKey)
        let keys = (d.source.prefixes ?? d.source.objects)?.value.map(\.value)
        let region = d.destination.region?.value ?? stack.region
        let o = d.options
        let user = d.description?.value.isEmpty == false ? d.description?.value : nil
        // (mapValues keeps the table: no key is hashed again.)
        let locations = d.locations.mapValues { ctx.sink.files.location($0) }
        let declared = ctx.sink.files.location(d.declLoc)
        let state: DesiredRunState = d.paused ? .paused : .running
        // What the plan says, and OMS's default for what it leaves out (one table for both).
        let options = MigrationOptions(
            enableKms: o.enableKms, objectOverwriteMode: o.objectOverwriteMode.map(ObjectOverwriteMode.init(rawValue:)),
            consistencyCheck: o.consistencyCheck.map(ConsistencyCheck.init(rawValue:)),
            dstStoragePolicy: o.dstStoragePolicy.map(StoragePolicy.init(rawValue:)), enableMetadataMigration: o.enableMetadataMigration,
            enableRestore: o.enableRestore, enableFailedObjectRecording: o.enableFailedObjectRecording,
            enableRequesterPays: o.enableRequesterPays
        ).withOMSDefaults

        let parts = BuildParts(
            type: type, cloud: cloud, keys: keys, dstBucket: dstBucket, dstRegion: region, destinationCredentials: dstRef,
            policy: policy, bandwidth: bwSource, windows: windowsAsWritten(d), cdn: cdn, secrets: secrets, user: user,
            options: options, state: state, declared: declared, locations: locations)
        return d.isGroup ? buildGroup(d, parts, dependsOn: deps) : buildTask(d, parts, dependsOn: deps, urlList: urlList)
    }

    /// What a task and a group are built from alike, resolved once by `build`.
    struct BuildParts {
        var type: String
        var cloud: String
        var keys: [String]?
        var dstBucket: String
        var dstRegion: String
        var destinationCredentials: String
        var policy: [BandwidthPolicy]
        var bandwidth: BandwidthSource
        var windows: BandwidthScheduleDefinition?
        var cdn: SourceCdnReq?
        var secrets: ResolvedSecrets
        var user: String?
        var options: MigrationOptions
        var state: DesiredRunState
        var declared: SourceLocation
        var locations: [String: SourceLocation]
    }
}
