import ArgumentParser
import Foundation
import Reconciler

/// How apply and reconcile show a pass: the plan before it runs (and, for apply on a
/// terminal, the question), each step as it ends, then the summary, the failures and the
/// verdict. The run itself (passes, waves, verdict) is `StackReconciler.applyRun`.
struct ApplyRun {
    let session: Session
    let plan: PlanOptions
    let flags: ApplyFlags
    /// `apply --ignore-freeze` (reconcile never ignores a freeze).
    var ignoreFreeze = false

    var options: StackReconciler.Options {
        var options = StackReconciler.Options(
            allowReplace: Set(flags.allowReplace), scope: session.scope(plan),
            apply: ApplyOptions(parallelism: flags.parallelism.value, settleTimeout: flags.settleTimeout.duration),
            lockTimeout: flags.lockTimeout.duration)
        options.ignoreFreeze = ignoreFreeze
        return options
    }

    /// Returns the exit code to end with (nil for success). With `wait`, the reconciler follows
    /// the plan through its waves until nothing is left to do, something needs a person, or
    /// `waitTimeout` seconds pass; this shows each pass and each status read, then the verdict.
    func run(confirm: Bool, wait: Bool, waitTimeout: Double? = nil) async -> ExitCode? {
        let deadline = waitTimeout.map { Date().addingTimeInterval($0) }
        let (output, color, full) = (plan.output, plan.useColor, plan.full)
        let text = output != .json
        let progress = ProgressPrinter(enabled: text, color: color)
        let follower = StatusFollower(color: color, json: output == .json)
        let notifier = NotificationHook.notifier(session, flags: flags, plan: plan)
        let outcome: StackReconciler.RunOutcome
        do {
            outcome = try await session.reconciler.applyRun(
                session.desired, options: options, wait: wait ? StackReconciler.Wait(deadline: deadline) : nil,
                review: { planned, firstPass in
                    if text { Console.out(ReportPrinter.render(planned.report, format: output, color: color, full: full), format: output) }
                    // Only the pass the user asked for is confirmed; the waves after it follow from it.
                    return try confirm && firstPass ? Self.askForConfirmation() : true
                },
                events: progress.print,
                onPass: { pass in
                    Self.show(pass, text: text, output: output, color: color, full: full, progress: progress)
                    await notifier.afterPass(session.desired, pass, reconciler: session.reconciler)
                },
                onStatus: follower.show)
        } catch let error as ExitCode {
            return error
        } catch {
            Console.error("error: \(ErrorText.describe(error))")
            return ExitCode(1)
        }
        switch outcome {
        case .stoppedFollowing(let end, let tally, let run):
            if plan.output == .json { Console.json(JSONRunRenderer().render(stoppedFollowing: end, tally: tally, run: run)) }
            // Why (--wait-timeout, or OMS could not be read), then the run's last line.
            StatusFollower.sayWhyStopped(end)
            Console.note(Self.stoppedLine(end, tally: tally))
            return ExitCode(1)
        case .finished(let verdict):
            // The whole run (every pass and wave), not its last pass, which after --wait has
            // nothing left to do.
            if plan.output == .json { Console.json(JSONRunRenderer().render(verdict)) }
            return Self.say(verdict, refuseHeld: true)
        }
    }

    /// Prints why the run is not done (failed steps were printed as they failed), what waits
    /// for a later run, and the last line; exit 1 when something needs a person, or (`refuseHeld`,
    /// apply's) when a change freeze held a change (`HoldRun`).
    static func say(_ verdict: RunVerdict, refuseHeld: Bool = false) -> ExitCode? {
        // Failed steps were printed as they failed.
        for problem in verdict.problems {
            if case .failedStep = problem { continue }
            Console.error("\(problem.address): error: \(why(problem))")
        }
        let (held, waiting) = HoldRun.split(verdict)
        if !waiting.isEmpty {
            Console.note(
                "\(waiting.count) \(waiting.count == 1 ? "change waits for its dependencies" : "changes wait for their dependencies"); apply again once they succeed, or use --wait")
        }
        if refuseHeld, verdict.isDone, let line = HoldRun.refusal(verdict, did: verdict.tally.phrase) {
            Console.note(line)
            return ExitCode(1)
        }
        if let note = HoldRun.heldNote(held, verdict.report) { Console.note(note) }
        Console.note(lastLine(verdict))
        return verdict.isDone ? nil : ExitCode(1)
    }

