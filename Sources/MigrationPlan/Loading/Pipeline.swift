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
        // Where each address is declared (only the position is ever needed: storing whole
        // documents copied each of them, 10,000 task trees, into the map).
        var byAddress: [ResourceAddress: Loc] = [:]
        var unique: [RawDocument] = []
        byAddress.reserveCapacity(docs.count)
        unique.reserveCapacity(docs.count)
        for d in docs {
            if let first = byAddress[d.address] {
                ctx.error("`\(d.address)` is declared twice", at: d.nameLoc,
                          hint: "first declared at \(files.location(first)); names are unique per kind in a stack")
            } else {
                byAddress[d.address] = d.nameLoc
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
        if let region = options.regionOverride, !region.isEmpty { stackInfo?.region = region }
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
        // Declared but invalid (already reported): references to them stay quiet.
        var broken = Set<ResourceAddress>()
        var declared: [RawDocument] = []
        var sets: [RawDocument] = []
        var notifications: [DesiredNotification] = []
        var cutoverDocs: [RawDocument] = []
        for d in unique {
            switch d.address.kind {
            case .stack: break
            case .credentials:
                if let c = decoders.credentials(d) { credentials[d.address.name] = c } else { broken.insert(d.address) }
            case .bandwidthSchedule:
                guard let spec = d.spec, let s = ScheduleDecoder(ctx: ctx).decodeSchedule(spec, owner: d.specOwner) else {
                    broken.insert(d.address)
                    continue
                }
                let policy = GraphBuilder.compile(s, zone: stack.serviceTimezone, date: date, ctx: ctx)
                schedules[d.address.name] = CompiledSchedule(schedule: s, policy: policy)
            case .migrationTaskSet: sets.append(d)
            case .notification:
                if let n = NotificationDecoder(ctx: ctx).decode(d) { notifications.append(n) } else { broken.insert(d.address) }
            case .cutover: cutoverDocs.append(d)
            // Every other kind is an OMS kind (`PlanKinds`), decoded per task below.
            default: declared.append(d)
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
                    ctx.error("`\(set.address)` makes `\(t.address)`, which is also declared at \(files.location(other))",
                              at: t.declLoc)
                    continue
                }
                byAddress[t.address] = t.declLoc
                generated.append(t.address)
                sources.append(t)
            }
            taskSets[set.address] = generated
        }
        // Defaults are copied under every task: they spend from the same budget as the sets.
        if let defaults = stack.defaults, !expansion.spendDefaults(defaults, tasks: sources.count) { return nil }

        // Defaults, decoding, references and request bodies: independent per task, so done
        // on several threads, each with its own diagnostics.
        let known = Set(sources.map(\.address))
        let inputs = TaskPhase.Inputs(
            files: files, environment: options.environment, secretsRequired: options.secretsRequired,
            variables: ctx.variables, brokenVariables: ctx.brokenVariables, variablesUnknown: ctx.variablesUnknown,
            haveStack: haveStack,
            declared: GraphBuilder.Declarations(
                stack: stack, credentials: credentials, schedules: schedules, broken: broken.union(ctx.brokenDocuments),
                taskSets: taskSets, known: known, date: date),
            placeholderForUnsetSecrets: ctx.placeholderForUnsetSecrets,
            cutovers: Set(cutoverDocs.map(\.address.name)).union(ctx.brokenDocuments.filter { $0.kind == .cutover }.map(\.name)))
        let outputs = Parallel.map(chunksOf: sources, minimumChunk: 32) { TaskPhase.run($0, inputs) }
        var resources: [ResourceAddress: DesiredResource] = [:]
        var deps: [ResourceAddress: [ResourceAddress]] = [:]
        var depLocs: [ResourceAddress: [ResourceAddress: Loc]] = [:]
        var taskEdges: [(from: ResourceAddress, edges: [DependencyEdge])] = []
        var cutoverGates: [ResourceAddress: [ResourceAddress]] = [:]
        taskEdges.reserveCapacity(sources.count)
        resources.reserveCapacity(sources.count + credentials.count + schedules.count)
        for output in outputs {
            for d in output.diagnostics { ctx.sink.add(d) }
            ctx.sensitive.formUnion(output.sensitive)
            ctx.weakSecrets.merge(output.weakSecrets) { first, _ in first }
            ctx.placeholders.formUnion(output.placeholders)
            for t in output.tasks {
                deps[t.address] = t.dependsOn.map(\.0) + t.gates.map(\.0)
                for (a, l) in t.dependsOn + t.gates where depLocs[t.address]?[a] == nil { depLocs[t.address, default: [:]][a] = l }
                if !t.gates.isEmpty { cutoverGates[t.address] = t.gates.map(\.0) }
                if let r = t.resource { resources[t.address] = r }
                taskEdges.append((t.address, t.edges))
            }
        }
        // Cut-overs are nodes of the graph (each after what it is `of`, before what waits for
        // it), so that a loop through one is refused like any other; they are not in `order`.
        let cutoverDecoder = CutoverDecoder(ctx: ctx, known: known, taskSets: taskSets, broken: broken.union(ctx.brokenDocuments))
        var cutovers: [ResourceAddress: DesiredCutover] = [:]
        for doc in cutoverDocs {
            guard let c = cutoverDecoder.decode(doc) else { continue }
            cutovers[c.address] = c
            deps[c.address] = c.resources
        }
        var (order, cycles) = Topology.sort(nodes: Array(known) + cutoverDocs.map(\.address), deps: deps)
        if !cutoverDocs.isEmpty { order.removeAll { $0.kind == .cutover } }
        for cycle in cycles {
            let from = cycle.path[0], to = cycle.path[1]
            let at = depLocs[from]?[to] ?? byAddress[from] ?? Loc(file: 0, line: 1, column: 1)
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
                                                     declaredAt: byAddress[a].map { files.location($0) } ?? files.location(s.schedule.loc)))
        }
        guard haveStack, let stackDoc = stacks.first else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = stack.serviceTimezone.timeZone
        let day = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
        let dayText = String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
        let settings = StackSettings(
            name: stack.name, region: stack.region, projectId: stack.projectId, prune: stack.prune,
            serviceTimezone: stack.serviceTimezone.name, evaluationDate: date, evaluationDay: dayText,
            evaluationWeekday: Weekday(calendarWeekday: day.weekday ?? 1), declaredAt: files.location(stackDoc.nameLoc),
            deadline: stack.deadline, suspension: stack.suspension, freezes: stack.freezes)
        return DesiredState(stack: settings, resources: resources, order: order, edges: Self.sortedEdges(taskEdges), taskSets: taskSets,
                            cutovers: cutovers, cutoverGates: cutoverGates,
                            notifications: notifications.sorted { $0.address < $1.address })
    }

    /// Every task's edges in `DependencyEdge` order. A task's edges all start at the task, so
    /// sorting the tasks by address and then each task's few edges gives the order of sorting
    /// all edges at once (30,000 for 10,000 tasks, while the loader's other work waited) with
    /// a fraction of the comparisons. Should an edge start elsewhere, all are sorted at once.
    static func sortedEdges(_ byTask: [(from: ResourceAddress, edges: [DependencyEdge])]) -> [DependencyEdge] {
        guard byTask.allSatisfy({ task in task.edges.allSatisfy { $0.from == task.from } }) else {
            return byTask.flatMap(\.edges).sorted()
        }
        let order = byTask.indices.sorted { byTask[$0].from < byTask[$1].from }
        var result: [DependencyEdge] = []
        result.reserveCapacity(byTask.reduce(0) { $0 + $1.edges.count })
        var i = 0
        while i < order.count {
            var run = byTask[order[i]].edges
            var j = i + 1
            while j < order.count, byTask[order[j]].from == byTask[order[i]].from {
                run += byTask[order[j]].edges
                j += 1
            }
            result += run.count > 1 ? run.sorted() : run
            i = j
        }
        return result
    }
}

