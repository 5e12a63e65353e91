import Foundation
import MigrationPlan
import OMSClient
import OMSModels

/// Everything in the project as OMS reports it, read with list calls only.
public struct LiveState: Sendable {
    /// Tasks that are not part of a group.
    public var tasks: [TaskResp]
    public var groups: [TaskGroupResp]
    /// Tasks a group created, by group id.
    public var groupTasks: [String: [TaskResp]]
    /// Synchronization tasks (read with one more list call).
    public var syncTasks: [SyncTaskInfo]
    public var readAt: Date

    /// Tasks and groups OMS listed without an id: nothing can be done to them, and nothing
    /// is (they are left out of `tasks` and `groups`); `read` refuses such an answer.
    public var malformed: [String]

    public init(tasks: [TaskResp], groups: [TaskGroupResp], syncTasks: [SyncTaskInfo] = [], readAt: Date) {
        var standalone: [TaskResp] = []
        var byGroup: [String: [TaskResp]] = [:]
        var malformed: [String] = []
        func name(_ description: String?, _ fallback: String?) -> String {
            description.flatMap { OwnershipMarker.parse(description: $0)?.marker.address.description } ?? fallback ?? "(unnamed)"
        }
        // Tested by reference first: `for task in tasks where …` copies every 770-byte answer.
        if tasks.contains(where: { $0.id == nil }) {
            for task in tasks where task.id == nil {
                malformed.append("a task without an id (\(name(task.description, task.name)))")
            }
        }
        for group in groups where (group.groupId ?? "").isEmpty {
            malformed.append("a task group without an id (\(name(group.description, nil)))")
        }
        for sync in syncTasks where (sync.syncTaskId ?? "").isEmpty {
            malformed.append("a synchronization task without an id (\(name(sync.description, sync.srcBucket)))")
        }
        if malformed.isEmpty, !tasks.contains(where: { !($0.groupId ?? "").isEmpty || $0.groupType == .groupTask }) {
            // The common case, every task standalone: the list is kept as it came, not copied
            // answer by answer (10,000 answers are 7.7 MB, and a copy was 4% of a diff).
            standalone = tasks
        } else {
            for task in tasks where task.id != nil {
                if let group = task.groupId, !group.isEmpty {
                    byGroup[group, default: []].append(task)
                } else if task.groupType == .groupTask {
                    byGroup["", default: []].append(task)
                } else {
                    standalone.append(task)
                }
            }
        }
        self.tasks = standalone
        self.groups = groups.filter { !($0.groupId ?? "").isEmpty }
        self.groupTasks = byGroup
        self.syncTasks = syncTasks.filter { !($0.syncTaskId ?? "").isEmpty }
        self.readAt = readAt
        self.malformed = malformed
    }

    /// Live resources of any kind, as the kinds' adapters list them (each with an id).
    init(_ resources: [LiveResource], readAt: Date) {
        var tasks: [TaskResp] = []
        var groups: [TaskGroupResp] = []
        var syncTasks: [SyncTaskInfo] = []
        for resource in resources {
            switch resource {
            case .task(let t): tasks.append(t)
            case .group(let g): groups.append(g)
            case .syncTask(let s): syncTasks.append(s)
            }
        }
        self.init(tasks: tasks, groups: groups, syncTasks: syncTasks, readAt: readAt)
    }

    /// The live task (for a task address) or group with this id, if OMS listed it.
    public func resource(kind: ResourceKind, id: String) -> LiveResource? {
        if kind == .migrationTaskGroup { return groups.first { $0.groupId == id }.map(LiveResource.group) }
        if kind == .migrationSyncTask { return syncTasks.first { $0.syncTaskId == id }.map(LiveResource.syncTask) }
        return tasks.first { $0.id.map(String.init) == id }.map(LiveResource.task)
    }

    /// Reads every task, group and synchronization task: ceil(N/100) list requests per kind,
    /// pages in parallel.
    public static func read(from client: OMSClient, now: Date = Date()) async throws(OMSClientError) -> LiveState {
        async let tasks = client.listAllTasks()
        async let groups = client.listAllTaskGroups()
        async let syncTasks = Self.listSyncTasks(client)
        let state: LiveState
        do {
            state = LiveState(tasks: try await tasks, groups: try await groups, syncTasks: try await syncTasks, readAt: now)
        } catch let error as OMSClientError {
            throw error
        } catch {
            throw .connection(operation: "read live state", detail: "\(error)")
        }
        // Never guess an id: a made-up one would stop or delete something else.
        if !state.malformed.isEmpty {
            throw .invalidResponse(
                operation: "read live state", httpStatus: 200,
                detail: "OMS listed " + state.malformed.joined(separator: ", ") + "; nothing was changed", requestId: nil)
        }
        return state
    }
}

extension LiveState {
    /// Every synchronization task; none where the endpoint has no such API (HTTP 404 for the
    /// list itself: an OMS, or a stand-in, without synchronization tasks cannot hold any), so
    /// that stacks without sync tasks work there as before. Any other failure is an error.
    static func listSyncTasks(_ client: OMSClient) async throws(OMSClientError) -> [SyncTaskInfo] {
        do {
            return try await client.listAllSyncTasks()
        } catch let error where error.httpStatus == 404 && !(error.errorCode?.hasPrefix("OMS.") ?? false) {
            return []
        }
    }
}

