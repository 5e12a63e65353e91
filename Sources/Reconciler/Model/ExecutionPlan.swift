import Foundation
import MigrationPlan
import OMSModels

/// One step of apply: an operation (`Kinds/StepOperation.swift`) and what it waits for.
public struct PlanStep: Hashable, Sendable, Identifiable {
    public var id: Int
    /// The resources this step changes (a batch update covers several).
    public var addresses: [ChangeSubject]
    public var operation: StepOperation
    /// Steps that must succeed first.
    public var after: [Int]

    public init(id: Int, addresses: [ChangeSubject], operation: StepOperation, after: [Int] = []) {
        self.id = id
        self.addresses = addresses
        self.operation = operation
        self.after = after
    }
}

/// The report plus the ordered steps that carry it out.
public struct ExecutionPlan: Sendable {
    public var report: ChangeReport
    public var steps: [PlanStep]
    /// Ids of every task, group and synchronization task OMS listed when the plan was made. A create's last check
    /// for a copy made meanwhile looks only at resources not among them.
    public var knownLiveIds: Set<String>

    public init(report: ChangeReport, steps: [PlanStep], knownLiveIds: Set<String> = []) {
        self.report = report
        self.steps = steps
        self.knownLiveIds = knownLiveIds
    }

    /// The calls for one address, in order.
    public func calls(for address: ChangeSubject) -> [String] {
        steps.filter { $0.addresses.contains(address) }.map(\.operation.call)
    }

    /// Indices into `steps` of each address's steps, in order.
    static func stepsByAddress(_ steps: [PlanStep]) -> [ChangeSubject: [Int]] {
        var index: [ChangeSubject: [Int]] = [:]
        for (position, step) in steps.enumerated() {
            for address in step.addresses { index[address, default: []].append(position) }
        }
        return index
    }
}
