import Foundation
import MigrationPlan
import OMSClient
import OMSModels

/// `MigrationTaskGroup`: one OMS task group (`/v2/{project_id}/taskgroups`), which makes its
/// own tasks. Its ids are text, it has no priority, its failures are retried with
/// `/retry`, and groups on their way out (`waitingForDeletion`) are not copies of anything.
struct MigrationTaskGroupKind: KindAdapter {
    let kind = ResourceKind.migrationTaskGroup
    let noun = "task group"
    let collection = OMSCollection(path: "taskgroups", actionMethod: "PUT", settled: "Paused")

    // MARK: Diff

    func answer(_ live: LiveResource) -> TaskGroupResp? {
        if case .group(let g) = live { g } else { nil }
    }

    func view(_ group: DesiredTaskGroup) -> SpecView {
        let r = group.request
        return SpecView(
            type: (r.taskType ?? .prefix).canonical.rawValue.lowercased(), cloud: r.srcNode.cloudType, region: r.srcNode.region,
            bucket: r.srcNode.bucket, appId: r.srcNode.appId, keys: r.srcNode.objectKey, listFile: r.srcNode.listFile,
            dstRegion: r.dstNode.region, dstBucket: r.dstNode.bucket, savePrefix: r.dstNode.savePrefix,
            description: group.userDescription ?? "", migrateSinceSeconds: r.migrateSince,
            cdn: r.sourceCdn.map { ($0.domain, $0.protocol, $0.authenticationType) },
            options: r.options)
    }

    func view(_ g: TaskGroupResp, userDescription: String?) -> SpecView {
        SpecView(
            type: (g.taskType ?? .prefix).canonical.rawValue.lowercased(), cloud: g.srcNode?.cloudType, region: g.srcNode?.region,
            bucket: g.srcNode?.bucket, appId: g.srcNode?.appId, keys: g.srcNode?.objectKey, listFile: g.srcNode?.listFile,
            dstRegion: g.dstNode?.region, dstBucket: g.dstNode?.bucket, savePrefix: g.dstNode?.savePrefix,
            description: userDescription, migrateSinceSeconds: g.migrateSinceSeconds,
            cdn: g.sourceCdn.map { ($0.domain, $0.protocol, $0.authenticationType) },
            options: g.options)
    }

    func sentAttributes(_ group: DesiredTaskGroup, into values: inout [String: JSONValue]) {
        values["bandwidth"] = BandwidthRules.json(group.bandwidthPolicy)
        if let smn = group.request.smnConfig { values["options.notifications"] = SentAttributes.notifications(smn) }
    }

    func preflightSource(_ group: DesiredTaskGroup) -> Preflight.Subject {
        guard let body = try? group.requestWithSecrets() else { return .unset }
        return .source(Preflight.Source(
            type: (body.taskType ?? .prefix).canonical.rawValue.lowercased(), cloud: body.srcNode.cloudType ?? .aliyun,
            region: body.srcNode.region, bucket: body.srcNode.bucket, ak: body.srcNode.ak, sk: body.srcNode.sk, token: nil,
            appId: body.srcNode.appId, keys: body.srcNode.objectKey ?? [], listFile: body.srcNode.listFile,
            dstRegion: body.dstNode.region ?? "", dstBucket: body.dstNode.bucket ?? "", dstAk: body.dstNode.ak, dstSk: body.dstNode.sk))
    }

    func status(_ live: LiveResource) -> LiveStatus {
        var status = LiveStatus(name: live.statusName)
        guard let g = answer(live) else { return status }
        let s = g.status ?? .waiting
        status.isComplete = s == .completed
        status.isFailed = s.isFailed
        status.isPaused = s == .paused
        status.isPausing = s == .pausing
        status.isRunning = s == .executing || s == .monitoring
        status.acceptsBandwidth = ![.completed, .waitingForDeletion, .deleted].contains(s)
        status.bandwidth = g.bandwidthPolicy
        status.failureCode = g.errorReason?.errorCode.flatMap { $0.isEmpty ? nil : $0 }
        return status
    }

    func movedData(_ live: LiveResource) -> String? {
        guard case .group(let g) = live else { return nil }
        let bytes = g.completeSize ?? 0
        if bytes == 0 && (g.successNum ?? 0) == 0 && g.status != .completed { return nil }
        return ByteCount.format(bytes)
    }

    func progress(_ live: LiveResource) -> (done: Int64, total: Int64, speed: Int64) {
        guard case .group(let g) = live else { return (0, 0, 0) }
        return (g.completeSize ?? 0, g.totalSize ?? 0, g.migrateSpeed ?? 0)
    }