/// A live task, group or synchronization task. Only `LiveState` makes them, and it admits
/// only those with an id.
/// Indirect: a task answer is about 770 bytes, and a diff passes 10,000 of them through the
/// ownership map, the differ and the intents; boxed, each pass is a reference count.
public indirect enum LiveResource: Sendable, Hashable {
    case task(TaskResp)
    case group(TaskGroupResp)
    case syncTask(SyncTaskInfo)

    /// The plan kind whose addresses may own it.
    public var kind: ResourceKind {
        switch self {
        case .task: .migrationTask
        case .group: .migrationTaskGroup
        case .syncTask: .migrationSyncTask
        }
    }

    public var id: String {
        switch self {
        case .task(let t): String(t.liveId)
        case .group(let g): g.liveId
        case .syncTask(let s): s.liveId
        }
    }

    public var description: String? {
        switch self {
        case .task(let t): t.description
        case .group(let g): g.description
        case .syncTask(let s): s.description
        }
    }

    public var statusName: String {
        switch self {
        case .task(let t): t.status?.description ?? "Unknown"
        case .group(let g): g.status?.description ?? "Unknown"
        case .syncTask(let s): s.status?.rawValue ?? "Unknown"
        }
    }
}

/// Which live resources this stack owns, by address (ownership marker or `adopt`).
public struct Ownership: Sendable {
    public var owned: [ResourceAddress: LiveResource] = [:]
    /// Further live resources carrying the marker of an address already matched.
    public var duplicates: [ResourceAddress: [LiveResource]] = [:]
    /// The marker of each owned resource that was claimed by its marker (read once here).
    public var markers: [ResourceAddress: OwnershipMarker] = [:]
    /// Ids of the standalone tasks whose description holds no readable marker of any stack.
    public var unmarkedTaskIds: [String] = []

    public init(live: LiveState, stack: String, adoptions: [ResourceAddress: String]) {
        let adoptedIds = Dictionary(adoptions.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        /// Adopted by id, or claimed by this stack's marker of the same kind.
        func consider(_ resource: LiveResource, marker: OwnershipMarker?, kind: ResourceKind) {
            if !adoptedIds.isEmpty, let address = adoptedIds[resource.id], address.kind == kind {
                claim(address, resource)
                return
            }
            guard let marker, marker.stack == stack, marker.address.kind == kind else { return }
            if owned[marker.address] == nil { markers[marker.address] = marker }
            claim(marker.address, resource)
        }
        @Sendable func marker(_ description: String?) -> OwnershipMarker? {
            description.flatMap { OwnershipMarker.parse(description: $0)?.marker }
        }
        // Oldest first: the first one created is the one kept, later ones are duplicates.
        // Tasks are many: indices are sorted (not the 770-byte answers), and the answers are
        // boxed and their markers read on every core; claiming stays in order.
        let order = live.tasks.indices.sorted(by: { (live.tasks[$0].id ?? 0) < (live.tasks[$1].id ?? 0) })
        let boxed = ConcurrentMap.map(order) { i in (LiveResource.task(live.tasks[i]), marker(live.tasks[i].description)) }
        owned.reserveCapacity(live.tasks.count + live.groups.count + live.syncTasks.count)
        markers.reserveCapacity(live.tasks.count + live.groups.count + live.syncTasks.count)
        for (task, taskMarker) in boxed {
            // A pass task (Reconciler/Passes) is this or another stack's, never unowned.
            if taskMarker == nil, !PassMarker.isPass(task.description) { unmarkedTaskIds.append(task.id) }
            consider(task, marker: taskMarker, kind: .migrationTask)
        }
        // Ties broken by id, as for synchronization tasks: every run must name the same oldest.
        for group in live.groups.sorted(by: { ($0.startTime ?? 0, $0.liveId) < ($1.startTime ?? 0, $1.liveId) }) {
            consider(.group(group), marker: marker(group.description), kind: .migrationTaskGroup)
        }
        for sync in live.syncTasks.sorted(by: { ($0.createTime ?? 0, $0.liveId) < ($1.createTime ?? 0, $1.liveId) }) {
            consider(.syncTask(sync), marker: marker(sync.description), kind: .migrationSyncTask)
        }
    }

    private mutating func claim(_ address: ResourceAddress, _ resource: LiveResource) {
        if owned[address] == nil {
            owned[address] = resource
        } else {
            duplicates[address, default: []].append(resource)
        }
    }
}

extension TaskResp {
    /// The id of a task `LiveState` admitted (it admits none without one).
    var liveId: Int64 {
        guard let id else { preconditionFailure("LiveState admits only tasks with an id") }
        return id
    }
}

extension TaskGroupResp {
    /// The id of a group `LiveState` admitted (it admits none without one).
    var liveId: String {
        guard let groupId, !groupId.isEmpty else { preconditionFailure("LiveState admits only groups with an id") }
        return groupId
    }
}

extension SyncTaskInfo {
    /// The id of a synchronization task `LiveState` admitted (it admits none without one).
    var liveId: String {
        guard let syncTaskId, !syncTaskId.isEmpty else { preconditionFailure("LiveState admits only synchronization tasks with an id") }
        return syncTaskId
    }
}
