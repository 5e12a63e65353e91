import Foundation
import OMSModels
import Testing
@testable import MigrationPlan

/// Issue 24, part 4: `acceptFailures` is read, located, refused where it makes no sense, and
/// never part of a resource's identity.
@Suite struct AcceptFailuresTests {
    let base = ["s.yaml": TestSupport.stack + "---\n" + TestSupport.credentials]

    func load(_ extra: [String: String], stack: String? = nil) -> LoadResult {
        var files = base.merging(extra) { $1 }
        if let stack { files["s.yaml"] = stack + "\n---\n" + TestSupport.credentials }
        return TestSupport.load(files, env: TestSupport.env)
    }

    func group(_ name: String, extra: String = "") -> String {
        """
        apiVersion: oms-plan/v1
        kind: MigrationTaskGroup
        metadata: {name: \(name)}
        spec:
          type: prefix
          source: {cloud: Aliyun, region: cn-hangzhou, bucket: bkt, credentials: src, prefixes: ["x/"]}
          destination: {bucket: dst, credentials: obs}
        \(extra)
        """
    }

    /// The errors of a load, rendered (`file:line:column: error: message`).
    func errors(_ r: LoadResult) -> [String] { r.diagnostics.filter { $0.severity == .error }.map(\.rendered) }

    @Test func tasksAndGroupsCarryTheirAcceptancesWithPositions() throws {
        let r = load([
            "t.yaml": TestSupport.task("a", extra: """
                  acceptFailures:
                    - reason: "deleted at the source before the cut-over (ticket OPS-1234)"
                      keys: ["photos/2023/broken.jpg"]
                    - {reason: scratch files, prefix: "photos/tmp/", codes: [NoSuchKey, OMS.0402]}
                """),
            "g.yaml": group("g", extra: "  acceptFailures: [{reason: gone, codes: [NoSuchKey]}]"),
        ])
        #expect(!r.hasErrors, "\(r.diagnostics.map(\.rendered))")
        let state = try #require(r.desiredState)
        let task = try #require(state.tasks.first)
        #expect(task.acceptFailures.map(\.reason) == ["deleted at the source before the cut-over (ticket OPS-1234)", "scratch files"])
        #expect(task.acceptFailures[0].keys == ["photos/2023/broken.jpg"])
        #expect(task.acceptFailures[0].declaredAt == SourceLocation(file: "plan/t.yaml", line: 9, column: 7))
        #expect(task.acceptFailures[1].prefix == "photos/tmp/")
        #expect(task.acceptFailures[1].codes == ["NoSuchKey", "OMS.0402"])
        #expect(task.acceptFailures[1].matcherSummary == "prefix photos/tmp/, codes NoSuchKey, OMS.0402")
        let group = try #require(state.taskGroups.first)
        #expect(group.acceptFailures == [FailureAcceptance(reason: "gone", codes: ["NoSuchKey"],
                                                           declaredAt: SourceLocation(file: "plan/g.yaml", line: 8, column: 20))])
    }

    /// The valid documents `schema_agreement.py` checks the schema accepts load in Swift too.
    @Test func theSchemaAgreementsValidDocumentsLoad() throws {
        let text = """
            apiVersion: oms-plan/v1
            kind: MigrationTask
            metadata: {name: photos}
            spec:
              type: prefix
              source: {cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: src, prefixes: ["2024/"]}
              destination: {bucket: photos-obs, credentials: obs}
              acceptFailures:
                - reason: "deleted at the source before the cut-over (ticket OPS-1234)"
                  keys: ["photos/2023/broken.jpg"]
                - {reason: scratch files, prefix: "photos/tmp/"}
                - {reason: gone, codes: [NoSuchKey, OMS.0402]}
                - {reason: "${env:ACCEPT_REASON}", prefix: tmp/, keys: [tmp/a], codes: ["${env:CODE}"]}
            ---
            apiVersion: oms-plan/v1
            kind: MigrationTaskGroup
            metadata: {name: archive}
            spec:
              type: prefix
              source: {cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: src, prefixes: [""]}
              destination: {bucket: photos-obs, credentials: obs}
              acceptFailures: []
            ---
            apiVersion: oms-plan/v1
            kind: MigrationTaskSet
            metadata: {name: logs}
            spec:
              forEach: [web, api]
              name: "logs-${item}"
              acceptFailures: [{reason: rotated away, codes: [NoSuchKey]}]
              template:
                type: prefix
                source: {cloud: AWS, region: us-east-1, bucket: "${item}", credentials: src, prefixes: [""]}
                destination: {bucket: "${item}-obs", credentials: obs}
                acceptFailures: [{reason: "${item} scratch", prefix: tmp/}]
            """
        let env = TestSupport.env.merging(["ACCEPT_REASON": "moved elsewhere", "CODE": "AccessDenied"]) { $1 }
        let r = TestSupport.load(base.merging(["t.yaml": text]) { $1 }, env: env)
        #expect(!r.hasErrors, "\(r.diagnostics.map(\.rendered))")
        let state = try #require(r.desiredState)
        #expect(state.tasks.first { $0.address.name == "photos" }?.acceptFailures.last?.codes == ["AccessDenied"])
        #expect(state.tasks.count == 3 && state.taskGroups.count == 1)
    }

    /// The set's entries are every generated task's, after the template's own; `${item}` works
    /// in the template's.
    @Test func taskSetEntriesAreEveryGeneratedTasks() throws {
        let r = load([
            "set.yaml": """
                apiVersion: oms-plan/v1
                kind: MigrationTaskSet
                metadata: {name: logs}
                spec:
                  forEach: [web, api]
                  name: "logs-${item}"
                  acceptFailures: [{reason: rotated away, codes: [NoSuchKey]}]
                  template:
                    type: prefix
                    source: {cloud: AWS, region: us-east-1, bucket: "${item}", credentials: src, prefixes: [""]}
                    destination: {bucket: "${item}-obs", credentials: obs}
                    acceptFailures: [{reason: "${item} scratch", prefix: "tmp/"}]
                """,
        ])
        #expect(!r.hasErrors, "\(r.diagnostics.map(\.rendered))")
        let state = try #require(r.desiredState)
        guard case .task(let web)? = state[ResourceAddress(.migrationTask, "logs-web")] else { Issue.record("no logs-web"); return }
        #expect(web.acceptFailures.map(\.reason) == ["web scratch", "rotated away"])
        #expect(web.acceptFailures[1].declaredAt.line == 7)
    }

    @Test(arguments: [
        ("  acceptFailures: [{keys: [a.jpg]}]", "missing required field `reason` in `spec.acceptFailures[0]`", 8, 20),
        ("  acceptFailures: [{reason: \"  \", keys: [a.jpg]}]", "`spec.acceptFailures[0].reason` is empty", 8, 29),
        ("  acceptFailures: [{reason: gone}]", "this acceptance names no failed objects", 8, 20),
        ("  acceptFailures: [{reason: gone, prefix: \"\"}]", "`spec.acceptFailures[0].prefix` is empty", 8, 43),
        ("  acceptFailures: [{reason: gone, keys: []}]", "`spec.acceptFailures[0].keys` is empty", 8, 41),
        ("  acceptFailures: [{reason: gone, codes: [\"No Such Key\"]}]", "`No Such Key` is not an error code", 8, 43),
        ("  acceptFailures: [{reason: gone, code: [NoSuchKey]}]", "unknown field `code` in `spec.acceptFailures[0]`", 8, 35),
        ("  acceptFailures: [{reason: gone, prefix: tmp/, keys: [logs/a]}]", "does not start with this entry's prefix", 8, 56),
        ("  acceptFailures: {reason: gone, codes: [NoSuchKey]}", "`spec.acceptFailures` must be a list", 8, 19),
        ("  acceptFailures: [{reason: gone, keys: [\"a\\u0007b\"]}]", "this key contains a control character", 8, 42),
    ])
    func mistakesAreLocated(_ yaml: String, _ message: String, _ line: Int, _ column: Int) throws {
        let r = load(["t.yaml": TestSupport.task("a", extra: yaml)])
        let found = errors(r)
        #expect(found.count == 1, "\(found)")
        let first = try #require(found.first)
        #expect(first.hasPrefix("plan/t.yaml:\(line):\(column): error: "), "\(first)")
        #expect(first.contains(message), "\(first)")
        #expect(r.desiredState == nil)
    }

    @Test func unknownFieldSuggestsTheClosest() throws {
        let r = load(["t.yaml": TestSupport.task("a", extra: "  acceptFailures: [{reason: gone, prefx: tmp/}]")])
        let d = try #require(r.diagnostics.first { $0.message.contains("unknown field `prefx`") })
        #expect(d.hint?.contains("`prefix`") == true, "\(d.rendered)")
        // A misspelt field name of the spec itself is suggested too.
        let spec = load(["t.yaml": TestSupport.task("a", extra: "  acceptFailure: [{reason: gone, prefix: tmp/}]")])
        #expect(spec.diagnostics.contains { $0.hint?.contains("`acceptFailures`") == true }, "\(spec.diagnostics.map(\.rendered))")
    }

    @Test func syncTasksAndDefaultsRefuseItWithAReason() throws {
        let sync = """
            apiVersion: oms-plan/v1
            kind: MigrationSyncTask
            metadata: {name: follow}
            spec:
              source: {cloud: Aliyun, region: cn-hangzhou, bucket: bkt, credentials: src}
              destination: {bucket: dst, credentials: obs}
              acceptFailures: [{reason: gone, codes: [NoSuchKey]}]
            """
        let r = load(["sync.yaml": sync])
        #expect(errors(r).contains { $0.hasPrefix("plan/sync.yaml:7:3:") && $0.contains("never finishes") }, "\(errors(r))")
        let stack = TestSupport.stack + """
              defaults:
                acceptFailures: [{reason: gone, codes: [NoSuchKey]}]
            """
        let d = load(["t.yaml": TestSupport.task("a")], stack: stack)
        #expect(errors(d).contains { $0.contains("`acceptFailures` cannot be a default") }, "\(errors(d))")
    }

    /// A bad entry of a set is reported once, where it is written, not once per task.
    @Test func aBadSetEntryIsReportedOnce() throws {
        let r = load([
            "set.yaml": """
                apiVersion: oms-plan/v1
                kind: MigrationTaskSet
                metadata: {name: logs}
                spec:
                  forEach: [web, api, dbs]
                  name: "logs-${item}"
                  acceptFailures: [{reason: rotated away}]
                  template:
                    type: prefix
                    source: {cloud: AWS, region: us-east-1, bucket: "${item}", credentials: src, prefixes: [""]}
                    destination: {bucket: "${item}-obs", credentials: obs}
                """,
        ])
        #expect(errors(r) == ["plan/set.yaml:7:20: error: this acceptance names no failed objects: give `keys`, `prefix` or `codes` (all the given ones must match)\n  hint: e.g. `codes: [NoSuchKey]` for objects deleted at the source"])
    }

    /// Set entries count against the expansion budget: copied into every task, they are values
    /// the load builds.
    @Test func setEntriesCountAgainstTheExpansionBudget() throws {
        let items = (0..<400).map { "s\($0)" }.joined(separator: ", ")
        let keys = (0..<6_000).map { "\"k\($0)\"" }.joined(separator: ", ")
        let r = load([
            "set.yaml": """
                apiVersion: oms-plan/v1
                kind: MigrationTaskSet
                metadata: {name: logs}
                spec:
                  forEach: [\(items)]
                  name: "logs-${item}"
                  acceptFailures: [{reason: known, keys: [\(keys)]}]
                  template:
                    type: prefix
                    source: {cloud: AWS, region: us-east-1, bucket: "${item}", credentials: src, prefixes: [""]}
                    destination: {bucket: "${item}-obs", credentials: obs}
                """,
        ])
        #expect(errors(r).contains { $0.hasPrefix("plan/set.yaml:5:3:") && $0.contains("expands to") }, "\(errors(r).prefix(3))")
    }

    /// Identity: adding, changing or removing acceptances changes no fingerprint, marker or
    /// canonical form (so no update and no replacement).
    @Test func acceptancesAreNeverIdentity() throws {
        let plain = try #require(load(["t.yaml": TestSupport.task("a"), "g.yaml": group("g")]).desiredState)
        let accepted = try #require(load([
            "t.yaml": TestSupport.task("a", extra: "  acceptFailures: [{reason: gone, keys: [a.jpg], codes: [NoSuchKey]}]"),
            "g.yaml": group("g", extra: "  acceptFailures: [{reason: scratch, prefix: tmp/}]"),
        ]).desiredState)
        for (before, after) in zip(plain.omsResources.sorted { $0.address < $1.address }, accepted.omsResources.sorted { $0.address < $1.address }) {
            #expect(before.address == after.address)
            #expect(before.fingerprint == after.fingerprint, "\(after.address)")
            #expect(before.marker == after.marker)
            #expect(before.canonicalJSON == after.canonicalJSON)
            #expect(!after.acceptFailures.isEmpty)
        }
        let task = try #require(accepted.tasks.first)
        #expect(!task.canonicalJSON.contains("acceptFailures") && !task.canonicalJSON.contains("a.jpg"))
    }

    /// Keys are compared as bytes: a decomposed `é` is another key than a precomposed one,
    /// though Swift's `String ==` calls them equal.
    @Test func matchingComparesBytesNotCharacters() {
        let precomposed = "photos/caf\u{E9}.jpg", decomposed = "photos/cafe\u{301}.jpg"
        #expect(precomposed == decomposed)
        let byKey = FailureAcceptance(reason: "gone", keys: [precomposed])
        #expect(byKey.matches(key: precomposed, code: "NoSuchKey"))
        #expect(!byKey.matches(key: decomposed, code: "NoSuchKey"))
        // A prefix ending in `e` is a byte prefix of the decomposed key only.
        let byPrefix = FailureAcceptance(reason: "gone", prefix: "photos/cafe")
        #expect(byPrefix.matches(key: decomposed, code: "X"))
        #expect(!byPrefix.matches(key: precomposed, code: "X"))
        let both = FailureAcceptance(reason: "gone", prefix: "photos/", codes: ["NoSuchKey"])
        #expect(both.matches(key: "photos/a", code: "NoSuchKey"))
        #expect(!both.matches(key: "photos/a", code: "AccessDenied"))
        #expect(!both.matches(key: "other/a", code: "NoSuchKey"))
        #expect(!FailureAcceptance(reason: "no matcher").matches(key: "a", code: "b"))
    }
}
