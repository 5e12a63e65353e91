import Foundation
import MigrationPlan

extension ExecutionPlan {
    /// When `onFailure` gave up on a task or group, or has nothing to retry it with (`none`), its
    /// sentence names the error codes of the objects that still fail (`failed (TRF.0062; objects
    /// still failing: NoSuchKey x2, InvalidObjectState x1); gave up after 3 of 3 attempts`), read
    /// from OMS's failed lists, so the run's last line says what failed, not only that it did.
    /// The decision is the differ's and does not change; only the cause it shows grows. Lists
    /// that cannot be read leave the sentence as it was.
    mutating func nameRemainingFailedCodes(desired: DesiredState, live: LiveState, access: FailedObjectAccess) async {
        var gaveUp: [String: Int] = [:]
        for (index, change) in report.changes.enumerated() where change.address.duplicateId == nil {
            if change.reasons.contains(where: { Self.namesFailedObjects($0) }) {
                gaveUp[change.address.address.description] = index
            }
        }
        guard !gaveUp.isEmpty else { return }
        var status = StatusReport(desired: desired, live: live)
        status.entries.removeAll { gaveUp[$0.address] == nil }
        await status.readFailedObjects(desired: desired, live: live, access: access)
        for entry in status.entries {
            guard let failed = entry.failedObjects, failed.note == nil || failed.count > 0, !failed.byCode.isEmpty,
                let index = gaveUp[entry.address]
            else { continue }
            let codes = failed.codesByCount.map { "\($0.code) x\($0.count)" }.joined(separator: ", ")
            report.changes[index].reasons = report.changes[index].reasons.map { reason in
                func named(_ cause: String?) -> String { (cause.map { $0 + "; " } ?? "") + "objects still failing: " + codes }
                switch reason {
                case .failedGaveUp(let cause, let attempts, let of, let address):
                    return .failedGaveUp(cause: named(cause), attempts: attempts, of: of, address: address)
                case .failedWithoutPolicy(let cause):
                    return .failedWithoutPolicy(cause: named(cause))
                default:
                    return reason
                }
            }
        }
    }

    /// The reasons after which nothing retries the resource: the ones that name what still fails.
    static func namesFailedObjects(_ reason: ChangeReason) -> Bool {
        switch reason {
        case .failedGaveUp, .failedWithoutPolicy: true
        default: false
        }
    }
}
