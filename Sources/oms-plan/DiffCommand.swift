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
            Reads every task and group of the project with list calls, matches them to the plan by ownership marker
            or adopt, and prints each declared and owned resource with its action: create, update, replace, delete,
            start, pause, retry, blocked or noop. Exit codes: 0 success, 1 error; with --detailed-exitcode, 2 when
            there are changes.
            """)

    @OptionGroup var plan: PlanOptions
    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Exit 0 when there is nothing to change, 2 when there are changes, 1 on error.")
    var detailedExitcode = false

    @Option(name: .customLong("allow-replace"), help: "Show replacing this address (Kind/name) as allowed although it moved data (repeatable).")
    var allowReplace: [ResourceAddress] = []

    func run() async throws {
        let session = try await Session.open(plan: plan, connection: connection, secretsRequired: false, prefetchLive: true)
        let report: ChangeReport
        do {
            let options = StackReconciler.Options(allowReplace: Set(allowReplace), scope: try session.scope(plan), forecast: true)
            let live = try await session.prefetchedLive?.value
            report = try await session.reconciler.plan(session.desired, options: options, live: live).report
        } catch {
            await session.close()
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
        await session.close()
        Console.out(ReportPrinter.render(report, format: plan.output, color: plan.useColor), format: plan.output)
        KeptUntilExit.keep(session)
        KeptUntilExit.keep(report)
        if detailedExitcode && report.hasChanges { throw ExitCode(2) }
    }
}
