import Foundation
import OMSModels

/// Synchronization tasks (not in the reference; the official SDK's eight operations). The
/// same signing, retries and secret scrubbing as tasks: keys in bodies never reach a log or
/// an error.
extension OMSClient {
    /// One page; `limit` 1 to 100.
    public func listSyncTasks(limit: Int = 100, offset: Int = 0, status: SyncTaskStatus? = nil) async throws(OMSClientError) -> ListSyncTasksResp {
        try await perform(listSyncTasksCall(limit: limit, offset: offset, status: status), decoding: ListSyncTasksResp.self)
    }

    func listSyncTasksCall(limit: Int, offset: Int, status: SyncTaskStatus?) -> Call {
        var query = [("limit", String(limit)), ("offset", String(offset))]
        if let status { query.append(("status", status.rawValue)) }
        return Call(operation: "ListSyncTasks", method: "GET", path: projectPath("/sync-tasks"), query: query)
    }

    /// Every sync task (optionally in one state), each id once: pages by offset, in parallel.
    public func listAllSyncTasks(status: SyncTaskStatus? = nil) async throws(OMSClientError) -> [SyncTaskInfo] {
        try await fetchAllPages(unique: \.syncTaskId, as: ListSyncTasksResp.self) { offset in
            self.listSyncTasksCall(limit: Self.maximumPageSize, offset: offset, status: status)
        } items: { page in
            (page.tasks ?? [], Int(page.count ?? 0))
        }
    }

    /// Never retried blindly: a lost answer ends in `.outcomeUnknown`.
    public func createSyncTask(_ request: CreateSyncTaskReq) async throws(OMSClientError) -> CreateSyncTaskResp {
        try await perform(
            Call(operation: "CreateSyncTask", method: "POST", path: projectPath("/sync-tasks"), idempotency: .creates), body: request,
            decoding: CreateSyncTaskResp.self)
    }

    /// The task with this month's counters (`queryTime`, in milliseconds, picks another month).
    public func showSyncTask(id: String, queryTime: Int64? = nil) async throws(OMSClientError) -> SyncTaskInfo {
        try await perform(
            Call(operation: "ShowSyncTask", method: "GET", path: projectPath("/sync-tasks/\(id)"),
                 query: queryTime.map { [("query_time", String($0))] } ?? []),
            decoding: SyncTaskInfo.self)
    }

    public func deleteSyncTask(id: String) async throws(OMSClientError) {
        try await send("DeleteSyncTask", "DELETE", "/sync-tasks/\(id)")
    }

    /// STOPPED -> SYNCHRONIZING; the keys again, as OMS does not keep them.
    public func startSyncTask(id: String, _ request: StartSyncTaskReq) async throws(OMSClientError) {
        try await send("StartSyncTask", "POST", "/sync-tasks/\(id)/start", body: request)
    }

    /// SYNCHRONIZING -> STOPPED.
    public func stopSyncTask(id: String) async throws(OMSClientError) {
        try await send("StopSyncTask", "POST", "/sync-tasks/\(id)/stop")
    }

    /// Up to 10 object keys to copy now; sent URL-encoded, as OMS expects.
    public func createSyncEvents(id: String, objectKeys: [String]) async throws(OMSClientError) {
        let encoded = objectKeys.map { $0.addingPercentEncoding(withAllowedCharacters: Self.eventKeyCharacters) ?? $0 }
        try await send("CreateSyncEvents", "POST", "/sync-tasks/\(id)/events", body: SyncObjectReq(objectKeys: encoded))
    }

    /// Counts per period between two instants (milliseconds).
    public func listSyncTaskStatistics(
        id: String, dataTypes: [SyncStatisticType] = SyncStatisticType.documented, from start: Int64, to end: Int64
    ) async throws(OMSClientError) -> SyncTaskStatisticsResp {
        try await perform(
            Call(operation: "ListSyncTaskStatistic", method: "GET", path: projectPath("/sync-tasks/\(id)/statistics"),
                 query: [("data_type", dataTypes.map(\.rawValue).joined(separator: ",")), ("start_time", String(start)), ("end_time", String(end))]),
            decoding: SyncTaskStatisticsResp.self)
    }

    /// Unreserved characters and `/` stay as they are; everything else is percent-encoded.
    static let eventKeyCharacters: CharacterSet = {
        var set = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        set.insert(charactersIn: "-._~/")
        return set
    }()
}
