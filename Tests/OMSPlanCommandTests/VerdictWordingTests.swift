import Foundation
import MigrationPlan
import OMSModels
import Reconciler
import Testing

@testable import oms_plan

/// Issue 23, part 1 and 2: a run or a diff that cannot do what the plan asks names every
/// address and what to do on its last line; `--unknown-regions` is a typed flag.
@Suite struct VerdictWordingTests {
    typealias G = GateAndLastLineTests

    @Test func theLastLineNamesEachResourceThatNeedsAPersonAndWhatToDo() {
        let noPolicy = G.change("web", .noop, [.failedWithoutPolicy(cause: "TRF.0062")])
        let gaveUp = G.change("logs", .blocked, [.failedGaveUp(cause: nil, attempts: 3, of: 3, address: ResourceAddress(.migrationTask, "logs"))])
        let last = G.report([noPolicy, gaveUp, G.change("ok", .noop)])
        var tally = RunTally()
        tally.record(last, applied: false)
        let verdict = RunVerdict(report: last, status: nil, waited: false, tally: tally)
        let line = ApplyRun.lastLine(verdict)
        #expect(line.hasPrefix("not done: nothing was changed, 1 blocked; 2 resources need a person: "), "\(line)")
        #expect(line.contains("MigrationTask/logs (blocked: failed; gave up after 3 of 3 attempts (`oms-plan reset-attempts PLAN --address MigrationTask/logs` clears the count))"), "\(line)")
        #expect(line.contains("MigrationTask/web (failed (TRF.0062); onFailure is none"), "\(line)")
        #expect(line.contains("set onFailure"), "what to do: \(line)")
        #expect(!line.contains("MigrationTask/ok"))
        #expect(!line.unicodeScalars.contains { CharacterSet.newlines.contains($0) })
    }

    @Test func aResourceThatFailedInOMSFailsTheGateUnderItsOwnName() throws {
        let noPolicy = G.change("web", .noop, [.failedWithoutPolicy(cause: "TRF.0062")])
        #expect(G.gate(G.report([noPolicy, G.change("ok", .noop)])) == 1)
        let line = try #require(DiffGate.lastLine(DiffVerdict(G.report([noPolicy])).blockers))
        #expect(line.hasPrefix("failed: 1 resource failed in OMS and nothing will retry it: MigrationTask/web (failed (TRF.0062)"), "\(line)")
        // A failure beside a blocked create is counted among the blocked changes.
        let mixed = try #require(DiffGate.lastLine(DiffVerdict(G.report([noPolicy, G.change("a", .blocked, [G.wrongRegion])])).blockers))
        #expect(mixed.hasPrefix("blocked: 2 changes cannot be made as the plan is written (1 of them failed in OMS): "), "\(mixed)")
        // A retry that onFailure will make is a change apply can carry out.
        let retrying = G.change("web", .retry, [.failedRetrying(cause: nil, action: "restart", attempt: 1, of: 3)])
        #expect(G.gate(G.report([retrying])) == 2)
    }

    @Test func aRunThatStoppedFollowingNamesWhatStillMovesOrWhyAndWhatToDo() {
        var tally = RunTally()
        tally.record(G.report([G.change("a", .create, [], outcome: .succeeded)]), applied: true)
        let moving = (1...5).map { "MigrationTask/t\($0)" }
        let timedOut = ApplyRun.stoppedLine(.timedOut(moving: moving), tally: tally)
        #expect(timedOut == "not done: 1 created in 1 wave; --wait-timeout passed with 5 still moving (MigrationTask/t1, MigrationTask/t2,"
            + " MigrationTask/t3 and 2 more). Follow them with oms-plan status, or run apply --wait again with a longer --wait-timeout.")
        struct Refused: Error, CustomStringConvertible { var description: String { "OMS.0003: too many\nrequests" } }
        let unreadable = ApplyRun.stoppedLine(.unreadable(Refused()), tally: tally)
        #expect(unreadable.hasPrefix("not done: 1 created in 1 wave; OMS could not be read while following (OMS.0003: too many requests)."), "\(unreadable)")
    }

    @Test func unknownRegionsIsATypedFlagOnEveryCommandThatReadsThePlan() throws {
        #expect(try PlanOptions.parse(["--unknown-regions", "warning"]).source.unknownRegions == .warning)
        #expect(try PlanOptions.parse(["."]).source.unknownRegions == nil)
        #expect(try ValidateCommand.parse(["--unknown-regions", "error"]).source.unknownRegions == .error)
        #expect(throws: (any Error).self) { try PlanOptions.parse(["--unknown-regions", "warn"]) }
        #expect(throws: (any Error).self) { try ValidateCommand.parse(["--unknown-regions", "Warning"]) }
        for command in ["validate", "diff", "apply", "reconcile"] {
            let help = OMSPlanCommand.helpMessage(for: command == "validate" ? ValidateCommand.self
                : command == "diff" ? DiffCommand.self : command == "apply" ? ApplyCommand.self : ReconcileCommand.self)
            #expect(help.contains("--unknown-regions <error|warning>"), "\(command)")
        }
    }

    @Test func theFlagWinsOverTheStackSetting() async throws {
        let plan = FileManager.default.temporaryDirectory.appendingPathComponent("regions-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: plan) }
        try FileManager.default.createDirectory(at: plan, withIntermediateDirectories: true)
        let stack = "apiVersion: oms-plan/v1\nkind: Stack\nmetadata: {name: s}\nspec: {region: cn-north-99, unknownRegions: warning}\n"
        try stack.write(to: plan.appendingPathComponent("stack.yaml"), atomically: true, encoding: .utf8)
        let lenient = await CommandRun.run("validate", plan.path)
        #expect(lenient.code == 0, "\(lenient.err)")
        let strict = await CommandRun.run("validate", plan.path, "--unknown-regions", "error")
        #expect(strict.code == 1, "\(strict.err)")
        #expect(strict.err.contains("cn-north-99"))
        try stack.replacingOccurrences(of: "warning", with: "error").write(to: plan.appendingPathComponent("stack.yaml"), atomically: true, encoding: .utf8)
        #expect(await CommandRun.run("validate", plan.path).code == 1)
        let lowered = await CommandRun.run("validate", plan.path, "--unknown-regions", "warning")
        #expect(lowered.code == 0, "\(lowered.err)")
        #expect(lowered.err.contains("--unknown-regions"), "the warning says what lowered it: \(lowered.err)")
    }
}
