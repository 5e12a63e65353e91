import Foundation
import MigrationPlan
import OMSClient
import OMSModels
import Testing

@testable import Reconciler

/// Issue 25, part 2: a Cutover's readiness, its predicted final pass (computed by hand) and its
/// state machine, without OMS.
@Suite struct CutoverEngineTests {
    static let mib: Int64 = 1_048_576
    /// The last pass of every resource started here; the cut-over is 30 minutes later.
    static let lastStart = ISO8601DateFormatter().date(from: "2027-01-14T17:00:00Z")!
    static let at = lastStart.addingTimeInterval(1800)

    /// Stack `cut` (+00:00, cn-north-4), tasks `names` with `incremental: {every: 1h, overlap: 0}`
    /// (`bandwidth` windows when given), a Cutover `go-live` of all of them at `at`, and a task
    /// `next` that dependsOn it.
    static func plan(_ names: [String], bandwidth: String? = nil, require: String = "{maxFinalPass: 4m}", options: String? = nil) throws -> DesiredState {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var text = """
            apiVersion: oms-plan/v1
            kind: Stack
            metadata: {name: cut}
            spec: {region: cn-north-4, serviceTimezone: "+00:00"}
            ---
            apiVersion: oms-plan/v1
            kind: Credentials
            metadata: {name: keys}
            spec: {accessKey: "${env:AK}", secretKey: "${env:SK}"}
            ---
            apiVersion: oms-plan/v1
            kind: Cutover
            metadata: {name: go-live}
            spec:
              of: [\(names.map { "MigrationTask/\($0)" }.joined(separator: ", "))]
              at: "2027-01-14T17:30:00Z"
              require: \(require)

            """
        for name in names + ["next"] {
            text += """
                ---
                apiVersion: oms-plan/v1
                kind: MigrationTask
                metadata: {name: \(name)}
                spec:
                  type: prefix
                  source: {cloud: Aliyun, region: cn-hangzhou, bucket: src, credentials: keys, prefixes: ["\(name)/"]}
                  destination: {bucket: dst, credentials: keys}
                  \(name == "next" ? "dependsOn: [Cutover/go-live]" : "incremental: {every: 1h, overlap: 0}")
                  \(bandwidth.map { "bandwidth: \($0)" } ?? "")
                  \(options.map { "options: \($0)" } ?? "")

                """
        }
        try text.write(to: folder.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
        let result = PlanLoader.load(
            paths: [folder.path],
            options: LoadOptions(environment: PlanEnvironment(variables: ["AK": "a", "SK": "b"], fileSystem: LocalFileSystem()),
                                 evaluationDate: Fixtures.evaluatedAt))
        return try #require(result.desiredState, "\(result.diagnostics.map(\.rendered))")
    }

    /// One succeeded pass: it covered the hour before `lastStart` and copied 600 MiB in 10
    /// minutes (1 MiB/s, listing included): 600 MiB change per hour.
    static func pass(final: Bool = false, status: String = "succeeded", failed: Int64 = 0) -> PassRecord {
        PassRecord(n: final ? 2 : 1, final: final, taskID: "t", migrateSince: lastStart.addingTimeInterval(-3600), start: lastStart,
                   finish: lastStart.addingTimeInterval(600), status: status, objectsListed: 10, objectsFailed: failed,
                   bytesCopied: 600 * mib)
    }

    static func entry(_ name: String, phase: StatusReport.Phase = .finished, failed: Int64 = 0) -> StatusReport.Entry {
        StatusReport.Entry(address: ResourceAddress(.migrationTask, name), liveId: name, status: phase == .finished ? "Succeeded" : "Migrating",
                           phase: phase, progress: phase == .finished ? 1 : 0.4, objectsFailed: failed, settled: phase != .running)
    }

    static func inputs(_ names: [String], phase: StatusReport.Phase = .finished, failed: Int64 = 0, passes: [PassRecord] = [pass()],
                       final: PassRecord? = nil) -> CutoverInputs {
        CutoverInputs(entries: Dictionary(uniqueKeysWithValues: names.map { ("MigrationTask/\($0)", entry($0, phase: phase, failed: failed)) }),
                      passes: { _ in passes }, finalPass: { _ in final },
                      cadence: { _ in IncrementalPolicy(every: 3600, overlap: 0) })
    }

    static func cutover(_ desired: DesiredState) throws -> DesiredCutover {
        try #require(desired.cutovers[ResourceAddress(.cutover, "go-live")])
    }

    // MARK: Prediction, by hand

    /// 30 minutes since the last pass started at 600 MiB/h is 300 MiB; at 1 MiB/s, 300 s.
    @Test func oneResourcePredictsItsDeltaAtItsSpeed() throws {
        let desired = try Self.plan(["photos"])
        let inputs = Self.inputs(["photos"])
        let p = FinalPassPredictor.predict(try Self.cutover(desired), desired: desired, start: Self.at, passes: inputs.passes, cadence: inputs.cadence)
        #expect(p.seconds == 300, "\(p)")
        #expect(p.reason.contains("MigrationTask/photos finishes last: about 300.0 MiB"), "\(p.reason)")
    }

    /// Six equal final passes in one region: five start at `at`, the sixth when the first
    /// slot frees after 300 s, so the freeze is 600 s, not 300.
    @Test func sixResourcesQueueForFiveSlots() throws {
        let names = ["a", "b", "c", "d", "e", "f"]
        let desired = try Self.plan(names)
        let inputs = Self.inputs(names)
        let p = FinalPassPredictor.predict(try Self.cutover(desired), desired: desired, start: Self.at, passes: inputs.passes, cadence: inputs.cadence)
        #expect(p.seconds == 600, "\(p)")
        #expect(p.reason.contains("MigrationTask/f finishes last"), "\(p.reason)")
    }

    /// The pass copied at 2 MiB/s, but the window that holds at the cut-over allows 1 MiB/s:
    /// 300 MiB take 300 s, not 150.
    @Test func theBandwidthWindowAtTheCutoverHolds() throws {
        let desired = try Self.plan(["photos"], bandwidth: "[{start: \"17:00\", end: \"18:30\", limit: 1MiB/s}, {start: \"18:30\", end: \"17:00\", limit: 100MiB/s}]")
        let slow = PassRecord(n: 1, migrateSince: Self.lastStart.addingTimeInterval(-3600), start: Self.lastStart,
                              finish: Self.lastStart.addingTimeInterval(300), status: "succeeded", bytesCopied: 600 * Self.mib)
        let p = FinalPassPredictor.predict(try Self.cutover(desired), desired: desired, start: Self.at,
                                           passes: { _ in [slow] }, cadence: { _ in IncrementalPolicy(every: 3600, overlap: 0) })
        #expect(p.seconds == 300, "\(p)")
    }

    /// Figures from a ledger or OMS can be anything: sums past Int64, a pass of a millisecond
    /// that copied exabytes. The prediction says something (or why not) and never traps.
    @Test func extremeFiguresNeverCrashThePrediction() throws {
        let desired = try Self.plan(["photos"])
        let huge = PassRecord(n: 1, migrateSince: Self.lastStart.addingTimeInterval(-0.001), start: Self.lastStart,
                              finish: Self.lastStart.addingTimeInterval(0.001), status: "succeeded", bytesCopied: .max)
        let p = FinalPassPredictor.predict(try Self.cutover(desired), desired: desired, start: Self.at,
                                           passes: { _ in [huge, huge, huge] }, cadence: { _ in IncrementalPolicy(every: 3600, overlap: 0) })
        #expect(p.seconds != nil || p.reason.hasPrefix("cannot predict"), "\(p)")
        #expect(FinalPassPredictor.clampedInt64(.infinity) == .max && FinalPassPredictor.clampedInt64(-1e300) == .min)
        #expect(FinalPassPredictor.clampedInt64(.nan) == 0 && FinalPassPredictor.clampedInt64(2.5) == 3)
    }

    /// `state/<stack>.cutovers.json` is read within a bound, like the other state files.
    @Test func anOversizedCutoverRecordIsRefusedNotRead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-bound-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("s.cutovers.json")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(CutoverLedger.maximumBytes) + 1)
        try handle.close()
        #expect(throws: LedgerError.self) { _ = try CutoverLedger(url: url) }
    }

    @Test func withoutAPassThereIsNoPredictionAndItSaysWhy() throws {
        let desired = try Self.plan(["photos"])
        let p = FinalPassPredictor.predict(try Self.cutover(desired), desired: desired, start: Self.at, passes: { _ in [] },
                                           cadence: { _ in IncrementalPolicy(every: 3600, overlap: 0) })
        #expect(p.seconds == nil)
        #expect(p.reason == "cannot predict: MigrationTask/photos has no finished incremental pass yet")
    }

    // MARK: Readiness and states

    @Test func readyBeforeAtWithAWarningOverMaxFinalPass() throws {
        let desired = try Self.plan(["photos"], require: "{maxFinalPass: 4m}")
        let step = CutoverEvaluator.step(try Self.cutover(desired), desired: desired, inputs: Self.inputs(["photos"]), record: nil,
                                         now: Self.at.addingTimeInterval(-60))
        #expect(step.record.state == .ready)
        #expect(step.requestFinal.isEmpty)
        #expect(step.status.predictedFinalPass == 300)
        #expect(step.status.warnings == ["the final pass is predicted to take 5m0s, longer than require.maxFinalPass (4m0s)"])
    }

    @Test func waitingNamesWhatBlocks() throws {
        let desired = try Self.plan(["photos"])
        let running = CutoverEvaluator.step(try Self.cutover(desired), desired: desired, inputs: Self.inputs(["photos"], phase: .running),
                                            record: nil, now: Self.at.addingTimeInterval(-60))
        #expect(running.record.state == .waiting)
        #expect(running.record.reasons == ["MigrationTask/photos's full copy is Migrating (40%)"])
        let failedObjects = CutoverEvaluator.step(try Self.cutover(desired), desired: desired, inputs: Self.inputs(["photos"], failed: 2),
                                                  record: nil, now: Self.at.addingTimeInterval(-60))
        #expect(failedObjects.record.reasons == ["2 failed objects not accepted by acceptFailures (require.unacceptedFailures allows 0)"])
        let allowed = try Self.plan(["photos"], require: "{unacceptedFailures: 2}")
        #expect(CutoverEvaluator.step(try Self.cutover(allowed), desired: allowed, inputs: Self.inputs(["photos"], failed: 2),
                                      record: nil, now: Self.at.addingTimeInterval(-60)).record.state == .ready)
        let noPass = CutoverEvaluator.step(try Self.cutover(desired), desired: desired, inputs: Self.inputs(["photos"], passes: []),
                                           record: nil, now: Self.at.addingTimeInterval(-60))
        #expect(noPass.record.reasons == ["MigrationTask/photos has no finished incremental pass yet"])
    }

    @Test func atItsTimeTheFinalPassesAreAskedForThenVerified() throws {
        let desired = try Self.plan(["photos"])
        let cutover = try Self.cutover(desired)
        let start = CutoverEvaluator.step(cutover, desired: desired, inputs: Self.inputs(["photos"]), record: nil, now: Self.at)
        #expect(start.record.state == .running)
        #expect(start.requestFinal == [ResourceAddress(.migrationTask, "photos")])
        let follow = CutoverEvaluator.step(cutover, desired: desired,
                                           inputs: Self.inputs(["photos"], final: Self.pass(final: true, status: "running")),
                                           record: start.record, now: Self.at.addingTimeInterval(60))
        #expect(follow.record.state == .running)
        #expect(follow.record.reasons == ["MigrationTask/photos's final pass is running"])
        let done = CutoverEvaluator.step(cutover, desired: desired, inputs: Self.inputs(["photos"], final: Self.pass(final: true)),
                                         record: follow.record, now: Self.at.addingTimeInterval(600))
        #expect(done.record.state == .done, "\(done.record.reasons)")
        #expect(done.record.reasons.isEmpty)
        let failed = CutoverEvaluator.step(cutover, desired: desired, inputs: Self.inputs(["photos"], final: Self.pass(final: true, failed: 3)),
                                           record: follow.record, now: Self.at.addingTimeInterval(600))
        #expect(failed.record.state == .failed)
        #expect(failed.record.reasons == ["3 objects failed in the final passes"])
    }

    @Test func verificationFailsWithoutConsistencyChecks() throws {
        let desired = try Self.plan(["photos"], bandwidth: nil, options: "{consistencyCheck: no_check}")
        let cutover = try Self.cutover(desired)
        let started = CutoverEvaluator.step(cutover, desired: desired, inputs: Self.inputs(["photos"]), record: nil, now: Self.at)
        let done = CutoverEvaluator.step(cutover, desired: desired, inputs: Self.inputs(["photos"], final: Self.pass(final: true)),
                                         record: started.record, now: Self.at.addingTimeInterval(600))
        #expect(done.record.state == .failed)
        #expect(done.record.reasons == ["MigrationTask/photos has options.consistencyCheck: no_check, so OMS verified none of its objects"],
                "\(done.record.reasons)")
    }

    @Test func nowStartsBeforeAtAndAFailedOneOnlyAgainWhenAsked() throws {
        let desired = try Self.plan(["photos"])
        let cutover = try Self.cutover(desired)
        let early = Self.at.addingTimeInterval(-3600)
        let asked = CutoverRecord(requestedAt: early)
        #expect(CutoverEvaluator.step(cutover, desired: desired, inputs: Self.inputs(["photos"]), record: asked, now: early).record.state == .running)
        let failed = CutoverRecord(state: .failed, reasons: ["x"], requestedAt: early, finishedAt: early.addingTimeInterval(10))
        #expect(CutoverEvaluator.step(cutover, desired: desired, inputs: Self.inputs(["photos"]), record: failed, now: Self.at).record.state == .failed)
        var again = failed
        again.requestedAt = early.addingTimeInterval(20)
        #expect(CutoverEvaluator.step(cutover, desired: desired, inputs: Self.inputs(["photos"]), record: again, now: Self.at).record.state == .running)
    }

    @Test func theStatusJSONHasEveryKeyWithNullWhenUnpredicted() throws {
        let status = CutoverStatus(name: "go-live", state: .waiting, at: nil, predictedFinalPass: nil, predictionReason: "cannot predict: x",
                                   maxFinalPass: nil, reasons: ["r"], warnings: [])
        let text = try PrettyJSON.render(status)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["name", "state", "at", "predictedFinalPass", "predictionReason", "reasons", "warnings"], "\(text)")
        #expect(object["predictedFinalPass"] is NSNull && object["at"] is NSNull, "\(text)")
        #expect(object["state"] as? String == "waiting")
    }

    @Test func theMetricsCarryStateAndPrediction() throws {
        var status = StatusReport(desired: try Self.plan(["photos"]), live: LiveState(tasks: [], groups: [], readAt: Self.at))
        status.cutovers = [CutoverStatus(name: "go-live", state: .running, at: Self.at, predictedFinalPass: 300, predictionReason: nil,
                                         maxFinalPass: nil, reasons: [], warnings: [])]
        let metrics = ReconcileMetrics()
        metrics.record(status: status)
        #expect(metrics.exposition.contains("oms_plan_cutover_state{stack=\"cut\",name=\"go-live\"} 2"), "\(metrics.exposition)")
        #expect(metrics.exposition.contains("oms_plan_cutover_predicted_seconds{stack=\"cut\",name=\"go-live\"} 300"))
    }
}

