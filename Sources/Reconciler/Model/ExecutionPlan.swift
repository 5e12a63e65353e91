import Foundation
import MigrationPlan
import OMSModels

/// One OMS call (or wait) that apply makes. Plain data: the applier executes it, renderers
/// print it, tests compare it.
public enum StepOperation: Hashable, Sendable {
    case createTask(address: ResourceAddress)
    case createTaskGroup(address: ResourceAddress)
    case stopTask(id: Int64)
    /// Stop the task a create step of this run made (its id is known only then).
    case stopCreatedTask(address: ResourceAddress)
    case stopCreatedTaskGroup(address: ResourceAddress)
    /// Poll until the task is Paused (or another settled state).
    case waitTaskSettled(id: Int64)
    case deleteTask(id: Int64)
    /// Resume a paused task.
    case startTask(id: Int64, address: ResourceAddress)
    /// Start a failed task again (`onFailure`): everything, or only the objects that failed.
    case retryTask(id: Int64, address: ResourceAddress, failedObjectsOnly: Bool)
    case updateTaskBandwidth(id: Int64, rules: [BandwidthPolicy])
    /// Up to 20 tasks that end with the same rules (and priority).
    case batchUpdateTasks(ids: [Int64], rules: [BandwidthPolicy], priority: TaskPriority?)
    case stopTaskGroup(id: String)
    /// Poll until the group is Paused (or another settled state).
    case waitTaskGroupSettled(id: String)
    case deleteTaskGroup(id: String)
    case startTaskGroup(id: String, address: ResourceAddress)
    case retryTaskGroup(id: String, address: ResourceAddress, failedObjectsOnly: Bool)
    case updateTaskGroupBandwidth(id: String, rules: [BandwidthPolicy])
    case createSyncTask(address: ResourceAddress)
    /// Stop the synchronization task a create step of this run made (`state: paused`).
    case stopCreatedSyncTask(address: ResourceAddress)
    case stopSyncTask(id: String)
    case startSyncTask(id: String, address: ResourceAddress)
    case deleteSyncTask(id: String)

    /// The OMS call, as a reviewer reads it.
    public var call: String {
        switch self {
        case .createTask: "POST /v2/{project_id}/tasks"
        case .createTaskGroup: "POST /v2/{project_id}/taskgroups"
        case .stopTask(let id): "POST /v2/{project_id}/tasks/\(id)/stop"
        case .stopCreatedTask: "POST /v2/{project_id}/tasks/{new id}/stop"
        case .stopCreatedTaskGroup: "PUT /v2/{project_id}/taskgroups/{new id}/stop"
        case .waitTaskSettled(let id): "GET /v2/{project_id}/tasks/\(id) until Paused"
        case .deleteTask(let id): "DELETE /v2/{project_id}/tasks/\(id)"
        case .startTask(let id, _): "POST /v2/{project_id}/tasks/\(id)/start"
        case .retryTask(let id, _, let failedOnly):
            "POST /v2/{project_id}/tasks/\(id)/start" + (failedOnly ? " (failed objects only)" : " (all objects)")
        case .updateTaskBandwidth(let id, _): "PUT /v2/{project_id}/tasks/\(id)/bandwidth-policy"
        case .batchUpdateTasks(let ids, _, _): "POST /v2/{project_id}/tasks/batch-update (\(ids.count) \(ids.count == 1 ? "task" : "tasks"))"
        case .stopTaskGroup(let id): "PUT /v2/{project_id}/taskgroups/\(id)/stop"
        case .waitTaskGroupSettled(let id): "GET /v2/{project_id}/taskgroups/\(id) until Paused"
        case .deleteTaskGroup(let id): "DELETE /v2/{project_id}/taskgroups/\(id)"
        case .startTaskGroup(let id, _): "PUT /v2/{project_id}/taskgroups/\(id)/start"
        case .retryTaskGroup(let id, _, let failedOnly):
            "PUT /v2/{project_id}/taskgroups/\(id)/retry" + (failedOnly ? " (failed objects only)" : "")
        case .updateTaskGroupBandwidth(let id, _): "PUT /v2/{project_id}/taskgroups/\(id)/update"
        case .createSyncTask: "POST /v2/{project_id}/sync-tasks"
        case .stopCreatedSyncTask: "POST /v2/{project_id}/sync-tasks/{new id}/stop"
        case .stopSyncTask(let id): "POST /v2/{project_id}/sync-tasks/\(id)/stop"
        case .startSyncTask(let id, _): "POST /v2/{project_id}/sync-tasks/\(id)/start"
        case .deleteSyncTask(let id): "DELETE /v2/{project_id}/sync-tasks/\(id)"
        }
    }
}

public struct PlanStep: Hashable, Sendable, Identifiable {
    public var id: Int
    /// The resources this step changes (a batch update covers several).
    public var addresses: [ChangeSubject]
    public var operation: StepOperation
    /// Steps that must succeed first.
    public var after: [Int]

    public init(id: Int, addresses: [ChangeSubject], operation: StepOperation, after: [Int] = []) {
        self.id = id
        self.addresses = addresses
        self.operation = operation
        self.after = after
    }
}

/// The report plus the ordered steps that carry it out.
public struct ExecutionPlan: Sendable {
    public var report: ChangeReport
    public var steps: [PlanStep]
    /// Ids of every task, group and synchronization task OMS listed when the plan was made. A create's last check
    /// for a copy made meanwhile looks only at resources not among them.
    public var knownLiveIds: Set<String>

    public init(report: ChangeReport, steps: [PlanStep], knownLiveIds: Set<String> = []) {
        self.report = report
        self.steps = steps
        self.knownLiveIds = knownLiveIds
    }

    /// The calls for one address, in order.
    public func calls(for address: ChangeSubject) -> [String] {
        steps.filter { $0.addresses.contains(address) }.map(\.operation.call)
    }

    /// Indices into `steps` of each address's steps, in order.
    static func stepsByAddress(_ steps: [PlanStep]) -> [ChangeSubject: [Int]] {
        var index: [ChangeSubject: [Int]] = [:]
        for (position, step) in steps.enumerated() {
            for address in step.addresses { index[address, default: []].append(position) }
        }
        return index
    }
}
