import Foundation

/// One incremental pass of a task or group (issue 25): the OMS task (or group) that copied what
/// changed at the source since the previous copy started, and its counts as last observed. The
/// full copy is not a pass; passes are numbered 1, 2, … per resource. Kept in the stack's
/// `PassLedger` after the pass task itself is deleted from OMS (`incremental.keep`), so
/// `status` can show the trend and the Cutover can predict the final pass.
public struct PassRecord: Codable, Hashable, Sendable {
    /// 1, 2, …: the order of the passes of one resource.
    public var n: Int
    /// The cut-over's final pass: no regular pass is created after it.
    public var final: Bool
    /// The OMS task id (a group's id for a group's pass); nil while the pass is not created yet
    /// (a requested final pass waiting for its time).
    public var taskID: String?
    /// What the pass's `migrate_since` says: only objects modified after it are copied.
    public var migrateSince: Date
    /// When OMS started the pass (its create time when OMS does not say); nil while waiting.
    public var start: Date?
    /// When it ended (succeeded or failed); nil while it runs.
    public var finish: Date?
    /// `waiting`, `running`, `succeeded`, `failed` or `stopped` (`Status`).
    public var status: String
    public var objectsListed: Int64
    public var objectsCopied: Int64
    public var objectsSkipped: Int64
    public var objectsFailed: Int64
    public var bytesListed: Int64
    public var bytesCopied: Int64
    public var bytesSkipped: Int64
    public var bytesFailed: Int64
    /// When a pass that is not created yet is due (a requested final pass); nil otherwise.
    public var due: Date?

    /// The values of `status`.
    public enum Status: String, Sendable, CaseIterable {
        case waiting, running, succeeded, failed
        /// Stopped and deleted before it ended, with its full copy (replaced, or no longer
        /// declared): its counts are what OMS showed last.
        case stopped
    }

    public init(n: Int, final: Bool = false, taskID: String? = nil, migrateSince: Date, start: Date? = nil, finish: Date? = nil,
                status: String = Status.waiting.rawValue, objectsListed: Int64 = 0, objectsCopied: Int64 = 0, objectsSkipped: Int64 = 0,
                objectsFailed: Int64 = 0, bytesListed: Int64 = 0, bytesCopied: Int64 = 0, bytesSkipped: Int64 = 0, bytesFailed: Int64 = 0,
                due: Date? = nil) {
        self.n = n
        self.final = final
        self.taskID = taskID
        self.migrateSince = migrateSince
        self.start = start
        self.finish = finish
        self.status = status
        self.objectsListed = objectsListed
        self.objectsCopied = objectsCopied
        self.objectsSkipped = objectsSkipped
        self.objectsFailed = objectsFailed
        self.bytesListed = bytesListed
        self.bytesCopied = bytesCopied
        self.bytesSkipped = bytesSkipped
        self.bytesFailed = bytesFailed
        self.due = due
    }

    /// Whether the pass has ended (succeeded, failed or stopped): its counts no longer change.
    public var isSettled: Bool {
        status == Status.succeeded.rawValue || status == Status.failed.rawValue || status == Status.stopped.rawValue
    }
    public var isRunning: Bool { status == Status.running.rawValue }
    public var succeeded: Bool { status == Status.succeeded.rawValue }

    /// Seconds from start to finish; nil until both are known.
    public var duration: TimeInterval? {
        guard let start, let finish else { return nil }
        return finish.timeIntervalSince(start)
    }
}
