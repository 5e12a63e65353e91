import Foundation
import GRDB
import OMSModels

/// The OMS operations, free of HTTP: decoded inputs in, models out, refusals as
/// `SandboxError` with OMS's codes. Routes only translate.
struct SandboxService: Sendable {
    let configuration: SandboxConfiguration
    let store: SandboxStore
    let clock: SandboxClock
    let buckets: LocalBuckets
    /// The password IAM login accepts for `configuration.iamUser`.
    let iamPassword: String

    /// Answers of unchanged tasks, already encoded.
    let answers = TaskAnswerCache()

    static let decoder = JSONDecoder()

    static func decode<T: Decodable>(_ type: T.Type, _ body: Data) throws(SandboxError) -> T {
        guard !body.isEmpty else { throw .notJSON() }
        do {
            return try decoder.decode(T.self, from: body)
        } catch {
            throw SandboxError(decoding: error)
        }
    }

    static func taskId(_ text: String) throws(SandboxError) -> Int64 {
        guard let id = Int64(text), id >= 0 else { throw .badTaskId() }
        return id
    }

    /// Runs `body` in one write transaction, on GRDB's writer queue; refusals pass through untouched.
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(SandboxError) -> T {
        try await Self.storeFailures { try await store.pool.write(body) }
    }

    /// Runs `body` in one read transaction, on a GRDB reader queue: waiting for a reader and
    /// running the query never hold a thread of the cooperative pool the routes run on.
    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(SandboxError) -> T {
        try await Self.storeFailures { try await store.pool.read(body) }
    }

    /// Refusals pass through; any other failure is the store's (500).
    static func storeFailures<T>(_ body: () async throws -> T) async throws(SandboxError) -> T {
        do {
            return try await body()
        } catch let error as SandboxError {
            throw error
        } catch {
            throw SandboxError(500, .internalError, "The sandbox store failed: \(error)")
        }
    }

    // MARK: Tasks

    func createTask(_ body: Data) async throws(SandboxError) -> CreateTaskResp {
        let request = try Self.decode(CreateTaskReq.self, body)
        try RequestValidator.validate(request)
        let now = clock.now
        let quotas = configuration.quotas
        let stored = try await write { db in
            let created = try store.creations("task", since: now.addingTimeInterval(-86_400), db: db)
            let waiting = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tasks WHERE status = ?", arguments: [TaskStatus.waiting.rawValue]) ?? 0
            guard created < quotas.tasksPerDay, waiting < quotas.waitingTasks else {
                throw SandboxError.badRequest(.taskQuotaExceeded, "The task quota is used up (\(quotas.tasksPerDay) a day, \(quotas.waitingTasks) waiting).")
            }
            try store.recordCreation("task", at: now, db: db)
            let record = TaskRecord(
                id: 0, name: "", request: request, status: .waiting, groupId: nil, groupType: .normalTask, createdAt: now,
                bandwidth: request.bandwidthPolicy ?? [], priority: request.taskPriority ?? MigrationOptions.defaultTaskPriority)
            return try store.insertTasks([record], db: db)[0]
        }
        return CreateTaskResp(id: stored.id, taskName: stored.name)
    }

    /// A list's `status` filter (tasks and groups alike): an integer among the states that
    /// list's API documents, or nil when none was asked for.
    static func statusFilter(_ status: String?, in states: ClosedRange<Int>) throws(SandboxError) -> Int? {
        guard let status else { return nil }
        guard let value = Int(status) else { throw .wrongType("status") }
        guard states.contains(value) else { throw .outOfRange("status", "\(states.lowerBound) to \(states.upperBound)") }
        return value
    }

