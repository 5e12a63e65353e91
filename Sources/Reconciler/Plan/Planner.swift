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
        var batches: [BatchKey: [(id: String, address: ChangeSubject)]] = [:]
        for decision in decisions {
            for intent in decision.intents {
                guard case .setBandwidth(let live, let rules, let priority) = intent else { continue }
                let kind = Kinds.adapter(for: live)
                if kind.batchesBandwidth {
                    batches[BatchKey(kind: kind.kind, rules: rules, priority: priority), default: []].append((live.id, decision.change.address))
                } else {
                    let update = StepOperation(kind: kind.kind, verb: .updateBandwidth(rules: rules, priority: nil), ids: [live.id])
                    bandwidthStepByTask[decision.change.address] = add([decision.change.address], update)
                }
            }
        }
        for key in batches.keys.sorted(by: { "\($0)" < "\($1)" }) {
            // Numeric ids in numeric order (tasks'), as OMS lists them.
            let members = batches[key]!.sorted { ($0.id.count, $0.id) < ($1.id.count, $1.id) }
            for chunk in stride(from: 0, to: members.count, by: BatchUpdateTasksReq.maximumIds).map({
                Array(members[$0..<min(members.count, $0 + BatchUpdateTasksReq.maximumIds)])
            }) {
                let update = StepOperation(kind: key.kind, verb: .updateBandwidth(rules: key.rules, priority: key.priority), ids: chunk.map(\.id))
                let step = add(chunk.map(\.address), update)
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
                    add([address], StepOperation(kind: live.kind, verb: .start, ids: [live.id], address: a), after: after)
                case .pause(let live):
                    add([address], StepOperation(kind: live.kind, verb: .stop, ids: [live.id]), after: afterBandwidth)
                case .retry(let a, let live, let failedOnly):
                    add([address], StepOperation(kind: live.kind, verb: .retry(failedObjectsOnly: failedOnly), ids: [live.id], address: a),
                        after: afterBandwidth)
                }
            }
        }
        return steps
    }

    /// Create, and pause straight away when the plan wants it paused.
    private mutating func create(_ address: ResourceAddress, pause: Bool, after: [Int]) {
        let subject = [ChangeSubject(address)]
        let kind = Kinds.adapter(for: address.kind).kind
        let created = add(subject, StepOperation(kind: kind, verb: .create, address: address), after: after)
        if pause { add(subject, StepOperation(kind: kind, verb: .stopCreated, address: address), after: [created]) }
    }

    /// Stop (when running), wait until settled, delete. Returns the delete step.
    @discardableResult
    private mutating func removal(_ address: ChangeSubject, _ live: LiveResource) -> Int {
        let status = LiveStatus(live)
        var after: [Int] = []
        if status.isRunning {
            // A kind whose stop takes effect at once (synchronization tasks): delete follows the stop.
            let stop = add([address], StepOperation(kind: live.kind, verb: .stop, ids: [live.id]))
            after = [waitOperation(live).map { add([address], $0, after: [stop]) } ?? stop]
        } else if status.isPausing, let wait = waitOperation(live) {
            after = [add([address], wait)]
        }
        return add([address], StepOperation(kind: live.kind, verb: .delete, ids: [live.id]), after: after)
    }

    /// The poll until a stop has settled; nil for a kind whose stop is immediate.
    private func waitOperation(_ live: LiveResource) -> StepOperation? {
        Kinds.adapter(for: live).stopNeedsWait ? StepOperation(kind: live.kind, verb: .waitSettled, ids: [live.id]) : nil
    }

    @discardableResult
    private mutating func add(_ addresses: [ChangeSubject], _ operation: StepOperation, after: [Int] = []) -> Int {
        let step = PlanStep(id: steps.count + 1, addresses: addresses, operation: operation, after: after)
        steps.append(step)
        return step.id
    }

    private struct BatchKey: Hashable, CustomStringConvertible {
        var kind: ResourceKind
        var rules: [BandwidthPolicy]
        var priority: TaskPriority?
        var description: String { "\(BandwidthRules.json(rules))|\(priority?.rawValue ?? "")" }
    }
}
