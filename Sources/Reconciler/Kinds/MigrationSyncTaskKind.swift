import Foundation
import MigrationPlan
import OMSClient
import OMSModels

/// `MigrationSyncTask`: one OMS synchronization task (`/v2/{project_id}/sync-tasks`). It
/// synchronizes or it is stopped: it never completes or fails as a whole, takes no bandwidth
/// rules, its stop takes effect at once, and replacing it loses nothing (what it copied stays
/// in OBS; the new one copies what changes from then on).
struct MigrationSyncTaskKind: KindAdapter {
    let kind = ResourceKind.migrationSyncTask
    let noun = "synchronization task"
    let collection = OMSCollection(path: "sync-tasks", actionMethod: "POST", settled: "Stopped")

    // MARK: Diff

    func answer(_ live: LiveResource) -> SyncTaskInfo? {
        if case .syncTask(let s) = live { s } else { nil }
    }

    func view(_ sync: DesiredSyncTask) -> SpecView {
        let r = sync.request
        return SpecView(syncCloud: r.srcCloudType, region: r.srcRegion, bucket: r.srcBucket, appId: r.appId, dstRegion: r.dstRegion,
                        dstBucket: r.dstBucket, description: sync.userDescription ?? "",
                        cdn: r.sourceCdn.map { ($0.domain, $0.protocol, $0.authenticationType) },
                        options: MigrationOptions(consistencyCheck: r.consistencyCheck, dstStoragePolicy: r.dstStoragePolicy,
                                                  enableMetadataMigration: r.enableMetadataMigration, enableRestore: r.enableRestore))
    }

    func view(_ s: SyncTaskInfo, userDescription: String?) -> SpecView {
        SpecView(syncCloud: s.srcCloudType, region: s.srcRegion, bucket: s.srcBucket, appId: s.appId, dstRegion: s.dstRegion,
                 dstBucket: s.dstBucket, description: userDescription,
                 cdn: s.sourceCdn.map { ($0.domain, $0.protocol, $0.authenticationType) },
                 options: MigrationOptions(consistencyCheck: s.consistencyCheck, dstStoragePolicy: s.dstStoragePolicy,
                                           enableMetadataMigration: s.enableMetadataMigration, enableRestore: s.enableRestore))
    }

    /// No bandwidth row: one that said "unlimited" would be a promise OMS does not make.
    func sentAttributes(_ sync: DesiredSyncTask, into values: inout [String: JSONValue]) {}

    /// The whole bucket: its region and the keys are checked, no prefix (an empty source is
    /// fine for a synchronization task: it waits for objects to appear).
    func preflightSource(_ sync: DesiredSyncTask) -> Preflight.Subject {
        guard let body = try? sync.requestWithSecrets() else { return .unset }
        return .source(Preflight.Source(
            type: "sync", cloud: body.srcCloudType ?? .aliyun, region: body.srcRegion, bucket: body.srcBucket, ak: body.srcAk,
            sk: body.srcSk, token: nil, appId: body.appId, keys: [], listFile: nil, dstRegion: body.dstRegion ?? "",
            dstBucket: body.dstBucket ?? "", dstAk: body.dstAk, dstSk: body.dstSk))
    }

    func status(_ live: LiveResource) -> LiveStatus {
        var status = LiveStatus(name: live.statusName)
        guard let s = answer(live) else { return status }
        status.isPaused = s.status == .stopped
        status.isRunning = s.status == .synchronizing
        status.acceptsBandwidth = false
        return status
    }

    func movedData(_ live: LiveResource) -> String? { nil }

    let finishes = false

    // MARK: Plan and apply

    let stopNeedsWait = false

    /// Never planned for this kind (a synchronization task never fails as a whole); it would
    /// be a start.
    func retryCall(id: String, failedObjectsOnly: Bool) -> String {
        "POST /v2/{project_id}/sync-tasks/\(id)/start"
    }

    func bandwidthCall(_ operation: StepOperation, priority: TaskPriority?) -> String {
        "(a synchronization task takes no bandwidth rules)"
    }

    func createBody(_ sync: DesiredSyncTask) throws -> CreateSyncTaskReq { try sync.requestWithSecrets() }

    func send(_ body: CreateSyncTaskReq, _ client: OMSClient) async throws -> String? {
        try await client.createSyncTask(body).syncTaskId
    }

    /// One already stopped is fine.
    func stop(id: String, on executor: StepExecutor) async throws -> String {
        try await executor.tolerate([.taskNotInProgress]) { try await executor.call { try await executor.client.stopSyncTask(id: id) } }
        return id
    }

    func performAction(_ operation: StepOperation, on executor: StepExecutor) async throws {
        let client = executor.client
        let id = operation.id
        switch operation.verb {
        case .start:
            let sync = try declared(operation, on: executor).resource
            let body = try sync.startRequest()
            try await executor.tolerate([.taskAlreadyStarted]) { try await executor.call { try await client.startSyncTask(id: id, body) } }
        case .delete:
            try await executor.tolerate([.noSuchResource]) { try await executor.call { try await client.deleteSyncTask(id: id) } }
        default:
            throw ApplyError(description: "a synchronization task has no \(operation.call) call")
        }
    }

    func listForMarkers(_ executor: StepExecutor) async throws -> [(id: String, description: String?)] {
        let syncTasks = try await executor.call { try await executor.client.listAllSyncTasks() }
        return syncTasks.sorted { ($0.createTime ?? 0) < ($1.createTime ?? 0) }.compactMap { sync in
            sync.syncTaskId.map { ($0, sync.description) }
        }
    }
}

extension MigrationSyncTaskKind {
    /// Settled whenever it exists: a synchronization task never finishes.
    func statusEntry(_ address: ResourceAddress, _ live: LiveResource) -> StatusReport.Entry {
        guard case .syncTask(let s) = live else { return StatusReport.Entry(address: address, status: live.statusName, phase: .other, settled: true) }
        return StatusReport.Entry(address: address, liveId: s.syncTaskId, status: s.status?.rawValue ?? "Unknown",
                                  phase: s.status == .stopped ? .stopped : .synchronizing, settled: true)
    }

    func listLive(_ client: OMSClient) async throws -> [LiveResource] {
        try await client.listAllSyncTasks().filter { !($0.syncTaskId ?? "").isEmpty }.map(LiveResource.syncTask)
    }

    func readLive(id: String, _ client: OMSClient) async throws -> LiveResource? {
        let sync = try await client.showSyncTask(id: id)
        return (sync.syncTaskId ?? "").isEmpty ? nil : .syncTask(sync)
    }
}
