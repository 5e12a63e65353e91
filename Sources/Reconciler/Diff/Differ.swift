import Foundation
import MigrationPlan
import OMSClient

/// Compares the desired graph with live OMS, one resource at a time.
public struct DiffOptions: Sendable {
    /// Addresses whose replacement is allowed although they moved data (`--allow-replace`).
    public var allowReplace: Set<ResourceAddress>
    /// Limit to these addresses (already closed over `dependsOn`); nil means everything.
    public var only: Set<ResourceAddress>?
    public var ledger: any AttemptLedger
    /// What earlier applies adopted (address -> live id): one the plan no longer adopts is a
    /// `release` line.
    public var previouslyAdopted: [ResourceAddress: String]
    /// Where each Cutover stands (Reconciler/Cutover): what `dependsOn: Cutover/NAME` waits for
    /// is created only once that one is `done`. Missing: not done.
    public var cutoverStates: [ResourceAddress: CutoverState] = [:]
    /// `apply --ignore-freeze`: the change freeze in force holds nothing (`HoldRules`).
    public var ignoreFreeze = false

    public init(
        allowReplace: Set<ResourceAddress> = [], only: Set<ResourceAddress>? = nil, ledger: any AttemptLedger = MemoryAttemptLedger(),
        previouslyAdopted: [ResourceAddress: String] = [:]
    ) {
        self.allowReplace = allowReplace
        self.only = only
        self.ledger = ledger
        self.previouslyAdopted = previouslyAdopted
    }
}

struct Differ {
    let desired: DesiredState
    let live: LiveState
    let options: DiffOptions

    /// Decisions for every declared, owned, duplicated and released resource, and the ids of
    /// live standalone tasks that carry no ownership marker of any stack (read here once, for
    /// the report's unowned count).
    func decisions() -> (decisions: [Decision], unmarkedTaskIds: [String]) {
        // Built once, on every core: each resource is copied out of the plan into a box.
        let resources = ConcurrentMap.map(desired.order) { desired[$0]?.omsResource }.compactMap { $0 }
        let adoptions = Dictionary(
            resources.compactMap { r in r.adoptID.map { (r.address, $0) } }, uniquingKeysWith: { a, _ in a })
        let ownership = Ownership(live: live, stack: desired.stack.name, adoptions: adoptions)
        let selected = options.only.map { only in resources.filter { only.contains($0.address) } } ?? resources
        var decisions = ConcurrentMap.map(selected) { resource in
            decide(resource, live: ownership.owned[resource.address], ownership: ownership)
        }
        // Owned live resources the plan no longer declares.
        for (address, resource) in ownership.owned where !desired.declares(address) && (options.only?.contains(address) ?? true) {
            decisions.append(undeclared(address, resource))
        }
        for (address, extras) in ownership.duplicates where options.only?.contains(address) ?? true {
            for extra in extras { decisions.append(duplicate(address, extra, kept: ownership.owned[address]!)) }
        }
        // Adopted by an earlier apply and no longer adopted (nor owned by marker): released.
        if !options.previouslyAdopted.isEmpty {
            let adoptedNow = Set(adoptions.values)
            let ownedIds = Set(ownership.owned.values.map(\.id))
            for (address, id) in options.previouslyAdopted.sorted(by: { $0.key < $1.key })
            where !adoptedNow.contains(id) && !ownedIds.contains(id) && (options.only?.contains(address) ?? true) {
                guard let resource = live.resource(kind: address.kind, id: id) else { continue }  // gone from OMS
                decisions.append(released(address, resource))
            }
        }
        return (decisions, ownership.unmarkedTaskIds)
    }

    // MARK: Declared resources

