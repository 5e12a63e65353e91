import MigrationPlan

/// Why a change is what it is. Decisions are made on these values, never on their words;
/// `description` is the sentence views print (and JSON carries, as the CLI contract has it).
public enum ChangeReason: Hashable, Sendable, Codable, CustomStringConvertible {
    case notInOMSYet
    case pausedAfterCreation
    /// A `dependsOn` that has not succeeded yet, with what it is doing (or `nil`: not created).
    case waitsFor(ResourceAddress, liveStatus: String?)
    case adopted(kind: String, liveId: String)
    /// Marked by a newer oms-plan whose fingerprint scheme this one does not know.
    case unknownFingerprintScheme(Int)
    /// Fields OMS cannot update changed (named when OMS reports them back).
    case immutableFieldsChanged([String])
    /// The fingerprint differs though every field OMS reports back is the same.
    case fingerprintChanged(from: String, to: String)
    case replacementWouldRestart(kind: String, moved: String, address: ResourceAddress)
    case completed
    /// New bandwidth rules, evaluated for this day (`YYYY-MM-DD`, or empty).
    case bandwidthChanged(day: String)
    case priorityChanged
    case priorityWaitsForState(String)
    case failedWithoutPolicy(cause: String?)
    case failedGaveUp(cause: String?, attempts: Int, of: Int, address: ResourceAddress)
    case failedRetrying(cause: String?, action: String, attempt: Int, of: Int)
    case shouldRun(liveStatus: String)
    case shouldPause(liveStatus: String)
    case undeclaredPruned
    case undeclaredKept
    case duplicate(of: ResourceAddress, keptId: String)
    /// Adopted by an earlier run, and the plan no longer adopts it.
    case releasedAdoption(kind: String, liveId: String)
    /// A pre-flight check of a create failed or could not be made; the sentence says which.
    case preflight(String)
    /// When it is forecast to finish (a diff's create, bandwidth change or deadline), in the
    /// service zone.
    case forecast(ChangeForecast, serviceTimezone: String)
    /// A reason read back from a report (JSON), as written.
    case text(String)

    public var description: String {
        switch self {
        case .notInOMSYet: "not in OMS yet"
        case .pausedAfterCreation: "paused right after creation (state: paused)"
        case .waitsFor(let address, let status): "waits for \(address) (\(status ?? "not created yet")) to succeed before it is created"
        case .adopted(let kind, let id): "adopted: live \(kind) \(id) is managed by this stack from now on"
        case .unknownFingerprintScheme(let scheme):
            "marked with fingerprint scheme \(scheme), which a newer oms-plan wrote; upgrade oms-plan to manage it"
        case .immutableFieldsChanged(let paths): "\(paths.joined(separator: ", ")) cannot change in place"
        case .fingerprintChanged(let from, let to): "fields OMS does not report back changed (fingerprint \(from) -> \(to))"
        case .replacementWouldRestart(let kind, let moved, let address):
            "replacing would start over a \(kind) that already moved \(moved); set replaceOnChange: true or pass --allow-replace \(address)"
        case .completed: "completed; nothing left to change"
        case .bandwidthChanged(let day): "bandwidth changed" + (day.isEmpty ? "" : " (windows of \(day))")
        case .priorityChanged: "priority changed"
        case .priorityWaitsForState(let status): "priority changes once the task is Waiting, Paused or Failed (it is \(status))"
        case .failedWithoutPolicy(let cause): "failed\(Self.cause(cause)); onFailure is none"
        case .failedGaveUp(let cause, let attempts, let of, let address):
            "failed\(Self.cause(cause)); gave up after \(attempts) of \(of) attempts (`oms-plan reset-attempts PLAN --address \(address)` clears the count)"
        case .failedRetrying(let cause, let action, let attempt, let of): "failed\(Self.cause(cause)); \(action) attempt \(attempt) of \(of)"
        case .shouldRun(let status): "state is running but OMS has it \(status)"
        case .shouldPause(let status): "state is paused but OMS has it \(status)"
        case .undeclaredPruned: "no longer declared and prune is true"
        case .undeclaredKept: "no longer declared; kept because prune is false"
        case .duplicate(let address, let kept): "duplicate of \(address) (live id \(kept) is kept)"
        case .releasedAdoption(let kind, let id):
            "adopted earlier and no longer adopted by the plan: live \(kind) \(id) stays in OMS as it is, and this stack stops managing it"
        case .forecast(let forecast, let zone): ChangeForecasts.sentence(forecast, zone: zone)
        case .preflight(let text), .text(let text): text
        }
    }

    private static func cause(_ code: String?) -> String { code.map { " (\($0))" } ?? "" }

    /// A reason that passes by itself: a dependency still to succeed, a task that will accept
    /// its new priority once it waits or pauses. Progress, not a problem.
    public var isTransient: Bool {
        switch self {
        case .waitsFor, .priorityWaitsForState: true
        default: false
        }
    }

    /// A reason that needs a person: the plan cannot be carried out until someone acts.
    public var needsAttention: Bool {
        switch self {
        case .unknownFingerprintScheme, .replacementWouldRestart, .failedWithoutPolicy, .failedGaveUp, .preflight: true
        default: false
        }
    }

    /// Whether this reason alone keeps a change from being made now (it is reported blocked).
    var blocksChange: Bool {
        if case .priorityWaitsForState = self { return true }
        return false
    }

    // A reason read back from JSON is the same reason as the one that wrote it.
    public static func == (a: ChangeReason, b: ChangeReason) -> Bool { a.description == b.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    // Reports carry reasons as their sentences: the JSON document of the CLI contract.
    public init(from decoder: any Decoder) throws {
        self = .text(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
