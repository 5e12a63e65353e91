// The open enums' values are the table `Wire/Enums.json` (the protocols are `OpenEnum.swift`);
// here is only what a table does not say.

extension TaskStatus {
    /// Waiting or Migrating: OMS is (about to be) moving data.
    public var isRunning: Bool { self == .waiting || self == .migrating }
}

extension TaskGroupStatus {
    public var isFailed: Bool { self == .creationFailed || self == .migrationFailed }
}
