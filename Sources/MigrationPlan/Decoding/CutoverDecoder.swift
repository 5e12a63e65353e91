import Foundation

/// `kind: Cutover` specs: `of`, `at` and `require`, each problem at its own position. Run after
/// the tasks are known (task sets expanded), because `of` must name what the plan declares.
struct CutoverDecoder {
    let ctx: DecodeContext
    /// Tasks, groups and sync tasks, declared or generated.
    let known: Set<ResourceAddress>
    let taskSets: [ResourceAddress: [ResourceAddress]]
    /// Declared but invalid (already reported): naming them is not a second error.
    let broken: Set<ResourceAddress>

    static let fields: Set<String> = ["of", "at", "require"]
    static let requireFields: Set<String> = ["unacceptedFailures", "maxFinalPass"]
    /// The kinds `of` may name: what makes a full copy (a sync task never finishes).
    static let ofKinds: [ResourceKind] = [.migrationTask, .migrationTaskGroup, .migrationTaskSet]
    /// A final pass longer than a week is no freeze window (and larger numbers are typos).
    static let maxFinalPassRange: ClosedRange<TimeInterval> = 1...(7 * 86_400)

    func decode(_ doc: RawDocument) -> DesiredCutover? {
        guard let spec = doc.spec,
            let f = Fields(spec, path: "spec", owner: doc.specOwner, allowed: Self.fields, ctx: ctx)
        else { return nil }
        var ok = true
        var of: [ResourceAddress] = []
        var resources = Set<ResourceAddress>()
        if let list = f.stringList("of") {
            if list.value.isEmpty {
                ok = false
                ctx.error("`spec.of` is empty: a Cutover gates the copies of at least one task, group or task set", at: list.loc,
                          hint: "for example `of: [MigrationTask/photos]`")
            }
            for item in list.value {
                guard let a = address(item) else { ok = false; continue }
                if of.contains(a) {
                    ok = false
                    ctx.error("`\(a)` is listed twice in `spec.of`", at: item.loc)
                    continue
                }
                of.append(a)
                resources.formUnion(a.kind == .migrationTaskSet ? taskSets[a] ?? [] : [a])
            }
        } else if !f.has("of") {
            f.missing("of", hint: "list the MigrationTask, MigrationTaskGroup or MigrationTaskSet addresses this cut-over is for")
            ok = false
        } else {
            ok = false
        }
        var at: Date?
        if let text = f.string("at") {
            if text.value.utf8.count >= 20, let seconds = RFC3339.seconds(text.value) {
                at = Date(timeIntervalSince1970: TimeInterval(seconds))
            } else {
                ok = false
                ctx.error("`spec.at` must be an RFC 3339 date and time with an offset, such as 2027-01-15T02:00:00+08:00, found `\(text.value)`",
                          at: text.loc, hint: "leave `at` out to start the cut-over only with `oms-plan cutover PATH NAME --now`")
            }
        } else if f.has("at") {
            ok = false
        }
        var unaccepted = 0
        var maxFinalPass: TimeInterval?
        if let require = f.mapping("require", allowed: Self.requireFields) {
            if let n = require.int("unacceptedFailures", in: 0...1_000_000_000) { unaccepted = n.value } else if require.has("unacceptedFailures") { ok = false }
            if let text = require.string("maxFinalPass") {
                if let seconds = PlanDuration.seconds(text.value), Self.maxFinalPassRange.contains(TimeInterval(seconds)) {
                    maxFinalPass = TimeInterval(seconds)
                } else {
                    ok = false
                    ctx.error("`spec.require.maxFinalPass` must be a duration from 1s to 7d such as `30m` or `1h30m`, found `\(text.value)`",
                              at: text.loc, hint: "units: s, m, h, d")
                }
            } else if require.has("maxFinalPass") {
                ok = false
            }
        } else if f.has("require") {
            ok = false
        }
        guard ok else { return nil }
        return DesiredCutover(address: doc.address, of: of, resources: resources.sorted(), at: at, unacceptedFailures: unaccepted,
                              maxFinalPass: maxFinalPass, declaredAt: ctx.sink.files.location(doc.nameLoc))
    }

    /// One `of` entry: a declared task, group or task set; nil after reporting.
    private func address(_ item: Located<String>) -> ResourceAddress? {
        guard let a = ResourceAddress(parsing: item.value), Self.ofKinds.contains(a.kind) else {
            let bare = known.union(taskSets.keys).filter { $0.name == item.value && $0.kind != .migrationSyncTask }.sorted().first
            let syncTask = ResourceAddress(parsing: item.value)?.kind == .migrationSyncTask
            ctx.error(syncTask
                      ? "`spec.of` names `\(item.value)`, a synchronization task, which never finishes a full copy"
                      : "`spec.of` entries are addresses `Kind/name` of tasks, groups or task sets, found `\(item.value)`",
                      at: item.loc, hint: bare.map { "did you mean `\($0)`?" }
                        ?? (syncTask ? "name the MigrationTask or MigrationTaskGroup that does the bulk copy" : nil))
            return nil
        }
        let declared = a.kind == .migrationTaskSet ? taskSets[a] != nil : known.contains(a)
        if !declared {
            if broken.contains(a) { return nil }
            let candidates = (known.filter { $0.kind != .migrationSyncTask } .map(\.description) + taskSets.keys.map(\.description)).sorted()
            ctx.error("`spec.of` names `\(a)`, which is not declared", at: item.loc,
                      hint: Suggestion.hint(for: a.description, in: candidates))
            return nil
        }
        return a
    }

    /// Takes the `Cutover/NAME` entries out of a resource's `dependsOn` (the rest are
    /// dependencies, part of its identity; these are gates, which are not) and checks that each
    /// names a declared Cutover. `declared` holds broken ones too: they were reported already.
    static func takeGates(from dependsOn: inout [Located<String>], declared: Set<String>, ctx: DecodeContext) -> [(ResourceAddress, Loc)] {
        guard dependsOn.contains(where: { $0.value.utf8.starts(with: "Cutover/".utf8) }) else { return [] }
        var gates: [(ResourceAddress, Loc)] = []
        var rest: [Located<String>] = []
        for entry in dependsOn {
            guard entry.value.utf8.starts(with: "Cutover/".utf8) else { rest.append(entry); continue }
            guard let a = ResourceAddress(parsing: entry.value), declared.contains(a.name) else {
                ctx.error("`dependsOn` names `\(entry.value)`, which is not declared", at: entry.loc,
                          hint: Suggestion.hint(for: entry.value, in: declared.sorted().map { "Cutover/\($0)" })
                            ?? "declare a document `kind: Cutover` with that name")
                continue
            }
            if !gates.contains(where: { $0.0 == a }) { gates.append((a, entry.loc)) }
        }
        dependsOn = rest
        return gates
    }
}
