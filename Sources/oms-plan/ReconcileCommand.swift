import ArgumentParser
import Dispatch
import Foundation
#if canImport(Glibc)
    import Glibc
    private let ignoreSignal: @Sendable (Int32) -> Void = { _ = Glibc.signal($0, SIG_IGN) }
#elseif canImport(Darwin)
    import Darwin
    private let ignoreSignal: @Sendable (Int32) -> Void = { _ = Darwin.signal($0, SIG_IGN) }
#endif
import Reconciler
import Synchronization

struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "apply --auto-approve for unattended use: once (cron, CI schedules) or in a loop.",
        discussion: """
            Each pass re-reads the plan (so the day's bandwidth windows are followed), reads OMS, and carries out \
            the changes: resumes what should run, retries failed tasks per onFailure, creates tasks whose dependsOn \
            have succeeded. --interval runs until SIGTERM or SIGINT, finishing the pass in progress first.

            Exit codes (--once): 0 when everything declared is as declared or waits only for a dependency; 1 when a \
            change failed or was skipped, or is blocked until a person acts (replacing a resource that moved data, \
            a task or group that failed and that onFailure does not retry or gave up on, a failed pre-flight check), \
            or OMS or the plan could not be read; 130 after SIGINT. Each pass ends with a line saying what it did \
            and naming each resource that needs a person, with why and what to do; a loop stopped by SIGTERM or \
            SIGINT ends with a line summing up all of its passes and waves.
            """)

    @OptionGroup var plan: PlanOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var flags: ApplyFlags

    @Flag(help: "One pass, then exit: 0 when all is as declared or waits for a dependency, 1 when something failed or needs a person.")
    var once = false

    @Option(help: "Run a pass every DURATION (e.g. 30s, 5m, 1h; at most 7 days), with up to 10% random jitter.")
    var interval: Period?

    @Option(help: "Write each pass's JSON report (the diff document with outcomes) to FILE.")
    var report: String?

    @Option(help: "Serve Prometheus metrics on this port (1 to 65535) at /metrics.")
    var metricsPort: Port?

    @Option(help: "Address the metrics port listens on (loopback unless told otherwise).")
    var metricsAddress = ListenAddress("127.0.0.1")

    @Option(help: "Write Prometheus metrics to FILE after each pass (node_exporter textfile collector).")
    var metricsTextfile: String?

    @Option(help: ArgumentHelp(
        "With --interval: serve the status page at http://[ADDRESS:]PORT/ (with /status.json and /metrics) while the loop runs.",
        discussion: "Loopback unless an address is given. The page shows each pass's read, forecasts and what the last pass changed.",
        valueName: "[address:]port"))
    var serve: ServeAddress?

    func validate() throws {
        guard once != (interval != nil) else { throw ValidationError("pass exactly one of --once and --interval") }
        try require(serve == nil || interval != nil, "--serve needs --interval (a single pass has nothing to serve for long)")
    }

    func run() async throws {
        let metrics = ReconcileMetrics()
        var metricsServer: Task<Void, any Error>?
        if let metricsPort {
            metricsServer = try await MetricsServer.start(address: metricsAddress.value, port: metricsPort.value, metrics: metrics)
        }
        let stop = ShutdownSignal()
        let session = try await Session.open(plan: plan, connection: connection, secretsRequired: true)
        let failed = Mutex(false)
        // Every pass of the run, for the line that ends a loop.
        let total = Mutex(RunTally())
        let options = ApplyRun(session: session, plan: plan, flags: flags).options
        let reconciler = session.reconciler
        let stack = session.desired.stack.name
        let progress = ProgressPrinter(enabled: plan.output != .json, color: plan.useColor)
        let notifier = NotificationHook.notifier(session, flags: flags, plan: plan, metrics: metrics)
        let (planOptions, writer) = (plan, self)
        // What the passes observe: history for forecasts (kept in the state folder), the latest
        // status for the per-resource metrics and the status page.
        let board = StatusBoard(history: reconciler.observationHistory(stack: stack))
        board.setDesired(session.desired)
        var pageServer: Task<Void, any Error>?
        if let serve {
            do {
                pageServer = try await MetricsServer.start(
                    address: serve.address.value, port: serve.port, metrics: metrics, board: board,
                    refreshSeconds: max(10, min(300, Int((interval?.seconds ?? 60) / 2))))
            } catch {
                metricsServer?.cancel()
                await session.close()
                throw error
            }
            StatusPage.announce(stack: session.desired.stack.name, at: serve)
        }
        await reconciler.run(
            every: once ? nil : interval?.seconds ?? 60, options: options, control: stop,
            load: { now in
                let desired = try await session.reloaded(plan: planOptions, now: now).desired
                board.setDesired(desired)
                return desired
            },
            review: { planned in
                if planOptions.output != .json {
                    Console.out(ReportPrinter.render(planned.report, format: planOptions.output, color: planOptions.useColor, full: planOptions.full), format: planOptions.output)
                }
                return true
            },
            onPass: { outcome in
                let snapshot = board.snapshot
                var history = snapshot.history
                if case .success(let pass) = outcome, let observed = pass.observed, let desired = snapshot.desired,
                    let status = try? await reconciler.status(of: desired, live: observed, history: &history)
                {
                    board.record(status, history: history)
                    board.recordPass(pass.report, at: Date())
                    metrics.record(status: status)
                    for line in DeadlineReport.lines(status) { Console.error(line) }
                    do {
                        try reconciler.saveObservationHistory(history, stack: stack)
                    } catch {
                        let file = session.stateFolder.history(stack: stack)
                        Console.error("warning: could not keep the observation history in \(file.path): \(error.localizedDescription)")
                    }
                } else if case .failure(let error) = outcome {
                    board.recordError(ErrorText.describe(error))
                }
                if case .success(let pass) = outcome { total.withLock { $0.record(pass) } }
                if case .success(let pass) = outcome, let desired = board.snapshot.desired { await notifier.afterPass(desired, pass, reconciler: reconciler) }
                failed.withLock { $0 = writer.show(outcome, progress: progress, metrics: metrics) }
            },
            events: progress.print)
        metricsServer?.cancel()
        pageServer?.cancel()
        await session.close()
        if !once {
            let (run, lastFailed) = (total.withLock { $0 }, failed.withLock { $0 })
            Console.note(Self.loopLine(run, lastPassFailed: lastFailed))
        }
        if stop.signal == SIGINT { throw ExitCode(130) }
        if once && failed.withLock({ $0 }) { throw ExitCode(1) }
    }

    /// Shows and records one pass; returns whether anything failed.
    private func show(_ outcome: Result<StackReconciler.PassResult, any Error>, progress: ProgressPrinter, metrics: ReconcileMetrics) -> Bool {
        switch outcome {
        case .success(let pass):
            let text = plan.output != .json
            // A plan with changes was shown before it ran; one without is shown now.
            if text && !pass.report.hasChanges { Console.out(ReportPrinter.render(pass.report, format: plan.output, color: plan.useColor, full: plan.full), format: plan.output) }
            if pass.applied && text { Console.out(progress.summary(pass.report)) }
            for change in pass.report.changes where change.outcome?.status == .failed {
                Console.error("\(change.address): error: \(change.outcome?.error ?? "failed")")
            }
            // What the incremental passes did (Reconciler/Passes), on stderr: stdout stays the report.
            for action in pass.passes { Console.note(action.kind == .failed ? "error: \(action)" : "\(action)") }
            // Where a Cutover went (Reconciler/Cutover), on stderr too.
            for line in pass.cutovers.compactMap(\.transitionLine) { Console.note(line) }
            metrics.record(pass.report, at: Date())
            do {
                try write(pass.report, metrics: metrics)
            } catch {
                Console.error("error: \(error)")
                return true
            }
            if plan.output == .json { Console.json(JSONReportRenderer().render(pass.report)) }
            // A pass that leaves something for a person (a blocked replacement, retries used up,
            // a failure nobody retries) is a failed pass; one whose changes only wait is not.
            var tally = RunTally()
            tally.record(pass)
            return ApplyRun.say(RunVerdict(report: pass.report, status: nil, waited: false, tally: tally)) != nil
        case .failure(let error):
            if !(error is ExitCode) { Console.error("error: \(ErrorText.describe(error))") }
            metrics.recordError(at: Date())
            try? writeMetrics(metrics)
            return true
        }
    }

    /// The line that ends a loop: what all its passes did, and whether the last one left
    /// something for a person (its own line, above, says what).
    static func loopLine(_ run: RunTally, lastPassFailed: Bool) -> String {
        let passes = "\(run.passes) \(run.passes == 1 ? "pass" : "passes")"
        return lastPassFailed
            ? "stopped after \(passes): \(run.phrase); the last pass left something that needs a person, see above."
            : "stopped after \(passes): \(run.phrase); the last pass found nothing that needs a person."
    }

    private func write(_ result: ChangeReport, metrics: ReconcileMetrics) throws {
        if let report {
            try Console.writeFile(JSONReportRenderer().render(result), to: report, json: true)
        }
        try writeMetrics(metrics)
    }

    private func writeMetrics(_ metrics: ReconcileMetrics) throws {
        if let metricsTextfile {
            try Console.writeFile(metrics.exposition, to: metricsTextfile)
        }
    }
}