    private func decide(_ resource: any DesiredOMSResource, live: LiveResource?, ownership: Ownership) -> Decision {
        let address = resource.address
        var change = ResourceChange(
            address: ChangeSubject(address), action: .noop, dependsOn: resource.dependsOn)
        guard let live else {
            let waiting = unmetDependencies(resource, ownership) + closedCutovers(address)
            if waiting.isEmpty {
                change.action = .create
                change.reasons = [.notInOMSYet]
                change.fields = SentAttributes.fields(resource, serviceTimezone: desired.stack.serviceTimezone, desiredView: desiredView(resource))
                if resource.state == .paused { change.reasons.append(.pausedAfterCreation) }
                return Decision(change: change, intents: [.create(address: address, pause: resource.state == .paused)], address: address)
            }
            change.action = .blocked
            change.reasons = waiting.map { .waitsFor($0.address, liveStatus: $0.status) }
            return Decision(change: change, intents: [], address: address)
        }
        change.liveId = live.id
        change.liveStatus = live.statusName
        if resource.adoptID == live.id, !(live.description.map { OwnershipMarker.parse(description: $0) != nil } ?? false) {
            change.reasons.append(.adopted(kind: kindName(address), liveId: live.id))
        }
        if let replacement = replacement(resource, live, knownMarker: ownership.markers[address]) {
            guard replacement.change.action == .blocked else { return replacement }
            // Replacement is blocked, but what OMS can change in place still gets done.
            let inPlaceDecision = inPlace(resource, live, change)
            var merged = replacement
            merged.change.fields += inPlaceDecision.change.fields
            // One sentence per situation: the blocked reason already says the resource completed.
            merged.change.reasons += inPlaceDecision.change.reasons.filter {
                switch $0 {
                case .adopted, .completed: false
                default: true
                }
            }
            merged.intents = inPlaceDecision.intents
            return merged
        }
        return inPlace(resource, live, change)
    }

    /// Fields OMS cannot update that differ from the plan: a replacement, or blocked when the
    /// live resource already moved data and replacing is not allowed.
    private func replacement(_ resource: any DesiredOMSResource, _ live: LiveResource, knownMarker: OwnershipMarker?) -> Decision? {
        // The common case first: this stack's marker with the same fingerprint means nothing
        // immutable changed, and the field-by-field views need not be built at all. (The
        // marker ownership already read from this live resource, when it was claimed by it.)
        if let marker = knownMarker ?? live.description.flatMap({ OwnershipMarker.parse(description: $0)?.marker }),
            marker.stack == desired.stack.name, marker.fingerprint == resource.fingerprint(scheme: marker.scheme)
        {
            return nil
        }
        let (desiredView, liveView, liveMarker) = views(resource, live)
        let adopted = liveMarker == nil
        var reason: ChangeReason?
        var fields = SpecView.differences(live: liveView, desired: desiredView, ignoring: adopted ? ["description"] : [])
        if let liveMarker {
            guard let expected = resource.fingerprint(scheme: liveMarker.scheme) else {
                // Never replace what a newer version marked: it knows what changed, this one does not.
                var change = ResourceChange(
                    address: ChangeSubject(resource.address), action: .blocked, liveId: live.id, liveStatus: live.statusName,
                    dependsOn: resource.dependsOn)
                change.reasons = [.unknownFingerprintScheme(liveMarker.scheme)]
                return Decision(change: change, intents: [], address: resource.address)
            }
            // The marker says which spec created it; the same fingerprint means nothing OMS cannot
            // update has changed in the plan, whatever OMS echoes back differently.
            guard liveMarker.fingerprint != expected else { return nil }
            if fields.isEmpty {
                // Nothing OMS reports back differs: the change is in what only the marker knows.
                fields = [FieldChange(path: "spec", before: .string(liveMarker.fingerprint), after: .string(expected), forcesReplacement: true)]
                reason = .fingerprintChanged(from: liveMarker.fingerprint, to: expected)
            }
        } else if fields.isEmpty {
            return nil
        }
        let address = resource.address
        var change = ResourceChange(
            address: ChangeSubject(address), action: .replace, liveId: live.id, liveStatus: live.statusName,
            fields: fields, dependsOn: resource.dependsOn)
        change.reasons = [reason ?? .immutableFieldsChanged(fields.map(\.path))]
        if let moved = movedData(live), !resource.replaceOnChange, !options.allowReplace.contains(address) {
            change.action = .blocked
            let completed = LiveStatus(live).isComplete
            change.reasons.append(.replacementWouldRestart(kind: kindName(address), moved: moved, address: address, completed: completed))
            return Decision(change: change, intents: [], address: address)
        }
        // The replacement's create is reviewed like any create: every attribute it sends,
        // beside what the live resource has.
        let sent = SentAttributes.fields(
            resource, serviceTimezone: desired.stack.serviceTimezone, desiredView: desiredView, liveView: liveView, liveRules: LiveStatus(live).bandwidth,
            forcing: Set(fields.map(\.path)))
        change.fields = fields.filter { $0.path == "spec" } + sent
        return Decision(change: change, intents: [.replace(address: address, live: live, pause: resource.state == .paused)], address: address)
    }