/// `diff` shows each Cutover and warns when its predicted final pass exceeds maxFinalPass.
@Suite struct CutoverDiffViewTests {
    @Test func diffTextMarkdownAndJSONCarryTheWarning() throws {
        let desired = try CutoverEngineTests.plan(["photos"])
        var report = ChangePlanner.plan(desired: desired, live: LiveState(tasks: [], groups: [], readAt: CutoverEngineTests.at),
                                        options: DiffOptions(), now: CutoverEngineTests.at).report
        let warning = "the final pass is predicted to take 5m0s, longer than require.maxFinalPass (4m0s)"
        report.cutovers = [CutoverStatus(name: "go-live", state: .ready, at: CutoverEngineTests.at, predictedFinalPass: 300,
                                         predictionReason: "r", maxFinalPass: 240, reasons: [], warnings: [warning])]
        let text = TextReportRenderer().render(report)
        #expect(text.contains("cutover go-live: ready; at 2027-01-14 17:30"), "\(text)")
        #expect(text.contains("  warning: " + warning), "\(text)")
        #expect(MarkdownReportRenderer().render(report).contains("  - warning: " + warning))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReportRenderer().render(report).utf8)) as? [String: Any])
        let cutovers = try #require(json["cutovers"] as? [[String: Any]])
        #expect(cutovers.first?["predictedFinalPass"] as? Double == 300 && (cutovers.first?["warnings"] as? [String]) == [warning])
        // Without Cutovers nothing is added (the goldens stay as they are).
        report.cutovers = nil
        #expect(!TextReportRenderer().render(report).contains("cutover"))
    }
}

