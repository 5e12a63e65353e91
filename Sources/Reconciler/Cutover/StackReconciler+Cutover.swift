import Foundation
import MigrationPlan

extension StateFolder {
    /// Where the stack's Cutovers stand (`CutoverLedger`): `state/<stack>.cutovers.json`.
    public func cutovers(stack: String) -> URL {
        root.appendingPathComponent("state/\(stack).cutovers.json")
    }
}

extension StackReconciler {
    /// The Cutover records of a stack (`state/<stack>.cutovers.json`), or this value's in-memory
    /// ones without a state directory.
    public func cutoverLedger(stack: String) throws(LedgerError) -> CutoverLedger {
        guard let stateFolder else { return memoryCutovers }
        return try CutoverLedger(url: stateFolder.cutovers(stack: stack))
    }

    /// The states the differ's gate goes by: as recorded (reading only; nothing is evaluated).
    func recordedCutoverStates(_ desired: DesiredState) -> [ResourceAddress: CutoverState] {
        guard !desired.cutovers.isEmpty, let records = try? cutoverLedger(stack: desired.stack.name).records() else { return [:] }
        var states: [ResourceAddress: CutoverState] = [:]
        for address in desired.cutovers.keys { states[address] = records[address.name]?.state }
        return states
    }

    /// What the Cutovers of `desired` need, read once: the status of their resources (with the
    /// failed lists of those that have failed objects, when `failedObjects` is set) and their passes.
    func cutoverInputs(_ desired: DesiredState, live: LiveState) async -> CutoverInputs {
        let wanted = Set(desired.cutovers.values.flatMap(\.resources).map(\.description))
        var status = StatusReport(desired: desired, live: live)
        status.entries.removeAll { !wanted.contains($0.address) }
        if var access = failedObjects, status.entries.contains(where: { $0.objectsFailed > 0 || $0.phase == .failed }) {
            access.acceptances = { desired.acceptances(of: $0) }
            await status.readFailedObjects(desired: desired, live: live, access: access)
        }
        let passes = passLedger(stack: desired.stack.name)
        let cadences = Dictionary(desired.cutovers.values.flatMap(\.resources).compactMap { address in
            desired[address]?.omsResource?.incremental.map { (address, $0) }
        }, uniquingKeysWith: { a, _ in a })
        return CutoverInputs(
            entries: Dictionary(status.entries.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a }),
            passes: { passes.passes(of: $0) }, finalPass: { passes.finalPass(of: $0) }, cadence: { cadences[$0] })
    }

    /// Every Cutover of `desired`, one step each (`CutoverEvaluator`). With `advance` (apply,
    /// reconcile, `oms-plan cutover`) the steps are recorded and the final passes asked for;
    /// without (diff, status) nothing is written and a Cutover whose time has come shows as
    /// `ready`, saying that the next run starts it.
    public func cutovers(_ desired: DesiredState, live: LiveState, advance: Bool) async throws -> [CutoverStatus] {
        guard !desired.cutovers.isEmpty else { return [] }
        let ledger = try cutoverLedger(stack: desired.stack.name)
        let records = try ledger.records()
        let inputs = await cutoverInputs(desired, live: live)
        let passes = passLedger(stack: desired.stack.name)
        var out: [CutoverStatus] = []
        for (_, cutover) in desired.cutovers.sorted(by: { $0.key < $1.key }) {
            let given = records[cutover.name]
            let step = CutoverEvaluator.step(cutover, desired: desired, inputs: inputs, record: given, now: now())
            guard advance else {
                var status = step.status
                if step.record.state != given?.state ?? .waiting, [.running, .done, .failed].contains(step.record.state) {
                    status.state = .ready
                    status.reasons = ["its time has come: the next apply, reconcile or `oms-plan cutover \(cutover.name) --now` starts it"]
                }
                out.append(status)
                continue
            }
            // Final passes first: a Cutover recorded running always has them asked for.
            for resource in step.requestFinal { try passes.requestFinalPass(of: resource, at: now()) }
            try ledger.update(cutover.name) { $0 = step.record }
            var status = step.status
            if step.record.state != given?.state ?? .waiting { status.previousState = given?.state ?? .waiting }
            out.append(status)
        }
        return out
    }

    /// One Cutover as `status` shows it, from a read of OMS made now (`oms-plan cutover NAME`
    /// without flags): nothing is written.
    public func cutoverStatus(_ desired: DesiredState, name: String) async throws -> CutoverStatus {
        guard desired.cutovers[ResourceAddress(.cutover, name)] != nil else {
            throw CutoverError.undeclared(name, declared: desired.cutovers.keys.map(\.name).sorted())
        }
        let live = try await LiveState.read(from: client, now: now())
        let all = try await cutovers(desired, live: live, advance: false)
        guard let found = all.first(where: { $0.name == name }) else { throw CutoverError.undeclared(name, declared: []) }
        return found
    }

    /// Forgets a `--now` request of a Cutover that has not started.
    public func withdrawRequest(_ desired: DesiredState, name: String) throws {
        try cutoverLedger(stack: desired.stack.name).update(name) { record in
            guard record?.state == .waiting || record?.state == .ready else { return }
            record?.requestedAt = nil
        }
    }
}

/// Why `oms-plan cutover` cannot act.
public enum CutoverError: Error, Sendable, CustomStringConvertible {
    case undeclared(String, declared: [String])

    public var description: String {
        switch self {
        case .undeclared(let name, let declared):
            "the plan declares no Cutover `\(name)`" + (declared.isEmpty ? "; add a document `kind: Cutover`"
                : "; its Cutovers: " + declared.joined(separator: ", "))
        }
    }
}
