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
    let declared: Declarations
    var stack: StackInfo { declared.stack }

    /// What each task's references are resolved against: everything read before the per-task
    /// phase (which gets the same value: `TaskPhase.Inputs`).
    struct Declarations: Sendable {
        var stack: StackInfo
        var credentials: [String: CredentialsInfo]
        var schedules: [String: CompiledSchedule]
        /// Credentials and schedules that are declared but invalid (already reported).
        var broken: Set<ResourceAddress>
        var taskSets: [ResourceAddress: [ResourceAddress]]
        /// The tasks, groups and sync tasks, declared or generated.
        var known: Set<ResourceAddress>
        var date: Date
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
            guard let a = ResourceAddress(parsing: dep.value), a.kind == .migrationTaskSet || PlanKinds.isOMSKind(a.kind)
            else {
                let bare = declared.known.filter { $0.name == dep.value }.sorted().first
                ctx.error("`dependsOn` entries are addresses `Kind/name` of tasks, groups, task sets or Cutovers, found `\(dep.value)`",
                          at: dep.loc, hint: bare.map { "did you mean `\($0)`?" })
                continue
            }
            let targets = a.kind == .migrationTaskSet ? declared.taskSets[a] : (declared.known.contains(a) ? [a] : nil)
            if targets == nil, declared.broken.contains(a) { continue }
            guard let targets else {
                let candidates = (declared.known.map(\.description) + declared.taskSets.keys.map(\.description)).sorted()
                ctx.error("`dependsOn` names `\(a)`, which is not declared", at: dep.loc,
                          hint: Suggestion.hint(for: a.description, in: candidates))
                continue
            }
            // (A task set's targets are its tasks; any other address is its own target.)
            if targets.contains(where: { !PlanKinds.of($0.kind).finishes }) {
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
        guard let c = declared.credentials[ref.value] else {
            if declared.broken.contains(ResourceAddress(.credentials, ref.value)) { return nil }
            ctx.error("\(role) credentials `\(ref.value)` are not declared", at: ref.loc,
                      hint: Suggestion.hint(for: ref.value, in: declared.credentials.keys.sorted()) ?? "declare a Credentials resource named `\(ref.value)`")
            return nil
        }
        return c
    }

    private func bandwidth(_ d: TaskDraft, cache: inout [BandwidthScheduleDefinition: [BandwidthPolicy]?]) -> ([BandwidthPolicy], BandwidthSource)? {
        switch d.bandwidth {
        case .none: return ([], .none)
        case .schedule(let name):
            guard let s = declared.schedules[name.value] else {
                if declared.broken.contains(ResourceAddress(.bandwidthSchedule, name.value)) { return nil }
                ctx.error("bandwidth schedule `\(name.value)` is not declared", at: name.loc,
                          hint: Suggestion.hint(for: name.value, in: declared.schedules.keys.sorted()) ?? "declare a BandwidthSchedule named `\(name.value)`")
                return nil
            }
            return s.policy.map { ($0, .schedule(name.value)) }
        case .inline(let s):
            let rules: [BandwidthPolicy]?
            if let cached = cache[s.definition] { rules = cached } else {
                rules = Self.compile(s, zone: stack.serviceTimezone, date: declared.date, ctx: ctx)
                cache[s.definition] = rules
            }
            return rules.map { ($0, .inline) }
        }
    }

    /// The windows a task or group takes its rules from, as written.
    private func windowsAsWritten(_ d: TaskDraft) -> BandwidthScheduleDefinition? {
        switch d.bandwidth {
        case .none: nil
        case .schedule(let name): declared.schedules[name.value]?.schedule.definition
        case .inline(let s): s.definition
        }
    }

    /// Builds one task, group or sync task (as its kind says); nil when a required part is
    /// missing (already reported).
    func build(_ d: TaskDraft, dependsOn deps: [ResourceAddress],
               cache: inout [BandwidthScheduleDefinition: [BandwidthPolicy]?]) -> DesiredResource? {
        d.rules.build(d, self, dependsOn: deps, cache: &cache)
    }

    /// A task's or a group's node: what they are built from alike is resolved here, once, and
    /// `body` makes the kind's create body and node from it (given the fingerprint, `common`
    /// makes the rest).
    func buildTaskOrGroup(_ d: TaskDraft, _ rules: some PlanKind, dependsOn deps: [ResourceAddress],
                          cache: inout [BandwidthScheduleDefinition: [BandwidthPolicy]?],
                          body: (BuildParts, _ common: (String) -> DesiredCommon) -> DesiredResource) -> DesiredResource? {
        let urlList = d.type?.value == "url_list"
        let src = urlList ? nil : lookupCredentials(d.source.credentials, role: "source")
        if urlList, let c = d.source.credentials { _ = lookupCredentials(c, role: "source") }
        let dst = lookupCredentials(d.destination.credentials, role: "destination")
        if let dst, !dst.hasAccessKey, let ref = d.destination.credentials {
            ctx.error("destination credentials `\(ref.value)` have no access key; OBS needs `accessKey` and `secretKey`", at: ref.loc)
        }
        if let hint = rules.securityTokenHint {
            for (c, ref) in [(src, d.source.credentials), (dst, d.destination.credentials)] {
                if let c, c.secrets.token != nil, let ref {
                    ctx.error("credentials `\(ref.value)` carry a security token, which OMS \(rules.noun)s cannot take", at: ref.loc, hint: hint)
                }
            }
        }
        let bw = bandwidth(d, cache: &cache)
        guard let type = d.type?.value, let cloud = d.source.cloud?.value, let dstBucket = d.destination.bucket?.value,
            let dstRef = d.destination.credentials?.value, let dst, let (policy, bwSource) = bw,
            urlList || src != nil
        else { return nil }
        let secrets = ResolvedSecrets(source: src?.secrets, destination: dst.secrets, cdnAuthenticationKey: d.source.cdn?.authKey)
        let keys = (d.source.prefixes ?? d.source.objects)?.value.map(\.value)
        let region = d.destination.region?.value ?? stack.region
        let user = d.userDescription
        // What the plan says, and OMS's default for what it leaves out (one table for both).
        let parts = BuildParts(
            type: type, cloud: cloud, keys: keys, dstBucket: dstBucket, dstRegion: region, policy: policy, cdn: d.source.cdn?.request, user: user,
            options: d.options.migration.withOMSDefaults)
        let common = { (fingerprint: String) in
            self.common(d, fingerprint: fingerprint, user: user, secrets: secrets, dependsOn: deps,
                        sourceCredentials: urlList ? nil : d.source.credentials?.value, destinationCredentials: dstRef,
                        bandwidth: bwSource, windows: windowsAsWritten(d))
        }
        return body(parts, common)
    }

    /// What every kind holds beside its body, from its draft and its fingerprint; the marker
    /// is made here, once for all kinds.
    func common(_ d: TaskDraft, fingerprint: String, user: String?, secrets: ResolvedSecrets, dependsOn deps: [ResourceAddress],
                sourceCredentials: String?, destinationCredentials: String, bandwidth: BandwidthSource = .none,
                windows: BandwidthScheduleDefinition? = nil) -> DesiredCommon {
        DesiredCommon(
            address: d.address, labels: d.labels, userDescription: user,
            marker: OwnershipMarker(stack: stack.name, address: d.address, fingerprint: fingerprint), secrets: secrets,
            state: d.paused ? .paused : .running, onFailure: d.onFailure, dependsOn: deps, replaceOnChange: d.replaceOnChange,
            adoptID: d.adoptID?.value, bandwidth: bandwidth, bandwidthWindows: windows, sourceCredentials: sourceCredentials,
            destinationCredentials: destinationCredentials, generatedBy: d.generatedBy, declaredAt: ctx.sink.files.location(d.declLoc),
            // (mapValues keeps the table: no key is hashed again.)
            fieldLocations: d.locations.mapValues { ctx.sink.files.location($0) }, deadline: d.deadline,
            acceptFailures: d.acceptFailures, incremental: d.incremental, suspension: d.suspension)
    }

    /// What a task and a group are built from alike, resolved once by `buildTaskOrGroup`.
    struct BuildParts {
        var type: String
        var cloud: String
        var keys: [String]?
        var dstBucket: String
        var dstRegion: String
        var policy: [BandwidthPolicy]
        var cdn: SourceCdnReq?
        var user: String?
        var options: MigrationOptions
    }
}