/// The per-task stage, run on worker threads over slices of the tasks.
enum TaskPhase {
    struct Inputs: Sendable {
        var files: FileTable
        var environment: PlanEnvironment
        var secretsRequired: Bool
        var variables: [String: String]
        var brokenVariables: Set<String>
        var variablesUnknown: Bool
        var haveStack: Bool
        var declared: GraphBuilder.Declarations
        var placeholderForUnsetSecrets: Bool
        /// Names of the declared Cutovers (`dependsOn: Cutover/NAME` is checked against them).
        var cutovers: Set<String> = []
    }

    struct TaskOutcome: Sendable {
        var address: ResourceAddress
        var dependsOn: [(ResourceAddress, Loc)]
        /// `dependsOn: Cutover/NAME` entries: gates, not dependencies (no fingerprint reads them).
        var gates: [(ResourceAddress, Loc)] = []
        var resource: DesiredResource?
        var edges: [DependencyEdge]
    }

    struct Output: Sendable {
        var tasks: [TaskOutcome]
        var diagnostics: [Diagnostic]
        var sensitive: Set<String>
        var weakSecrets: [String: WeakSecret]
        var placeholders: Set<String>
    }

    static func run(_ sources: ArraySlice<TaskSource>, _ inputs: Inputs) -> Output {
        let sink = DiagnosticSink(files: inputs.files)
        let ctx = DecodeContext(sink: sink, environment: inputs.environment, secretsRequired: inputs.secretsRequired)
        ctx.variables = inputs.variables
        ctx.brokenVariables = inputs.brokenVariables
        ctx.variablesUnknown = inputs.variablesUnknown
        ctx.placeholderForUnsetSecrets = inputs.placeholderForUnsetSecrets
        let stack = inputs.declared.stack
        let decoder = TaskSpecDecoder(ctx: ctx, stack: StackContext(name: stack.name, region: inputs.haveStack ? stack.region : "",
                                                                    serviceTimezone: stack.serviceTimezone,
                                                                    unknownRegionsAreWarnings: stack.unknownRegionsAreWarnings))
        let builder = GraphBuilder(ctx: ctx, declared: inputs.declared)
        var cache: [BandwidthScheduleDefinition: [BandwidthPolicy]?] = [:]
        var out: [TaskOutcome] = []
        out.reserveCapacity(sources.count)
        for s in sources {
            let spec = stack.defaults.map { Expansion.merge(defaults: $0, under: s.spec, kind: s.address.kind) } ?? s.spec
            var d = decoder.decode(spec, owner: s.specOwner, address: s.address, labels: s.labels, declLoc: s.declLoc,
                                   generatedBy: s.generatedBy)
            let gates = CutoverDecoder.takeGates(from: &d.dependsOn, declared: inputs.cutovers, ctx: ctx)
            let resolved = builder.dependencies(d)
            var edges = resolved.map { DependencyEdge(from: d.address, to: $0.0, kind: .dependsOn) }
            if let c = d.source.credentials, d.type?.value != "url_list" {
                edges.append(DependencyEdge(from: d.address, to: ResourceAddress(.credentials, c.value), kind: .sourceCredentials))
            }
            if let c = d.destination.credentials {
                edges.append(DependencyEdge(from: d.address, to: ResourceAddress(.credentials, c.value), kind: .destinationCredentials))
            }
            if case .schedule(let name) = d.bandwidth {
                edges.append(DependencyEdge(from: d.address, to: ResourceAddress(.bandwidthSchedule, name.value), kind: .bandwidthSchedule))
            }
            if let g = d.generatedBy { edges.append(DependencyEdge(from: d.address, to: g, kind: .generatedBy)) }
            out.append(TaskOutcome(address: d.address, dependsOn: resolved, gates: gates,
                                   resource: builder.build(d, dependsOn: resolved.map(\.0), cache: &cache), edges: edges))
        }
        return Output(tasks: out, diagnostics: sink.diagnostics, sensitive: ctx.sensitive, weakSecrets: ctx.weakSecrets, placeholders: ctx.placeholders)
    }
}
