import MigrationPlan

extension ExecutionPlan {
    /// Issue 24, part 4: a failed task or group whose every failed object the plan accepts
    /// (`acceptFailures`) is settled: its failure reasons give way to `.completed`, nothing
    /// retries it, and it needs no person. Only when the lists were read whole and cleanly (no
    /// note, no unreadable line): an object oms-plan could not read is never taken as accepted.
    mutating func settleAcceptedFailures(desired: DesiredState, live: LiveState, access given: FailedObjectAccess) async {
        func isFailure(_ reason: ChangeReason) -> Bool {
            switch reason {
            case .failedWithoutPolicy, .failedGaveUp, .failedRetrying: true
            default: false
            }
        }
        var failed: [String: Int] = [:]
        for (index, change) in report.changes.enumerated() where change.address.duplicateId == nil {
            guard change.reasons.contains(where: isFailure), !desired.acceptances(of: change.address.address).isEmpty else { continue }
            failed[change.address.address.description] = index
        }
        defer { markStaleAcceptancesOfFinished(desired: desired, live: live) }
        guard !failed.isEmpty else { return }
        var status = StatusReport(desired: desired, live: live)
        status.entries.removeAll { failed[$0.address] == nil }
        var access = given
        access.acceptances = { desired.acceptances(of: $0) }
        await status.readFailedObjects(desired: desired, live: live, access: access)
        var settled: Set<ChangeSubject> = []
        for entry in status.entries {
            if let objects = entry.failedObjects, let index = failed[entry.address] {
                report.changes[index].acceptance = ChangeAcceptance(objects)
            }
            guard let objects = entry.failedObjects, objects.note == nil, objects.unreadableLines == 0, objects.count > 0,
                objects.accepted == objects.count, let index = failed[entry.address]
            else { continue }
            var change = report.changes[index]
            change.reasons.removeAll(where: isFailure)
            change.reasons.append(.completed)
            if change.action == .retry || (change.action == .blocked && !change.reasons.contains(where: \.needsAttention)) {
                change.action = .noop
            }
            report.changes[index] = change
            settled.insert(change.address)
        }
        guard !settled.isEmpty else { return }
        let dropped = Set(steps.filter { step in
            if case .retry = step.operation.verb { return step.addresses.allSatisfy(settled.contains) }
            return false
        }.map(\.id))
        steps.removeAll { dropped.contains($0.id) }
        for index in steps.indices { steps[index].after.removeAll(where: dropped.contains) }
        report.summary = ChangeSummary(report.changes)
    }
}
