import Foundation
import MigrationPlan
import OMSClient
import Reconciler
import Synchronization
import Testing

@testable import OMSSandbox

/// Issue 22: `StackReconciler` owns the whole run: the waves of `apply --wait`, the verdict,
/// `status()`, the scope of `--target`/`--selector`, and the state folder's layout.
@Suite("whole run", .serialized)
struct WholeRunTests {
    @Test func waitFollowsTheWavesAndTheVerdictCountsThemAll() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 2)
            try e2e.seedSource(prefix: "b/", objects: 2)
            try e2e.writePlan([PlanText.task("a"), PlanText.task("b", extra: ["  dependsOn: [MigrationTask/a]"])])
            let desired = try e2e.load()
            let reconciler = e2e.reconciler(ledger: MemoryAttemptLedger())
            let reviews = Mutex<[Bool]>([])
            let passes = Mutex(0)
            let reads = Mutex<[Bool]>([])
            let outcome = try await e2e.withEngineRunning {
                try await reconciler.applyRun(
                    desired, options: StackReconciler.Options(preflight: false), wait: StackReconciler.Wait(interval: .milliseconds(20)),
                    review: { _, first in
                        reviews.withLock { $0.append(first) }
                        return true
                    },
                    onPass: { _ in passes.withLock { $0 += 1 } },
                    onStatus: { _, first in reads.withLock { $0.append(first) } })
            }
            guard case .finished(let verdict) = outcome else {
                Issue.record("stopped following: \(outcome)")
                return
            }
            #expect(verdict.isDone && verdict.settled && verdict.problems.isEmpty)
            #expect(verdict.tally.made[.create] == 2 && verdict.tally.waves == 2, "\(verdict.tally)")
            // Only the first pass is the user's; each later pass is a wave of it.
            #expect(reviews.withLock { $0 } == [true, false])
            #expect(passes.withLock { $0 } == verdict.tally.passes)
            // Each following starts a new table.
            #expect(reads.withLock { $0 }.filter { $0 }.count >= 2)
            _ = try await e2e.ownedTask("b")
        }
    }

    @Test func aDeadlinePassedStopsFollowingWithWhatStillMoves() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSlowSource(prefix: "a/")
            try e2e.writePlan([PlanText.task("a")])
            let desired = try e2e.load()
            let reconciler = e2e.reconciler(ledger: MemoryAttemptLedger())
            let outcome = try await reconciler.applyRun(
                desired, options: StackReconciler.Options(preflight: false), wait: StackReconciler.Wait(deadline: Date(timeIntervalSinceNow: -1)))
            guard case .stoppedFollowing(.timedOut(let moving), let tally, let run) = outcome else {
                Issue.record("not stopped by the deadline: \(outcome)")
                return
            }
            #expect(moving == ["MigrationTask/a"])
            #expect(tally.made[.create] == 1 && tally.passes == 1)
            #expect(run.passes.count == 1 && run.whole?.summary.create == 1)
        }
    }

    /// A task that ends Failed while the run follows it gets a pass of its own: its onFailure
    /// retries it within the run, and once the attempts are used up that pass names it as
    /// needing a person (it used to be only a status line the last line could not name).
    @Test func aTaskThatFailsWhileFollowedIsRetriedThenNamedByThePlan() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "f/", objects: 1)
            try e2e.writePlan([
                PlanText.task("f", type: "object", objects: ["f/object-00000.bin"], extra: ["  onFailure: {action: restart, maxAttempts: 1}"])
            ])
            let desired = try e2e.load()
            let reconciler = e2e.reconciler(ledger: MemoryAttemptLedger())
            _ = try await reconciler.apply(desired, options: StackReconciler.Options(preflight: false))
            // The key goes missing after the create: the task fails once the engine runs.
            try e2e.removeSource("f/object-00000.bin")
            let outcome = try await e2e.withEngineRunning {
                try await reconciler.applyRun(
                    desired, options: StackReconciler.Options(preflight: false), wait: StackReconciler.Wait(interval: .milliseconds(20)))
            }
            guard case .finished(let verdict) = outcome else {
                Issue.record("stopped following: \(outcome)")
                return
            }
            #expect(!verdict.isDone)
            #expect(verdict.tally.made[.retry] == 1, "retried within the run: \(verdict.tally)")
            #expect(verdict.problems.map(\.address) == ["MigrationTask/f"])
            guard case .unresolved(let change, let reasons)? = verdict.problems.first else {
                Issue.record("not named by the plan: \(verdict.problems)")
                return
            }
            #expect(change.action == .blocked && reasons.map(\.code) == ["failed_gave_up"], "\(reasons)")
            // The report of the whole run keeps the retry the last pass no longer shows.
            #expect(verdict.run.passes.map(\.applied) == [false, true, false], "\(verdict.run.passes.map(\.applied))")
            #expect(verdict.wholeReport.changes.map(\.action) == [.blocked])
        }
    }

    @Test func withoutWaitingWhatWaitsIsForALaterRunAndNotAProblem() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "a/", objects: 2)
            try e2e.writePlan([PlanText.task("a"), PlanText.task("b", extra: ["  dependsOn: [MigrationTask/a]"])])
            let desired = try e2e.load()
            let outcome = try await e2e.reconciler(ledger: MemoryAttemptLedger())
                .applyRun(desired, options: StackReconciler.Options(preflight: false))
            guard case .finished(let verdict) = outcome else {
                Issue.record("\(outcome)")
                return
            }
            #expect(verdict.isDone && !verdict.settled)
            #expect(verdict.waitingForLaterRun.map(\.address.description) == ["MigrationTask/b"])
        }
    }

    @Test func statusRecordsTheReadInTheHistoryItWasGiven() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSlowSource(prefix: "a/")
            try e2e.writePlan([PlanText.task("a")])
            let desired = try e2e.load()
            let reconciler = e2e.reconciler(ledger: MemoryAttemptLedger())
            _ = try await reconciler.apply(desired, options: StackReconciler.Options(preflight: false))
            var history = ObservationHistory()
            let status = try await reconciler.status(of: desired, history: &history)
            #expect(status.entries.map(\.address) == ["MigrationTask/a"])
            #expect(!status.settled && history.resources["MigrationTask/a"]?.count == 1)
            #expect(status.entries.first?.forecastReason != nil, "forecast from the history")
        }
    }
}

