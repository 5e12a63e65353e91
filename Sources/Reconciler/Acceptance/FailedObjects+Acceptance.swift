import MigrationPlan

// The plan's `acceptFailures` (`FailureAcceptance`, MigrationPlan) joined to what reads failed
// objects: status's failed-list summaries (`FailedObjectAcceptance`) and the report's rules.
// One matching everywhere: `FailureAcceptance.matches`, which `AcceptanceMatcher` agrees with.

extension FailedObject: AcceptableFailure {}

extension FailureAcceptance: FailedObjectAcceptance {
    public func accepts(_ object: FailedObject) -> Bool { matches(key: object.key, code: object.code) }
    public var acceptanceReason: String { reason }
}

extension DesiredState {
    /// The `acceptFailures` of the task or group at `address` (none for anything else).
    public func acceptances(of address: ResourceAddress) -> [FailureAcceptance] {
        self[address]?.omsResource?.acceptFailures ?? []
    }

    /// Every resource's acceptances as the report takes them, by address.
    public var reportAcceptances: [String: [MigrationReport.AcceptanceRule]] {
        var out: [String: [MigrationReport.AcceptanceRule]] = [:]
        for resource in omsResources where !resource.acceptFailures.isEmpty {
            out[resource.address.description] = resource.acceptFailures.map {
                MigrationReport.AcceptanceRule(reason: $0.reason, keys: $0.keys, prefix: $0.prefix, codes: $0.codes)
            }
        }
        return out
    }
}