    /// One sentence that ends every apply and reconcile pass: what the whole run did (every
    /// pass and wave), and what (if anything) needs a person: each address with why and what
    /// to do, grouped like diff's gate line. CI logs are read from the bottom.
    static func lastLine(_ verdict: RunVerdict) -> String {
        var did = verdict.tally.phrase
        let blocked = verdict.blockedCount
        if blocked > 0 { did += ", \(blocked) blocked" }
        let problems = verdict.problems.count
        if problems > 0 {
            let (named, unnamed) = DiffGate.grouped(verdict.problems.map { ($0.address, DiffGate.oneLine(why($0))) })
            let more = unnamed > 0 ? "; and \(unnamed) more (see the errors above)" : ""
            return "not done: \(did); \(problems) \(problems == 1 ? "resource needs" : "resources need") a person: \(named)\(more)."
                + " Fix what each names, then run again."
        }
        let (held, dependencies) = HoldRun.split(verdict)
        let waiting = dependencies.count
        if waiting > 0 || !held.isEmpty {
            var parts: [String] = []
            if waiting > 0 { parts.append("\(waiting) \(waiting == 1 ? "change waits" : "changes wait") for dependencies") }
            if !held.isEmpty { parts.append(HoldRun.heldPhrase(held, verdict.report)) }
            return "done for now: \(did); \(parts.joined(separator: ", ")) and will be made by a later run."
        }
        let state = verdict.settled ? ", all settled" : ""
        if let suspended = HoldRun.suspendedTail(verdict.report) { return "done: \(did)\(state); " + suspended }
        return verdict.alreadyMatched
            ? "done: OMS already matched the plan\(state); nothing needs a person."
            : "done: \(did)\(state); OMS matches the plan and nothing needs a person."
    }

    /// The last line of a run that stopped following before everything settled: what it did,
    /// what was still moving (or why OMS could not be read) and what to do.
    static func stoppedLine(_ end: StackReconciler.FollowEnd, tally: RunTally) -> String {
        switch end {
        case .timedOut(let moving):
            let (named, rest) = (moving.prefix(DiffGate.namedPerGroup), moving.count - DiffGate.namedPerGroup)
            let list = named.joined(separator: ", ") + (rest > 0 ? " and \(rest) more" : "")
            return "not done: \(tally.phrase); --wait-timeout passed with \(moving.count) still moving (\(list))."
                + " Follow them with oms-plan status, or run apply --wait again with a longer --wait-timeout."
        case .unreadable(let error):
            return "not done: \(tally.phrase); OMS could not be read while following (\(DiffGate.oneLine(ErrorText.describe(error))))."
                + " Run apply --wait again once it can be; what was made stays made."
        case .settled:
            return "not done: \(tally.phrase); stopped following before everything settled."
        }
    }

    /// Why one resource needs a person, in the words of its error line above.
    static func why(_ problem: RunVerdict.Problem) -> String {
        switch problem {
        case .failedStep(let change): change.outcome?.error ?? "failed"
        case .unresolved(let change, let reasons):
            (change.action == .blocked ? "blocked: " : "") + (change.outcome?.error ?? reasons.map(\.description).joined(separator: "; "))
        case .endedFailed(let entry): "ended \(entry.status)" + (entry.error.map { " (\($0))" } ?? "")
        case .stillWaiting(let change): "still " + change.reasons.map(\.description).joined(separator: "; ")
        }
    }

    /// A pass that ended: a plan without changes is shown now (one with changes was shown
    /// before it ran), then the summary and each failed step.
    static func show(_ pass: StackReconciler.PassResult, text: Bool, output: OutputFormat, color: Bool, full: Bool, progress: ProgressPrinter) {
        if !pass.applied {
            // Nothing to change (or declined): the plan is shown all the same.
            if text && !pass.report.hasChanges { Console.out(ReportPrinter.render(pass.report, format: output, color: color, full: full), format: output) }
            return
        }
        if text { Console.out(progress.summary(pass.report)) }
        for change in pass.report.changes where change.outcome?.status == .failed {
            Console.error("\(change.address): error: \(change.outcome?.error ?? "failed")")
        }
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
