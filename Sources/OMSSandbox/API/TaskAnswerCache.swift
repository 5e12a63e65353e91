import Foundation
import Synchronization

/// The JSON answer of `GET .../tasks/{id}` per stored record, so that reading a task that has
/// not changed skips decoding its record and encoding its answer (together two thirds of the
/// CPU of a 100-task list page). Keyed by the stored record's bytes: any change to a task, by
/// this process or another one on the same data directory, is a new key. Answers that change
/// with the clock alone (a started task's `total_time`) are never kept.
final class TaskAnswerCache: Sendable {
    private struct Key: Hashable {
        let row: Data
        // Data's own hash reads only its first 80 bytes; hash all of them.
        func hash(into hasher: inout Hasher) { row.withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    private let entries = Mutex<[Key: Data]>([:])
    /// Answers kept at most (about 3 KB each with their key); all are dropped when full.
    let capacity: Int

    init(capacity: Int = 16_384) { self.capacity = capacity }

    /// The answer JSON of one stored record (`SandboxStore` JSON) at `now`.
    func answer(row: Data, now: Date) throws -> Data {
        let key = Key(row: row)
        if let hit = entries.withLock({ $0[key] }) { return hit }
        let record = try SandboxStore.decode(TaskRecord.self, row)
        let json = try HTTP.encoder.encode(record.response(now: now))
        if !record.responseDependsOnTime {
            entries.withLock { entries in
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                entries[key] = json
            }
        }
        return json
    }
}
