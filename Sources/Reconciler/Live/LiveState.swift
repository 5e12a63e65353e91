import Foundation
import MigrationPlan
import OMSClient

/// Everything in the project as OMS reports it, read with list calls only.
public struct LiveState: Sendable {
    /// Tasks that are not part of a group.
    public var tasks: [TaskResp]
    public var groups: [TaskGroupResp]
    /// Tasks a group created, by group id.
    public var groupTasks: [String: [TaskResp]]
    public var readAt: Date

    public init(tasks: [TaskResp], groups: [TaskGroupResp], readAt: Date) {
        var standalone: [TaskResp] = []
        var byGroup: [String: [TaskResp]] = [:]
        for task in tasks {
            if let group = task.groupId, !group.isEmpty {
                byGroup[group, default: []].append(task)
            } else if task.groupType == .groupTask {
                byGroup["", default: []].append(task)
            } else {
                standalone.append(task)
            }
        }
        self.tasks = standalone
        self.groups = groups
        self.groupTasks = byGroup
        self.readAt = readAt
    }

    /// Reads every task and group: ceil(N/100) list requests per kind, pages in parallel.
    public static func read(from client: OMSClient, now: Date = Date()) async throws(OMSClientError) -> LiveState {
        async let tasks = client.listAllTasks()
        async let groups = client.listAllTaskGroups()
        do {
            return LiveState(tasks: try await tasks, groups: try await groups, readAt: now)
        } catch let error as OMSClientError {
            throw error
        } catch {
            throw .connection(operation: "read live state", detail: "\(error)")
        }
    }
}

/// A live task or group.
public enum LiveResource: Sendable, Hashable {
    case task(TaskResp)
    case group(TaskGroupResp)

    public var id: String {
        switch self {
        case .task(let t): t.id.map(String.init) ?? ""
        case .group(let g): g.groupId ?? ""
        }
    }

    public var description: String? {
        switch self {
        case .task(let t): t.description
        case .group(let g): g.description
        }
    }

    public var statusName: String {
        switch self {
        case .task(let t): t.status?.description ?? "Unknown"
        case .group(let g): g.status?.description ?? "Unknown"
        }
    }
}

/// Which live resources this stack owns, by address (ownership marker or `adopt`).
public struct Ownership: Sendable {
    public var owned: [ResourceAddress: LiveResource] = [:]
    /// Further live resources carrying the marker of an address already matched.
    public var duplicates: [ResourceAddress: [LiveResource]] = [:]

    public init(live: LiveState, stack: String, adoptions: [ResourceAddress: String]) {
        let adoptedIds = Dictionary(adoptions.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        func consider(_ resource: LiveResource, kind: ResourceKind) {
            if let address = adoptedIds[resource.id], address.kind == kind {
                claim(address, resource)
                return
            }
            guard let description = resource.description, let parsed = OwnershipMarker.parse(description: description),
                parsed.marker.stack == stack, parsed.marker.address.kind == kind
            else { return }
            claim(parsed.marker.address, resource)
        }
        // Oldest first: the first one created is the one kept, later ones are duplicates.
        for task in live.tasks.sorted(by: { ($0.id ?? 0) < ($1.id ?? 0) }) { consider(.task(task), kind: .migrationTask) }
        for group in live.groups.sorted(by: { ($0.startTime ?? 0) < ($1.startTime ?? 0) }) {
            consider(.group(group), kind: .migrationTaskGroup)
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