    // MARK: Plan and apply

    let stopNeedsWait = true

    func retryCall(id: String, failedObjectsOnly: Bool) -> String {
        "PUT /v2/{project_id}/taskgroups/\(id)/retry" + (failedObjectsOnly ? " (failed objects only)" : "")
    }

    func bandwidthCall(_ operation: StepOperation, priority: TaskPriority?) -> String {
        "PUT /v2/{project_id}/taskgroups/\(operation.id)/update"
    }

    func createBody(_ group: DesiredTaskGroup) throws -> CreateTaskGroupReq { try group.requestWithSecrets() }

    func send(_ body: CreateTaskGroupReq, _ client: OMSClient) async throws -> String? {
        try await client.createTaskGroup(body).groupId
    }

    /// Pauses one; one that is not executing is fine.
    func stop(id: String, on executor: StepExecutor) async throws -> String {
        try await executor.tolerate([.onlyExecutingGroupsPause]) { try await executor.call { try await executor.client.stopTaskGroup(id: id) } }
        return id
    }

    func performAction(_ operation: StepOperation, on executor: StepExecutor) async throws {
        let client = executor.client
        let id = operation.id
        switch operation.verb {
        case .waitSettled:
            try await executor.poll("task group \(id)") {
                do {
                    let status = try await executor.call { try await client.showTaskGroup(id: id) }.status ?? .waiting
                    return [.paused, .creationFailed, .migrationFailed, .completed].contains(status) ? nil : status.description
                } catch let error as OMSClientError where error.isNotFound {
                    return nil
                }
            }
        case .delete:
            try await executor.call { try await client.deleteTaskGroup(id: id) }
        case .start:
            let group = try declared(operation, on: executor).resource
            let body = try group.startRequest()
            try await executor.call { try await client.startTaskGroup(id: id, body) }
        case .retry(let failedOnly):
            let (address, group) = try declared(operation, on: executor)
            let body = try group.retryRequest(migrateFailedObjects: failedOnly)
            try executor.ledger.record(address: address, liveId: id)
            try await executor.call { try await client.retryTaskGroup(id: id, body) }
        case .updateBandwidth(let rules, _):
            try await executor.call { try await client.updateTaskGroup(id: id, bandwidthPolicy: rules) }
        case .create, .stopCreated, .stop: break  // `perform` sends these
        }
    }

    func listForMarkers(_ executor: StepExecutor) async throws -> [(id: String, description: String?)] {
        let groups = try await executor.call { try await executor.client.listAllTaskGroups() }
        return groups.filter { $0.status != .waitingForDeletion }.compactMap { group in group.groupId.map { ($0, group.description) } }
    }
}

extension MigrationTaskGroupKind {
    func statusEntry(_ address: ResourceAddress, _ live: LiveResource) -> StatusReport.Entry {
        guard case .group(let g) = live else { return StatusReport.Entry(address: address, status: live.statusName, phase: .other, settled: true) }
        let status = g.status ?? .waiting
        let total = g.totalSize ?? 0
        let done = g.completeSize ?? 0
        let speed = g.migrateSpeed ?? 0
        return StatusReport.Entry(
            address: address, liveId: g.groupId, status: status.description, phase: StatusReport.Phase(.group(g)),
            progress: status == .completed ? 1 : (total > 0 ? Double(done) / Double(total) : 0), bytesDone: done,
            bytesTotal: total, objectsDone: (g.successNum ?? 0) + (g.skipNum ?? 0), objectsFailed: g.failNum ?? 0,
            objectsTotal: g.totalNum ?? 0, speed: speed, eta: speed > 0 ? (total - done) / speed : nil,
            error: g.errorReason?.errorCode.flatMap { $0.isEmpty ? nil : "\($0): \(g.errorReason?.errorMsg ?? "")" },
            settled: ![.waiting, .executing, .monitoring, .pausing].contains(status))
    }

    /// Groups being deleted are on their way out: never a twin of anything.
    func listLive(_ client: OMSClient) async throws -> [LiveResource] {
        try await client.listAllTaskGroups().filter { group in
            !(group.groupId ?? "").isEmpty && group.status != .waitingForDeletion && group.status != .deleted
        }.map(LiveResource.group)
    }

    func readLive(id: String, _ client: OMSClient) async throws -> LiveResource? {
        let group = try await client.showTaskGroup(id: id)
        return (group.groupId ?? "").isEmpty ? nil : .group(group)
    }
}
