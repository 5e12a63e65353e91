import Foundation
import MigrationPlan
import OMSClient
import OMSModels

/// One OMS resource kind as the reconcile loop sees it. Everything diff, plan and apply do
/// differently for a kind is answered here: what the plan's resource and OMS's answer look
/// like side by side, what a live status means, which calls a verb makes and how the kind's
/// live resources are listed again during apply. The loop itself never asks which kind it
/// holds; it asks the kind's adapter (`Kinds.adapter(for:)`).
///
/// A new kind is one adapter file in this folder, registered in `Kinds.all` (plus its plan
/// side, a `PlanKind` in MigrationPlan/Kinds, its schema, corpus cases and docs).
protocol KindAdapter: Sendable {
    /// The plan's resolved resource of this kind (`DesiredTask`, ...).
    associatedtype Desired: DesiredOMSResource
    /// OMS's answer for one of this kind (`TaskResp`, ...).
    associatedtype Live
    var kind: ResourceKind { get }
    /// How messages name one: `task`, `task group`, `synchronization task`.
    var noun: String { get }
    /// OMS's REST paths of the kind (`tasks`, its action method, its settled status).
    var collection: OMSCollection { get }

    // MARK: Diff

    /// This kind's answer in `live`; nil when `live` is another kind's.
    func answer(_ live: LiveResource) -> Live?
    /// The fields OMS cannot change in place, from the plan.
    func view(_ desired: Desired) -> SpecView
    /// The same fields from OMS's answer.
    func view(_ live: Live, userDescription: String?) -> SpecView
    /// What a create sends beyond the common attributes, as plan paths (priority,
    /// notifications, the bandwidth row).
    func sentAttributes(_ resource: Desired, into values: inout [String: JSONValue])
    /// What pre-flight checks: the source and destination of the body with its keys
    /// (`.unset` when they are not set).
    func preflightSource(_ resource: Desired) -> Preflight.Subject
    /// The live status in the terms the differ and the planner ask about.
    func status(_ live: LiveResource) -> LiveStatus
    /// The data a replacement would start over (`1.5 GiB`), nil when it loses nothing.
    func movedData(_ live: LiveResource) -> String?
    /// The resource's line in `status`: progress, counts, speed, error and whether it settled.
    func statusEntry(_ address: ResourceAddress, _ live: LiveResource) -> StatusReport.Entry
    /// Bytes done, bytes in all and the current speed, for forecasts.
    func progress(_ live: LiveResource) -> (done: Int64, total: Int64, speed: Int64)
    /// Whether a resource of this kind ever finishes (and so has a forecast and a history of
    /// speeds); a synchronization task never does.
    var finishes: Bool { get }

    // MARK: Plan and apply

    /// Whether a stop needs a poll until the resource has settled before it is deleted or
    /// resumed (false when the kind's stop takes effect at once).
    var stopNeedsWait: Bool { get }
    /// Whether bandwidth changes of resources that end with the same rules share one call.
    var batchesBandwidth: Bool { get }
    /// The OMS call of a retry and of a bandwidth change, as a reviewer reads them (the other
    /// verbs' calls follow the collection's shape: `call(_:)`).
    func retryCall(id: String, failedObjectsOnly: Bool) -> String
    func bandwidthCall(_ operation: StepOperation, priority: TaskPriority?) -> String
    /// A create's body (the plan's, with its keys), and the call that sends it, answering the
    /// new id. `perform(_:on:)` creates, and stops, alike for every kind.
    associatedtype CreateBody: Sendable
    func createBody(_ resource: Desired) throws -> CreateBody
    func send(_ body: CreateBody, _ client: OMSClient) async throws -> String?
    /// Stops one; OMS's answers that mean it is stopped already are fine. Answers the id as
    /// the step records it.
    func stop(id: String, on executor: StepExecutor) async throws -> String
    /// Every other verb: waiting for a stop, start, retry, delete, bandwidth.
    func performAction(_ operation: StepOperation, on executor: StepExecutor) async throws
    /// Every live resource of this kind as (id, description), oldest first: apply's checks
    /// for copies made meanwhile read these.
    func listForMarkers(_ executor: StepExecutor) async throws -> [(id: String, description: String?)]
    /// Every live resource of this kind OMS lists now, without those on their way out (the
    /// check for twins after the creates reads these).
    func listLive(_ client: OMSClient) async throws -> [LiveResource]
    /// One live resource by id (a create the list does not show yet).
    func readLive(id: String, _ client: OMSClient) async throws -> LiveResource?
}

