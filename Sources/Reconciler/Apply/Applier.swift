import Foundation
import MigrationPlan
import OMSClient
import Synchronization

/// Carries out an execution plan: steps in dependency order, at most `parallelism` requests
/// in flight, a failed step's dependents skipped, every outcome recorded in the report.
public struct Applier: Sendable {
    let client: OMSClient
    let desired: DesiredState
    let ledger: any AttemptLedger
    let options: ApplyOptions
    let onEvent: @Sendable (ApplyEvent) -> Void

    public init(
        client: OMSClient, desired: DesiredState, ledger: any AttemptLedger, options: ApplyOptions = ApplyOptions(),
        onEvent: @escaping @Sendable (ApplyEvent) -> Void = { _ in }
    ) {
        self.client = client
        self.desired = desired
        self.ledger = ledger
        self.options = options
        self.onEvent = onEvent
    }

    enum StepResult: Sendable {
        case succeeded(liveId: String?)
        case failed(String)
        case skipped(String)
        var isSuccess: Bool { if case .succeeded = self { true } else { false } }
    }

    /// Runs every step and returns the report with each change's outcome.
    public func apply(_ plan: ExecutionPlan) async -> ChangeReport {
        let executor = StepExecutor(client: client, desired: desired, ledger: ledger, options: options, knownLiveIds: plan.knownLiveIds)
        var results: [Int: StepResult] = [:]
        let byId = Dictionary(plan.steps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        // Each step waits for a count of prerequisites; when one ends, only its dependents are
        // looked at again (a plan of 10,000 creates is not rescanned after every answer).
        var waitingFor: [Int: Int] = [:]
        var dependents: [Int: [Int]] = [:]
        var pending = Set<Int>()
        var candidates: [Int] = []
        for step in plan.steps where pending.insert(step.id).inserted {
            waitingFor[step.id] = Set(step.after).count
            for prerequisite in Set(step.after) { dependents[prerequisite, default: []].append(step.id) }
            candidates.append(step.id)
        }
        await withTaskGroup(of: (Int, StepResult).self) { group in
            var running = 0
            while !pending.isEmpty || running > 0 {
                // Skip steps whose prerequisites failed (and, in turn, their dependents); start
                // those whose prerequisites all succeeded.
                // Started in plan order (which ready step reaches OMS first is up to the scheduler).
                var next = 0
                while next < candidates.count {
                    let id = candidates[next]
                    next += 1
                    guard pending.contains(id), let step = byId[id] else { continue }
                    if let reason = Self.skipReason(step, results: results, steps: byId) {
                        pending.remove(id)
                        results[id] = .skipped(reason)
                        onEvent(.skipped(step, reason: reason))
                        candidates += dependents[id] ?? []
                    } else if waitingFor[id] == 0 {
                        pending.remove(id)
                        running += 1
                        onEvent(.started(step))
                        group.addTask { (id, await executor.run(step)) }
                    }
                }
                candidates.removeAll(keepingCapacity: true)
                guard running > 0, let (id, result) = await group.next() else {
                    // Nothing runs and nothing can start: the rest wait on each other.
                    for id in pending.sorted() {
                        guard let step = byId[id] else { continue }
                        let reason = "skipped: its prerequisites \(step.after.map(String.init).joined(separator: ", ")) wait on each other"
                        results[id] = .skipped(reason)
                        onEvent(.skipped(step, reason: reason))
                    }
                    break
                }
                running -= 1
                results[id] = result
                for dependent in dependents[id] ?? [] {
                    if result.isSuccess { waitingFor[dependent, default: 0] -= 1 }
                    candidates.append(dependent)
                }
                guard let step = byId[id] else { continue }
                switch result {
                case .succeeded(let liveId): onEvent(.succeeded(step, detail: liveId))
                case .failed(let error): onEvent(.failed(step, error: error))
                case .skipped(let reason): onEvent(.skipped(step, reason: reason))
                }
            }
        }
        var report = Self.report(plan, results)
        // The lock keeps apart one user's runs on one machine only: before reporting done, a
        // twin of what this pass created, made by a run elsewhere, is looked for and ours removed.
        let twins = await executor.removeTwins(firstStepId: (plan.steps.map(\.id).max() ?? 0) + 1, onEvent: onEvent)
        twins.record(in: &report)
        return report
    }

    /// Why a step cannot run any more: a prerequisite failed or was skipped, or is not in the
    /// plan at all (a plan is data; one built by hand may name a step it lacks). Nil while it
    /// may still run.
    static func skipReason(_ step: PlanStep, results: [Int: StepResult], steps: [Int: PlanStep]) -> String? {
        for prerequisite in step.after {
            guard prerequisite != step.id else { return "skipped: step \(step.id) waits on itself" }
            guard let other = steps[prerequisite] else {
                return "skipped: prerequisite step \(prerequisite) is not in the plan"
            }
            if let result = results[prerequisite], !result.isSuccess {
                return "skipped: step \(prerequisite) (\(other.operation.call)) did not succeed"
            }
        }
        return nil
    }

    /// Each change's outcome from its steps: failed if one failed, skipped if one was skipped.
    static func report(_ plan: ExecutionPlan, _ results: [Int: StepResult]) -> ChangeReport {
        var report = plan.report
        let stepsByAddress = ExecutionPlan.stepsByAddress(plan.steps)
        for index in report.changes.indices {
            let address = report.changes[index].address
            let steps = (stepsByAddress[address] ?? []).map { plan.steps[$0] }
            guard !steps.isEmpty else {
                report.changes[index].outcome = ChangeOutcome(status: .unchanged, liveId: report.changes[index].liveId)
                continue
            }
            var outcome = ChangeOutcome(status: .succeeded, liveId: report.changes[index].liveId)
            for step in steps {
                switch results[step.id] ?? .skipped("not run") {
                case .succeeded(let liveId):
                    if let liveId, step.operation.verb == .create { outcome.liveId = liveId }
                case .failed(let error):
                    if outcome.status != .failed { outcome = ChangeOutcome(status: .failed, error: error, liveId: outcome.liveId) }
                case .skipped(let reason):
                    if outcome.status == .succeeded { outcome = ChangeOutcome(status: .skipped, error: reason, liveId: outcome.liveId) }
                }
            }
            report.changes[index].outcome = outcome
        }
        return report
    }
}

extension Applier {
    /// The report of a plan with nothing to do: every change unchanged.
    public static func unchanged(_ plan: ExecutionPlan) -> ChangeReport {
        report(plan, [:])
    }
}
