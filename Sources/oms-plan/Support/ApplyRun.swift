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

    /// Returns the exit code to end with (nil for success). With `wait`, follows the plan
    /// through its waves: once what was changed settles, what waited for it is created, until
    /// nothing is left to do, something needs a person, or `waitTimeout` seconds pass. The last
    /// line sums up every pass and wave of the run.
    func run(confirm: Bool, wait: Bool, waitTimeout: Double? = nil) async -> ExitCode? {
        let deadline = waitTimeout.map { Date().addingTimeInterval($0) }
        let report: ChangeReport
        let settledStatus: StatusReport?
        let tally: RunTally
        do {
            // One lock for the whole run, waves included.
            let outcome = try await session.reconciler.holdingLock(stack: session.desired.stack.name, timeout: flags.lockTimeout.duration) {
                () async throws -> (ChangeReport, StatusReport?, RunTally, Bool) in
                var pass = try await execute(confirm: confirm)
                var tally = RunTally()
                tally.record(pass)
                var report = pass.report
                var settled: StatusReport?
                while wait && report.unresolved.isEmpty {
                    let follower = StatusFollower(session: session, color: plan.useColor, json: plan.output == .json)
                    guard let status = await follower.follow(until: deadline) else { return (report, settled, tally, false) }
                    settled = status
                    guard pass.applied || !report.waiting.isEmpty else { break }
                    // The next wave: what waited for the resources that just settled.
                    pass = try await execute(confirm: false)
                    tally.record(pass)
                    report = pass.report
                    if !pass.applied { break }
                }
                return (report, settled, tally, true)
            }
            guard outcome.3 else {
                // The follower said why (--wait-timeout, or OMS could not be read).
                Console.note("not done: \(outcome.2.phrase); stopped following before everything settled, see the error above.")
                return ExitCode(1)
            }
            (report, settledStatus, tally) = (outcome.0, outcome.1, outcome.2)
        } catch let error as ExitCode {
            return error
        } catch {
            Console.error("error: \(error)")
            return ExitCode(1)
        }
        if plan.output == .json { Console.json(JSONReportRenderer().render(report)) }
        return Self.verdict(report, status: settledStatus, waited: wait, tally: tally)
    }

    /// Exit 1 when OMS does not match the plan and will not by itself: a step failed, a change
    /// needs a person, a task ended Failed. Changes that only wait are said, not failed, unless
    /// the run waited for them and they still wait. `report` is the run's last pass, `tally`
    /// all of its passes.
    static func verdict(_ report: ChangeReport, status: StatusReport?, waited: Bool, tally: RunTally) -> ExitCode? {
        var problems = 0
        for change in report.unresolved {
            problems += 1
            // Failed steps were printed as they failed.
            if change.outcome?.status == .failed { continue }
            let attention = change.reasons.filter(\.needsAttention)
            let why = change.outcome?.error ?? (attention.isEmpty ? change.reasons : attention).map(\.description).joined(separator: "; ")
            Console.error("\(change.address): error: \(change.action == .blocked ? "blocked: " : "")\(why)")
        }
        for entry in status?.entries ?? [] where entry.phase == .failed && !report.unresolved.contains(where: { $0.address.description == entry.address }) {
            problems += 1
            Console.error("\(entry.address): error: \(entry.status)\(entry.error.map { " (\($0))" } ?? "")")
        }
        let waiting = report.waiting
        if !waiting.isEmpty {
            if waited {
                problems += waiting.count
                for change in waiting {
                    Console.error("\(change.address): error: still \(change.reasons.map(\.description).joined(separator: "; "))")
                }
            } else {
                Console.note(
                    "\(waiting.count) \(waiting.count == 1 ? "change waits for its dependencies" : "changes wait for their dependencies"); apply again once they succeed, or use --wait")
            }
        }
        Console.note(lastLine(report, tally: tally, problems: problems, waiting: waited ? 0 : waiting.count, settled: waited && status != nil))
        return problems == 0 ? nil : ExitCode(1)
    }

    /// One sentence that ends every apply and reconcile pass: what the whole run did (every
    /// pass and wave, from `tally`), and what (if anything) needs a person, from the last
    /// pass's `report`. CI logs are read from the bottom.
    static func lastLine(_ report: ChangeReport, tally: RunTally, problems: Int, waiting: Int, settled: Bool = false) -> String {
        var did = tally.phrase
        let blocked = report.unresolved.filter { $0.action == .blocked && $0.outcome?.status != .failed && $0.outcome?.status != .skipped }.count
        if blocked > 0 { did += ", \(blocked) blocked" }
        if problems > 0 {
            let names = report.unresolved.prefix(3).map(\.address.description)
            let more = problems > names.count ? " and \(problems - names.count) more" : ""
            let list = names.isEmpty ? "" : " (\(names.joined(separator: ", "))\(more))"
            return "not done: \(did); \(problems) \(problems == 1 ? "resource needs" : "resources need") a person\(list), see the errors above."
        }
        if waiting > 0 {
            return "done for now: \(did); \(waiting) \(waiting == 1 ? "change waits" : "changes wait") for dependencies and will be made by a later run."
        }
        let state = settled ? ", all settled" : ""
        return tally.changed == 0 && tally.failed + tally.skipped == 0
            ? "done: OMS already matched the plan\(state); nothing needs a person."
            : "done: \(did)\(state); OMS matches the plan and nothing needs a person."
    }

    /// One pass of the reconciler, shown; returns the report with outcomes.
    func execute(confirm: Bool) async throws -> StackReconciler.PassResult {
        let text = plan.output != .json
        let output = plan.output
        let color = plan.useColor
        let progress = ProgressPrinter(enabled: text, color: color)
        let result = try await session.reconciler.apply(
            session.desired, options: try options,
            review: { planned in
                if text { Console.out(ReportPrinter.render(planned.report, format: output, color: color), format: output) }
                return try confirm ? Self.askForConfirmation() : true
            },
            events: progress.print)
        if !result.applied {
            // Nothing to change (or declined): the plan is shown all the same.
            if text && !result.report.hasChanges { Console.out(ReportPrinter.render(result.report, format: output, color: color), format: output) }
            return result
        }
        if text { Console.out(progress.summary(result.report)) }
        for change in result.report.changes where change.outcome?.status == .failed {
            Console.error("\(change.address): error: \(change.outcome?.error ?? "failed")")
        }
        return result
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
            // A step on what this run created names the id it now has instead of `{new id}`.
            let call = step.operation.call
            let shown = detail.map { id in call.contains("{new id}") ? call.replacingOccurrences(of: "{new id}", with: id) : call + " -> id \(id)" } ?? call
            Console.out("  \(style.green("✓")) \(step.addresses.map(\.description).joined(separator: ", ")): \(shown)\n")
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
