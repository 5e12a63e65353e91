import Foundation
import GRDB
import OMSModels

/// Task group operations (reference 6.3) with the state rules OMS applies (docs/sandbox.md).
extension SandboxService {
    func createTaskGroup(_ body: Data) async throws(SandboxError) -> CreateTaskGroupResp {
        var request = try Self.decode(CreateTaskGroupReq.self, body)
        try RequestValidator.validate(request)
        request.taskType = (request.taskType ?? .prefix).canonical
        let now = clock.now
        let perDay = configuration.quotas.groupsPerDay
        let group = GroupRecord(
            id: UUID().uuidString.lowercased(), request: request, status: .executing, createdAt: now,
            bandwidth: request.bandwidthPolicy ?? [])
        try await write { db in
            guard try store.creations("group", since: now.addingTimeInterval(-86_400), db: db) < perDay else {
                throw SandboxError.badRequest(.groupQuotaExceeded, "At most \(perDay) task groups can be created a day.")
            }
            try store.recordCreation("group", at: now, db: db)
            try store.insertGroup(group, db: db)
        }
        return CreateTaskGroupResp(groupId: group.id)
    }

    func listTaskGroups(limit: String?, offset: String?, status: String?) async throws(SandboxError) -> ListTaskGroupsResp {
        let (limit, offset) = try RequestValidator.pagination(limit: limit, offset: offset)
        let filter = try Self.statusFilter(status, in: 0...9)
        let page = try await read { db in try SandboxStore.listGroups(limit: limit, offset: offset, status: filter, db: db) }
        return ListTaskGroupsResp(count: Int64(page.count), taskgroups: page.groups.map { $0.response() })
    }

    func showTaskGroup(_ id: String) async throws(SandboxError) -> TaskGroupResp {
        guard let group = try await read({ db in try SandboxStore.group(id: id, db: db) }) else { throw .noSuchGroup() }
        return group.response()
    }

    /// Applies `change` to a group and its tasks in one write transaction.
    private func updateGroup(_ id: String, _ change: @Sendable @escaping (inout GroupRecord, Database) throws -> Void) async throws(SandboxError) {
        try await write { db in
            guard var group = try SandboxStore.group(id: id, db: db) else { throw SandboxError.noSuchGroup() }
            try change(&group, db)
            try store.save(group, db: db)
        }
    }

    func stopTaskGroup(_ id: String) async throws(SandboxError) {
        try await updateGroup(id) { group, _ in
            guard group.status == .executing || group.status == .monitoring else {
                throw SandboxError.badRequest(.onlyExecutingGroupsPause, "Only a creating or monitoring task group can be paused (this one is \(group.status)).")
            }
            group.status = .pausing
        }
    }

    func startTaskGroup(_ id: String, _ body: Data) async throws(SandboxError) {
        let start = try Self.decode(StartTaskGroupReq.self, body)
        guard start.dstAk?.isEmpty == false else { throw .missing("dst_ak") }
        guard start.dstSk?.isEmpty == false else { throw .missing("dst_sk") }
        let store = self.store
        try await updateGroup(id) { group, db in
            guard group.status == .paused else {
                throw SandboxError.badRequest(.onlyPausedGroupsResume, "Only a paused task group can be resumed (this one is \(group.status)).")
            }
            Self.applyKeys(&group, src: (start.srcAk, start.srcSk, start.jsonAuthFile), dst: (start.dstAk, start.dstSk))
            for var task in try SandboxStore.tasks(where: "group_id = ?", arguments: [group.id], db: db) where task.status == .paused {
                Self.applyKeys(&task, from: group)
                Self.restart(&task, failedOnly: false)
                try store.save(task, db: db)
            }
            group.status = .monitoring
        }
    }

    func retryTaskGroup(_ id: String, _ body: Data) async throws(SandboxError) {
        let retry = try Self.decode(RetryTaskGroupReq.self, body)
        let store = self.store
        let service = self
        let failedOnly = retry.migrateFailedObject ?? false
        try await updateGroup(id) { group, db in
            guard group.isRetryable else {
                throw SandboxError.badRequest(.onlyFailedGroupsRetry, "Only a task group whose creation or migration failed can be retried (this one is \(group.status)).")
            }
            Self.applyKeys(&group, src: (retry.srcAk, retry.srcSk, retry.jsonAuthFile), dst: (retry.dstAk, retry.dstSk))
            if group.status == .creationFailed {
                try db.execute(sql: "DELETE FROM tasks WHERE group_id = ?", arguments: [group.id])
                group.status = .executing
            } else {
                for var task in try SandboxStore.tasks(where: "group_id = ?", arguments: [group.id], db: db) where task.status == .failed {
                    Self.applyKeys(&task, from: group)
                    // Each task retries exactly what its own failed list names.
                    Self.restart(&task, failedOnly: failedOnly, listed: failedOnly ? service.failedListKeys(task) : nil)
                    try store.save(task, db: db)
                }
                group.status = .monitoring
            }
            group.errorReason = nil
        }
    }

    func deleteTaskGroup(_ id: String) async throws(SandboxError) {
        try await updateGroup(id) { group, _ in
            guard ![.executing, .monitoring, .pausing].contains(group.status) else {
                throw SandboxError.badRequest(.taskInProgress, "The task group is in progress; pause it and wait for Paused before deleting.")
            }
            group.status = .waitingForDeletion
        }
    }

    func updateTaskGroup(_ id: String, _ body: Data) async throws(SandboxError) {
        let update = try Self.decode(UpdateBandwidthPolicyReq.self, body)
        try RequestValidator.validateBandwidth(update.bandwidthPolicy)
        let store = self.store
        try await updateGroup(id) { group, db in
            guard ![.completed, .waitingForDeletion, .deleted].contains(group.status) else {
                throw SandboxError.badRequest(.groupStateRefuses, "The task group's bandwidth cannot change in its current state (\(group.status)).")
            }
            group.bandwidth = update.bandwidthPolicy
            for var task in try SandboxStore.tasks(where: "group_id = ?", arguments: [group.id], db: db) where task.status != .succeeded {
                task.bandwidth = update.bandwidthPolicy
                try store.save(task, db: db)
            }
        }
    }

    private static func applyKeys(_ group: inout GroupRecord, src: (String?, String?, String?), dst: (String?, String?)) {
        group.request.srcNode.ak = src.0 ?? group.request.srcNode.ak
        group.request.srcNode.sk = src.1 ?? group.request.srcNode.sk
        group.request.srcNode.jsonAuthFile = src.2 ?? group.request.srcNode.jsonAuthFile
        group.request.dstNode.ak = dst.0 ?? group.request.dstNode.ak
        group.request.dstNode.sk = dst.1 ?? group.request.dstNode.sk
    }

    private static func applyKeys(_ task: inout TaskRecord, from group: GroupRecord) {
        task.request.srcNode.ak = group.request.srcNode.ak
        task.request.srcNode.sk = group.request.srcNode.sk
        task.request.srcNode.jsonAuthFile = group.request.srcNode.jsonAuthFile
        task.request.dstNode.ak = group.request.dstNode.ak
        task.request.dstNode.sk = group.request.dstNode.sk
    }
}

extension GroupRecord {
    var isRetryable: Bool { status == .creationFailed || status == .migrationFailed }
}
