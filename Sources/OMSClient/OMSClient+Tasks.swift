import Foundation
import OMSModels

/// Migration tasks (reference 6.2).
extension OMSClient {
    /// One page of tasks. `limit` 1...100, `status` one of the task states.
    public func listTasks(
        limit: Int = 100, offset: Int = 0, status: TaskStatus? = nil, groupId: String? = nil
    ) async throws(OMSClientError) -> ListTasksResp {
        try await perform(listTasksCall(limit: limit, offset: offset, status: status, groupId: groupId), decoding: ListTasksResp.self)
    }

    func listTasksCall(limit: Int, offset: Int, status: TaskStatus?, groupId: String?) -> Call {
        var query = [("limit", String(limit)), ("offset", String(offset))]
        if let status { query.append(("status", String(status.rawValue))) }
        if let groupId { query.append(("group_id", groupId)) }
        return Call(operation: "ListTasks", method: "GET", path: projectPath("/tasks"), query: query)
    }

    public func showTask(id: Int64) async throws(OMSClientError) -> TaskResp {
        try await showTask(id: String(id))
    }

    /// By id as text, for ids that came from users (OMS answers `OMS.0054` to non-numbers).
    public func showTask(id: String) async throws(OMSClientError) -> TaskResp {
        try await perform(Call(operation: "ShowTask", method: "GET", path: projectPath("/tasks/\(id)")), decoding: TaskResp.self)
    }

    /// Never retried blindly: a lost answer ends in `.outcomeUnknown`.
    public func createTask(_ request: CreateTaskReq) async throws(OMSClientError) -> CreateTaskResp {
        try await perform(
            Call(operation: "CreateTask", method: "POST", path: projectPath("/tasks"), idempotency: .creates), body: request,
            decoding: CreateTaskResp.self)
    }

    /// Migrating/Waiting -> Pausing -> Paused.
    public func stopTask(id: Int64) async throws(OMSClientError) {
        try await send("StopTask", "POST", "/tasks/\(id)/stop")
    }

    /// Paused/Failed -> Waiting/Migrating; OMS needs the credentials again.
    public func startTask(id: Int64, _ request: StartTaskReq) async throws(OMSClientError) {
        try await send("StartTask", "POST", "/tasks/\(id)/start", body: request)
    }

    public func deleteTask(id: Int64) async throws(OMSClientError) {
        try await send("DeleteTask", "DELETE", "/tasks/\(id)")
    }

    public func updateBandwidthPolicy(taskId: Int64, _ rules: [BandwidthPolicy]) async throws(OMSClientError) {
        try await send(
            "UpdateBandwidthPolicy", "PUT", "/tasks/\(taskId)/bandwidth-policy", body: UpdateBandwidthPolicyReq(bandwidthPolicy: rules))
    }

    /// Sets the same rules (and priority) on up to 20 tasks, or on every task of a group.
    public func batchUpdateTasks(_ request: BatchUpdateTasksReq) async throws(OMSClientError) {
        try await send("BatchUpdateTasks", "POST", "/tasks/batch-update", body: request)
    }
}
