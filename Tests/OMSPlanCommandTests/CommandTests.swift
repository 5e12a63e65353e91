import Foundation
import MigrationPlan
import Testing

@testable import oms_plan

/// The command line run in-process, as `main` runs it: exit code and the output it printed.
struct CommandRun {
    var code: Int32
    var out: String
    var err: String

    static func run(_ arguments: String...) async -> CommandRun {
        let capture = ConsoleCapture()
        let code = await Console.$capture.withValue(capture) { await OMSPlanCommand.execute(arguments) }
        return CommandRun(code: code, out: capture.out, err: capture.err)
    }
}

@Suite struct CommandTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let quickstart = root + "/examples/quickstart"

    @Test func validateReportsAndExitsByTheContract() async throws {
        let valid = await CommandRun.run("validate", Self.quickstart)
        #expect(valid.code == 0, "\(valid.err)")
        #expect(valid.out.isEmpty && valid.err.contains("valid: 0 errors"))

        let plan = FileManager.default.temporaryDirectory.appendingPathComponent("cmd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: plan) }
        try FileManager.default.createDirectory(at: plan, withIntermediateDirectories: true)
        try "apiVersion: oms-plan/v1\nkind: Stack\nmetadata: {name: s}\nspec: {regoin: cn-north-4}\n"
            .write(to: plan.appendingPathComponent("stack.yaml"), atomically: true, encoding: .utf8)
        let invalid = await CommandRun.run("validate", plan.path, "--json")
        #expect(invalid.code == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(invalid.out.utf8)) as? [String: Any])
        #expect(document["valid"] as? Bool == false)
        #expect((document["diagnostics"] as? [[String: Any]])?.isEmpty == false)
        #expect(invalid.out.contains("\"valid\": false"), "pretty JSON in the reports' style")
    }

    @Test func flagsOutOfRangeAreUsageErrors() async {
        for arguments in [["diff", Self.quickstart, "--request-timeout", "nan"], ["diff", Self.quickstart, "--request-timeout", "inf"],
                          ["apply", Self.quickstart, "--lock-timeout", "1e300"], ["reconcile", Self.quickstart, "--interval", "99999999999999h"],
                          ["reconcile", Self.quickstart, "--once", "--metrics-port", "70000"], ["apply", Self.quickstart, "--parallelism", "0"],
                          ["sandbox", "serve", "--time-scale", "nan"], ["diff", Self.quickstart, "--allow-replace", "photos"]] {
            let run = await CommandRun.run(arguments[0], arguments[1], arguments[2], arguments[3], arguments.count > 4 ? arguments[4] : "--no-color")
            #expect(run.code == 64, "\(arguments): \(run.code) \(run.err)")
            #expect(!run.err.isEmpty, "\(arguments)")
        }
    }

    @Test func schemaPrintsTheFile() async throws {
        let run = await CommandRun.run("schema")
        #expect(run.code == 0)
        #expect(run.out == (try String(contentsOfFile: Self.root + "/schemas/plan.schema.json", encoding: .utf8)))
    }

    @Test func diffAgainstTheEmbeddedSandboxPrintsTheJSONDocument() async throws {
        let run = await CommandRun.run("diff", Self.quickstart, "--output", "json", "--detailed-exitcode")
        #expect(run.code == 2 || run.code == 0, "\(run.err)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        #expect(document["formatVersion"] as? Int == 1)
        #expect(run.err.contains("embedded OMS sandbox"))
    }
}

@Suite struct InitAndVersionTests {
    @Test func initWritesAStarterPlanThatValidatesAsWritten() async throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("init-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: parent) }
        let plan = parent.appendingPathComponent("media-team").path
        let written = await CommandRun.run("init", plan, "--region", "ap-southeast-1")
        #expect(written.code == 0, "\(written.err)")
        let names = try FileManager.default.contentsOfDirectory(atPath: plan).sorted()
        #expect(names == ["credentials.yaml", "plan.schema.json", "schedules.yaml", "stack.yaml", "tasks.yaml"])
        for name in names where name.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: plan + "/" + name, encoding: .utf8)
            #expect(text.hasPrefix("# yaml-language-server: $schema=plan.schema.json\n"), "\(name)")
        }
        let stack = try String(contentsOfFile: plan + "/stack.yaml", encoding: .utf8)
        #expect(stack.contains("name: media-team") && stack.contains("region: ap-southeast-1") && !stack.contains("{{"))
        #expect(try String(contentsOfFile: plan + "/plan.schema.json", encoding: .utf8) == PlanSchema.json)

        let validated = await CommandRun.run("validate", plan)
        #expect(validated.code == 0 && validated.err.contains("valid: 0 errors"), "\(validated.err)")

        // A second init leaves the plan alone unless --force.
        let again = await CommandRun.run("init", plan)
        #expect(again.code == 1 && again.err.contains("already exist"))
        #expect(await CommandRun.run("init", plan, "--force", "--name", "other").code == 0)
        #expect(try String(contentsOfFile: plan + "/stack.yaml", encoding: .utf8).contains("name: other"))
        #expect(await CommandRun.run("init", plan, "--name", "Not_A_Label").code == 64)
        #expect(await CommandRun.run("init", plan, "--region", "cn north").code == 64)
    }

    @Test func versionNamesTheVersionAndTheCommit() async throws {
        let text = await CommandRun.run("version")
        #expect(text.code == 0 && text.out == "oms-plan \(BuildInfo.version) (commit \(BuildInfo.commit))\n")
        let json = await CommandRun.run("version", "--output", "json")
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: String])
        #expect(fields["version"] == BuildInfo.version && fields["commit"] == BuildInfo.commit && fields["platform"]?.hasPrefix("linux-") == true)
    }
}
