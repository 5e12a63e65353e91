import Foundation
import GRDB
import OMSModels

/// A synchronization task as the sandbox keeps it: the create body with its keys sealed, the
/// state, and when it was created and last started.
struct SyncTaskRecord: Codable, Sendable {
    var id: String
    var request: CreateSyncTaskReq
    var status: SyncTaskStatus
    var createdAt: Date
    var lastStartedAt: Date

    /// As list and show answer it: no keys.
    func info() -> SyncTaskInfo {
        var info = SyncTaskInfo()
        info.syncTaskId = id
        info.srcCloudType = request.srcCloudType ?? .aliyun
        info.srcRegion = request.srcRegion
        info.srcBucket = request.srcBucket
        info.createTime = Int64((createdAt.timeIntervalSince1970 * 1000).rounded())
        info.lastStartTime = Int64((lastStartedAt.timeIntervalSince1970 * 1000).rounded())
        info.dstBucket = request.dstBucket
        info.dstRegion = request.dstRegion
        info.description = request.description ?? ""
        info.status = status
        info.enableMetadataMigration = request.enableMetadataMigration ?? false
        info.enableRestore = request.enableRestore ?? false
        info.appId = request.appId
        info.sourceCdn = request.sourceCdn.map { SourceCdnResp(domain: $0.domain, protocol: $0.protocol, authenticationType: $0.authenticationType) }
        info.objectOverwriteMode = .sizeLastModifiedComparisonOverwrite
        info.dstStoragePolicy = request.dstStoragePolicy ?? .standard
        info.consistencyCheck = request.consistencyCheck ?? .sizeLastModified
        return info
    }
}

extension CredentialSealer {
    func sealed(_ request: CreateSyncTaskReq) -> CreateSyncTaskReq {
        var r = request
        for field in [\CreateSyncTaskReq.srcAk, \.srcSk, \.dstAk, \.dstSk] { r[keyPath: field] = seal(r[keyPath: field]) }
        if let key = r.sourceCdn?.authenticationKey { r.sourceCdn?.authenticationKey = seal(key) }
        return r
    }
}

/// Sync tasks and their counters in the sandbox's SQLite store: `sync_tasks` holds the
/// records, `sync_stats` one count per task, data type and five-minute period.
extension SandboxStore {
    static func registerSyncTaskTables(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-sync-tasks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sync_tasks (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
                        status TEXT NOT NULL, record BLOB NOT NULL);
                    CREATE TABLE sync_stats (task_id TEXT NOT NULL, type TEXT NOT NULL, period INTEGER NOT NULL,
                        num INTEGER NOT NULL, PRIMARY KEY (task_id, type, period));
                    """)
        }
    }

    /// Five minutes, in milliseconds: the period statistics are kept by.
    static let statisticPeriod: Int64 = 300_000

    static func syncTask(id: String, db: Database) throws -> SyncTaskRecord? { try record(SyncTaskRecord.self, id: id, db: db) }

    /// A page in creation order, and how many match.
    static func syncTasks(limit: Int, offset: Int, status: SyncTaskStatus?, db: Database) throws -> (records: [SyncTaskRecord], count: Int) {
        let found = try page(SyncTaskRecord.self, limit: limit, offset: offset, filters: [StoredColumn("status", status?.rawValue)], db: db)
        return (try found.rows.map { try decode(SyncTaskRecord.self, $0) }, found.count)
    }

    /// The task and its counters.
    func deleteSyncTask(id: String, db: Database) throws {
        try delete(SyncTaskRecord.self, id: id, db: db)
        try db.execute(sql: "DELETE FROM sync_stats WHERE task_id = ?", arguments: [id])
    }

    /// Adds `amount` to the count of `type` in the five-minute period holding `at`.
    func count(_ type: SyncStatisticType, _ amount: Int64, task: String, at: Date, db: Database) throws {
        guard amount != 0 else { return }
        let ms = Int64((at.timeIntervalSince1970 * 1000).rounded(.down))
        let period = ms - ((ms % Self.statisticPeriod) + Self.statisticPeriod) % Self.statisticPeriod
        try db.execute(
            sql: """
                INSERT INTO sync_stats (task_id, type, period, num) VALUES (?, ?, ?, ?)
                ON CONFLICT (task_id, type, period) DO UPDATE SET num = num + excluded.num
                """,
            arguments: [task, type.rawValue, period, amount])
    }

    /// Counts of `type` per five-minute period with `from <= period start <= to` (ms).
    static func counts(_ type: SyncStatisticType, task: String, from: Int64, to: Int64, db: Database) throws -> [(period: Int64, num: Int64)] {
        try Row.fetchAll(
            db, sql: "SELECT period, num FROM sync_stats WHERE task_id = ? AND type = ? AND period >= ? AND period <= ? ORDER BY period",
            arguments: [task, type.rawValue, from, to]
        ).map { ($0["period"], $0["num"]) }
    }
}
