import Foundation
import OMSModels

/// The stack's settings, with the day the plan was evaluated on (bandwidth rules depend on it).
public struct StackSettings: Hashable, Sendable {
    public var name: String
    public var region: String
    public var projectId: String?
    public var prune: Bool
    /// As written (`+08:00`, `Asia/Shanghai`).
    public var serviceTimezone: String
    public var evaluationDate: Date
    /// `2026-11-24` in the service zone: the day whose bandwidth rules the graph holds.
    public var evaluationDay: String
    public var evaluationWeekday: Weekday
    public var declaredAt: SourceLocation
    /// When the whole stack should be done (`spec.deadline`); nil without one.
    public var deadline: Date? = nil
    /// `spec.suspend`: every resource of the stack is left as it is (Reconciler/Hold).
    public var suspension: Suspension? = nil
    /// `spec.freezes`: when only pauses and the day's bandwidth rules are made (Reconciler/Hold).
    public var freezes: [ChangeFreeze] = []
    /// The service zone, parsed (the bandwidth rules and forecasts are in it).
    public var serviceZone: ScheduleTimeZone { ScheduleTimeZone(serviceTimezone) ?? ScheduleTimeZone("+08:00")! }
}

/// An edge of the desired-state graph: `from` needs `to`.
public struct DependencyEdge: Hashable, Sendable, Comparable {
    public enum Kind: String, Hashable, Sendable, Comparable {
        case dependsOn
        case sourceCredentials
        case destinationCredentials
        case bandwidthSchedule
        case generatedBy

        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    public var from: ResourceAddress
    public var to: ResourceAddress
    public var kind: Kind

    public static func < (a: DependencyEdge, b: DependencyEdge) -> Bool {
        (a.from, a.kind, a.to) < (b.from, b.kind, b.to)
    }
}

/// A validated plan: what OMS should look like. Produced by `PlanLoader.load` when the plan
/// has no errors; diff and apply compare it with live OMS.
public struct DesiredState: Sendable {
    public var stack: StackSettings
    /// Every resource by address: tasks (declared and generated), groups, credentials,
    /// schedules. Task sets are not resources of their own; see `taskSets`.
    public var resources: [ResourceAddress: DesiredResource]
    /// Tasks and groups, each after everything it `dependsOn`; ties broken by address, so the
    /// order is deterministic.
    public var order: [ResourceAddress]
    /// All edges, sorted.
    public var edges: [DependencyEdge]
    /// `MigrationTaskSet` address -> the tasks it generated, in item order.
    public var taskSets: [ResourceAddress: [ResourceAddress]]
    /// `kind: Cutover` documents by address (plan-only: never sent, never fingerprinted).
    public var cutovers: [ResourceAddress: DesiredCutover] = [:]
    /// Task, group or sync task -> the Cutovers its `dependsOn` names: it is created only once
    /// each of them is done. Kept out of `dependsOn`, which is part of the fingerprint.
    public var cutoverGates: [ResourceAddress: [ResourceAddress]] = [:]
    /// `kind: Notification` documents, by name (plan-only: never sent to OMS, never fingerprinted).
    public var notifications: [DesiredNotification] = []

    /// Tasks sorted by address.
    /// (Addresses are sorted, not the resources: each large value is copied once.)
    public var tasks: [DesiredTask] {
        resources.keys.filter { $0.kind == .migrationTask }.sorted().compactMap { if case .task(let t)? = resources[$0] { t } else { nil } }
    }

    /// Groups sorted by address.
    public var taskGroups: [DesiredTaskGroup] {
        resources.keys.filter { $0.kind == .migrationTaskGroup }.sorted().compactMap {
            if case .taskGroup(let g)? = resources[$0] { g } else { nil }
        }
    }

    /// Synchronization tasks sorted by address.
    public var syncTasks: [DesiredSyncTask] {
        resources.keys.filter { $0.kind == .migrationSyncTask }.sorted().compactMap {
            if case .syncTask(let s)? = resources[$0] { s } else { nil }
        }
    }

    /// Tasks and groups in topological order.
    public var omsResources: [any DesiredOMSResource] {
        order.compactMap { resources[$0]?.omsResource }
    }

    public subscript(address: ResourceAddress) -> DesiredResource? { resources[address] }

    /// Whether the plan declares `address` (without copying the resource out).
    public func declares(_ address: ResourceAddress) -> Bool { resources.index(forKey: address) != nil }

    /// Direct `dependsOn` of a task or group.
    public func dependencies(of address: ResourceAddress) -> [ResourceAddress] {
        resources[address]?.omsResource?.dependsOn ?? []
    }

    /// Tasks and groups whose `dependsOn` names `address`.
    public func dependents(of address: ResourceAddress) -> [ResourceAddress] {
        edges.filter { $0.kind == .dependsOn && $0.to == address }.map(\.from).sorted()
    }

    /// `targets` and everything they transitively depend on (for `--target`). A task set
    /// address stands for its tasks.
    public func closure(of targets: [ResourceAddress]) -> Set<ResourceAddress> {
        var result = Set<ResourceAddress>()
        var stack = targets.flatMap { taskSets[$0] ?? [$0] }
        while let a = stack.popLast() {
            guard result.insert(a).inserted else { continue }
            stack += dependencies(of: a)
        }
        return result
    }

    /// Tasks and groups whose labels include all of `selector` (for `--selector k=v`).
    public func select(labels selector: [String: String]) -> [ResourceAddress] {
        order.filter { a in
            guard let labels = resources[a]?.omsResource?.labels else { return false }
            return selector.allSatisfy { labels[$0.key] == $0.value }
        }
    }
}
