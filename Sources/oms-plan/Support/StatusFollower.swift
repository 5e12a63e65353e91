import Foundation
import Reconciler
import Synchronization

/// How `status --watch` and `apply --wait` show the reads of `StackReconciler.follow`: on a
/// terminal the table redrawn in place; outside one (a CI log) the table once, then a line per
/// change of state. Each following starts a new table.
final class StatusFollower: Sendable {
    private let color: Bool
    private let json: Bool
    private let terminal: Bool
    /// Lines of the table last drawn (terminal), and each resource's last state (log).
    private let shown = Mutex<(lines: Int, status: [String: String])>((0, [:]))

    init(color: Bool, json: Bool) {
        self.color = color
        self.json = json
        self.terminal = isatty(STDOUT_FILENO) == 1 && !json
    }

    func show(_ report: StatusReport, firstRead: Bool) {
        shown.withLock { shown in
            if firstRead { shown = (0, [:]) }
            let renderer = StatusTextRenderer(color: color, bars: terminal)
            if terminal {
                let text = renderer.render(report)
                if shown.lines > 0 { Console.out("\u{1B}[\(shown.lines)A\u{1B}[J") }
                Console.out(text)
                shown.lines = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            } else if !json {
                if shown.status.isEmpty {
                    Console.out(renderer.render(report))
                } else {
                    for entry in report.entries where shown.status[entry.address] != entry.status {
                        Console.out(renderer.changeLine(entry, from: shown.status[entry.address]) + "\n")
                    }
                    if report.settled { Console.out(renderer.totalLine(report) + "\n") }
                }
                for entry in report.entries { shown.status[entry.address] = entry.status }
            }
        }
    }

    /// Why following stopped before everything settled (nothing when it settled).
    static func sayWhyStopped(_ end: StackReconciler.FollowEnd) {
        switch end {
        case .settled: break
        case .unreadable: Console.error("error: could not read OMS; stopped following")
        case .timedOut(let moving):
            Console.error("error: --wait-timeout passed with \(moving.count) still moving: \(moving.joined(separator: ", "))")
        }
    }
}
