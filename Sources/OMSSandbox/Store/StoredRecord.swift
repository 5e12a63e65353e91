import Foundation
import GRDB
import OMSModels

/// A record the store keeps as JSON in a table of its own: tasks, task groups and
/// synchronization tasks. Each is found by `id`, filtered by a few columns copied out of it, and
/// written only with the keys of its create request sealed. The store's queries are written
/// once, here, for all three.
protocol StoredRecord: Codable, Sendable {
    associatedtype ID: DatabaseValueConvertible & Sendable
    /// The table: a constant of the code, never text from a request.
    static var table: String { get }
    /// The column pages and queries are ordered by: `id` for tasks (numbers handed out in
    /// ascending order), `seq` (the order of insertion) for the others.
    static var order: String { get }
    var id: ID { get }
    /// The columns the store filters by besides `id`, with this record's values; written
    /// with the record every time, so they always agree with it.
    var columns: [StoredColumn] { get }
    /// The same record with every key of its request replaced by its seal.
    func sealed(by sealer: CredentialSealer) -> Self
}

/// A column of a record's table and its value; names are constants of the code.
struct StoredColumn {
    var name: String
    var value: (any DatabaseValueConvertible)?

    init(_ name: String, _ value: (any DatabaseValueConvertible)?) {
        self.name = name
        self.value = value
    }
}

extension TaskRecord: StoredRecord {
    static let table = "tasks"
    static let order = "id"
    var columns: [StoredColumn] {
        [
            StoredColumn("group_id", groupId), StoredColumn("status", status.rawValue),
            // The waiting queue's order (`RegionSlots`).
            StoredColumn("region", RegionSlots.region(of: self)), StoredColumn("queue_rank", RegionSlots.rank(priority)),
            StoredColumn("created_at", createdAt.timeIntervalSince1970),
        ]
    }
    func sealed(by sealer: CredentialSealer) -> Self { with(\.request, sealer.sealed(request)) }
}

extension GroupRecord: StoredRecord {
    static let table = "groups"
    static let order = "seq"
    var columns: [StoredColumn] { [StoredColumn("status", status.rawValue)] }
    func sealed(by sealer: CredentialSealer) -> Self { with(\.request, sealer.sealed(request)) }
}

extension SyncTaskRecord: StoredRecord {
    static let table = "sync_tasks"
    static let order = "seq"
    var columns: [StoredColumn] { [StoredColumn("status", status.rawValue)] }
    func sealed(by sealer: CredentialSealer) -> Self { with(\.request, sealer.sealed(request)) }
}

extension StoredRecord {
    /// A copy with one field changed.
    fileprivate func with<Value>(_ field: WritableKeyPath<Self, Value>, _ value: Value) -> Self {
        var copy = self
        copy[keyPath: field] = value
        return copy
    }
}

extension SandboxStore {
    /// One record as it is stored (JSON), or nil when there is none with this id.
    static func storedRow<R: StoredRecord>(_ type: R.Type, id: R.ID, db: Database) throws -> Data? {
        try Data.fetchOne(db, sql: "SELECT record FROM \(R.table) WHERE id = ?", arguments: [id])
    }

    static func record<R: StoredRecord>(_ type: R.Type, id: R.ID, db: Database) throws -> R? {
        try storedRow(type, id: id, db: db).map { try decode(type, $0) }
    }

    /// Writes a new record whose id is set, sealed; returns it as stored.
    @discardableResult
    func insert<R: StoredRecord>(_ record: R, db: Database) throws -> R {
        let stored = record.sealed(by: sealer)
        let names = ["id"] + stored.columns.map(\.name) + ["record"]
        let placeholders = Array(repeating: "?", count: names.count).joined(separator: ", ")
        try db.execute(
            sql: "INSERT INTO \(R.table) (\(names.joined(separator: ", "))) VALUES (\(placeholders))",
            arguments: StatementArguments([stored.id] + stored.columns.map(\.value) + [try Self.encode(stored)]))
        return stored
    }

    /// Writes a changed record over the stored one, sealed.
    func save<R: StoredRecord>(_ record: R, db: Database) throws {
        let stored = record.sealed(by: sealer)
        let assignments = (stored.columns.map(\.name) + ["record"]).map { "\($0) = ?" }.joined(separator: ", ")
        try db.execute(
            sql: "UPDATE \(R.table) SET \(assignments) WHERE id = ?",
            arguments: StatementArguments(stored.columns.map(\.value) + [try Self.encode(stored), stored.id]))
    }

    func delete<R: StoredRecord>(_ type: R.Type, id: R.ID, db: Database) throws {
        try db.execute(sql: "DELETE FROM \(R.table) WHERE id = ?", arguments: [id])
    }

    /// One page of stored records as they are (JSON), in the table's order, and how many match
    /// in all. Only filters with a value apply, all of them.
    static func page<R: StoredRecord>(
        _ type: R.Type, limit: Int, offset: Int, filters: [StoredColumn] = [], db: Database
    ) throws -> (count: Int, rows: [Data]) {
        let applied = filters.filter { $0.value != nil }
        let condition = applied.isEmpty ? "" : " WHERE " + applied.map { "\($0.name) = ?" }.joined(separator: " AND ")
        let arguments = StatementArguments(applied.map(\.value))
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(R.table)\(condition)", arguments: arguments) ?? 0
        let rows = try Data.fetchAll(
            db, sql: "SELECT record FROM \(R.table)\(condition) ORDER BY \(R.order) LIMIT ? OFFSET ?", arguments: arguments + [limit, offset])
        return (count, rows)
    }

    /// The records that meet `condition` (SQL the code writes; values go in `arguments`), in the
    /// table's order; every record when it is nil.
    static func records<R: StoredRecord>(
        _ type: R.Type, where condition: String? = nil, arguments: StatementArguments = [], limit: Int? = nil, db: Database
    ) throws -> [R] {
        let filter = condition.map { " WHERE \($0)" } ?? ""
        let limitClause = limit.map { " LIMIT \($0)" } ?? ""
        return try Data.fetchAll(db, sql: "SELECT record FROM \(R.table)\(filter) ORDER BY \(R.order)\(limitClause)", arguments: arguments)
            .map { try decode(type, $0) }
    }
}
