import Foundation
import Reconciler

/// Re-reads live state until every managed task and group has settled (`apply --wait`).
struct StatusFollower {
    let session: Session
    let color: Bool
    let json: Bool
    var interval: Duration = .seconds(2)

    /// Follows until everything settles (returns the last status) or `deadline` passes, or OMS
    /// cannot be read (returns nil, having said why).
    func follow(until deadline: Date? = nil) async -> StatusReport? {
        let terminal = isatty(STDOUT_FILENO) == 1 && !json
        var previousLines = 0
        // Outside a terminal (a CI log): the table once, then a line per change of state.
        var lastStatus: [String: String] = [:]
        var history = ObservationHistory.load(from: session.historyFile)
        while true {
            guard let live = try? await LiveState.read(from: session.client) else {
                Console.error("error: could not read OMS; stopped following")
                return nil
            }
            var report = StatusReport(desired: session.desired, live: live)
            history.record(report)
            report.addForecasts(desired: session.desired, history: history)
            let renderer = StatusTextRenderer(color: color, bars: terminal)
            if terminal {
                let text = renderer.render(report)
                if previousLines > 0 { Console.out("\u{1B}[\(previousLines)A\u{1B}[J") }
                Console.out(text)
                previousLines = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            } else if !json {
                if lastStatus.isEmpty {
                    Console.out(renderer.render(report))
                } else {
                    for entry in report.entries where lastStatus[entry.address] != entry.status {
                        Console.out(renderer.changeLine(entry, from: lastStatus[entry.address]) + "\n")
                    }
                    if report.settled { Console.out(renderer.totalLine(report) + "\n") }
                }
                for entry in report.entries { lastStatus[entry.address] = entry.status }
            }
            if report.settled { return report }
            if let deadline, Date() >= deadline {
                let moving = report.entries.filter { !$0.settled }.map(\.address)
                Console.error("error: --wait-timeout passed with \(moving.count) still moving: \(moving.joined(separator: ", "))")
                return nil
            }
            try? await Task.sleep(for: interval)
        }
    }
}
