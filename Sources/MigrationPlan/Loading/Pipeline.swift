import Foundation
import OMSModels

/// The stages after parsing: duplicates, the stack, credentials and schedules, task set
/// expansion, defaults, task decoding, references, cycles, and the graph.
struct Pipeline {
    let ctx: DecodeContext
    let options: LoadOptions
    let firstFile: Int32?

    func run(_ docs: [RawDocument]) -> DesiredState? {
        let files = ctx.sink.files
        // Duplicates, across files: the later declaration is the error.
        var byAddress: [ResourceAddress: RawDocument] = [:]
        var unique: [RawDocument] = []
        for d in docs {
            if let first = byAddress[d.address] {
                ctx.error("`\(d.address)` is declared twice", at: d.nameLoc,
                          hint: "first declared at \(files.location(first.nameLoc)); names are unique per kind in a stack")
            } else {
                byAddress[d.address] = d
                unique.append(d)
            }
        }
        let decoders = ResourceDecoders(ctx: ctx)

        // The stack (exactly one).
        let stacks = unique.filter { $0.address.kind == .stack }
        for extra in stacks.dropFirst() {
            ctx.error("a plan has exactly one Stack, but `\(extra.address)` is another", at: extra.nameLoc,
                      hint: "the first is `\(stacks[0].address)` at \(files.location(stacks[0].nameLoc))")
        }
        var stackInfo = stacks.first.flatMap { decoders.stack($0) }
        if stacks.isEmpty, let first = firstFile, ctx.sink.errorCount == 0 {
            ctx.error("no Stack is declared", at: Loc(file: first, line: 1, column: 1),
                      hint: "add a document `kind: Stack` with `spec.region`; every plan has exactly one")
        }
        let haveStack = stackInfo != nil
        if stacks.isEmpty { ctx.variablesUnknown = true }
        if stackInfo == nil {
            // Carry on with a stand-in so that the rest of the plan is still checked.
            stackInfo = StackInfo(name: "stack", region: "", projectId: nil, prune: false,
                                  serviceTimezone: ScheduleTimeZone(ResourceDecoders.defaultServiceTimezone)!,
                                  defaults: nil, declLoc: Loc(file: 0, line: 1, column: 1))
        }
        let stack = stackInfo!
        let date = options.evaluationDate

        var credentials: [String: CredentialsInfo] = [:]
        var schedules: [String: CompiledSchedule] = [:]
        var declared: [RawDocument] = []
        var sets: [RawDocument] = []
        for d in unique {
            switch d.address.kind {
            case .stack: break
            case .credentials:
                if let c = decoders.credentials(d) { credentials[d.address.name] = c }
            case .bandwidthSchedule:
                guard let spec = d.spec, let s = ScheduleDecoder(ctx: ctx).decodeSchedule(spec, owner: d.specOwner) else { continue }
                let policy = GraphBuilder.compile(s, zone: stack.serviceTimezone, date: date, ctx: ctx)
                schedules[d.address.name] = CompiledSchedule(schedule: s, policy: policy)
            case .migrationTask, .migrationTaskGroup: declared.append(d)
            case .migrationTaskSet: sets.append(d)
            }
        }

        // Task sets become ordinary tasks.
        var sources: [TaskSource] = declared.compactMap { d in
            d.spec.map { TaskSource(address: d.address, labels: d.labels, spec: $0, specOwner: d.specOwner, declLoc: d.nameLoc, generatedBy: nil) }
        }
        var taskSets: [ResourceAddress: [ResourceAddress]] = [:]
        let expansion = Expansion(ctx: ctx)
        for set in sets {
            var generated: [ResourceAddress] = []
            for t in expansion.expand(set) {
                if let other = byAddress[t.address] {
                    ctx.error("`\(set.address)` makes `\(t.address)`, which is also declared at \(files.location(other.nameLoc))",
                              at: t.declLoc)
                    continue
                }
                byAddress[t.address] = RawDocument(address: t.address, nameLoc: t.declLoc, docLoc: t.declLoc, labels: t.labels,
                                                   spec: t.spec, specOwner: t.specOwner)
                generated.append(t.address)
                sources.append(t)
            }
            taskSets[set.address] = generated
        }

        // Defaults, then decoding.
        let taskDecoder = TaskSpecDecoder(ctx: ctx, stack: StackContext(name: stack.name, region: haveStack ? stack.region : "",
                                                                        serviceTimezone: stack.serviceTimezone))
        var drafts: [TaskDraft] = []
        drafts.reserveCapacity(sources.count)
        for s in sources {
            let isGroup = s.address.kind == .migrationTaskGroup
            let spec = stack.defaults.map { Expansion.merge(defaults: $0, under: s.spec, isGroup: isGroup) } ?? s.spec
            drafts.append(taskDecoder.decode(spec, owner: s.specOwner, address: s.address, labels: s.labels, declLoc: s.declLoc,
                                             generatedBy: s.generatedBy))
        }

        // References, the graph, cycles.
        let known = Set(drafts.map(\.address))
        let builder = GraphBuilder(ctx: ctx, stack: stack, credentials: credentials, schedules: schedules, taskSets: taskSets,
                                   known: known, date: date)
        var resources: [ResourceAddress: DesiredResource] = [:]
        var deps: [ResourceAddress: [ResourceAddress]] = [:]
        var depLocs: [ResourceAddress: [ResourceAddress: Loc]] = [:]
        var edges: [DependencyEdge] = []
        var cache: [BandwidthScheduleDefinition: [BandwidthPolicy]?] = [:]
        for d in drafts {
            let resolved = builder.dependencies(d)
            deps[d.address] = resolved.map(\.0)
            for (a, l) in resolved where depLocs[d.address]?[a] == nil { depLocs[d.address, default: [:]][a] = l }
            if let r = builder.build(d, dependsOn: resolved.map(\.0), cache: &cache) { resources[d.address] = r }
            edges += resolved.map { DependencyEdge(from: d.address, to: $0.0, kind: .dependsOn) }
            if let c = d.source.credentials, d.type?.value != "url_list" {
                edges.append(DependencyEdge(from: d.address, to: ResourceAddress(.credentials, c.value), kind: .sourceCredentials))
            }
            if let c = d.destination.credentials {
                edges.append(DependencyEdge(from: d.address, to: ResourceAddress(.credentials, c.value), kind: .destinationCredentials))
            }
            if case .schedule(let s) = d.bandwidth {
                edges.append(DependencyEdge(from: d.address, to: ResourceAddress(.bandwidthSchedule, s.value), kind: .bandwidthSchedule))
            }
            if let g = d.generatedBy { edges.append(DependencyEdge(from: d.address, to: g, kind: .generatedBy)) }
        }
        let (order, cycles) = Topology.sort(nodes: Array(known), deps: deps)
        for cycle in cycles {
            let from = cycle.path[0], to = cycle.path[1]
            let at = depLocs[from]?[to] ?? byAddress[from]?.nameLoc ?? Loc(file: 0, line: 1, column: 1)
            let text = cycle.path.map(\.description).joined(separator: " -> ")
            ctx.error(cycle.path.count == 2 ? "`\(from)` depends on itself" : "dependency cycle: \(text)", at: at,
                      hint: "dependsOn must not loop back; remove one of these dependencies")
        }

        for (name, c) in credentials {
            let a = ResourceAddress(.credentials, name)
            resources[a] = .credentials(DesiredCredentials(address: a, secrets: c.secrets, declaredAt: files.location(c.declLoc)))
        }
        for (name, s) in schedules {
            let a = ResourceAddress(.bandwidthSchedule, name)
            resources[a] = .schedule(DesiredSchedule(address: a, definition: s.schedule.definition, policy: s.policy ?? [],
                                                     declaredAt: byAddress[a].map { files.location($0.nameLoc) } ?? files.location(s.schedule.loc)))
        }
        guard haveStack, let stackDoc = stacks.first else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = stack.serviceTimezone.timeZone
        let day = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
        let dayText = String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
        let settings = StackSettings(
            name: stack.name, region: stack.region, projectId: stack.projectId, prune: stack.prune,
            serviceTimezone: stack.serviceTimezone.name, evaluationDate: date, evaluationDay: dayText,
            evaluationWeekday: Weekday(calendarWeekday: day.weekday ?? 1), declaredAt: files.location(stackDoc.nameLoc))
        return DesiredState(stack: settings, resources: resources, order: order, edges: edges.sorted(), taskSets: taskSets)
    }
}
