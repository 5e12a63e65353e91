import Foundation
import MigrationPlan
import Reconciler
import Testing

@testable import oms_plan

/// Issue 22: `--target` and `--selector` are typed at parse time (a usage error, exit 64, before
/// any plan is read or OMS is called), and the reconciler narrows the plan from them.
@Suite struct ScopeArgumentTests {
    @Test func targetsAndSelectorsAreParsedAsTypes() throws {
        let options = try PlanOptions.parse([".", "--target", "MigrationTask/a", "--target", "MigrationTaskGroup/g", "--selector", "team=legal"])
        #expect(options.targets == [ResourceAddress(.migrationTask, "a"), ResourceAddress(.migrationTaskGroup, "g")])
        #expect(options.selector == LabelSelector(key: "team", value: "legal"))
    }

    @Test func aTargetOrSelectorThatIsNotOneIsAUsageError() async {
        for arguments in [["--target", "photos"], ["--target", "Nonsense/x"], ["--selector", "team"], ["--selector", "=legal"]] {
            let run = await CommandRun.run("diff", CommandTests.quickstart, arguments[0], arguments[1], "--no-color")
            #expect(run.code == 64, "\(arguments): \(run.code) \(run.err)")
            #expect(run.err.contains(arguments[0]) && !run.err.contains("embedded OMS sandbox"), "\(arguments): \(run.err)")
        }
        let target = await CommandRun.run("diff", CommandTests.quickstart, "--target", "photos")
        #expect(target.err.contains("MigrationTask/name"), "says what an address looks like: \(target.err)")
    }
}
