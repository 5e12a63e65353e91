import Foundation
import MigrationPlan

extension StackReconciler {
    /// The migration report of `desired`'s stack: one read of OMS, made into a status as
    /// `status` makes it (with the observation history kept for this stack, for peak speeds),
    /// then each resource's figures from its kind's adapter. `acceptances`: the
    /// acceptances per address (nil: the plan's `acceptFailures`). With `failedObjects`
    /// set, every failed object is read from OMS's lists. Throws when OMS cannot be read.
    public func report(of desired: DesiredState, acceptances given: [String: [MigrationReport.AcceptanceRule]]? = nil) async throws -> MigrationReport {
        let acceptances = given ?? MigrationReport.acceptances(of: desired)
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
