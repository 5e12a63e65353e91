import ArgumentParser
import Foundation
import OMSClient
import Reconciler

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show progress of every managed task and group (state, %, bytes, speed, ETA) and what each synchronization task copied (read-only).")

    @OptionGroup var plan: PlanOptions
    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Keep refreshing until everything has settled.")
    var watch = false

    func run() async throws {
        let session = try await Session.open(plan: plan, connection: connection, secretsRequired: false)
        if watch && plan.output == .text {
            await StatusFollower(session: session, color: plan.useColor, json: false).follow()
            await session.close()
            return
        }
        let live: LiveState
        do {
            live = try await LiveState.read(from: session.client)
        } catch {
            await session.close()
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
        var report = StatusReport(desired: session.desired, live: live)
        await report.readSyncActivity(from: session.client)
        await session.close()
        // What reconcile observed before, and this read: the speeds the forecasts go by.
        var history = ObservationHistory.load(from: session.historyFile)
        history.record(report)
        report.addForecasts(desired: session.desired, history: history)
        switch plan.output {
        case .json:
            Console.out(try PrettyJSON.render(report))
        case .text, .markdown:
            Console.out(StatusTextRenderer(color: plan.useColor, bars: isatty(STDOUT_FILENO) == 1).render(report))
        }
    }
}