/// The live page's "Cut-overs" section: state and prediction as data attributes, every text escaped.
@Suite struct CutoverPageTests {
    @Test func thePageShowsEachCutoverEscaped() throws {
        let desired = try CutoverEngineTests.plan(["photos"])
        var status = StatusReport(desired: desired, live: LiveState(tasks: [], groups: [], readAt: CutoverEngineTests.at))
        status.cutovers = [CutoverStatus(name: "go-live", state: .waiting, at: nil, predictedFinalPass: 300, predictionReason: "r",
                                         maxFinalPass: 240, reasons: ["MigrationTask/photos failed (<script>x</script>)"],
                                         warnings: ["longer than require.maxFinalPass"])]
        let board = StatusBoard()
        board.setDesired(desired)
        board.record(status, history: ObservationHistory())
        let html = StatusPageRenderer(now: CutoverEngineTests.at).render(board.snapshot)
        #expect(html.contains("<section id=\"cutovers\"><h2>Cut-overs</h2>"), "\(html)")
        #expect(html.contains("<li data-state=\"waiting\" data-predicted-seconds=\"300\" class=\"warn\">"), "\(html)")
        #expect(html.contains("&lt;script&gt;x&lt;/script&gt;") && !html.contains("<script>x"), "\(html)")
        // Without Cutovers there is no section.
        status.cutovers = nil
        board.record(status, history: ObservationHistory())
        #expect(!StatusPageRenderer(now: CutoverEngineTests.at).render(board.snapshot).contains("cutovers"))
    }
}