@Suite struct ScopeAndStateFolderTests {
    @Test func targetsCloseOverDependenciesAndSelectorsIntersect() throws {
        let desired = try Fixtures.quickstart()
        let photos2023 = ResourceAddress(.migrationTask, "photos-2023")
        let photos2024 = ResourceAddress(.migrationTask, "photos-2024")
        #expect(RunScope().addresses(in: desired) == nil)
        #expect(RunScope(targets: [photos2024]).addresses(in: desired) == [photos2023, photos2024])
        let legal = try #require(LabelSelector(parsing: "team=legal"))
        #expect(RunScope(selector: legal).addresses(in: desired) == [ResourceAddress(.migrationTask, "docs")])
        #expect(RunScope(targets: [photos2024], selector: legal).addresses(in: desired) == [])
    }

    @Test func aSelectorSplitsAtTheFirstEqualsScalar() {
        #expect(LabelSelector(parsing: "team=legal") == LabelSelector(key: "team", value: "legal"))
        #expect(LabelSelector(parsing: "k==v") == LabelSelector(key: "k", value: "=v"))
        // An `=` followed by a combining mark is one Character, but still the separator.
        #expect(LabelSelector(parsing: "k=\u{301}v") == LabelSelector(key: "k", value: "\u{301}v"))
        for bad in ["", "k", "=v", "k=", "=", "=="] { #expect(LabelSelector(parsing: bad) == nil, "\(bad)") }
    }

    @Test func missedDeadlinesAreTheResourcesThenTheStacks() throws {
        let desired = try StatusForecastTests.plan()
        guard case .task(let a)? = desired[ResourceAddress(.migrationTask, "a")] else { Issue.record("no task a"); return }
        var live = try Fixtures.live(a, id: 1, status: .migrating)
        // 36,000 MiB at 10 MiB/s from 09:00Z: a finishes 10:00, b (18,000 MiB) 10:30.
        (live.totalSize, live.completeSize, live.migrateSpeed) = (36_000 * StatusForecastTests.mib, 0, 10 * StatusForecastTests.mib)
        let now = try #require(ISO8601DateFormatter().date(from: "2026-11-24T09:00:00Z"))
        var report = StatusReport(desired: desired, live: LiveState(tasks: [live], groups: [], readAt: now))
        report.addForecasts(desired: desired, history: ObservationHistory(),
                            sizes: [ResourceAddress(.migrationTask, "b"): SizeEstimate(bytes: 18_000 * StatusForecastTests.mib, isLowerBound: false)])
        // a keeps its 12:00 deadline; the stack misses 10:15 by 15 minutes.
        #expect(report.missedDeadlines == [
            StatusReport.MissedDeadline(address: nil, deadline: try #require(desired.stack.deadline), lateBy: 900)
        ])
        report.entries[0].deadlineSlack = -60
        #expect(report.missedDeadlines.map(\.address) == ["MigrationTask/a", nil])
    }

    @Test func theStateFolderIsLaidOutInOnePlace() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("oms-plan-state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = StateFolder(root: root)
        #expect(folder.attempts(stack: "s").path == root.path + "/state/s.attempts.json")
        #expect(folder.adopted(stack: "s").path == root.path + "/state/s.adopted.json")
        #expect(folder.history(stack: "s").path == root.path + "/state/s.history.json")
        #expect(folder.sandbox.path == root.path + "/sandbox")
        #expect(StateFolder.current.attempts(stack: "s").path.hasSuffix("/.oms-plan/state/s.attempts.json"))
        try folder.prepare()
        let attributes = try FileManager.default.attributesOfItem(atPath: root.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        #expect(try String(contentsOf: root.appendingPathComponent(".gitignore"), encoding: .utf8).hasSuffix("*\n"))

        // The reconciler keeps its ledger where the layout says (reset-attempts clears it there).
        let client = try OMSClient(configuration: OMSClientConfiguration(
            endpoint: "http://127.0.0.1:9", projectId: "p", authentication: .accessKey(.init(accessKey: "a", secretKey: "b"))))
        let reconciler = StackReconciler(client: client, stateDirectory: root)
        #expect(reconciler.stateFolder == folder)
        let address = ResourceAddress(.migrationTask, "t")
        try reconciler.ledger(stack: "s").record(address: address, liveId: "7")
        #expect(FileManager.default.fileExists(atPath: folder.attempts(stack: "s").path))
        #expect(try FileAttemptLedger(url: folder.attempts(stack: "s")).reset(address: address) == 1)
    }
}
