import Foundation
import MigrationPlan
import OMSClient

/// Turns the differ's decisions into ordered OMS calls: pause before delete, delete before
/// create on replacement, new rules before a resume, and bandwidth changes of tasks that end
/// with the same rules batched 20 ids a call.
struct Planner {
    private(set) var steps: [PlanStep] = []

    mutating func plan(_ decisions: [Decision]) -> [PlanStep] {
        var bandwidthStepByTask: [ChangeSubject: Int] = [:]
        // Batches first, so that starts can wait for them.
        var batches: [BatchKey: [(id: Int64, address: ChangeSubject)]] = [:]
        for decision in decisions {
            for intent in decision.intents {
                guard case .setBandwidth(let live, let rules, let priority) = intent else { continue }
                switch live {
                case .task(let task):
                    batches[BatchKey(rules: rules, priority: priority), default: []].append((task.liveId, decision.change.address))
                case .group(let group):
                    let step = add([decision.change.address], .updateTaskGroupBandwidth(id: group.liveId, rules: rules))
                    bandwidthStepByTask[decision.change.address] = step
                case .syncTask:
                    break  // never asked for: a synchronization task takes no bandwidth rules
                }
            }
        }
        for key in batches.keys.sorted(by: { "\($0)" < "\($1)" }) {
            let members = batches[key]!.sorted { $0.id < $1.id }
            for chunk in stride(from: 0, to: members.count, by: BatchUpdateTasksReq.maximumIds).map({
                Array(members[$0..<min(members.count, $0 + BatchUpdateTasksReq.maximumIds)])
            }) {
                let operation: StepOperation = chunk.count == 1 && key.priority == nil
                    ? .updateTaskBandwidth(id: chunk[0].id, rules: key.rules)
                    : .batchUpdateTasks(ids: chunk.map(\.id), rules: key.rules, priority: key.priority)
                let step = add(chunk.map(\.address), operation)
                for member in chunk { bandwidthStepByTask[member.address] = step }
            }
        }
        for decision in decisions {
            let address = decision.change.address
            let afterBandwidth = bandwidthStepByTask[address].map { [$0] } ?? []
            for intent in decision.intents {
                switch intent {
                case .create(let a, let pause):
                    create(a, pause: pause, after: [])
                case .replace(let a, let live, let pause):
                    create(a, pause: pause, after: [removal(address, live)])
                case .delete(let live):
                    removal(address, live)
                case .setBandwidth:
                    break
                case .start(let a, let live):
                    var after = afterBandwidth
                    if LiveStatus(live).isPausing, let wait = waitOperation(live) { after.append(add([address], wait)) }
                    switch live {
                    case .task(let t): add([address], .startTask(id: t.liveId, address: a), after: after)
                    case .group(let g): add([address], .startTaskGroup(id: g.liveId, address: a), after: after)
                    case .syncTask(let s): add([address], .startSyncTask(id: s.liveId, address: a), after: after)
                    }
                case .pause(let live):
                    add([address], stopOperation(live), after: afterBandwidth)
                case .retry(let a, let live, let failedOnly):
                    switch live {
                    case .task(let t):
                        add([address], .retryTask(id: t.liveId, address: a, failedObjectsOnly: failedOnly), after: afterBandwidth)
                    case .group(let g):
                        add([address], .retryTaskGroup(id: g.liveId, address: a, failedObjectsOnly: failedOnly), after: afterBandwidth)
                    case .syncTask:
                        break  // never asked for: a synchronization task does not fail as a whole
                    }
                }
            }
        }
        return steps
    }

    /// Create, and pause straight away when the plan wants it paused.
    private mutating func create(_ address: ResourceAddress, pause: Bool, after: [Int]) {
        let subject = [ChangeSubject(address)]
        let (create, stop): (StepOperation, StepOperation) = switch address.kind {
        case .migrationTaskGroup: (.createTaskGroup(address: address), .stopCreatedTaskGroup(address: address))
        case .migrationSyncTask: (.createSyncTask(address: address), .stopCreatedSyncTask(address: address))
        default: (.createTask(address: address), .stopCreatedTask(address: address))
        }
        let created = add(subject, create, after: after)
        if pause { add(subject, stop, after: [created]) }
    }

    /// Stop (when running), wait until settled, delete. Returns the delete step.
    @discardableResult
    private mutating func removal(_ address: ChangeSubject, _ live: LiveResource) -> Int {
        let status = LiveStatus(live)
        var after: [Int] = []
        if status.isRunning {
            // A synchronization task's stop takes effect at once: its delete follows the stop.
            let stop = add([address], stopOperation(live))
            after = [waitOperation(live).map { add([address], $0, after: [stop]) } ?? stop]
        } else if status.isPausing, let wait = waitOperation(live) {
            after = [add([address], wait)]
        }
        switch live {
        case .task(let t): return add([address], .deleteTask(id: t.liveId), after: after)
        case .group(let g): return add([address], .deleteTaskGroup(id: g.liveId), after: after)
        case .syncTask(let s): return add([address], .deleteSyncTask(id: s.liveId), after: after)
        }
    }

    private func stopOperation(_ live: LiveResource) -> StepOperation {
        switch live {
        case .task(let t): .stopTask(id: t.liveId)
        case .group(let g): .stopTaskGroup(id: g.liveId)
        case .syncTask(let s): .stopSyncTask(id: s.liveId)
        }
    }

    /// The poll until a stop has settled; nil for a synchronization task, whose stop is immediate.
    private func waitOperation(_ live: LiveResource) -> StepOperation? {
        switch live {
        case .task(let t): .waitTaskSettled(id: t.liveId)
        case .group(let g): .waitTaskGroupSettled(id: g.liveId)
        case .syncTask: nil
        }
    }

    @discardableResult
    private mutating func add(_ addresses: [ChangeSubject], _ operation: StepOperation, after: [Int] = []) -> Int {
        let step = PlanStep(id: steps.count + 1, addresses: addresses, operation: operation, after: after)
        steps.append(step)
        return step.id
    }

    private struct BatchKey: Hashable, CustomStringConvertible {
        var rules: [BandwidthPolicy]
        var priority: TaskPriority?
        var description: String { "\(BandwidthRules.json(rules))|\(priority?.rawValue ?? "")" }
    }
}
