// The task bodies' fields, keys and initialisers are the table `Wire/Task.json`; here is only
// what a table does not say.

extension TaskResp {
    /// `migrate_since` in seconds, whichever unit OMS used.
    public var migrateSinceSeconds: Int64? { migrateSince.map(MigrateSince.seconds(fromResponseValue:)) }
}

extension BatchUpdateTasksReq {
    /// OMS takes at most this many ids per call.
    public static let maximumIds = 20
}