    /// Bandwidth, priority, state and failure handling: what OMS changes without replacing.
    private func inPlace(_ resource: any DesiredOMSResource, _ live: LiveResource, _ base: ResourceChange) -> Decision {
        var change = base
        var intents: [Intent] = []
        let address = resource.address
        let status = LiveStatus(live)
        if status.isComplete {
            change.reasons.append(.completed)
            return Decision(change: change, intents: [], address: address)
        }
        // Bandwidth and priority.
        let liveRules = BandwidthRules.normalized(status.bandwidth)
        let desiredRules = BandwidthRules.normalized(resource.bandwidthPolicy)
        var priorityChange: TaskPriority?
        if liveRules != desiredRules, status.acceptsBandwidth {
            change.fields.append(
                FieldChange(path: "bandwidth", before: BandwidthRules.json(liveRules), after: BandwidthRules.json(desiredRules)))
            change.reasons.append(.bandwidthChanged(day: desired.stack.evaluationDay))
        }
        if let priority = resource.taskPriority, case .task(let liveTask) = live {
            let livePriority = (liveTask.taskPriority ?? MigrationOptions.defaultTaskPriority).canonical
            if livePriority != priority.canonical {
                if status.acceptsPriority {
                    priorityChange = priority
                    change.fields.append(
                        FieldChange(path: "options.priority", before: .string(livePriority.rawValue), after: .string(priority.rawValue)))
                    change.reasons.append(.priorityChanged)
                } else {
                    change.reasons.append(.priorityWaitsForState(status.name))
                }
            }
        }
        if !change.fields.isEmpty {
            change.action = .update
            intents.append(.setBandwidth(live: live, rules: desiredRules, priority: priorityChange))
        }
        // Run state and failures.
        if status.isFailed {
            let policy = resource.onFailure
            let attempts = options.ledger.attempts(address: address, liveId: live.id)
            let cause = status.failureCode
            if policy.action == .none {
                change.reasons.append(.failedWithoutPolicy(cause: cause))
            } else if attempts >= policy.maxAttempts {
                if change.action == .noop { change.action = .blocked }
                change.reasons.append(.failedGaveUp(cause: cause, attempts: attempts, of: policy.maxAttempts, address: address))
            } else {
                if change.action == .noop { change.action = .retry }
                change.reasons.append(.failedRetrying(cause: cause, action: policy.action.rawValue, attempt: attempts + 1, of: policy.maxAttempts))
                intents.append(.retry(address: address, live: live, failedObjectsOnly: policy.action == .retryFailedObjects))
            }
        } else if resource.state == .running && (status.isPaused || status.isPausing) {
            if change.action == .noop { change.action = .start }
            change.reasons.append(.shouldRun(liveStatus: status.name))
            intents.append(.start(address: address, live: live))
        } else if resource.state == .paused && status.isRunning {
            if change.action == .noop { change.action = .pause }
            change.reasons.append(.shouldPause(liveStatus: status.name))
            intents.append(.pause(live: live))
        }
        if change.action == .noop && intents.isEmpty && change.reasons.contains(where: \.blocksChange) {
            change.action = .blocked
        }
        return Decision(change: change, intents: intents, address: address)
    }

    // MARK: Undeclared and duplicate resources

    private func undeclared(_ address: ResourceAddress, _ live: LiveResource) -> Decision {
        var change = ResourceChange(address: ChangeSubject(address), action: .noop, liveId: live.id, liveStatus: live.statusName)
        if desired.stack.prune {
            change.action = .delete
            change.reasons = [.undeclaredPruned]
            return Decision(change: change, intents: [.delete(live: live)], address: address)
        }
        change.reasons = [.undeclaredKept]
        return Decision(change: change, intents: [], address: address)
    }

