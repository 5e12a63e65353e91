import ArgumentParser
import Foundation
import OMSClient
import Reconciler

/// One apply: lock, read, plan, show, confirm, execute, report. Shared by apply and reconcile.
struct ApplyRun {
    let session: Session
    let plan: PlanOptions
    let flags: ApplyFlags

    /// Returns the exit code to end with (nil for success).
    func run(confirm: Bool, wait: Bool, quietWhenNoChanges: Bool = false) async -> ExitCode? {
        let report: ChangeReport
        do {
            report = try await execute(confirm: confirm)
        } catch let error as ExitCode {
            return error
        } catch {
            Console.error("error: \(error)")
            return ExitCode(1)
        }
        if plan.output == .json { Console.out(JSONReportRenderer().render(report)) }
        let failed = report.changes.filter { $0.outcome?.status == .failed || $0.outcome?.status == .skipped }
        if wait && failed.isEmpty {
            await StatusFollower(session: session, color: plan.useColor, json: plan.output == .json).follow()
        }
        return failed.isEmpty ? nil : ExitCode(1)
    }

    /// Plans and applies under the stack lock; returns the report with outcomes.
    func execute(confirm: Bool) async throws -> ChangeReport {
        let lock = try await StackLock.acquire(
            stack: session.desired.stack.name, directory: session.stateDirectory.appendingPathComponent("locks"),
            timeout: flags.lockTimeout.duration)
        defer { withExtendedLifetime(lock) {} }
        let live = try await LiveState.read(from: session.client)
        let ledger = try session.ledger()
        let options = DiffOptions(allowReplace: Set(flags.allowReplace), only: try session.scope(plan), ledger: ledger)
        let executionPlan = await Preflight(client: session.client).check(
            ChangePlanner.plan(desired: session.desired, live: live, options: options), desired: session.desired)
        let text = plan.output != .json
        if text { Console.out(ReportPrinter.render(executionPlan.report, format: plan.output, color: plan.useColor)) }
        guard executionPlan.report.hasChanges else {
            return Applier.unchanged(executionPlan)
        }
        if confirm {
            guard isatty(STDIN_FILENO) == 1 else {
                Console.error("error: apply asks for confirmation on a terminal; pass --auto-approve to run unattended")
                throw ExitCode(1)
            }
            Console.out("\nApply these changes to OMS? Only 'yes' is accepted: ")
            guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
                Console.out("Apply cancelled.\n")
                throw ExitCode(1)
            }
        }
        let progress = ProgressPrinter(enabled: text, color: plan.useColor)
        let applier = Applier(
            client: session.client, desired: session.desired, ledger: ledger,
            options: ApplyOptions(
                parallelism: flags.parallelism.value, settleTimeout: flags.settleTimeout.duration),
            onEvent: progress.print)
        let result = await applier.apply(executionPlan)
        if text { Console.out(progress.summary(result)) }
        for change in result.changes where change.outcome?.status == .failed {
            Console.error("\(change.address): error: \(change.outcome?.error ?? "failed")")
        }
        return result
    }
}

/// Step-by-step lines while apply runs.
struct ProgressPrinter: Sendable {
    let enabled: Bool
    let color: Bool

    func print(_ event: ApplyEvent) {
        guard enabled else { return }
        switch event {
        case .started: break
        case .succeeded(let step, let detail):
            Console.out("  \(paint("✓", 32)) \(step.addresses.joined(separator: ", ")): \(step.operation.call)\(detail.map { " -> id \($0)" } ?? "")\n")
        case .failed(let step, let error):
            Console.out("  \(paint("✗", 31)) \(step.addresses.joined(separator: ", ")): \(step.operation.call): \(error)\n")
        case .skipped(let step, let reason):
            Console.out("  \(paint("-", 33)) \(step.addresses.joined(separator: ", ")): \(step.operation.call): \(reason)\n")
        }
    }

    func summary(_ report: ChangeReport) -> String {
        let outcomes = report.changes.compactMap(\.outcome?.status)
        let succeeded = outcomes.filter { $0 == .succeeded }.count
        let failed = outcomes.filter { $0 == .failed }.count
        let skipped = outcomes.filter { $0 == .skipped }.count
        let verdict = failed + skipped == 0 ? paint("Apply complete", 32) : paint("Apply finished with errors", 31)
        return "\n\(verdict): \(succeeded) changed, \(failed) failed, \(skipped) skipped.\n"
    }

    private func paint(_ text: String, _ code: Int) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
}
