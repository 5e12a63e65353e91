import Foundation
import OMSModels
import Testing
@testable import MigrationPlan

@Suite struct PlanFeaturesTests {
    let base = ["s.yaml": TestSupport.stack + "---\n" + TestSupport.credentials]

    func load(_ extra: [String: String], stack: String? = nil) -> LoadResult {
        var files = base.merging(extra) { $1 }
        if let stack { files["s.yaml"] = stack + "\n---\n" + TestSupport.credentials }
        return TestSupport.load(files, env: TestSupport.env)
    }

    @Test func discoverySkipsHiddenAndUnderscoreAndReadsSubdirectories() throws {
        let r = load(["_drafts/broken.yaml": "not: [valid", ".hidden.yaml": "also: [broken", "notes.txt": "ignored",
                      "deep/er/t.yml": TestSupport.task("a")])
        #expect(!r.hasErrors, "\(r.diagnostics.map(\.rendered))")
        #expect(r.files == ["plan/deep/er/t.yml", "plan/s.yaml"])
        let missing = PlanLoader.load(paths: ["nowhere"], options: LoadOptions(environment: .inMemory(files: [:]), evaluationDate: Date(timeIntervalSince1970: 0)))
        #expect(missing.diagnostics.map(\.rendered) == ["nowhere: error: no such file or directory"])
    }

    @Test func defaultsMergeDeeplyNullRemovesAndGroupsSkipPriority() throws {
        let stack = TestSupport.stack + """
              defaults:
                destination: {credentials: obs, savePrefix: default/}
                options: {priority: LOW, enableKms: true}
                description: from defaults
            """
        let r = load([
            "t.yaml": """
                apiVersion: oms-plan/v1
                kind: MigrationTask
                metadata: {name: a}
                spec:
                  type: prefix
                  source: {cloud: Aliyun, region: cn-hangzhou, bucket: bkt, credentials: src, prefixes: ["x/"]}
                  destination: {bucket: dst, savePrefix: mine/}
                  description: null
                ---
                apiVersion: oms-plan/v1
                kind: MigrationTaskGroup
                metadata: {name: g}
                spec:
                  type: prefix
                  source: {cloud: Aliyun, region: cn-hangzhou, bucket: bkt, credentials: src, prefixes: [""]}
                  destination: {bucket: dst}
                """,
        ], stack: stack)
        #expect(!r.hasErrors, "\(r.diagnostics.map(\.rendered))")
        let state = try #require(r.desiredState)
        let task = try #require(state.tasks.first)
        #expect(task.request.dstNode.savePrefix == "mine/")
        #expect(task.request.dstNode.region == "cn-north-4")
        #expect(task.request.taskPriority == .low)
        #expect(task.request.enableKms == true)
        #expect(task.userDescription == nil)
        let group = try #require(state.taskGroups.first)
        #expect(group.userDescription == "from defaults")
        #expect(group.request.dstNode.savePrefix == "default/")
        #expect(group.location(of: "destination.savePrefix").file == "plan/s.yaml")
    }

