import Foundation
import OMSModels

/// Migration task groups (reference 6.3).
extension OMSClient {
    public func listTaskGroups(limit: Int = 100, offset: Int = 0, status: TaskGroupStatus? = nil) async throws(OMSClientError)
        -> ListTaskGroupsResp
    {
        try await perform(listTaskGroupsCall(limit: limit, offset: offset, status: status), decoding: ListTaskGroupsResp.self)
    }

    func listTaskGroupsCall(limit: Int, offset: Int, status: TaskGroupStatus?) -> Call {
        var query = [("limit", String(limit)), ("offset", String(offset))]
        if let status { query.append(("status", String(status.rawValue))) }
        return Call(operation: "ListTaskGroups", method: "GET", path: projectPath("/taskgroups"), query: query)
    }

    /// Never retried blindly: a lost answer ends in `.outcomeUnknown`.
    public func createTaskGroup(_ request: CreateTaskGroupReq) async throws(OMSClientError) -> CreateTaskGroupResp {
        try await perform(
            Call(operation: "CreateTaskGroup", method: "POST", path: projectPath("/taskgroups"), idempotency: .creates),
            body: request, decoding: CreateTaskGroupResp.self)
    }

    public func showTaskGroup(id: String) async throws(OMSClientError) -> TaskGroupResp {
        try await perform(
            Call(operation: "ShowTaskGroup", method: "GET", path: projectPath("/taskgroups/\(id)")), decoding: TaskGroupResp.self)
    }

    public func deleteTaskGroup(id: String) async throws(OMSClientError) {
        try await send("DeleteTaskGroup", "DELETE", "/taskgroups/\(id)")
    }

    /// Executing/Monitoring -> Pausing -> Paused.
    public func stopTaskGroup(id: String) async throws(OMSClientError) {
        try await send("StopTaskGroup", "PUT", "/taskgroups/\(id)/stop")
    }

    /// Resumes a Paused group.
    public func startTaskGroup(id: String, _ request: StartTaskGroupReq) async throws(OMSClientError) {
        try await send("StartTaskGroup", "PUT", "/taskgroups/\(id)/start", body: request)
    }

    /// Restarts a group whose creation or migration failed.
    public func retryTaskGroup(id: String, _ request: RetryTaskGroupReq) async throws(OMSClientError) {
        try await send("RetryTaskGroup", "PUT", "/taskgroups/\(id)/retry", body: request)
    }

    /// Replaces the group's bandwidth rules.
    public func updateTaskGroup(id: String, bandwidthPolicy: [BandwidthPolicy]) async throws(OMSClientError) {
        try await send(
            "UpdateTaskGroup", "PUT", "/taskgroups/\(id)/update", body: UpdateBandwidthPolicyReq(bandwidthPolicy: bandwidthPolicy))
    }
}
