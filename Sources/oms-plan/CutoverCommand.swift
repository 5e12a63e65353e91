import ArgumentParser
import Foundation
import MigrationPlan
import Reconciler

/// `oms-plan cutover PATH NAME [--now] [--wait]`: the runbook command of a `kind: Cutover`.
/// It parses and renders; the work is `StackReconciler.runCutover`.
struct CutoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cutover",
        abstract: "Show a Cutover's readiness and predicted final pass, or start it now (--now) and follow it to the end (--wait).",
        discussion: """
            Without flags: where the Cutover stands, what it waits for and how long its final pass is predicted to take; \
            nothing is changed. With --now: it starts as soon as it is ready, whatever its `at` says: one final pass per \
            resource, followed until settled, then verified (no failed object that acceptFailures does not accept beyond \
            require.unacceptedFailures, consistency checks on, counts recorded). Only the Cutover's resources (and what \
            they depend on) are acted on; what dependsOn Cutover/NAME is created by the next apply or reconcile.

            Exit codes: 0 when the Cutover is done (without --wait: also when it has started, or when only shown); \
            1 when it failed, is blocked (the lines say by what), or --wait-timeout passed; 64 for a flag it cannot take.
            """)

    @Argument(help: "The plan directory or file.")
    var path: String

    @Argument(help: "The Cutover's name (metadata.name).")
    var name: String

    @Flag(help: "Start the final passes now if the Cutover is ready (its `at` need not have come).")
    var now = false

    @Flag(help: "Follow until the Cutover is done or failed, or nothing moves any more; exit 0 only when it is done.")
    var wait = false

    @Option(help: "With --wait: give up after DURATION (e.g. 45m, 12h; at most 7 days) and exit 1.")
    var waitTimeout: Period?

    @Option(help: "Output format: text or json.")
    var output: CutoverOutput = .text

    @OptionGroup var connection: ConnectionOptions

    enum CutoverOutput: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func validate() throws {
        try require(ResourceName.isValid(name), "NAME must be a Cutover's metadata.name (a-z, 0-9 and -), found `\(name)`")
        try require(waitTimeout == nil || wait, "--wait-timeout needs --wait")
    }

    func run() async throws {
        var plan = try PlanOptions.parse([path])
        plan.output = output == .json ? .json : .text
        let session = try await Session.open(plan: plan, connection: connection, secretsRequired: now || wait)
        let reconciler = session.reconcilerReadingFailedObjects()
        let status: CutoverStatus
        do {
            if now || wait {
                let deadline = waitTimeout.map { Date().addingTimeInterval($0.seconds) }
                var shown = ""
                // The plan's Notifications hear of this Cutover becoming ready or done, as from apply.
                let notifier = NotificationHook.notifier(session, flags: try ApplyFlags.parse([]), plan: plan)
                status = try await reconciler.runCutover(
                    session.desired, name: name, requestNow: now, wait: wait ? StackReconciler.Wait(deadline: deadline) : nil,
                    onStep: { step in
                        // Each new state and reason once, as it is reached (text only: JSON is one document).
                        let text = step.textLines(zone: session.desired.stack.serviceTimezone).joined(separator: "\n")
                        if output == .text, wait, text != shown { Console.error(text) }
                        shown = text
                    },
                    onPass: { pass in await notifier.afterPass(session.desired, pass, reconciler: reconciler) })
            } else {
                status = try await reconciler.cutoverStatus(session.desired, name: name)
            }
        } catch {
            await session.close()
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
        await session.close()
        switch output {
        case .json: Console.json(try PrettyJSON.render(status))
        case .text: Console.out(status.textLines(zone: session.desired.stack.serviceTimezone).joined(separator: "\n") + "\n")
        }
        if let code = Self.exitCode(status, started: now, waited: wait) { throw code }
    }

    /// 0 (nil) when done; without --wait also when it started or was only shown; 1 otherwise.
    static func exitCode(_ status: CutoverStatus, started: Bool, waited: Bool) -> ExitCode? {
        switch status.state {
        case .done: nil
        case .failed: ExitCode(1)
        case .running: waited ? ExitCode(1) : nil
        case .waiting, .ready: started || waited ? ExitCode(1) : nil
        }
    }
}