/// SIGTERM/SIGINT: let the pass in progress finish, then leave the loop.
final class ShutdownSignal: StackReconciler.LoopControl {
    private struct State {
        var signal: Int32?
        var sleeper: Task<Void, Never>?
        /// Kept so that the handlers stay installed while the loop runs.
        var sources: [any DispatchSourceSignal]
    }
    private let state: Mutex<State>

    init() {
        let numbers = [SIGTERM, SIGINT]
        state = Mutex(State(sources: numbers.map { number in
            ignoreSignal(number)
            return DispatchSource.makeSignalSource(signal: number, queue: .global())
        }))
        // The handlers need `self`, so they are set once `state` holds the sources.
        state.withLock { state in
            for (number, source) in zip(numbers, state.sources) {
                source.setEventHandler { [weak self] in self?.fire(number) }
                source.resume()
            }
        }
    }

    var stopRequested: Bool { state.withLock { $0.signal != nil } }
    var signal: Int32? { state.withLock { $0.signal } }

    private func fire(_ number: Int32) {
        let task = state.withLock { state -> Task<Void, Never>? in
            state.signal = number
            return state.sleeper
        }
        task?.cancel()
    }

    /// Sleeps, or returns early when a signal arrives.
    func sleep(seconds: Double) async {
        let task = Task<Void, Never> { _ = try? await Task.sleep(for: .milliseconds(Int(seconds * 1000))) }
        let alreadyStopped = state.withLock { state -> Bool in
            state.sleeper = task
            return state.signal != nil
        }
        if alreadyStopped { task.cancel() }
        await task.value
    }
}
