import Foundation
import MigrationPlan
import OMSModels
import Reconciler
import Testing

@testable import oms_plan

/// Issue 23, part 1: `diff --detailed-exitcode` never passes a plan that cannot be carried out,
/// and the last line of apply and reconcile sums up the whole run.
@Suite struct GateAndLastLineTests {
    static func change(_ name: String, _ action: ChangeAction, _ reasons: [ChangeReason] = [], outcome: ChangeOutcome.Status? = nil)
        -> ResourceChange
    {
        ResourceChange(
            address: ChangeSubject(ResourceAddress(.migrationTask, name)), action: action, reasons: reasons,
            outcome: outcome.map { ChangeOutcome(status: $0) })
    }

    static func report(_ changes: [ResourceChange]) -> ChangeReport {
        ChangeReport(stack: "s", evaluatedAt: Date(timeIntervalSince1970: 0), evaluatedDay: nil, changes: changes)
    }

    static func gate(_ report: ChangeReport) -> Int32 { DiffGate.detailedExitCode(DiffVerdict(report)) }

    static let wrongRegion = ChangeReason.preflight("pre-flight: destination bucket shop-obs is in cn-north-4, the plan says cn-nort-4")

    @Test func aBlockedChangeFailsTheGateAndAWaitingOneDoesNot() {
        let blocked = Self.report([Self.change("a", .blocked, [.notInOMSYet, Self.wrongRegion]), Self.change("b", .create, [.notInOMSYet])])
        #expect(Self.gate(blocked) == 1)
        #expect(DiffVerdict(blocked).blockers.map(\.address.description) == ["MigrationTask/a"])

        // Everything blocked, nothing else to change: still 1 (it used to be 0).
        let allBlocked = Self.report([Self.change("a", .blocked, [.notInOMSYet, Self.wrongRegion])])
        #expect(Self.gate(allBlocked) == 1)

        // A replacement of moved data that is not allowed, and a blocked change with no reason.
        let replacement = ChangeReason.replacementWouldRestart(kind: "task", moved: "1 GB", address: ResourceAddress(.migrationTask, "r"))
        #expect(Self.gate(Self.report([Self.change("r", .blocked, [replacement])])) == 1)
        #expect(Self.gate(Self.report([Self.change("q", .blocked)])) == 1)

        // Waiting for a dependency is progress: apply makes it once the dependency succeeds.
        let waits = ChangeReason.waitsFor(ResourceAddress(.migrationTask, "a"), liveStatus: "Migrating")
        #expect(Self.gate(Self.report([Self.change("b", .blocked, [waits]), Self.change("a", .noop)])) == 0)
        #expect(Self.gate(Self.report([Self.change("b", .blocked, [waits]), Self.change("c", .create)])) == 2)
        #expect(Self.gate(Self.report([Self.change("a", .noop)])) == 0)
        #expect(DiffGate.lastLine(DiffVerdict(Self.report([Self.change("b", .blocked, [waits])])).blockers) == nil)
    }

    @Test func theGateLineNamesEachBlockedAddressAndWhyOnOneCappedLine() throws {
        var changes = (1...12).map { Self.change(String(format: "t%02d", $0), .blocked, [.notInOMSYet, Self.wrongRegion]) }
        changes.append(Self.change("u", .blocked, [.preflight("pre-flight: list file l/x.txt:\nOMS.1018: no bucket")]))
        changes.append(Self.change("v", .blocked, [.preflight("pre-flight: other")]))
        changes.append(Self.change("w", .blocked, [.preflight("pre-flight: yet another")]))
        let line = try #require(DiffGate.lastLine(DiffVerdict(Self.report(changes)).blockers))
        #expect(!line.unicodeScalars.contains { CharacterSet.newlines.contains($0) }, "one line: \(line)")
        #expect(line.hasPrefix("blocked: 15 changes cannot be made as the plan is written: "))
        #expect(line.contains("MigrationTask/t01, MigrationTask/t02, MigrationTask/t03 and 9 more (pre-flight: destination bucket shop-obs is in cn-north-4, the plan says cn-nort-4)"), "\(line)")
        #expect(line.contains("MigrationTask/u (pre-flight: list file l/x.txt: OMS.1018: no bucket)"), "\(line)")
        #expect(line.contains("; and 1 more blocked for other reasons"), "\(line)")
        #expect(!line.contains("not in OMS yet"), "only what needs a person")
        #expect(!line.contains("MigrationTask/t04"))
    }

