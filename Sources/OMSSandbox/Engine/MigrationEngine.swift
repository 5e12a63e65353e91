import Foundation
import GRDB
import Logging
import OMSModels

/// Drives every task and group through its state machine as sandbox time passes. One
/// process per data directory holds the engine lease; the others only serve the API.
actor MigrationEngine {
    let store: SandboxStore
    let clock: SandboxClock
    let configuration: SandboxConfiguration
    let executor: TaskExecutor
    let groups: GroupSplitter
    private let holder = UUID().uuidString
    private let logger = Logger(label: "oms-plan.sandbox.engine")
    /// Longest stretch of sandbox time one step covers, so windows and transitions are seen.
    static let maximumStep: TimeInterval = 60

    init(
        store: SandboxStore, clock: SandboxClock, configuration: SandboxConfiguration, buckets: LocalBuckets,
        selfBaseURL: @escaping @Sendable () -> String? = { nil }
    ) {
        self.store = store
        self.clock = clock
        self.configuration = configuration
        self.executor = TaskExecutor(buckets: buckets, timeZone: configuration.serviceTimeZone, selfBaseURL: selfBaseURL)
        self.groups = GroupSplitter(buckets: buckets, objectsPerTask: configuration.objectsPerGroupTask)
    }

    /// Steps every `interval` (real time) while the lease is ours, until cancelled.
    func run(interval: Duration = .milliseconds(100)) async {
        while !Task.isCancelled {
            do {
                let real = Date()
                if try await store.acquireEngineLease(holder: holder, now: real, until: real.addingTimeInterval(3)) {
                    try await step(to: clock.now)
                }
            } catch is CancellationError {
                return  // shutting down: a step cut short is not a failure worth a log line
            } catch {
                if Task.isCancelled { return }
                logger.warning("engine step failed: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Moves sandbox time forward by `seconds` and runs the engine over it at once.
    func run(forSandboxSeconds seconds: TimeInterval) async throws {
        // Settle transitions due now (Waiting -> Migrating) so the whole span is spent moving data.
        try await step(to: clock.now)
        var remaining = max(0, seconds)
        repeat {
            let slice = min(remaining, Self.maximumStep)
            clock.advance(by: slice)
            try await step(to: clock.now)
            remaining -= slice
        } while remaining > 0
        // Transitions that need one more look (Pausing -> Paused, new group tasks start).
        try await step(to: clock.now)
    }

    /// One pass: groups first (they create and stop tasks), then tasks. Passes never overlap:
    /// the actor would otherwise interleave them at every `await` and copy objects twice.
    func step(to now: Date) async throws {
        while stepping {
            await withCheckedContinuation { waiters.append($0) }
        }
        stepping = true
        defer {
            stepping = false
            if !waiters.isEmpty { waiters.removeFirst().resume() }
        }
        try await stepGroups(now: now)
        try await stepTasks(now: now)
    }

    private var stepping = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    private func stepTasks(now: Date) async throws {
        // Running tasks, plus the waiting ones that get a slot (`RegionSlots`): OMS's few per
        // destination region, by priority, then creation.
        let slots = RegionSlots(perRegion: configuration.slotsPerRegion, overall: configuration.maximumConcurrentTasks)
        let active = try await store.pool.read { db in
            let running = try SandboxStore.tasks(where: "status IN (2, 7)", db: db)
            return running + (try slots.tasksToStart(migrating: running.filter { $0.status == .migrating }, db: db))
        }
        // On-demand object failures, read once per pass (nothing to read unless a test added some).
        var rules = active.contains { $0.status == .migrating }
            ? try await store.pool.read { db in try ObjectFailureRules.load(self.store, db: db) } : ObjectFailureRules()
        for var task in active {
            switch task.status {
            case .pausing:
                try await update(task.id) { stored in
                    guard stored.status == .pausing else { return }
                    stored.elapsedBefore = stored.runMilliseconds(now: now)
                    stored.startedAt = nil
                    stored.status = .paused
                    stored.speed = 0
                }
            case .waiting:
                try await update(task.id) { stored in
                    guard stored.status == .waiting else { return }
                    stored.status = .migrating
                    stored.startedAt = now
                    stored.lastStepAt = now
                    stored.byteCredit = 0
                }
            default:
                await executor.advance(&task, to: now, rules: &rules)
                let progressed = task
                let spent = rules.spent
                rules.spent.removeAll()
                try await update(task.id, spent: spent) { stored in
                    let requestedPause = stored.status == .pausing
                    guard stored.status == .migrating || requestedPause else { return }
                    stored.objects = progressed.objects
                    stored.byteCredit = progressed.byteCredit
                    stored.lastStepAt = progressed.lastStepAt
                    stored.speed = progressed.speed
                    stored.failedObjectRecord = progressed.failedObjectRecord
                    stored.successRecordError = progressed.successRecordError
                    stored.skipRecordError = progressed.skipRecordError
                    if progressed.status != .migrating {
                        // Settled: the outcome wins over a pause that arrived meanwhile.
                        stored.status = progressed.status
                        stored.errorReason = progressed.errorReason
                        stored.elapsedBefore = progressed.elapsedBefore
                        stored.startedAt = nil
                        stored.finishedAt = progressed.finishedAt
                    }
                }
            }
        }
    }

    /// Applies `change` to the stored task in one write transaction (re-read first, so the
    /// API's concurrent stop/start/delete is never overwritten).
    /// `spent` on-demand failures are counted in the same transaction, so a `times` rule is
    /// used up exactly as often as objects were saved as failed by it.
    private func update(
        _ id: Int64, spent: [ObjectFailureRules.Spent] = [], _ change: @Sendable @escaping (inout TaskRecord) -> Void
    ) async throws {
        try await store.pool.write { db in
            try ObjectFailureRules.record(spent, self.store, db: db)
            guard var stored = try SandboxStore.task(id: id, db: db) else { return }
            change(&stored)
            try store.save(stored, db: db)
        }
    }

    private func stepGroups(now: Date) async throws {
        let active = try await store.pool.read { db in try SandboxStore.groups(where: "status IN (1, 2, 7, 8)", db: db) }
        for group in active {
            switch group.status {
            case .executing: try await create(group, now: now)
            case .waitingForDeletion: try await delete(group)
            default: try await monitor(group, now: now)
            }
        }
    }

    /// Executing/Creating: split the source into tasks, then watch them (Monitoring).
    private func create(_ group: GroupRecord, now: Date) async throws {
        let split = Result { () throws(MigrationFailure) in try groups.split(group) }
        try await store.pool.write { db in
            guard var stored = try SandboxStore.group(id: group.id, db: db), stored.status == .executing else { return }
            switch split {
            case .failure(let failure):
                stored.status = .creationFailed
                stored.errorReason = failure.reason
            case .success(let requests):
                let records = requests.map { request in
                    TaskRecord(
                        id: 0, name: "", request: request, status: .waiting, groupId: stored.id, groupType: .groupTask,
                        createdAt: now, bandwidth: stored.bandwidth, priority: .medium)
                }
                _ = try store.insertTasks(records, db: db)
                stored.status = .monitoring
                stored.startedAt = stored.startedAt ?? now
                stored.errorReason = nil
            }
            try store.save(stored, db: db)
        }
    }

    private func delete(_ group: GroupRecord) async throws {
        try await store.pool.write { db in
            try db.execute(sql: "DELETE FROM tasks WHERE group_id = ?", arguments: [group.id])
            try store.deleteGroup(id: group.id, db: db)
        }
    }

    /// Monitoring/Pausing: roll the tasks' counters up and settle the group's state.
    private func monitor(_ group: GroupRecord, now: Date) async throws {
        try await store.pool.write { db in
            guard var stored = try SandboxStore.group(id: group.id, db: db) else { return }
            let tasks = try SandboxStore.tasks(where: "group_id = ?", arguments: [group.id], db: db)
            if stored.status == .pausing {
                for var task in tasks where task.status == .waiting || task.status == .migrating {
                    task.status = .pausing
                    try store.save(task, db: db)
                }
                if !tasks.contains(where: { [.waiting, .migrating, .pausing].contains($0.status) }) { stored.status = .paused }
            } else if stored.status == .monitoring, !tasks.contains(where: { [.waiting, .migrating, .pausing].contains($0.status) }) {
                stored.status = tasks.contains { $0.status == .failed } ? .migrationFailed : .completed
                if stored.status == .migrationFailed { stored.errorReason = MigrationFailure.someObjectsFailed.reason }
                stored.failedObjectRecord = Self.failedObjectRecord(of: stored, tasks)
            }
            stored.rollup = GroupSplitter.rollup(tasks, now: now)
            try store.save(stored, db: db)
        }
    }

    /// A group's record of failed objects: the folder of its tasks' failed lists when they were
    /// written (as OMS answers it), the code when one could not be; nil without failed lists.
    static func failedObjectRecord(of group: GroupRecord, _ tasks: [TaskRecord]) -> FailedObjectRecord? {
        let records = tasks.compactMap(\.failedObjectRecord).filter { $0.result != nil }
        if let refused = records.first(where: { $0.result == false }) {
            return FailedObjectRecord(result: false, listFileKey: "", errorCode: refused.errorCode)
        }
        return records.isEmpty ? nil : FailedObjectRecord(result: true, listFileKey: ObjectLists.groupFailedFolder(group.id), errorCode: "")
    }
}
