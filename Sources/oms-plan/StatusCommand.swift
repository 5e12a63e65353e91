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

    @Option(help: ArgumentHelp(
        "Serve the status page at http://[ADDRESS:]PORT/ (with /status.json and /metrics) until SIGINT or SIGTERM.",
        discussion: "Loopback unless an address is given (0.0.0.0:8080 serves every interface). The page refreshes itself and needs no JavaScript.",
        valueName: "[address:]port"))
    var serve: ServeAddress?

    @Option(help: "How often --serve reads OMS again (1s to 1h).")
    var refresh = Period(argument: "10s")!

    func validate() throws {
        try require(refresh.seconds >= 1 && refresh.seconds <= 3600, "--refresh must be between 1s and 1h")
        try require(!(watch && serve != nil), "--watch and --serve cannot be combined")
    }

    func run() async throws {
        let session = try await Session.open(plan: plan, connection: connection, secretsRequired: false)
        if let serve {
            try await StatusPage.serve(session: session, at: serve, refresh: refresh.seconds)
            return
        }
        if watch && plan.output == .text {
            _ = await StatusFollower(session: session, color: plan.useColor, json: false).follow()
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
            Console.json(try PrettyJSON.render(report))
        case .text, .markdown:
            Console.out(StatusTextRenderer(color: plan.useColor, bars: isatty(STDOUT_FILENO) == 1).render(report))
        }
    }
}
