import Foundation
import Reconciler

/// The lines `reconcile` prints after a pass for every deadline the forecast misses.
enum DeadlineReport {
    static func lines(_ status: StatusReport) -> [String] {
        func line(_ what: String, _ deadline: Date, _ slack: Double) -> String {
            "oms-plan: deadline: \(what) is forecast to finish \(StatusTextRenderer.duration(Int64(-slack))) after its deadline "
                + "(\(StatusTextRenderer.clock(deadline, status.serviceTimezone)))"
        }
        var out: [String] = []
        for entry in status.entries {
            if let deadline = entry.deadline, let slack = entry.deadlineSlack, slack < 0 { out.append(line(entry.address, deadline, slack)) }
        }
        if let deadline = status.deadline, let slack = status.deadlineSlack, slack < 0 { out.append(line("stack \(status.stack)", deadline, slack)) }
        return out
    }
}
