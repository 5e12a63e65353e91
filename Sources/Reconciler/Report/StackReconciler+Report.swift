import Foundation
import MigrationPlan

extension StackReconciler {
    /// The migration report of `desired`'s stack: one read of OMS, made into a status as
    /// `status` makes it (with the observation history kept for this stack, for peak speeds),
    /// then each resource's figures from its kind's adapter. `acceptances`: the plan's
    /// `acceptFailures` per address (none until the plan carries them). With `failedObjects`
    /// set, every failed object is read from OMS's lists. Throws when OMS cannot be read.
    public func report(of desired: DesiredState, acceptances: [String: [MigrationReport.AcceptanceRule]] = [:]) async throws -> MigrationReport {
        let live = try await LiveState.read(from: client, now: now())
        var history = observationHistory(stack: desired.stack.name)
        // The lists are read whole below, not summarised as status does.
        let status = try await status(of: desired, live: live, history: &history, failedObjects: false)
        var failed: [String: MigrationReport.FailedObjectsRead] = [:]
        if let access = failedObjects {
            failed = await MigrationReport.readFailedObjects(status: status, desired: desired, live: live, access: access)
        }
        return MigrationReport.build(
            desired: desired, live: live, status: status, history: history, failedObjects: failed, acceptances: acceptances)
    }
}
