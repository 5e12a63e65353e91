import Foundation
import MigrationPlan
import OMSClient
import OMSModels

/// A live task, task group or synchronization task that no stack owns: no readable ownership
/// marker of any stack in its description, and not adopted by the plan at hand. What
/// `oms-plan import` lists and can write plan YAML for.
public struct UnownedResource: Sendable, Hashable, Codable {
    public var id: String
    public var kind: String
    /// OMS's name (tasks), or the source bucket (groups and synchronization tasks, which have none).
    public var name: String
    public var type: String
    public var sourceCloud: String
    public var sourceRegion: String
    public var sourceBucket: String
    public var prefixes: [String]
    public var destinationRegion: String
    public var destinationBucket: String
    public var savePrefix: String
    public var status: String
    public var bytes: Int64
}

public enum UnownedResources {
    /// Everything in `live` that no stack owns and `desired` does not adopt, tasks by id,
    /// then groups, then synchronization tasks. Tasks a group made belong to the group.
    public static func find(live: LiveState, desired: DesiredState) -> [UnownedResource] {
        let adopted = Set(desired.resources.values.compactMap { $0.omsResource?.adoptID })
        func free(_ description: String?, _ id: String) -> Bool {
            description.flatMap { OwnershipMarker.parse(description: $0) } == nil && !adopted.contains(id) && !PassMarker.isPass(description)
        }
        var found: [UnownedResource] = []
        for task in live.tasks.sorted(by: { ($0.id ?? 0) < ($1.id ?? 0) }) where free(task.description, String(task.liveId)) {
            found.append(describe(task))
        }
        for group in live.groups.sorted(by: { $0.liveId < $1.liveId }) where free(group.description, group.liveId) {
            found.append(UnownedResource(
                id: group.liveId, kind: ResourceKind.migrationTaskGroup.rawValue, name: group.srcNode?.bucket ?? "",
                type: group.taskType?.canonical.rawValue.lowercased() ?? "", sourceCloud: group.srcNode?.cloudType?.canonical.rawValue ?? "",
                sourceRegion: group.srcNode?.region ?? "", sourceBucket: group.srcNode?.bucket ?? "",
                prefixes: group.srcNode?.objectKey ?? [], destinationRegion: group.dstNode?.region ?? "",
                destinationBucket: group.dstNode?.bucket ?? "", savePrefix: group.dstNode?.savePrefix ?? "",
                status: LiveResource.group(group).statusName, bytes: group.completeSize ?? 0))
        }
        for sync in live.syncTasks.sorted(by: { $0.liveId < $1.liveId }) where free(sync.description, sync.liveId) {
            found.append(UnownedResource(
                id: sync.liveId, kind: ResourceKind.migrationSyncTask.rawValue, name: sync.srcBucket ?? "", type: "sync",
                sourceCloud: sync.srcCloudType?.canonical.rawValue ?? "", sourceRegion: sync.srcRegion ?? "",
                sourceBucket: sync.srcBucket ?? "", prefixes: [], destinationRegion: sync.dstRegion ?? "",
                destinationBucket: sync.dstBucket ?? "", savePrefix: "", status: LiveResource.syncTask(sync).statusName, bytes: 0))
        }
        return found
    }

    static func describe(_ task: TaskResp) -> UnownedResource {
        UnownedResource(
            id: String(task.liveId), kind: ResourceKind.migrationTask.rawValue, name: task.name ?? "",
            type: (task.taskType ?? .object).canonical.rawValue, sourceCloud: task.srcNode?.cloudType?.canonical.rawValue ?? "",
            sourceRegion: task.srcNode?.region ?? "", sourceBucket: task.srcNode?.bucket ?? "",
            prefixes: task.srcNode?.objectKey ?? [], destinationRegion: task.dstNode?.region ?? "",
            destinationBucket: task.dstNode?.bucket ?? "", savePrefix: task.dstNode?.savePrefix ?? "",
            status: LiveResource.task(task).statusName, bytes: max(task.completeSize ?? 0, task.realSize ?? 0))
    }
}
