import ArgumentParser
import Foundation
import OMSClient
import Reconciler

/// How apply and reconcile show a pass: the plan before it runs (and, for apply on a
/// terminal, the question), each step as it ends, then the summary and the failures. The
/// pass itself is `StackReconciler.apply`.
struct ApplyRun {
    let session: Session
    let plan: PlanOptions
    let flags: ApplyFlags

    var options: StackReconciler.Options {
        get throws {
            StackReconciler.Options(
                allowReplace: Set(flags.allowReplace), scope: try session.scope(plan),
                apply: ApplyOptions(parallelism: flags.parallelism.value, settleTimeout: flags.settleTimeout.duration),
                lockTimeout: flags.lockTimeout.duration)
        }
    }

    /// Returns the exit code to end with (nil for success).
    func run(confirm: Bool, wait: Bool) async -> ExitCode? {
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

    /// One pass of the reconciler, shown; returns the report with outcomes.
    func execute(confirm: Bool) async throws -> ChangeReport {
        let text = plan.output != .json
        let output = plan.output
        let color = plan.useColor
        let progress = ProgressPrinter(enabled: text, color: color)
        let result = try await session.reconciler.apply(
            session.desired, options: try options,
            review: { planned in
                if text { Console.out(ReportPrinter.render(planned.report, format: output, color: color)) }
                return try confirm ? Self.askForConfirmation() : true
            },
            events: progress.print)
        if !result.applied {
            // Nothing to change (or declined): the plan is shown all the same.
            if text && !result.report.hasChanges { Console.out(ReportPrinter.render(result.report, format: output, color: color)) }
            return result.report
        }
        if text { Console.out(progress.summary(result.report)) }
        for change in result.report.changes where change.outcome?.status == .failed {
            Console.error("\(change.address): error: \(change.outcome?.error ?? "failed")")
        }
        return result.report
    }

    /// `yes` on a terminal; anything else cancels (exit 1).
    static func askForConfirmation() throws -> Bool {
        guard isatty(STDIN_FILENO) == 1 else {
            Console.error("error: apply asks for confirmation on a terminal; pass --auto-approve to run unattended")
            throw ExitCode(1)
        }
        Console.out("\nApply these changes to OMS? Only 'yes' is accepted: ")
        guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
            Console.out("Apply cancelled.\n")
            throw ExitCode(1)
        }
        return true
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
            Console.out("  \(style.green("✓")) \(step.addresses.map(\.description).joined(separator: ", ")): \(step.operation.call)\(detail.map { " -> id \($0)" } ?? "")\n")
        case .failed(let step, let error):
            Console.out("  \(style.red("✗")) \(step.addresses.map(\.description).joined(separator: ", ")): \(step.operation.call): \(error)\n")
        case .skipped(let step, let reason):
            Console.out("  \(style.yellow("-")) \(step.addresses.map(\.description).joined(separator: ", ")): \(step.operation.call): \(reason)\n")
        }
    }

    func summary(_ report: ChangeReport) -> String {
        let outcomes = report.changes.compactMap(\.outcome?.status)
        let succeeded = outcomes.filter { $0 == .succeeded }.count
        let failed = outcomes.filter { $0 == .failed }.count
        let skipped = outcomes.filter { $0 == .skipped }.count
        let verdict = failed + skipped == 0 ? style.green("Apply complete") : style.red("Apply finished with errors")
        return "\n\(verdict): \(succeeded) changed, \(failed) failed, \(skipped) skipped.\n"
    }

    private var style: ANSIStyle { ANSIStyle(enabled: color) }
}
