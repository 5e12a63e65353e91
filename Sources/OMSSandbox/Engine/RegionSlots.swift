import Foundation
import GRDB
import OMSModels

/// OMS runs at most a few tasks at once per destination region (5; `slotsPerRegion`); the
/// others wait, and a freed slot goes to the waiting task of that region with the highest
/// priority, the oldest first. A task holds its slot while it migrates: succeeded, failed,
/// paused or deleted, it frees it for the next pass.
///
/// The queue is read from columns of the `tasks` table (region, priority rank, creation time)
/// rather than from the records, so that a backlog of thousands of waiting tasks is not
/// decoded on every pass: only the tasks that get a slot are.
struct RegionSlots: Sendable {
    /// Tasks migrating at once per destination region.
    let perRegion: Int
    /// Tasks migrating at once in all (`maximumConcurrentTasks`).
    let overall: Int

    /// The waiting tasks to start now, in the order OMS starts them, given those migrating.
    func tasksToStart(migrating: [TaskRecord], db: Database) throws -> [TaskRecord] {
        var free = overall - migrating.count
        guard free > 0 else { return [] }
        var busy: [String: Int] = [:]
        for task in migrating { busy[Self.region(of: task), default: 0] += 1 }
        let queued = try Row.fetchAll(
            db, sql: "SELECT id, region FROM tasks WHERE status = ? ORDER BY queue_rank, created_at, id",
            arguments: [TaskStatus.waiting.rawValue])
        var chosen: [Int64] = []
        for row in queued where free > 0 {
            let region: String = row["region"] ?? ""
            guard busy[region, default: 0] < perRegion else { continue }
            busy[region, default: 0] += 1
            free -= 1
            chosen.append(row["id"])
        }
        return try chosen.compactMap { try SandboxStore.task(id: $0, db: db) }
    }

    static func region(of task: TaskRecord) -> String { task.request.dstNode.region ?? "" }

    /// HIGH before MEDIUM before LOW; a value OMS does not document ranks as MEDIUM, its default.
    static func rank(_ priority: TaskPriority) -> Int {
        switch priority.rawValue.uppercased() {
        case "HIGH": 0
        case "LOW": 2
        default: 1
        }
    }
}

extension SandboxStore {
    /// The columns `RegionSlots` orders the waiting tasks by, filled for the tasks stored
    /// before they existed (every later save writes them with the record). The index covers
    /// the queue's query: added columns sit after the record in each row, and reading them
    /// from the table would walk every waiting record's pages on every pass.
    static func registerTaskQueueColumns(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-task-queue") { db in
            try db.execute(
                sql: """
                    ALTER TABLE tasks ADD COLUMN region TEXT NOT NULL DEFAULT '';
                    ALTER TABLE tasks ADD COLUMN queue_rank INTEGER NOT NULL DEFAULT 1;
                    ALTER TABLE tasks ADD COLUMN created_at REAL NOT NULL DEFAULT 0;
                    CREATE INDEX tasks_queue ON tasks(status, queue_rank, created_at, id, region);
                    """)
            for task in try records(TaskRecord.self, db: db) {
                try db.execute(
                    sql: "UPDATE tasks SET region = ?, queue_rank = ?, created_at = ? WHERE id = ?",
                    arguments: [RegionSlots.region(of: task), RegionSlots.rank(task.priority), task.createdAt.timeIntervalSince1970, task.id])
            }
        }
    }
}
