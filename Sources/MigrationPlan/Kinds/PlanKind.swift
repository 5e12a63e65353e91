import OMSModels

/// One OMS kind as the plan's loader sees it: the fields its spec takes, why it refuses the
/// fields other kinds take, its own checks, and how its draft becomes a graph node. The
/// decoders (`TaskSpecDecoder`, `OptionsDecoder`), the defaults merge and the graph builder
/// ask the kind (`PlanKinds.of(_:)`) and never which kind they hold; what really is shared
/// (source and destination, options, bandwidth, descriptions) stays in `Decoding/`.
///
/// A new kind is one conformer in this folder, registered in `PlanKinds`, with its resolved
/// type (a `DesiredOMSResource`), its scheme-1 fingerprint and its build; the loop's side is
/// its adapter in `Reconciler/Kinds`.
protocol PlanKind: Sendable {
    var kind: ResourceKind { get }
    /// How messages name one: `task`, `task group`, `synchronization task`.
    var noun: String { get }
    var specFields: Set<String> { get }
    var sourceFields: Set<String> { get }
    var destinationFields: Set<String> { get }
    var optionFields: Set<String> { get }
    /// `spec.type`'s values; nil for a kind without types (it then refuses `type`).
    var types: [String]? { get }
    /// Whether it ever finishes: only then may it have a `deadline` or be depended on.
    var finishes: Bool { get }
    /// Stack defaults (`spec.defaults` paths) it does not inherit, because it has no such field.
    var skippedDefaults: Set<String> { get }
    /// Whether `source.objects` is read: groups refuse it and say so once; other kinds read it
    /// (and check its keys) even where they refuse it, as they always did.
    var readsObjectKeys: Bool { get }
    /// The advice when a key list is over OMS's 500 (nil when splitting is not the answer).
    var keyListHint: String? { get }
    /// nil when OMS takes temporary keys (security tokens) for this kind; else the advice.
    var securityTokenHint: String? { get }

    /// Why `key` of `section` (a field other kinds take, or a `type` value) is not one of this
    /// kind's; nil when it is merely unknown.
    func refusal(_ key: String, in section: SpecSection) -> String?
    /// What is wrong with `cloud` (a documented cloud) as this kind's source; nil when fine.
    func cloudProblem(_ cloud: String) -> (message: String, hint: String)?
    /// The problem with `spec.adopt.id`; nil when it is an id of this kind.
    func adoptProblem(_ id: String) -> String?
    /// The kind's own checks once its fields are decoded (OMS's task-type rules, ...).
    func check(_ d: inout TaskDraft, _ spec: Fields, _ decoder: TaskSpecDecoder)
    /// The graph node; nil when a required part is missing (already reported).
    func build(_ d: TaskDraft, _ builder: GraphBuilder, dependsOn deps: [ResourceAddress],
               cache: inout [BandwidthScheduleDefinition: [BandwidthPolicy]?]) -> DesiredResource?
}

/// Where a refused field was written.
enum SpecSection {
    case spec
    /// A value of `spec.type`.
    case typeValue
    case source
    case destination
    case options
}

extension PlanKind {
    // A kind takes a task's fields unless it says otherwise.
    var specFields: Set<String> { SpecFields.task }
    var sourceFields: Set<String> { SpecFields.source }
    var destinationFields: Set<String> { SpecFields.destination }
    var optionFields: Set<String> { SpecFields.options }
    var finishes: Bool { true }
    var skippedDefaults: Set<String> { [] }
    var readsObjectKeys: Bool { true }
    var keyListHint: String? { "split the keys over several tasks, or use a list task (`type: list`)" }
    var securityTokenHint: String? { nil }
    func refusal(_ key: String, in section: SpecSection) -> String? { nil }
    func cloudProblem(_ cloud: String) -> (message: String, hint: String)? { nil }

    /// Groups' and synchronization tasks' ids: text, 1 to 100 characters, no spaces.
    func textIDProblem(_ id: String) -> String? {
        (1...100).contains(id.count) && !id.contains(" ") ? nil : "`spec.adopt.id` must be an OMS \(noun) id (1 to 100 characters, no spaces)"
    }
}

/// Tasks and groups: OMS's task-type rules, and one build of what their bodies share
/// (`GraphBuilder.buildTaskOrGroup`); each makes its own body, fingerprint and node.
protocol TaskOrGroupPlan: PlanKind {
    associatedtype Request: DescribedBody & MigrationOptionFields
    /// The create body from the draft and the shared parts, without the options (set from the
    /// parts) and with the user's description.
    func request(_ d: TaskDraft, _ parts: GraphBuilder.BuildParts) -> Request
    /// Scheme 1's fingerprint of that body.
    func fingerprint(_ request: Request, userDescription: String?) -> String
    /// The graph node: the body (its description now with the marker) and the rest.
    func node(_ request: Request, _ common: DesiredCommon) -> DesiredResource
}

extension TaskOrGroupPlan {
    func check(_ d: inout TaskDraft, _ spec: Fields, _ decoder: TaskSpecDecoder) {
        decoder.checkTypeRules(&d, spec, self)
    }

    func build(_ d: TaskDraft, _ builder: GraphBuilder, dependsOn deps: [ResourceAddress],
               cache: inout [BandwidthScheduleDefinition: [BandwidthPolicy]?]) -> DesiredResource? {
        builder.buildTaskOrGroup(d, self, dependsOn: deps, cache: &cache) { parts, common in
            var r = request(d, parts)
            r.options = parts.options
            let c = common(fingerprint(r, userDescription: parts.user))
            r.description = c.marker.description(userDescription: parts.user)
            return node(r, c)
        }
    }
}

/// The registry of the kinds the loader decodes and builds: a new kind is added here only.
enum PlanKinds {
    static let all: [any PlanKind] = [MigrationTaskPlan(), MigrationTaskGroupPlan(), MigrationSyncTaskPlan()]

    /// The kind's rules (a look along three, a few times per resource). Plan-only kinds never
    /// reach the task decoder; they get the task's rules, as the loop's registry does.
    static func of(_ kind: ResourceKind) -> any PlanKind {
        all.first { $0.kind == kind } ?? all[0]
    }

    /// Whether `kind` is one of the OMS kinds above (a task, group or sync task).
    static func isOMSKind(_ kind: ResourceKind) -> Bool { all.contains { $0.kind == kind } }
}
