import Foundation
import MigrationPlan
import OMSClient

/// What `oms-plan import` works from: one read of OMS, the resources in it that no stack owns,
/// and the plan YAML for those chosen. The read is the library's, like every other read of
/// live state; the command only words the result.
public struct ImportListing: Sendable {
    /// Every task, task group and synchronization task no stack owns and the plan does not adopt.
    public let unowned: [UnownedResource]
    let live: LiveState
    let desired: DesiredState

    /// Reads OMS once (`LiveState.read`) and finds what no stack owns.
    public static func read(from client: OMSClient, desired: DesiredState) async throws -> ImportListing {
        let live = try await LiveState.read(from: client)
        return ImportListing(unowned: UnownedResources.find(live: live, desired: desired), live: live, desired: desired)
    }

    /// Plan YAML documents, with `adopt`, for the chosen unowned resources.
    public func documents(ids: [String]) -> ImportDocuments.Output {
        ImportDocuments.build(ids: ids, live: live, desired: desired)
    }
}