extension KindAdapter {
    /// The plan's fields beside OMS's (nil when either is not of this kind).
    func desiredView(_ resource: any DesiredOMSResource) -> SpecView? {
        (resource as? Desired).map { view($0) }
    }

    func liveView(_ live: LiveResource, userDescription: String) -> SpecView? {
        answer(live).map { view($0, userDescription: userDescription) }
    }

    func sentAttributes(_ resource: any DesiredOMSResource, into values: inout [String: JSONValue]) {
        if let resource = resource as? Desired { sentAttributes(resource, into: &values) }
    }

    func preflightSubject(_ resource: any DesiredOMSResource) -> Preflight.Subject {
        (resource as? Desired).map(preflightSource) ?? .nothing
    }

    /// Sends one operation; returns the id a create made (or the step's subject id).
    func perform(_ operation: StepOperation, on executor: StepExecutor) async throws -> String? {
        switch operation.verb {
        case .create:
            let (address, resource) = try declared(operation, on: executor)
            let client = executor.client
            return try await executor.create(address, body: { try createBody(resource) }) { try await send($0, client) }
        case .stopCreated:
            return try await stop(id: try executor.createdId(operation), on: executor)
        case .stop:
            _ = try await stop(id: operation.id, on: executor)
        default:
            try await performAction(operation, on: executor)
        }
        return nil
    }

    /// The plan's resource an operation is about, as this kind's type.
    func declared(_ operation: StepOperation, on executor: StepExecutor) throws -> (address: ResourceAddress, resource: Desired) {
        let address = try executor.address(of: operation)
        return (address, try executor.declared(address, as: noun))
    }

    /// The OMS call of one operation, as a reviewer reads it.
    func call(_ operation: StepOperation) -> String {
        let base = "/v2/{project_id}/\(collection.path)", method = collection.actionMethod, id = operation.id
        return switch operation.verb {
        case .create: "POST \(base)"
        case .stopCreated: "\(method) \(base)/{new id}/stop"
        case .stop: "\(method) \(base)/\(id)/stop"
        case .waitSettled: "GET \(base)/\(id) until \(collection.settled)"
        case .delete: "DELETE \(base)/\(id)"
        case .start: "\(method) \(base)/\(id)/start"
        case .retry(let failedOnly): retryCall(id: id, failedObjectsOnly: failedOnly)
        case .updateBandwidth(_, let priority): bandwidthCall(operation, priority: priority)
        }
    }

    var batchesBandwidth: Bool { false }
    var finishes: Bool { true }
    func progress(_ live: LiveResource) -> (done: Int64, total: Int64, speed: Int64) { (0, 0, 0) }
}

/// The REST shape the OMS collections share: create is `POST /v2/{project_id}/<path>`, the
/// actions are `<actionMethod> .../{id}/<action>`, and a stop is waited out until `settled`.
struct OMSCollection: Sendable {
    var path: String
    var actionMethod: String
    var settled: String
}

/// The registry of kinds the loop handles.
enum Kinds {
    static let all: [any KindAdapter] = [task, taskGroup, syncTask]

    /// The adapter of an OMS kind; a `switch`, not a table: the differ and the planner ask it
    /// several times per resource. Plan-only kinds (credentials, schedules, task sets) never
    /// reach the loop as resources of their own (a task set's addresses are tasks'); they get
    /// the task adapter, as they always did.
    static func adapter(for kind: ResourceKind) -> any KindAdapter {
        switch kind {
        case .migrationTaskGroup: taskGroup
        case .migrationSyncTask: syncTask
        default: task
        }
    }

    private static let task = MigrationTaskKind()
    private static let taskGroup = MigrationTaskGroupKind()
    private static let syncTask = MigrationSyncTaskKind()

    /// Whether resources of the kind named `MigrationTask`-style ever finish (unknown names do).
    static func finishes(kindName: String) -> Bool {
        ResourceKind(rawValue: kindName).map { adapter(for: $0).finishes } ?? true
    }

    static func adapter(for live: LiveResource) -> any KindAdapter {
        adapter(for: live.kind)
    }
}
