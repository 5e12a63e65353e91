import MigrationPlan

/// Why a change is what it is. Decisions are made on these values, never on their words, and
/// two reasons are equal when their case and payload are. `code` is what programs match on;
/// the sentence (`message`, in `Render/ReasonMessages.swift`) is the views' business.
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
    /// `completed`: the resource already finished, so the replacement would copy it all again.
    case replacementWouldRestart(kind: String, moved: String, address: ResourceAddress, completed: Bool = false)
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
    /// `spec.suspend` of the resource or the Stack holds it as it is (Reconciler/Hold).
    case suspended(HoldNotice)
    /// A change freeze holds this change until it ends (Reconciler/Hold).
    case heldByFreeze(HoldNotice)
    /// A reason read back from a report (JSON), as written: its code and message.
    case recorded(code: String, message: String)

    /// The reason's stable code, what programs reading a report match on (never the message):
    /// snake_case, documented in docs/json-output.md, never renamed once released.
    public var code: String {
        switch self {
        case .notInOMSYet: "not_in_oms_yet"
        case .pausedAfterCreation: "paused_after_creation"
        case .waitsFor: "waits_for_dependency"
        case .adopted: "adopted"
        case .unknownFingerprintScheme: "unknown_fingerprint_scheme"
        case .immutableFieldsChanged: "immutable_fields_changed"
        case .fingerprintChanged: "fingerprint_changed"
        case .replacementWouldRestart: "replacement_would_restart"
        case .completed: "completed"
        case .bandwidthChanged: "bandwidth_changed"
        case .priorityChanged: "priority_changed"
        case .priorityWaitsForState: "priority_waits_for_state"
        case .failedWithoutPolicy: "failed_without_policy"
        case .failedGaveUp: "failed_gave_up"
        case .failedRetrying: "failed_retrying"
        case .shouldRun: "should_run"
        case .shouldPause: "should_pause"
        case .undeclaredPruned: "undeclared_pruned"
        case .undeclaredKept: "undeclared_kept"
        case .duplicate: "duplicate"
        case .releasedAdoption: "released_adoption"
        case .preflight: "preflight_failed"
        case .forecast: "forecast"
        case .suspended: "suspended"
        case .heldByFreeze: "held_by_freeze"
        case .recorded(let code, _): code
        }
    }

    /// Every code a reason of this version can have (docs/json-output.md lists each).
    public static let codes: [String] = [
        "not_in_oms_yet", "paused_after_creation", "waits_for_dependency", "adopted", "unknown_fingerprint_scheme",
        "immutable_fields_changed", "fingerprint_changed", "replacement_would_restart", "completed", "bandwidth_changed",
        "priority_changed", "priority_waits_for_state", "failed_without_policy", "failed_gave_up", "failed_retrying", "should_run",
        "should_pause", "undeclared_pruned", "undeclared_kept", "duplicate", "released_adoption", "preflight_failed", "forecast",
        "suspended", "held_by_freeze",
    ]

    /// The sentence views print (`message`, in `Render/ReasonMessages.swift`).
    public var description: String { message }


    /// A reason that passes by itself: a dependency still to succeed, a task that will accept
    /// its new priority once it waits or pauses. Progress, not a problem.
    public var isTransient: Bool {
        switch self {
        case .waitsFor, .priorityWaitsForState, .heldByFreeze: true
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

    /// Reports carry each reason as `{"code": ..., "message": ...}` (the CLI contract). A
    /// bare string, as reports before codes had it, is read as a message without a code.
    private enum CodingKeys: String, CodingKey { case code, message }

    public init(from decoder: any Decoder) throws {
        if let message = try? decoder.singleValueContainer().decode(String.self) {
            self = .recorded(code: "", message: message)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self = .recorded(code: try container.decode(String.self, forKey: .code), message: try container.decode(String.self, forKey: .message))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .message)
    }
}