    /// The answer JSON of `GET .../tasks`, assembled from each task's (cached) answer.
    func listTasks(limit: String?, offset: String?, status: String?, groupId: String?) async throws(SandboxError) -> Data {
        let (limit, offset) = try RequestValidator.pagination(limit: limit, offset: offset)
        let filter = try Self.statusFilter(status, in: 1...7)
        if let groupId, groupId.isEmpty || groupId.count > 100 { throw .outOfRange("group_id", "1 to 100 characters") }
        let now = clock.now
        let page = try await read { db in try SandboxStore.listTaskRows(limit: limit, offset: offset, status: filter, groupId: groupId, db: db) }
        let answers = self.answers
        return try await Self.storeFailures {
            // ListTasksResp as JSONEncoder writes it: {"tasks":[...],"count":N}.
            var json = Data(#"{"tasks":["#.utf8)
            for (index, row) in page.rows.enumerated() {
                if index > 0 { json.append(UInt8(ascii: ",")) }
                json.append(try answers.answer(row: row, now: now))
            }
            json.append(contentsOf: Data(#"],"count":\#(page.count)}"#.utf8))
            return json
        }
    }

    /// The answer JSON of `GET .../tasks/{id}`.
    func showTask(_ idText: String) async throws(SandboxError) -> Data {
        let id = try Self.taskId(idText)
        guard let row = try await read({ db in try SandboxStore.taskRow(id: id, db: db) }) else { throw .noSuchTask() }
        let answers = self.answers
        let now = clock.now
        return try await Self.storeFailures { try answers.answer(row: row, now: now) }
    }

    /// Applies `change` to one task inside a write transaction.
    func updateTask(_ idText: String, _ change: @Sendable @escaping (inout TaskRecord) throws -> Void) async throws(SandboxError) {
        let id = try Self.taskId(idText)
        try await write { db in
            guard var record = try SandboxStore.task(id: id, db: db) else { throw SandboxError.noSuchTask() }
            try change(&record)
            try store.save(record, db: db)
        }
    }

    func stopTask(_ id: String) async throws(SandboxError) {
        try await updateTask(id) { task in
            switch task.status {
            case .migrating, .waiting: task.status = .pausing
            case .succeeded: throw SandboxError.badRequest(.taskComplete, "The task has succeeded; it cannot be stopped.")
            default: throw SandboxError.badRequest(.taskNotInProgress, "The task is not in progress (status \(task.status)).")
            }
        }
    }

    func startTask(_ id: String, _ body: Data) async throws(SandboxError) {
        let start = try Self.decode(StartTaskReq.self, body)
        guard start.dstAk?.isEmpty == false else { throw .missing("dst_ak") }
        guard start.dstSk?.isEmpty == false else { throw .missing("dst_sk") }
        let failedOnly = start.migrateFailedObject ?? false
        // The failed list is read from the destination before the write transaction.
        var listed: [String]?
        let taskId = try Self.taskId(id)
        if failedOnly, let task = try await read({ db in try SandboxStore.task(id: taskId, db: db) }) {
            listed = failedListKeys(task)
        }
        let keys = listed
        try await updateTask(id) { task in
            switch task.status {
            case .paused, .failed: break
            case .succeeded: throw SandboxError.badRequest(.taskComplete, "The task has succeeded; it cannot be started.")
            default: throw SandboxError.badRequest(.taskAlreadyStarted, "The task is already running (status \(task.status)).")
            }
            if (task.request.taskType ?? .object) != .urlList && task.request.srcNode.jsonAuthFile == nil
                && start.jsonAuthFile == nil
            {
                guard start.srcAk?.isEmpty == false else { throw SandboxError.missing("src_ak") }
                guard start.srcSk?.isEmpty == false else { throw SandboxError.missing("src_sk") }
            }
            task.request.srcNode.ak = start.srcAk ?? task.request.srcNode.ak
            task.request.srcNode.sk = start.srcSk ?? task.request.srcNode.sk
            task.request.srcNode.securityToken = start.srcSecurityToken ?? task.request.srcNode.securityToken
            task.request.srcNode.jsonAuthFile = start.jsonAuthFile ?? task.request.srcNode.jsonAuthFile
            task.request.dstNode.ak = start.dstAk
            task.request.dstNode.sk = start.dstSk
            task.request.dstNode.securityToken = start.dstSecurityToken ?? task.request.dstNode.securityToken
            if let key = start.sourceCdnAuthenticationKey { task.request.sourceCdn?.authenticationKey = key }
            Self.restart(&task, failedOnly: failedOnly, listed: keys)
        }
    }

    /// The keys of the task's failed list as it stands in its destination bucket (nil: none).
    func failedListKeys(_ task: TaskRecord) -> [String]? {
        ObjectRecorder(buckets: buckets, timeZone: configuration.serviceTimeZone).failedListKeys(task)
    }

    /// Back to Waiting: everything again (objects already at the destination are skipped by
    /// the overwrite comparison), or, `failedOnly`, exactly the objects the failed list names
    /// (`listed`, its keys as read from the destination; without a list, the objects the task
    /// holds as failed). The next success and skip lists name only the objects moved again.
    static func restart(_ task: inout TaskRecord, failedOnly: Bool, listed: [String]? = nil) {
        if failedOnly, var objects = task.objects {
            let names = listed.map { Set($0) }
            var again: [Int] = []
            for index in objects.indices where names?.contains(objects[index].source) ?? (objects[index].state == .failed) {
                objects[index].state = .pending
                objects[index].copied = 0
                objects[index].failure = nil
                objects[index].skipReason = nil
                objects[index].transferOf = nil
                again.append(index)
            }
            // After a failed run the new run is these objects; a paused retry run grows by them;
            // a whole run cut short by a pause stays whole.
            if task.status == .failed {
                task.retrying = again
            } else if let running = task.retrying {
                task.retrying = Array(Set(running + again)).sorted()
            }
            task.objects = objects
        } else if task.status == .failed || task.objects?.contains(where: { $0.state == .failed }) == true {
            task.objects = nil
            task.retrying = nil
        }
        task.status = .waiting
        task.errorReason = nil
        task.failedObjectRecord = nil
        task.successRecordError = nil
        task.skipRecordError = nil
        task.finishedAt = nil
    }

    func deleteTask(_ idText: String) async throws(SandboxError) {
        let id = try Self.taskId(idText)
        try await write { db in
            guard let task = try SandboxStore.task(id: id, db: db) else { throw SandboxError.noSuchTask() }
            guard task.status != .migrating && task.status != .pausing else {
                throw SandboxError.badRequest(.taskInProgress, "The task is in progress; stop it and wait for Paused before deleting.")
            }
            try store.deleteTask(id: id, db: db)
        }
    }

    func updateBandwidthPolicy(_ id: String, _ body: Data) async throws(SandboxError) {
        let update = try Self.decode(UpdateBandwidthPolicyReq.self, body)
        try RequestValidator.validateBandwidth(update.bandwidthPolicy)
        try await updateTask(id) { task in
            guard task.status != .succeeded else {
                throw SandboxError.badRequest(.taskComplete, "The task has succeeded; its bandwidth can no longer change.")
            }
            task.bandwidth = update.bandwidthPolicy
        }
    }

    func batchUpdateTasks(_ body: Data) async throws(SandboxError) {
        let update = try Self.decode(BatchUpdateTasksReq.self, body)
        try RequestValidator.validateBandwidth(update.bandwidthPolicy)
        if let priority = update.taskPriority, !priority.isDocumented { throw .outOfRange("task_priority", "HIGH, MEDIUM or LOW") }
        let ids = update.ids ?? []
        guard update.groupId?.isEmpty == false || !ids.isEmpty else { throw .missing("group_id or ids") }
        guard ids.count <= BatchUpdateTasksReq.maximumIds else { throw .outOfRange("ids", "at most 20 ids") }
        try await write { db in
            let tasks: [TaskRecord]
            if let groupId = update.groupId, !groupId.isEmpty {
                guard try SandboxStore.group(id: groupId, db: db) != nil else { throw SandboxError.noSuchGroup() }
                tasks = try SandboxStore.tasks(where: "group_id = ?", arguments: [groupId], db: db)
            } else {
                tasks = try ids.map { id in
                    guard let task = try SandboxStore.task(id: id, db: db) else { throw SandboxError.noSuchTask() }
                    return task
                }
            }
            if update.taskPriority != nil, let busy = tasks.first(where: { ![.waiting, .paused, .failed].contains($0.status) }) {
                throw SandboxError.badRequest(.parameterConstraints, "Priority can only change while a task is Waiting, Paused or Failed (task \(busy.id) is \(busy.status)).")
            }
            for var task in tasks where task.status != .succeeded {
                task.bandwidth = update.bandwidthPolicy
                if let priority = update.taskPriority { task.priority = priority }
                try store.save(task, db: db)
            }
        }
    }
}
