import Foundation
import MigrationPlan
import OMSClient
import OMSModels

/// `MigrationTask`: one OMS migration task (`/v2/{project_id}/tasks`), declared or made by a
/// task set. Ids are numbers; bandwidth and priority changes of many tasks share
/// `batch-update` calls; a stop is polled until the task has settled.
struct MigrationTaskKind: KindAdapter {
    let kind = ResourceKind.migrationTask
    let noun = "task"
    let collection = OMSCollection(path: "tasks", actionMethod: "POST", settled: "Paused")

    // MARK: Diff

    func answer(_ live: LiveResource) -> TaskResp? {
        if case .task(let t) = live { t } else { nil }
    }

    func view(_ task: DesiredTask) -> SpecView {
        let r = task.request
        return SpecView(
            type: (r.taskType ?? .object).canonical.rawValue, cloud: r.srcNode.cloudType, region: r.srcNode.region,
            bucket: r.srcNode.bucket, appId: r.srcNode.appId, keys: r.srcNode.objectKey, listFile: r.srcNode.listFile,
            dstRegion: r.dstNode.region, dstBucket: r.dstNode.bucket, savePrefix: r.dstNode.savePrefix,
            description: task.userDescription ?? "", migrateSinceSeconds: r.migrateSince,
            cdn: r.sourceCdn.map { ($0.domain, $0.protocol, $0.authenticationType) },
            options: r.options)
    }

    func view(_ t: TaskResp, userDescription: String?) -> SpecView {
        SpecView(
            type: (t.taskType ?? .object).canonical.rawValue, cloud: t.srcNode?.cloudType, region: t.srcNode?.region,
            bucket: t.srcNode?.bucket, appId: t.srcNode?.appId, keys: t.srcNode?.objectKey, listFile: t.srcNode?.listFile,
            dstRegion: t.dstNode?.region, dstBucket: t.dstNode?.bucket, savePrefix: t.dstNode?.savePrefix,
            description: userDescription, migrateSinceSeconds: t.migrateSinceSeconds,
            cdn: t.sourceCdn.map { ($0.domain, $0.protocol, $0.authenticationType) },
            options: t.options)
    }

    func sentAttributes(_ task: DesiredTask, into values: inout [String: JSONValue]) {
        values["bandwidth"] = BandwidthRules.json(task.bandwidthPolicy)
        values["options.priority"] = .string(task.priority.canonical.rawValue)
        if let smn = task.request.smnConfig { values["options.notifications"] = SentAttributes.notifications(smn) }
    }

    func preflightSource(_ task: DesiredTask) -> Preflight.Subject {
        guard let body = try? task.requestWithSecrets() else { return .unset }
        return .source(Preflight.Source(
            type: (body.taskType ?? .object).canonical.rawValue, cloud: body.srcNode.cloudType ?? .aliyun,
            region: body.srcNode.region, bucket: body.srcNode.bucket, ak: body.srcNode.ak, sk: body.srcNode.sk,
            token: body.srcNode.securityToken, appId: body.srcNode.appId, keys: body.srcNode.objectKey ?? [],
            listFile: body.srcNode.listFile, dstRegion: body.dstNode.region ?? "", dstBucket: body.dstNode.bucket ?? "",
            dstAk: body.dstNode.ak, dstSk: body.dstNode.sk))
    }

    func status(_ live: LiveResource) -> LiveStatus {
        var status = LiveStatus(name: live.statusName)
        guard let t = answer(live) else { return status }
        let s = t.status ?? .waiting
        status.isComplete = s == .succeeded
        status.isFailed = s == .failed
        status.isPaused = s == .paused
        status.isPausing = s == .pausing
        status.isRunning = s == .waiting || s == .migrating
        status.acceptsPriority = [.waiting, .paused, .failed].contains(s)
        status.bandwidth = t.bandwidthPolicy
        status.failureCode = t.errorReason?.errorCode.flatMap { $0.isEmpty ? nil : $0 }
        return status
    }

    func movedData(_ live: LiveResource) -> String? {
        guard case .task(let t) = live else { return nil }
        let bytes = max(t.completeSize ?? 0, t.realSize ?? 0)
        if bytes == 0 && (t.successfulNum ?? 0) == 0 && t.status != .succeeded { return nil }
        return ByteCount.format(bytes)
    }

    func progress(_ live: LiveResource) -> (done: Int64, total: Int64, speed: Int64) {
        guard case .task(let t) = live else { return (0, 0, 0) }
        return (t.completeSize ?? 0, t.totalSize ?? 0, t.migrateSpeed ?? 0)
    }

    // MARK: Plan and apply

    let stopNeedsWait = true
    let batchesBandwidth = true

    func retryCall(id: String, failedObjectsOnly: Bool) -> String {
        "POST /v2/{project_id}/tasks/\(id)/start" + (failedObjectsOnly ? " (failed objects only)" : " (all objects)")
    }