    private func released(_ address: ResourceAddress, _ live: LiveResource) -> Decision {
        // The plan may declare the address anew (adopt removed): the release gets its own line.
        let subject = ChangeSubject(address, duplicateId: desired[address] == nil ? nil : live.id)
        let change = ResourceChange(
            address: subject, action: .release, liveId: live.id, liveStatus: live.statusName,
            reasons: [.releasedAdoption(kind: kindName(address), liveId: live.id)])
        return Decision(change: change, intents: [], address: nil)
    }

    private func duplicate(_ address: ResourceAddress, _ live: LiveResource, kept: LiveResource) -> Decision {
        // Several live copies under one address (an interrupted run from an older version, or
        // a hand-made copy with the marker): keep the oldest, remove the rest.
        let change = ResourceChange(
            address: ChangeSubject(address, duplicateId: live.id), action: .delete, liveId: live.id, liveStatus: live.statusName,
            reasons: [.duplicate(of: address, keptId: kept.id)])
        return Decision(change: change, intents: [.delete(live: live)], address: nil)
    }

    // MARK: Helpers

    private func unmetDependencies(_ resource: any DesiredOMSResource, _ ownership: Ownership) -> [(address: ResourceAddress, status: String?)] {
        resource.dependsOn.compactMap { dependency in
            guard let live = ownership.owned[dependency] else { return (dependency, nil) }
            return LiveStatus(live).isComplete ? nil : (dependency, live.statusName)
        }
    }

    /// The Cutovers a resource waits for that are not done yet (`dependsOn: Cutover/NAME`).
    private func closedCutovers(_ address: ResourceAddress) -> [(address: ResourceAddress, status: String?)] {
        (desired.cutoverGates[address] ?? []).compactMap { gate in
            let state = options.cutoverStates[gate] ?? .waiting
            return state == .done ? nil : (gate, "cut-over \(state.rawValue)")
        }
    }

    private func desiredView(_ resource: any DesiredOMSResource) -> SpecView {
        Kinds.adapter(for: resource.address.kind).desiredView(resource) ?? SpecView()
    }

    private func views(_ resource: any DesiredOMSResource, _ live: LiveResource) -> (SpecView, SpecView, OwnershipMarker?) {
        let parsed = live.description.flatMap { OwnershipMarker.parse(description: $0) }
        let liveUser = parsed?.userDescription ?? live.description ?? ""
        let marker = parsed.flatMap { $0.marker.stack == desired.stack.name ? $0.marker : nil }
        let kind = Kinds.adapter(for: resource.address.kind)
        // An address of one kind never claims a live resource of another (see `Ownership`).
        guard let desiredView = kind.desiredView(resource), let liveView = kind.liveView(live, userDescription: liveUser) else {
            return (SpecView(), SpecView(), marker)
        }
        return (desiredView, liveView, marker)
    }

    private func movedData(_ live: LiveResource) -> String? {
        Kinds.adapter(for: live).movedData(live)
    }

    private func kindName(_ address: ResourceAddress) -> String {
        Kinds.adapter(for: address.kind).noun
    }
}

/// A live resource's state in the terms the differ and the planner ask about; each kind's
/// adapter says what its statuses mean.
struct LiveStatus {
    var name: String
    var isComplete = false
    var isFailed = false
    var isPaused = false
    var isPausing = false
    var isRunning = false
    var acceptsBandwidth = true
    var acceptsPriority = false
    var bandwidth: [BandwidthPolicy]?
    var failureCode: String?

    init(name: String) {
        self.name = name
    }

    init(_ live: LiveResource) {
        self = Kinds.adapter(for: live).status(live)
    }
}
/// Human byte counts (`1.5 GiB`).
public enum ByteCount {
    public static func format(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var unit = 0
        // 1,048,575 bytes would print as "1024.0 KiB": go up a unit once one decimal rounds to 1024.
        while value >= 1023.95 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// A transfer speed, always in MiB/s so that a speed wavering around a unit boundary does
    /// not flip between `1024.0 KiB/s` and `1.0 MiB/s` from one line of a log to the next.
    public static func rate(_ bytesPerSecond: Int64) -> String {
        let mib = Double(bytesPerSecond) / 1_048_576
        let format = mib >= 100 ? "%.0f MiB/s" : mib >= 10 ? "%.1f MiB/s" : "%.2f MiB/s"
        return String(format: format, mib)
    }
}
