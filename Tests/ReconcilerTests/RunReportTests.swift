import Foundation
import MigrationPlan
import Reconciler
import Testing

/// Issue 23: `apply --output json` reports the whole run (every pass and wave of `--wait`), in
/// a document a reader of one pass's report still reads as before.
@Suite struct RunReportTests {
    static func change(_ name: String, _ action: ChangeAction, _ reasons: [ChangeReason] = [], outcome: ChangeOutcome.Status? = nil)
        -> ResourceChange
    {
        ResourceChange(
            address: ChangeSubject(ResourceAddress(.migrationTask, name)), action: action, reasons: reasons,
            outcome: outcome.map { ChangeOutcome(status: $0) })
    }

    static func report(_ changes: [ResourceChange], at seconds: Double) -> ChangeReport {
        ChangeReport(stack: "s", evaluatedAt: Date(timeIntervalSince1970: seconds), evaluatedDay: "2026-11-24", changes: changes)
    }

    /// Ten creates, then the one that waited for them, then a pass with nothing left to do; the
    /// last task failed in OMS and nothing retries it.
    static func twoWaves() -> (run: RunReport, tally: RunTally, last: ChangeReport) {
        let waits = ChangeReason.waitsFor(ResourceAddress(.migrationTask, "t1"), liveStatus: nil)
        let wave1 = report((1...10).map { change("t\($0)", .create, [.notInOMSYet], outcome: .succeeded) } + [change("late", .blocked, [waits])], at: 0)
        let wave2 = report([change("late", .create, [.notInOMSYet], outcome: .succeeded)] + (1...10).map { change("t\($0)", .noop) }, at: 60)
        let last = report(
            (1...9).map { change("t\($0)", .noop) } + [change("late", .noop), change("t10", .noop, [.failedWithoutPolicy(cause: "TRF.0062")])],
            at: 120)
        var tally = RunTally()
        let passes = [(wave1, true), (wave2, true), (last, false)]
        for (pass, applied) in passes { tally.record(pass, applied: applied) }
        return (RunReport(passes: passes.map { RunReport.Pass(report: $0.0, applied: $0.1) }), tally, last)
    }

    @Test func theWholeRunKeepsWhatEachPassDidAndWhatNeedsAPerson() throws {
        let (run, _, _) = Self.twoWaves()
        let whole = try #require(run.whole)
        #expect(whole.changes.count == 11)
        #expect(whole.summary.create == 10 && whole.summary.noop == 1, "\(whole.summary)")
        #expect(whole.evaluatedAt == Date(timeIntervalSince1970: 0), "evaluated when the run began")
        let late = try #require(whole.changes.first { $0.address.description == "MigrationTask/late" })
        #expect(late.action == .create && late.outcome?.status == .succeeded, "made in the second wave")
        let failed = try #require(whole.changes.first { $0.address.description == "MigrationTask/t10" })
        #expect(failed.action == .noop && failed.reasons.map(\.code) == ["failed_without_policy"], "as the last pass found it")
        #expect(RunReport().whole == nil)
    }

    @Test func theDocumentDescribesTheRunAndListsEveryPass() throws {
        let (run, tally, last) = Self.twoWaves()
        let verdict = RunVerdict(report: last, status: nil, waited: true, tally: tally, run: run)
        let text = JSONRunRenderer().render(verdict)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        for key in JSONReportRenderer.requiredKeys { #expect(root[key] != nil, "\(key)") }
        let summary = try #require(root["summary"] as? [String: Int])
        #expect(summary["create"] == 10 && summary["noop"] == 1, "\(summary)")
        let passes = try #require(root["passes"] as? [[String: Any]])
        #expect(passes.map { $0["pass"] as? Int } == [1, 2, 3])
        #expect(passes.map { $0["applied"] as? Bool } == [true, true, false])
        // Each pass lists what it did or found needing a person, not its unchanged lines.
        #expect(passes.map { ($0["changes"] as? [Any])?.count } == [11, 1, 1])
        #expect((passes[1]["summary"] as? [String: Int])?["create"] == 1)
        // A pass's lines say what happened, not every attribute again.
        let created = try #require((passes[1]["changes"] as? [[String: Any]])?.first)
        #expect(Set(created.keys) == ["address", "action", "liveId", "reasons", "outcome"], "\(created.keys)")
        #expect(created["address"] as? String == "MigrationTask/late" && (created["outcome"] as? [String: Any])?["status"] as? String == "succeeded")
        let result = try #require(root["run"] as? [String: Any])
        #expect(result["waves"] as? Int == 2 && result["passes"] as? Int == 3)
        #expect((result["made"] as? [String: Int]) == ["create": 11])
        #expect(result["done"] as? Bool == false)
        #expect(result["needsAttention"] as? [String] == ["MigrationTask/t10"])

        // A reader of one pass's report reads the whole run from the same keys.
        let decoded = try JSONReportRenderer.decode(Data(text.utf8))
        #expect(decoded.changes.count == 11 && decoded.summary.create == 10)
    }

    @Test func aRunOfOnePassIsTheSameDocumentWithTheRunBeside() throws {
        let single = Self.report([Self.change("a", .create, [.notInOMSYet], outcome: .succeeded), Self.change("b", .noop)], at: 0)
        let run = RunReport(passes: [RunReport.Pass(report: single, applied: true)])
        var tally = RunTally()
        tally.record(single, applied: true)
        let text = JSONRunRenderer().render(RunVerdict(report: single, status: nil, waited: false, tally: tally, run: run))
        var root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(root.removeValue(forKey: "passes") != nil && root.removeValue(forKey: "run") != nil)
        let before = try #require(
            try JSONSerialization.jsonObject(with: Data(JSONReportRenderer().render(single).utf8)) as? [String: Any])
        #expect(NSDictionary(dictionary: root).isEqual(to: before))
    }

    @Test func aRunThatStoppedFollowingSaysSoAndWhatStillMoves() throws {
        let single = Self.report([Self.change("a", .create, [.notInOMSYet], outcome: .succeeded)], at: 0)
        let run = RunReport(passes: [RunReport.Pass(report: single, applied: true)])
        var tally = RunTally()
        tally.record(single, applied: true)
        let text = JSONRunRenderer().render(stoppedFollowing: .timedOut(moving: ["MigrationTask/a"]), tally: tally, run: run)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let result = try #require(root["run"] as? [String: Any])
        #expect(result["done"] as? Bool == false && result["stoppedFollowing"] as? String == "timed_out")
        #expect(result["stillMoving"] as? [String] == ["MigrationTask/a"])
        #expect((root["summary"] as? [String: Int])?["create"] == 1)
    }
}
