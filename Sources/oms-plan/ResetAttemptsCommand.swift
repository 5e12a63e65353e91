import ArgumentParser
import Foundation
import MigrationPlan
import Reconciler

/// `oms-plan reset-attempts PATH --address ADDR`: after `onFailure` gave up (the diff says
/// "gave up after N of M attempts"), clear the count so that the next apply or reconcile retries.
struct ResetAttemptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-attempts",
        abstract: "Forget how often onFailure retried a task or group, so that it is retried again.",
        discussion: """
            apply and reconcile count the restarts and retries of failed tasks and groups in \
            "./.oms-plan/state/<stack>.attempts.json" and stop at onFailure.maxAttempts ("gave up" in the diff). \
            Once the cause is fixed, clear the count here; nothing is sent to OMS.
            """)

    @Argument(help: "Plan directories or files (to know the stack).")
    var paths: [String]

    @Option(help: "Address to reset, Kind/name (repeatable).")
    var address: [ResourceAddress] = []

    func validate() throws {
        try require(!address.isEmpty, "give at least one --address Kind/name")
    }

    func run() async throws {
        let result = await StackReconciler.loadPlan(paths: paths, options: LoadOptions(evaluationDate: Date()))
        guard let stack = result.desiredState?.stack.name else {
            for diagnostic in result.diagnostics where diagnostic.severity == .error { Console.error(diagnostic.rendered) }
            throw ExitCode(1)
        }
        let ledger = try FileAttemptLedger(url: StateFolder.current.attempts(stack: stack))
        for address in address {
            let dropped = try ledger.reset(address: address)
            Console.out(dropped == 0 ? "\(address): no attempts counted\n" : "\(address): attempt count cleared\n")
        }
    }
}
