import Foundation
import MigrationPlan
import OMSClient
import OMSModels

extension StackReconciler {
    /// Reads a plan: the one way the commands load one. The secret values the plan resolved are
    /// registered with `SecretRedactor.shared` before the result is returned, so nothing
    /// printed afterwards (diagnostics included) can show them.
    public static func loadPlan(paths: [String], options: LoadOptions) async -> LoadResult {
        let result = await PlanLoader.load(paths: paths, options: options)
        SecretRedactor.shared.register(result.sensitiveValues)
        return result
    }

    /// A read of OMS started before the plan is known (`diff` starts one while the plan loads:
    /// on a big project the two take about as long as each other). Passed to `plan`.
    public struct PendingRead: Sendable {
        fileprivate let task: Task<LiveState, any Error>

        /// Stops the read (the plan could not be loaded).
        public func cancel() { task.cancel() }
    }

    /// Starts reading OMS through `client` now.
    public static func startReading(from client: OMSClient) -> PendingRead {
        PendingRead(task: Task { try await LiveState.read(from: client) })
    }

    /// `plan` from a read started earlier (nil: reads OMS now).
    public func plan(_ desired: DesiredState, options: Options = Options(), pending: PendingRead?) async throws -> ExecutionPlan {
        try await plan(desired, options: options, live: pending?.task.value)
    }
}
