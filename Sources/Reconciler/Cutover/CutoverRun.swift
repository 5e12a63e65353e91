import Foundation
import MigrationPlan

extension StackReconciler {
    /// `oms-plan cutover PATH NAME [--now] [--wait]`, as a library call. Under the stack lock:
    /// with `requestNow` the Cutover is asked to start as soon as it is ready (its `at` need not
    /// have come); then apply passes scoped to its resources (what they depend on included) run
    /// the step: final passes asked for, created and followed by the pass engine, verification.
    /// Without `wait` one pass is made; with it, passes repeat every `wait.interval` until the
    /// Cutover is done or failed, or nothing that could change it is moving any more (then it is
    /// blocked, and its reasons say by what), or `wait.deadline` passes. A request that did not
    /// start the Cutover is withdrawn at the end. `onStep` sees the status after every pass.
    public func runCutover(
        _ desired: DesiredState, name: String, requestNow: Bool, wait: Wait?, options: Options = Options(),
        onStep: (CutoverStatus) -> Void = { _ in }, onPass: (PassResult) async -> Void = { _ in }
    ) async throws -> CutoverStatus {
        guard let cutover = desired.cutovers[ResourceAddress(.cutover, name)] else {
            throw CutoverError.undeclared(name, declared: desired.cutovers.keys.map(\.name).sorted())
        }
        return try await holdingLock(stack: desired.stack.name, timeout: options.lockTimeout) { () async throws -> CutoverStatus in
            let ledger = try cutoverLedger(stack: desired.stack.name)
            if requestNow {
                let at = now()
                try ledger.update(name) { record in
                    var r = record ?? CutoverRecord()
                    r.requestedAt = at
                    record = r
                }
            }
            var scoped = options
            scoped.scope = desired.closure(of: cutover.resources)
            let passes = passLedger(stack: desired.stack.name)
            while true {
                let pass = try await apply(desired, options: scoped)
                // What apply and reconcile do after a pass (notifications: cutoverReady, cutoverDone).
                await onPass(pass)
                guard let status = pass.cutovers.first(where: { $0.name == name }) else { throw CutoverError.undeclared(name, declared: []) }
                onStep(status)
                if status.state == .done || status.state == .failed { return status }
                let moving = status.state == .running || pass.observed.map { live in
                    StatusReport(desired: desired, live: live).entries.contains { entry in
                        cutover.resources.contains { $0.description == entry.address } && !entry.settled
                    }
                } ?? false || cutover.resources.contains { passes.passes(of: $0).contains { !$0.isSettled && $0.taskID != nil } }
                let timedOut = wait?.deadline.map { Date() >= $0 } ?? false
                guard let wait, moving, !timedOut else {
                    if requestNow { try withdrawRequest(desired, name: name) }
                    return status
                }
                try await Task.sleep(for: wait.interval)
            }
        }
    }
}