    func bandwidthCall(_ operation: StepOperation, priority: TaskPriority?) -> String {
        if Self.isSingleUpdate(operation.ids, priority) { return "PUT /v2/{project_id}/tasks/\(operation.id)/bandwidth-policy" }
        let count = operation.ids.count
        return "POST /v2/{project_id}/tasks/batch-update (\(count) \(count == 1 ? "task" : "tasks"))"
    }

    /// One task and no priority: its own bandwidth call; anything else goes through batch-update.
    static func isSingleUpdate(_ ids: [String], _ priority: TaskPriority?) -> Bool {
        ids.count == 1 && priority == nil
    }

    func createBody(_ task: DesiredTask) throws -> CreateTaskReq { try task.requestWithSecrets() }

    func send(_ body: CreateTaskReq, _ client: OMSClient) async throws -> String? {
        try await client.createTask(body).id.map(String.init)
    }

    /// One not running or already finished is fine. Answers the id as OMS numbers it.
    func stop(id: String, on executor: StepExecutor) async throws -> String {
        let id = try Self.number(id)
        try await executor.tolerate([.taskNotInProgress, .taskComplete]) { try await executor.call { try await executor.client.stopTask(id: id) } }
        return String(id)
    }

    func performAction(_ operation: StepOperation, on executor: StepExecutor) async throws {
        let client = executor.client
        switch operation.verb {
        case .waitSettled:
            let id = try Self.number(operation.id)
            try await executor.poll("task \(id)") {
                do {
                    let status = try await executor.call { try await client.showTask(id: id) }.status ?? .waiting
                    return [.paused, .failed, .succeeded].contains(status) ? nil : status.description
                } catch let error as OMSClientError where error.isNotFound {
                    return nil
                }
            }
        case .delete:
            let id = try Self.number(operation.id)
            try await executor.tolerate([.noSuchResource]) { try await executor.call { try await client.deleteTask(id: id) } }
        case .start:
            let id = try Self.number(operation.id)
            let task = try declared(operation, on: executor).resource
            let body = try task.startRequest(migrateFailedObjects: false)
            try await executor.tolerate([.taskAlreadyStarted]) { try await executor.call { try await client.startTask(id: id, body) } }
        case .retry(let failedOnly):
            let id = try Self.number(operation.id)
            let (address, task) = try declared(operation, on: executor)
            let body = try task.startRequest(migrateFailedObjects: failedOnly)
            try executor.ledger.record(address: address, liveId: String(id))
            try await executor.call { try await client.startTask(id: id, body) }
        case .updateBandwidth(let rules, let priority):
            let ids = try operation.ids.map(Self.number)
            if Self.isSingleUpdate(operation.ids, priority) {
                try await executor.call { try await client.updateBandwidthPolicy(taskId: ids[0], rules) }
            } else {
                try await executor.call {
                    try await client.batchUpdateTasks(BatchUpdateTasksReq(ids: ids, bandwidthPolicy: rules, taskPriority: priority))
                }
            }
        case .create, .stopCreated, .stop: break  // `perform` sends these
        }
    }

    func listForMarkers(_ executor: StepExecutor) async throws -> [(id: String, description: String?)] {
        let tasks = try await executor.call { try await executor.client.listAllTasks() }
        return tasks.sorted { ($0.id ?? 0) < ($1.id ?? 0) }.compactMap { task in task.id.map { (String($0), task.description) } }
    }

    /// Task ids are numbers in OMS's API; the plan's steps carry them as text like every id.
    private static func number(_ id: String) throws -> Int64 {
        guard let value = Int64(id) else { throw ApplyError(description: "task id \(id) is not a number") }
        return value
    }
}

extension MigrationTaskKind {
    func statusEntry(_ address: ResourceAddress, _ live: LiveResource) -> StatusReport.Entry {
        guard case .task(let t) = live else { return StatusReport.Entry(address: address, status: live.statusName, phase: .other, settled: true) }
        let status = t.status ?? .waiting
        let eta = t.leftTime.map { $0 / 1000 }
        return StatusReport.Entry(
            address: address, liveId: t.id.map(String.init), status: status.description, phase: StatusReport.Phase(.task(t)),
            progress: t.progress ?? 0, bytesDone: t.completeSize ?? 0, bytesTotal: t.totalSize ?? 0,
            objectsDone: (t.successfulNum ?? 0) + (t.skippedNum ?? 0), objectsFailed: t.failedNum ?? 0,
            objectsTotal: t.totalNum ?? 0, speed: t.migrateSpeed ?? 0, eta: status == .migrating ? eta : nil,
            error: t.errorReason?.errorCode.flatMap { $0.isEmpty ? nil : "\($0): \(t.errorReason?.errorMsg ?? "")" },
            settled: ![.waiting, .migrating, .pausing].contains(status))
    }

    func listLive(_ client: OMSClient) async throws -> [LiveResource] {
        try await client.listAllTasks().filter { $0.id != nil }.map(LiveResource.task)
    }

    func readLive(id: String, _ client: OMSClient) async throws -> LiveResource? {
        guard let number = Int64(id) else { return nil }
        let task = try await client.showTask(id: number)
        return task.id == nil ? nil : .task(task)
    }
}
