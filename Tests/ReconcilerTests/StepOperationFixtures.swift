import MigrationPlan
import OMSModels
@testable import Reconciler

/// The operations tests expect, spelt as a reader says them (`.stopTask(id: 1011)`). Only the
/// tests need names per kind and verb: the library's `StepOperation` is kind + verb + ids.
extension StepOperation {
    static func createTask(address: ResourceAddress) -> Self { .init(kind: .migrationTask, verb: .create, address: address) }
    static func createTaskGroup(address: ResourceAddress) -> Self { .init(kind: .migrationTaskGroup, verb: .create, address: address) }
    static func createSyncTask(address: ResourceAddress) -> Self { .init(kind: .migrationSyncTask, verb: .create, address: address) }
    static func stopCreatedTask(address: ResourceAddress) -> Self { .init(kind: .migrationTask, verb: .stopCreated, address: address) }
    static func stopCreatedTaskGroup(address: ResourceAddress) -> Self {
        .init(kind: .migrationTaskGroup, verb: .stopCreated, address: address)
    }
    static func stopCreatedSyncTask(address: ResourceAddress) -> Self {
        .init(kind: .migrationSyncTask, verb: .stopCreated, address: address)
    }
    static func stopTask(id: Int64) -> Self { .init(kind: .migrationTask, verb: .stop, ids: [String(id)]) }
    static func waitTaskSettled(id: Int64) -> Self { .init(kind: .migrationTask, verb: .waitSettled, ids: [String(id)]) }
    static func deleteTask(id: Int64) -> Self { .init(kind: .migrationTask, verb: .delete, ids: [String(id)]) }
    static func startTask(id: Int64, address: ResourceAddress) -> Self {
        .init(kind: .migrationTask, verb: .start, ids: [String(id)], address: address)
    }
    static func retryTask(id: Int64, address: ResourceAddress, failedObjectsOnly: Bool) -> Self {
        .init(kind: .migrationTask, verb: .retry(failedObjectsOnly: failedObjectsOnly), ids: [String(id)], address: address)
    }
    static func updateTaskBandwidth(id: Int64, rules: [BandwidthPolicy]) -> Self {
        .init(kind: .migrationTask, verb: .updateBandwidth(rules: rules, priority: nil), ids: [String(id)])
    }
    static func batchUpdateTasks(ids: [Int64], rules: [BandwidthPolicy], priority: TaskPriority?) -> Self {
        .init(kind: .migrationTask, verb: .updateBandwidth(rules: rules, priority: priority), ids: ids.map(String.init))
    }
    static func stopTaskGroup(id: String) -> Self { .init(kind: .migrationTaskGroup, verb: .stop, ids: [id]) }
    static func waitTaskGroupSettled(id: String) -> Self { .init(kind: .migrationTaskGroup, verb: .waitSettled, ids: [id]) }
    static func deleteTaskGroup(id: String) -> Self { .init(kind: .migrationTaskGroup, verb: .delete, ids: [id]) }
    static func startTaskGroup(id: String, address: ResourceAddress) -> Self {
        .init(kind: .migrationTaskGroup, verb: .start, ids: [id], address: address)
    }
    static func retryTaskGroup(id: String, address: ResourceAddress, failedObjectsOnly: Bool) -> Self {
        .init(kind: .migrationTaskGroup, verb: .retry(failedObjectsOnly: failedObjectsOnly), ids: [id], address: address)
    }
    static func updateTaskGroupBandwidth(id: String, rules: [BandwidthPolicy]) -> Self {
        .init(kind: .migrationTaskGroup, verb: .updateBandwidth(rules: rules, priority: nil), ids: [id])
    }
    static func stopSyncTask(id: String) -> Self { .init(kind: .migrationSyncTask, verb: .stop, ids: [id]) }
    static func startSyncTask(id: String, address: ResourceAddress) -> Self {
        .init(kind: .migrationSyncTask, verb: .start, ids: [id], address: address)
    }
    static func deleteSyncTask(id: String) -> Self { .init(kind: .migrationSyncTask, verb: .delete, ids: [id]) }

    /// The ids and priority of a task bandwidth update that goes through batch-update, else nil.
    var taskBatch: (ids: [Int64], priority: TaskPriority?)? {
        guard kind == .migrationTask, case .updateBandwidth(_, let priority) = verb,
            !MigrationTaskKind.isSingleUpdate(ids, priority) else { return nil }
        return (ids.compactMap { Int64($0) }, priority)
    }

    /// The id and rules of a single task's own bandwidth call, else nil.
    var taskBandwidth: (id: Int64, rules: [BandwidthPolicy])? {
        guard kind == .migrationTask, case .updateBandwidth(let rules, let priority) = verb,
            MigrationTaskKind.isSingleUpdate(ids, priority), let id = Int64(id) else { return nil }
        return (id, rules)
    }
}
