import ArgumentParser
import Foundation
import OMSClient
import Reconciler

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Show the diff, ask for confirmation, then make OMS match the plan.",
        discussion: """
            Steps run in dependency order with at most --parallelism requests in flight. A failed step does not stop \
            independent steps; what depends on it is skipped. A run killed at any moment can be run again: creates are \
            found by their ownership marker before they are sent twice.

            Exit codes: 0 when everything declared is as declared, or waits only for a dependency to succeed (run \
            again, or use --wait); 1 when a change failed or was skipped, or something needs a person (replacing a \
            resource that moved data, a task or group that failed and that onFailure does not retry or gave up on, \
            a failed pre-flight check), or --wait-timeout passed; 64 for a flag it cannot take. With --wait, a task \
            that fails while followed is retried within the run when its onFailure says so. The last line says what \
            the whole run did and names each resource that needs a person, with why and what to do. Inside a change \
            freeze apply makes only pauses and the day's bandwidth rules and exits 1 saying until when, unless \
            --ignore-freeze.

            With --output json, stdout holds one document for the whole run: the diff document's keys describe \
            every pass and wave, `passes` lists each pass and `run` says how it ended (docs/json-output.md).
            """)

    @OptionGroup var plan: PlanOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var flags: ApplyFlags

    @Flag(help: "Do not ask for confirmation.")
    var autoApprove = false

    @Flag(help: "After the changes, follow the tasks until they settle, creating what waited for them (dependsOn), wave after wave.")
    var wait = false

    @Option(help: "With --wait: give up after DURATION (e.g. 45m, 12h; at most 7 days) and exit 1 with what is still moving.")
    var waitTimeout: Period?

    @Flag(help: "Make every change even inside a change freeze (Stack.spec.freezes); suspended resources are still left alone.")
    var ignoreFreeze = false

    func run() async throws {
        let session = try await Session.open(plan: plan, connection: connection, secretsRequired: true)
        let outcome = await ApplyRun(session: session, plan: plan, flags: flags, ignoreFreeze: ignoreFreeze).run(
            confirm: !autoApprove, wait: wait, waitTimeout: waitTimeout?.seconds)
        await session.close()
        if let code = outcome { throw code }
    }
}
