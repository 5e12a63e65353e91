import Crypto
import Foundation
import GRDB
import OMSModels
import Synchronization

/// Durable sandbox state in SQLite (WAL), safe for several processes on one data directory:
/// every change is a read-modify-write inside one write transaction, and SQLite's lock
/// serialises the processes.
///
/// Reads and writes go through GRDB's async `read`/`write` (or take the `Database` of one):
/// a synchronous access waits for a connection and runs the query on the calling thread,
/// which from a route handler is one of the few threads of Swift's cooperative pool. Only
/// `init` is synchronous: it opens and migrates the file once, before anything is served.
final class SandboxStore: Sendable {
    let pool: DatabasePool
    /// Replaces the keys in every stored request by their seals.
    let sealer: CredentialSealer
    /// Expiry and project of the IAM tokens seen, by token digest.
    private let knownTokens = Mutex<[String: (expires: Double, project: String)]>([:])
    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .millisecondsSince1970
        return e
    }()
    private static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .millisecondsSince1970
        return d
    }()

    init(url: URL, sealer: CredentialSealer) throws {
        self.sealer = sealer
        // Private from the first byte: SQLite gives its -wal and -shm files this file's mode.
        try SandboxSecretFiles.touchPrivate(url)
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.maximumReaderCount = 8
        // Read pages through a memory map instead of pread() copies: a list page at offset 5000
        // walks some 2,000 pages of records, which cost a tenth of the request's CPU as copies.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA mmap_size = 268435456") }
        pool = try DatabasePool(path: url.path, configuration: configuration)
        try Self.migrator.migrate(pool)
        try sealStoredCredentials()
        for suffix in ["-wal", "-shm"] {
            let companion = URL(fileURLWithPath: url.path + suffix)
            if FileManager.default.fileExists(atPath: companion.path) { try SandboxSecretFiles.touchPrivate(companion) }
        }
    }

    /// Data directories written before keys were sealed hold them in plain text: seal every
    /// stored request once, then rewrite the file so that no old page keeps them.
    private func sealStoredCredentials() throws {
        let done = try pool.read { db in try self.meta("credentials_sealed", db: db) } == "1"
        guard !done else { return }
        try pool.write { db in
            for task in try Self.records(TaskRecord.self, db: db) { try save(task, db: db) }
            for group in try Self.records(GroupRecord.self, db: db) { try save(group, db: db) }
            try setMeta("credentials_sealed", "1", db: db)
        }
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE tasks (id INTEGER PRIMARY KEY, group_id TEXT, status INTEGER NOT NULL, record BLOB NOT NULL);
                    CREATE INDEX tasks_by_group ON tasks(group_id);
                    CREATE INDEX tasks_by_status ON tasks(status);
                    CREATE TABLE groups (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
                        status INTEGER NOT NULL, record BLOB NOT NULL);
                    CREATE TABLE creations (kind TEXT NOT NULL, at REAL NOT NULL);
                    CREATE INDEX creations_by_kind ON creations(kind, at);
                    CREATE TABLE tokens (token TEXT PRIMARY KEY, expires REAL NOT NULL);
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE engine_lease (id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, expires REAL NOT NULL);
                    """)
        }
        // Tokens are kept as SHA-256 digests and belong to one project; plain ones are dropped.
        migrator.registerMigration("v2-token-digests") { db in
            try db.execute(
                sql: """
                    DROP TABLE tokens;
                    CREATE TABLE tokens (digest TEXT PRIMARY KEY, project TEXT NOT NULL, expires REAL NOT NULL);
                    """)
        }
        registerSyncTaskTables(&migrator)
        registerTaskQueueColumns(&migrator)
        return migrator
    }

    static func encode<T: Encodable>(_ value: T) throws -> Data { try encoder.encode(value) }
    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T { try decoder.decode(type, from: data) }

    // MARK: Tasks

    /// Inserts tasks with fresh ids (assigned here), returning them as stored.
    func insertTasks(_ records: [TaskRecord], db: Database) throws -> [TaskRecord] {
        var next = try Int64(meta("next_task_id", db: db) ?? "") ?? Self.firstTaskId()
        var stored: [TaskRecord] = []
        for var record in records {
            record.id = next
            next += 1
            if record.name.isEmpty { record.name = "task_\(record.id)" }
            stored.append(try insert(record, db: db))
        }
        try setMeta("next_task_id", String(next), db: db)
        return stored
    }

    /// OMS task ids are 15-digit numbers; start somewhere random so ids from two sandboxes differ.
    private static func firstTaskId() -> Int64 { 200_000_000_000_000 + Int64.random(in: 0..<100_000_000_000) * 1000 }

    static func task(id: Int64, db: Database) throws -> TaskRecord? { try record(TaskRecord.self, id: id, db: db) }

    /// One stored record as it is (JSON).
    static func taskRow(id: Int64, db: Database) throws -> Data? { try storedRow(TaskRecord.self, id: id, db: db) }

    func deleteTask(id: Int64, db: Database) throws { try delete(TaskRecord.self, id: id, db: db) }

    /// One page of stored records as they are (JSON), ordered by id, with the total matching count.
    static func listTaskRows(limit: Int, offset: Int, status: Int?, groupId: String?, db: Database) throws -> (count: Int, rows: [Data]) {
        try page(TaskRecord.self, limit: limit, offset: offset, filters: [StoredColumn("status", status), StoredColumn("group_id", groupId)], db: db)
    }

    static func tasks(where sql: String, arguments: StatementArguments = [], limit: Int? = nil, db: Database) throws -> [TaskRecord] {
        try records(TaskRecord.self, where: sql, arguments: arguments, limit: limit, db: db)
    }

    // MARK: Groups

    func insertGroup(_ record: GroupRecord, db: Database) throws { try insert(record, db: db) }

    static func group(id: String, db: Database) throws -> GroupRecord? { try record(GroupRecord.self, id: id, db: db) }

    func deleteGroup(id: String, db: Database) throws { try delete(GroupRecord.self, id: id, db: db) }

    static func listGroups(limit: Int, offset: Int, status: Int?, db: Database) throws -> (count: Int, groups: [GroupRecord]) {
        let found = try page(GroupRecord.self, limit: limit, offset: offset, filters: [StoredColumn("status", status)], db: db)
        return (found.count, try found.rows.map { try decode(GroupRecord.self, $0) })
    }

    static func groups(where sql: String, db: Database) throws -> [GroupRecord] { try records(GroupRecord.self, where: sql, db: db) }

    // MARK: Quotas, tokens, meta

    /// Creations of `kind` in the 24 hours before `now` (sandbox time).
    func creations(_ kind: String, since: Date, db: Database) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM creations WHERE kind = ? AND at > ?", arguments: [kind, since.timeIntervalSince1970]) ?? 0
    }

    func recordCreation(_ kind: String, at: Date, db: Database) throws {
        try db.execute(sql: "INSERT INTO creations (kind, at) VALUES (?, ?)", arguments: [kind, at.timeIntervalSince1970])
    }

    static func tokenDigest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Keeps a digest of an issued token (never the token) with its project and expiry.
    func storeToken(_ token: String, project: String, expires: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO tokens (digest, project, expires) VALUES (?, ?, ?)",
                arguments: [Self.tokenDigest(token), project, expires.timeIntervalSince1970])
        }
    }

    /// The project a token was issued for, while it has not expired.
    func tokenProject(_ token: String, now: Date) async throws -> String? {
        let digest = Self.tokenDigest(token)
        // A token never changes once issued, so it is read from SQLite once.
        var known = knownTokens.withLock { $0[digest] }
        if known == nil {
            known = try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT project, expires FROM tokens WHERE digest = ?", arguments: [digest])
                    .map { (expires: $0["expires"] as Double, project: $0["project"] as String) }
            }
            if let known { knownTokens.withLock { $0[digest] = known } }
        }
        guard let known, known.expires > now.timeIntervalSince1970 else { return nil }
        return known.project
    }

    func meta(_ key: String, db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
    }

    func setMeta(_ key: String, _ value: String, db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
    }

    /// Takes or renews the engine lease: only one process at a time drives migrations on a
    /// data directory. Returns whether `holder` has it until `until`.
    func acquireEngineLease(holder: String, now: Date, until: Date) async throws -> Bool {
        try await pool.write { db in
            let row = try Row.fetchOne(db, sql: "SELECT holder, expires FROM engine_lease WHERE id = 1")
            if let row, (row["holder"] as String) != holder, (row["expires"] as Double) > now.timeIntervalSince1970 {
                return false
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO engine_lease (id, holder, expires) VALUES (1, ?, ?)",
                arguments: [holder, until.timeIntervalSince1970])
            return true
        }
    }
}
