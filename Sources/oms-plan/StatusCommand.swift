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

    @Option(help: "At most this many OBS requests in flight while reading failed-object lists (1 to 64).")
    var parallelism = Count(8)

    func validate() throws {
        try require((1...64).contains(parallelism.value), "--parallelism must be between 1 and 64")
        try require(refresh.seconds >= 1 && refresh.seconds <= 3600, "--refresh must be between 1s and 1h")
        try require(!(watch && serve != nil), "--watch and --serve cannot be combined")
    }

    func run() async throws {
        let session = try await Session.open(plan: plan, connection: connection, secretsRequired: false)
        if let serve {
            try await StatusPage.serve(session: session, at: serve, refresh: refresh.seconds, parallelism: parallelism.value)
            return
        }
        let reconciler = session.reconcilerReadingFailedObjects(parallelism: parallelism.value)
        if watch && plan.output == .text {
            let follower = StatusFollower(color: plan.useColor, json: false)
            StatusFollower.sayWhyStopped(await reconciler.follow(session.desired, onRead: follower.show))
            await session.close()
            return
        }
        let report: StatusReport
        do {
            // What reconcile observed before, and this read: the speeds the forecasts go by.
            var history = reconciler.observationHistory(stack: session.desired.stack.name)
            report = try await reconciler.status(of: session.desired, history: &history, syncActivity: true)
        } catch {
            await session.close()
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
        await session.close()
        switch plan.output {
        case .json:
            Console.json(try PrettyJSON.render(report))
        case .text, .markdown:
            Console.out(StatusTextRenderer(color: plan.useColor, bars: isatty(STDOUT_FILENO) == 1).render(report))
        }
    }
}
