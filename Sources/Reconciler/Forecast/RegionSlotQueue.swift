import Foundation
import MigrationPlan
import OMSClient
import OMSModels

/// OMS runs at most 5 tasks at once per destination region (its FAQ on migration speed); the
/// others wait for a slot, the highest priority first, then the oldest. A forecast that
/// started every transfer now would say a plan of 20 equal tasks in one region finishes in one
/// task's time; through the slots it takes four.
///
/// A list schedule: resources are given slots in the order OMS would start them, each taking
/// the slot of its region that frees first. A task group counts as one transfer (its
/// bandwidth rules hold each of its tasks, and the forecaster already treats it as one).
struct RegionSlotQueue {
    /// Tasks OMS runs at once per destination region.
    static let slotsPerRegion = 5

    let slots: Int
    let now: Date
    /// Per region, when each of its slots frees (distantFuture: held by a transfer with no
    /// forecast), kept sorted.
    private var frees: [String: [Date]] = [:]

    init(now: Date, slots: Int = Self.slotsPerRegion) {
        self.now = now
        self.slots = max(1, slots)
    }

    /// When a transfer of `region` that may start at `earliest` gets a slot.
    func start(in region: String, earliest: Date) -> Date {
        max(earliest, frees[region]?.first ?? now)
    }

    /// Takes the region's first free slot until `finish` (nil: never known, so it stays held).
    mutating func hold(in region: String, until finish: Date?) {
        var list = frees[region] ?? Array(repeating: now, count: slots)
        list.removeFirst()
        let end = finish ?? .distantFuture
        list.insert(end, at: list.firstIndex { $0 > end } ?? list.endIndex)
        frees[region] = list
    }

    /// The order slots are handed out in: what runs now keeps its slot; then what waits or is
    /// not created yet, by priority (HIGH, MEDIUM, LOW), in OMS (already created) before not yet,
    /// then in plan order; what depends on others last, in plan order (it is created when they
    /// finish, behind what waits then).
    static func order(_ addresses: [ResourceAddress], desired: DesiredState, entries: [String: StatusReport.Entry]) -> [ResourceAddress] {
        var running: [ResourceAddress] = []
        var queued: [(rank: Int, created: Int, index: Int, address: ResourceAddress)] = []
        var dependent: [ResourceAddress] = []
        for (index, address) in addresses.enumerated() {
            guard let resource = desired[address]?.omsResource else { continue }
            let entry = entries[address.description]
            if let entry, holdsSlot(entry) {
                running.append(address)
            } else if !resource.dependsOn.isEmpty {
                dependent.append(address)
            } else {
                let created = entry.map { $0.phase == .absent } ?? true ? 1 : 0
                queued.append((rank(resource.taskPriority ?? MigrationOptions.defaultTaskPriority), created, index, address))
            }
        }
        queued.sort { ($0.rank, $0.created, $0.index) < ($1.rank, $1.created, $1.index) }
        return running + queued.map(\.address) + dependent
    }

    /// Migrating in OMS now (a task group monitoring its tasks too): it has a slot.
    static func holdsSlot(_ entry: StatusReport.Entry) -> Bool {
        entry.phase == .running && entry.status.lowercased() != "waiting"
    }

    static func rank(_ priority: TaskPriority) -> Int {
        switch priority.rawValue.uppercased() {
        case "HIGH": 0
        case "LOW": 2
        default: 1
        }
    }

    /// The destination region a resource's transfers count against ("" when it names none).
    static func region(of resource: any DesiredOMSResource) -> String {
        let view = Kinds.adapter(for: resource.address.kind).desiredView(resource)
        if case .string(let region)? = view?.fields["destination.region"] { return region }
        return ""
    }
}
