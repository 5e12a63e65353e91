import Foundation
import MigrationPlan

/// Passes never outlive their full copy (issue 25). When the plan deletes a task or group of
/// this stack (it left the plan and `prune` is on) or replaces it, its pass tasks (or groups)
/// are deleted in the same apply: their deletes join the resource's own decision, so the
/// planner stops a running pass, waits and deletes it the way it removes any running task, a
/// suspension or change freeze that holds the resource holds them too, and `diff` lists them
/// with the resource (`PassInOMS.deleted`). Their counts are recorded in the ledger first
/// (`StackReconciler.recordPassesBeforeRemoval`), before anything is sent.
///
/// Only this stack's pass markers of that very address are touched: a pass of another stack,
/// or a task with no marker, never is.
enum PassRemoval {
    /// `decisions` with the deletes of the passes of every resource they delete or replace.
    static func attach(to decisions: [Decision], stack: String, live: LiveState) -> [Decision] {
        // (A plan that deletes or replaces nothing looks at no description.)
        guard decisions.contains(where: { $0.removesOwnedResource }) else { return decisions }
        let passes = live.passes(stack: stack)
        guard !passes.isEmpty else { return decisions }
        return decisions.map { decision in
            guard decision.removesOwnedResource, let address = decision.address, let own = passes[address] else { return decision }
            var decision = decision
            decision.intents += own.sorted { $0.key < $1.key }.map { Intent.delete(live: $0.value.live) }
            return decision
        }
    }

    /// The passes the plan's steps delete, by resource: what must be recorded before they run.
    static func removed(by plan: ExecutionPlan, stack: String, live: LiveState) -> [(address: ResourceAddress, pass: LivePass)] {
        let deleted = Set(plan.steps.filter { $0.operation.verb == .delete }.flatMap(\.operation.ids))
        guard !deleted.isEmpty else { return [] }
        return live.passes(stack: stack).sorted { $0.key < $1.key }.flatMap { address, byNumber in
            byNumber.sorted { $0.key < $1.key }.compactMap { deleted.contains($0.value.live.id) ? (address, $0.value) : nil }
        }
    }

    /// The ids of the pass tasks and groups `decisions` delete (for `diff`'s pass lines).
    static func deletedIds(_ decisions: [Decision], stack: String) -> Set<String> {
        let ids = decisions.flatMap { decision in
            decision.intents.compactMap { intent -> String? in
                guard case .delete(let target) = intent, PassMarker.parse(description: target.description)?.stack == stack else { return nil }
                return target.id
            }
        }
        return Set(ids)
    }
}

extension Decision {
    /// Whether the decision deletes (undeclared, pruned) or replaces this stack's own resource
    /// at its address; a duplicate's delete (no address) leaves the kept copy's passes alone.
    var removesOwnedResource: Bool {
        guard let address else { return false }
        return intents.contains { intent in
            switch intent {
            case .replace(let a, _, _): a == address
            case .delete(let live): live.kind == address.kind && !PassMarker.isPass(live.description)
            default: false
            }
        }
    }
}

extension StackReconciler {
    /// Records the counts of every pass the plan is about to delete (the state OMS showed when
    /// the plan read it; a running pass, which the plan stops first, as `stopped`). Called
    /// before any step is sent: when the ledger cannot be written nothing is sent, since a
    /// pass deleted unrecorded would lose its counts for good.
    func recordPassesBeforeRemoval(_ plan: ExecutionPlan, desired: DesiredState, live: LiveState) throws {
        let removed = PassRemoval.removed(by: plan, stack: desired.stack.name, live: live)
        guard !removed.isEmpty else { return }
        let ledger = passLedger(stack: desired.stack.name)
        let at = now()
        for (address, pass) in removed {
            let known = ledger.passes(of: address).first { $0.n == pass.marker.n && ($0.taskID == nil || $0.taskID == pass.live.id) }
            var record = pass.record(updating: known, now: at)
            if record.isRunning {
                record.status = PassRecord.Status.stopped.rawValue
                record.finish = at
            }
            guard record != known else { continue }
            do { try ledger.record(record, of: address) } catch {
                throw ApplyError(description: "\(address)'s pass \(pass.marker.n) (id \(pass.live.id)) is to be deleted, but \(error) Nothing was changed.")
            }
        }
    }
}
