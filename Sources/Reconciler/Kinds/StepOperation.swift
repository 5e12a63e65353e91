import Foundation
import MigrationPlan
import OMSModels

/// One OMS call (or wait) that apply makes: a verb on a resource of some kind. Plain data:
/// the kind's adapter sends it, renderers print it (`call`), tests compare it. It does not
/// grow with the kinds: a new kind brings an adapter, not new cases.
public struct StepOperation: Hashable, Sendable {
    public enum Verb: Hashable, Sendable {
        /// Create what the plan declares at `address`.
        case create
        /// Stop what this run's create step made (its id is known only then): `state: paused`.
        case stopCreated
        case stop
        /// Poll until a stop has settled (Paused, or another settled state).
        case waitSettled
        case delete
        /// Resume a stopped resource, with the plan's credentials again.
        case start
        /// Start a failed resource again (`onFailure`): everything, or only the failed objects.
        case retry(failedObjectsOnly: Bool)
        /// New bandwidth rules (and, for tasks, priority); several ids share one call when the
        /// kind batches them.
        case updateBandwidth(rules: [BandwidthPolicy], priority: TaskPriority?)
    }

    public var kind: ResourceKind
    public var verb: Verb
    /// The live ids the call names: one, several for a batched update, none for what this run
    /// creates (`create`, `stopCreated`).
    public var ids: [String]
    /// The plan resource whose body or credentials the call sends, or whose create made the
    /// resource (`create`, `stopCreated`, `start`, `retry`).
    public var address: ResourceAddress?

    public init(kind: ResourceKind, verb: Verb, ids: [String] = [], address: ResourceAddress? = nil) {
        self.kind = kind
        self.verb = verb
        self.ids = ids
        self.address = address
    }

    /// The single live id of the call; empty for what this run creates.
    public var id: String { ids.first ?? "" }

    /// The OMS call, as a reviewer reads it.
    public var call: String { Kinds.adapter(for: kind).call(self) }
}
