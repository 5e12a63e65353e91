import MigrationPlan

// A task or group OMS finished without a failed object has nothing for its `acceptFailures` to
// match: every entry is stale (a retry copied what it was written for, or it was never
// needed). `status` and `diff` say so, as they do for the entries a failed resource's lists
// leave unmatched, so the plan is cleaned up in review.

extension StatusReport {
    /// Gives each finished entry with acceptances and no failed object a summary of nothing
    /// read: no list, count 0, every acceptance stale.
    mutating func markStaleAcceptancesOfFinished(acceptances: (ResourceAddress) -> [FailureAcceptance]) {
        for index in entries.indices where entries[index].failedObjects == nil && entries[index].phase == .finished
            && entries[index].objectsFailed == 0
        {
            guard let address = ResourceAddress(parsing: entries[index].address) else { continue }
            let entriesOfPlan = acceptances(address)
            guard !entriesOfPlan.isEmpty else { continue }
            entries[index].failedObjects = FailedObjectsSummary(listFile: "", read: FailedListReader.Result(), acceptances: entriesOfPlan)
        }
    }
}

extension ExecutionPlan {
    /// `changes[].acceptance` for the finished resources of `markStaleAcceptancesOfFinished`.
    mutating func markStaleAcceptancesOfFinished(desired: DesiredState, live: LiveState) {
        var wanted: [String: Int] = [:]
        for (index, change) in report.changes.enumerated() where change.address.duplicateId == nil && change.acceptance == nil {
            if !desired.acceptances(of: change.address.address).isEmpty { wanted[change.address.address.description] = index }
        }
        guard !wanted.isEmpty else { return }
        var status = StatusReport(desired: desired, live: live)
        status.entries.removeAll { wanted[$0.address] == nil }
        status.markStaleAcceptancesOfFinished { desired.acceptances(of: $0) }
        for entry in status.entries {
            guard let summary = entry.failedObjects, let index = wanted[entry.address] else { continue }
            report.changes[index].acceptance = ChangeAcceptance(summary)
        }
    }
}
