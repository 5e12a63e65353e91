import Foundation
import Reconciler

/// Re-reads live state until every managed task and group has settled (`apply --wait`).
struct StatusFollower {
    let session: Session
    let color: Bool
    let json: Bool
    var interval: Duration = .seconds(2)

    func follow() async {
        let terminal = isatty(STDOUT_FILENO) == 1 && !json
        var previousLines = 0
        while true {
            guard let live = try? await LiveState.read(from: session.client) else {
                Console.error("could not read OMS; stopped following")
                return
            }
            let report = StatusReport(desired: session.desired, live: live)
            let text = StatusTextRenderer(color: color, bars: terminal).render(report)
            if terminal && previousLines > 0 { Console.out("\u{1B}[\(previousLines)A\u{1B}[J") }
            if !json { Console.out(text) }
            previousLines = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            if report.settled { return }
            try? await Task.sleep(for: interval)
        }
    }
}