    @Test func aSecretHoldingALineSeparatorIsMaskedBeforeTheLineIsMadeOne() throws {
        // Turned into a space first, the secret would reach stderr in a form no redactor knows.
        let secret = "gate-canary\u{2028}0123456789abcdef"
        SecretRedactor.shared.register(secret)
        let line = try #require(DiffGate.lastLine([Self.change("s", .blocked, [.preflight("pre-flight: prefix \(secret)/ in b: no objects found")])]))
        #expect(!line.contains("0123456789abcdef"), "\(line)")
        #expect(line.contains(SecretRedactor.mask))
    }

    @Test func theLastLineCountsEveryWaveOfTheRun() {
        let wave1 = Self.report(
            (1...10).map { Self.change("t\($0)", .create, [.notInOMSYet], outcome: .succeeded) }
                + [Self.change("late", .blocked, [.waitsFor(ResourceAddress(.migrationTask, "t1"), liveStatus: nil)])])
        let wave2 = Self.report([Self.change("late", .create, [.notInOMSYet], outcome: .succeeded)] + (1...10).map { Self.change("t\($0)", .noop) })
        let last = Self.report((1...10).map { Self.change("t\($0)", .noop) } + [Self.change("late", .noop)])
        var tally = RunTally()
        tally.record(wave1, applied: true)
        tally.record(wave2, applied: true)
        tally.record(last, applied: false)
        #expect(tally.phrase == "11 created in 2 waves")
        #expect(tally.passes == 3 && tally.waves == 2)
        let line = ApplyRun.lastLine(RunVerdict(report: last, tally: tally, problems: [], waitingForLaterRun: [], settled: true))
        #expect(line == "done: 11 created in 2 waves, all settled; OMS matches the plan and nothing needs a person.")
        #expect(!line.contains("already matched"))

        // A run that changed nothing says so; failures and blocked changes are counted.
        #expect(ApplyRun.lastLine(RunVerdict(report: last, status: nil, waited: false, tally: RunTally()))
            == "done: OMS already matched the plan; nothing needs a person.")
        var failing = RunTally()
        let broken = Self.report([
            Self.change("a", .create, [], outcome: .succeeded), Self.change("b", .create, [], outcome: .failed),
            Self.change("c", .blocked, [Self.wrongRegion], outcome: .unchanged),
        ])
        failing.record(broken, applied: true)
        let verdict = RunVerdict(report: broken, status: nil, waited: false, tally: failing)
        #expect(verdict.problems.count == 2 && !verdict.isDone)
        let notDone = ApplyRun.lastLine(verdict)
        #expect(notDone.hasPrefix("not done: 1 created, 1 failed in 1 wave, 1 blocked; 2 resources need a person"), "\(notDone)")
    }

    @Test func aLoopEndsWithTheSumOfItsPasses() {
        var tally = RunTally()
        tally.record(Self.report([Self.change("a", .create, [], outcome: .succeeded)]), applied: true)
        tally.record(Self.report([Self.change("a", .update, [], outcome: .succeeded)]), applied: true)
        tally.record(Self.report([Self.change("a", .noop)]), applied: false)
        #expect(ReconcileCommand.loopLine(tally, lastPassFailed: false)
            == "stopped after 3 passes: 1 created, 1 updated in 2 waves; the last pass found nothing that needs a person.")
    }
}
