import Foundation
import MigrationPlan
import OMSClient

/// One OMS resource kind as the reconcile loop sees it. Everything diff, plan and apply do
/// differently for a kind is answered here: what the plan's resource and OMS's answer look
/// like side by side, what a live status means, which calls a verb makes and how the kind's
/// live resources are listed again during apply. The loop itself never asks which kind it
/// holds; it asks the kind's adapter (`Kinds.adapter(for:)`).
///
/// A new kind is one adapter file in this folder, registered in `Kinds.all` (plus its plan
/// decoding in MigrationPlan, its schema, corpus cases and docs).
protocol KindAdapter: Sendable {
    var kind: ResourceKind { get }
    /// How messages name one: `task`, `task group`, `synchronization task`.
    var noun: String { get }

    // MARK: Diff

    /// The fields OMS cannot change in place, from the plan (nil when `resource` is not of
    /// this kind).
    func desiredView(_ resource: any DesiredOMSResource) -> SpecView?
    /// The same fields from OMS's answer (nil when `live` is not of this kind).
    func liveView(_ live: LiveResource, userDescription: String) -> SpecView?
    /// What a create sends beyond the common attributes, as plan paths (priority,
    /// notifications, the bandwidth row).
    func sentAttributes(_ resource: any DesiredOMSResource, into values: inout [String: JSONValue])
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
    /// The OMS call of one operation, as a reviewer reads it.
    func call(_ operation: StepOperation) -> String
    /// Sends one operation; returns the id a create made (or the step's subject id).
    func perform(_ operation: StepOperation, on executor: StepExecutor) async throws -> String?
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
    var batchesBandwidth: Bool { false }
    var finishes: Bool { true }
    func progress(_ live: LiveResource) -> (done: Int64, total: Int64, speed: Int64) { (0, 0, 0) }
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
