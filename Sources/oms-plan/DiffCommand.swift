import ArgumentParser
import Foundation
import MigrationPlan
import OMSClient
import Reconciler

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what apply would change in OMS (reads only: list calls and bucket checks).",
        discussion: """
            Reads every task and group of the project with list calls, matches them to the plan by ownership marker \
            or adopt, and prints each declared and owned resource with its action: create, update, replace, delete, \
            start, pause, retry, blocked or noop. When a change is blocked until a person acts (a failed pre-flight \
            check, a replacement of moved data that is not allowed, retries used up, a resource that failed in OMS \
            with onFailure none), the last line on stderr names each blocked address and the reason to fix.

            Exit codes: 0 success, 1 error. With --detailed-exitcode (for CI gates): 0 when there is nothing to \
            change, 2 when there are changes and all of them can be made, 1 on error or when any change is blocked. \
            A change that only waits for a dependency to succeed is not blocked: apply makes it once that succeeds.
            """)

    @OptionGroup var plan: PlanOptions
    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Exit 0 when there is nothing to change, 2 when there are changes and all can be made, 1 on error or when any change is blocked.")
    var detailedExitcode = false

    @Option(name: .customLong("allow-replace"), help: "Show replacing this address (Kind/name) as allowed although it moved data (repeatable).")
    var allowReplace: [ResourceAddress] = []

    func run() async throws {
        let session = try await Session.open(plan: plan, connection: connection, secretsRequired: false, prefetchLive: true)
        let report: ChangeReport
        do {
            let options = StackReconciler.Options(allowReplace: Set(allowReplace), scope: session.scope(plan), forecast: true)
            report = try await session.reconciler.plan(session.desired, options: options, pending: session.prefetchedLive).report
        } catch {
            await session.close()
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
        await session.close()
        Console.out(ReportPrinter.render(report, format: plan.output, color: plan.useColor, full: plan.full), format: plan.output)
        // The last line on stderr: what is blocked and why, where a CI log is read from.
        let verdict = DiffVerdict(report)
        if let line = DiffGate.lastLine(verdict.blockers) { Console.note(line) }
        if detailedExitcode {
            let code = DiffGate.detailedExitCode(verdict)
            if code != 0 { throw ExitCode(code) }
        }
    }
}
