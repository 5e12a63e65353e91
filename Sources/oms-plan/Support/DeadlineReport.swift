import Foundation
import Reconciler

/// The lines `reconcile` prints after a pass for every deadline the forecast misses.
enum DeadlineReport {
    static func lines(_ status: StatusReport) -> [String] {
        status.missedDeadlines.map { missed in
            "oms-plan: deadline: \(missed.address ?? "stack \(status.stack)") is forecast to finish "
                + "\(StatusTextRenderer.duration(Int64(missed.lateBy))) after its deadline "
                + "(\(StatusTextRenderer.clock(missed.deadline, status.serviceTimezone)))"
        }
    }
}
