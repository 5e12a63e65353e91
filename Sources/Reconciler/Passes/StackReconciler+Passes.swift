import Foundation
import MigrationPlan

extension StackReconciler {
    /// The passes' ledger of a stack (`state/<stack>.passes.json`), or this value's in-memory
    /// one without a state directory.
    public func passLedger(stack: String) -> PassLedger {
        guard let stateFolder else { return memoryPasses }
        return PassLedger(url: stateFolder.passes(stack: stack))
    }

    /// The incremental passes' step of an apply pass (see `PassEngine`), after the plan's changes.
    func advancePasses(_ desired: DesiredState, live: LiveState?, report: ChangeReport, scope: Set<ResourceAddress>?,
                       attempts: any AttemptLedger) async -> [PassAction] {
        // Also without `incremental` anywhere: passes left in OMS by a removed policy leave it.
        guard let live,
            desired.omsResources.contains(where: { $0.incremental != nil }) || hasRequestedFinalPass(desired)
                || !live.passes(stack: desired.stack.name).isEmpty
        else { return [] }
        let engine = PassEngine(client: client, ledger: passLedger(stack: desired.stack.name), attempts: attempts, now: now())
        return await engine.advance(desired: desired, live: live, report: report, scope: scope)
    }

    private func hasRequestedFinalPass(_ desired: DesiredState) -> Bool {
        let recorded = passLedger(stack: desired.stack.name).all()
        return !recorded.isEmpty && desired.omsResources.contains { recorded[$0.address]?.contains(where: \.final) ?? false }
    }
}