    @Test func taskSetsSubstituteWholeValuesAndExpandInDependsOn() throws {
        let r = load([
            "set.yaml": """
                apiVersion: oms-plan/v1
                kind: MigrationTaskSet
                metadata: {name: logs, labels: {team: ops}}
                spec:
                  forEach:
                    - {bucket: web, prefixes: ["a/", "b/"]}
                    - {bucket: api, prefixes: [""]}
                  name: "logs-${item.bucket}"
                  template:
                    type: prefix
                    source: {cloud: AWS, region: us-east-1, bucket: "${item.bucket}", credentials: src, prefixes: "${item.prefixes}"}
                    destination: {bucket: "${item.bucket}-obs", credentials: obs, savePrefix: "$${literal}/"}
                """,
            "t.yaml": TestSupport.task("after", extra: "  dependsOn: [MigrationTaskSet/logs]"),
        ])
        #expect(!r.hasErrors, "\(r.diagnostics.map(\.rendered))")
        let state = try #require(r.desiredState)
        guard case .task(let web)? = state[ResourceAddress(.migrationTask, "logs-web")] else { Issue.record("no logs-web"); return }
        #expect(web.request.srcNode.objectKey == ["a/", "b/"])
        #expect(web.request.dstNode.bucket == "web-obs")
        #expect(web.request.dstNode.savePrefix == "${literal}/")
        #expect(web.labels == ["team": "ops"])
        #expect(web.generatedBy == ResourceAddress(.migrationTaskSet, "logs"))
        let after = ResourceAddress(.migrationTask, "after")
        #expect(Set(state.dependencies(of: after)) == [ResourceAddress(.migrationTask, "logs-web"), ResourceAddress(.migrationTask, "logs-api")])
        #expect(state.order.last == after)
        #expect(state.closure(of: [after]).count == 3)
        #expect(state.select(labels: ["team": "ops"]).count == 2)
        #expect(state.edges.contains(DependencyEdge(from: after, to: ResourceAddress(.credentials, "obs"), kind: .destinationCredentials)))
    }

    @Test func referencesInTypedFields() throws {
        let r = TestSupport.load(base.merging(["t.yaml": TestSupport.task("a", extra: """
              onFailure: {action: restart, maxAttempts: "${env:ATTEMPTS}"}
              options: {enableKms: "${env:KMS}", priority: "${env:PRIO}"}
            """)]) { $1 }, env: TestSupport.env.merging(["ATTEMPTS": "7", "KMS": "true", "PRIO": "HIGH"]) { $1 })
        #expect(!r.hasErrors, "\(r.diagnostics.map(\.rendered))")
        let task = try #require(r.desiredState?.tasks.first)
        #expect(task.onFailure.maxAttempts == 7)
        #expect(task.request.enableKms == true)
        #expect(task.request.taskPriority == .high)
    }

    @Test func warningsDoNotBlockTheGraph() throws {
        let r = TestSupport.load(base.merging(["t.yaml": TestSupport.task("a")]) { $1 }, env: [:])
        #expect(!r.hasErrors)
        #expect(r.diagnostics.count == 4)
        #expect(r.diagnostics.allSatisfy { $0.severity == .warning && $0.message.hasPrefix("secret `spec.") })
        #expect(r.desiredState?.tasks.first?.secrets.isComplete == false)
    }

    @Test func regionOverrideReplacesTheStackRegion() throws {
        let files = base.merging(["t.yaml": TestSupport.task("a")]) { $1 }
        let r = PlanLoader.load(paths: ["plan"], options: LoadOptions(
            environment: .inMemory(files: Dictionary(uniqueKeysWithValues: files.map { ("plan/" + $0.key, $0.value) }),
                                   variables: TestSupport.env),
            evaluationDate: TestSupport.tuesday, regionOverride: "cn-east-3"))
        let state = try #require(r.desiredState)
        #expect(state.stack.region == "cn-east-3")
        #expect(state.tasks.first?.request.dstNode.region == "cn-east-3")
    }

    @Test func renderingAndSummary() {
        let d = Diagnostic(.error, at: SourceLocation(file: "plan/t.yaml", line: 3, column: 7), "unknown field `x`", hint: "did you mean `y`?")
        #expect(d.rendered == "plan/t.yaml:3:7: error: unknown field `x`\n  hint: did you mean `y`?")
        let w = Diagnostic(.warning, at: SourceLocation(file: "p", line: 0, column: 0), "w")
        #expect(w.rendered == "p: warning: w")
        #expect([d, w].summary(files: 2) == "1 error, 1 warning in 2 files")
        #expect([Diagnostic]().summary(files: 1, resources: 3) == "0 errors, 0 warnings in 1 file (3 resources)")
    }
}
