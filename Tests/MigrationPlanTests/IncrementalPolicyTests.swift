import Foundation
import OMSModels
import Testing
@testable import MigrationPlan

/// Issue 25, part 1: `spec.incremental` is read, located, refused where it makes no sense, and
/// never part of a resource's identity or its create body.
@Suite struct IncrementalPolicyTests {
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

    func errors(_ r: LoadResult) -> [String] { r.diagnostics.filter { $0.severity == .error }.map(\.rendered) }

    @Test func durationsReadAsThePlanWritesThem() {
        #expect(PlanDuration.seconds("12h") == 43_200)
        #expect(PlanDuration.seconds("15m") == 900)
        #expect(PlanDuration.seconds("1h30m") == 5_400)
        #expect(PlanDuration.seconds("2d") == 172_800)
        #expect(PlanDuration.seconds("90s") == 90)
        #expect(PlanDuration.seconds("0") == 0)
        for bad in ["", "12", "h", "30m1h", "1h1h", "1.5h", "-5m", "12 h", "１２h", "12H", "9999999999s", "5w"] {
            #expect(PlanDuration.seconds(bad) == nil, "\(bad)")
        }
        #expect(PlanDuration.text(5_400) == "1h30m")
        #expect(PlanDuration.text(0) == "0")
    }

    @Test func tasksGroupsAndSetsCarryTheirPolicy() throws {
        let r = load([
            "t.yaml": TestSupport.task("a", extra: "  incremental: {every: 12h, overlap: 30m, keep: 5}"),
            "d.yaml": TestSupport.task("b", extra: "  incremental: {every: 1h}"),
            "g.yaml": group("g", extra: "  incremental: {every: 6h, overlap: 0, keep: 0}"),
            "set.yaml": """
                apiVersion: oms-plan/v1
                kind: MigrationTaskSet
                metadata: {name: logs}
                spec:
                  forEach: [web, api]
                  name: "logs-${item}"
                  incremental: {every: 2h}
                  template:
                    type: prefix
                    source: {cloud: AWS, region: us-east-1, bucket: "${item}", credentials: src, prefixes: [""]}
                    destination: {bucket: "${item}-obs", credentials: obs}
                """,
            "own.yaml": """
                apiVersion: oms-plan/v1
                kind: MigrationTaskSet
                metadata: {name: own}
                spec:
                  forEach: [xyz]
                  name: "own-${item}"
                  incremental: {every: 2h}
                  template:
                    type: prefix
                    source: {cloud: AWS, region: us-east-1, bucket: "${item}", credentials: src, prefixes: [""]}
                    destination: {bucket: "${item}-obs", credentials: obs}
                    incremental: {every: 3h, keep: 1}
                """,
        ])
        #expect(!r.hasErrors, "\(errors(r))")
        let state = try #require(r.desiredState)
        let byName = Dictionary(uniqueKeysWithValues: state.omsResources.map { ($0.address.name, $0.incremental) })
        #expect(byName["a"] == IncrementalPolicy(every: 43_200, overlap: 1_800, keep: 5))
        #expect(byName["b"] == IncrementalPolicy(every: 3_600, overlap: 900, keep: 3))
        #expect(byName["g"] == IncrementalPolicy(every: 21_600, overlap: 0, keep: 0))
        #expect(byName["logs-web"] == IncrementalPolicy(every: 7_200))
        #expect(byName["logs-api"] == IncrementalPolicy(every: 7_200))
        #expect(byName["own-xyz"] == IncrementalPolicy(every: 10_800, keep: 1))
        let plain = try #require(load(["t.yaml": TestSupport.task("a")]).desiredState)
        #expect(plain.tasks.first?.incremental == nil)
    }

    @Test func mistakesAreLocated() throws {
        let cases: [(String, String)] = [
            ("  incremental: {overlap: 5m}", "plan/t.yaml:8:3: error: missing required field `every`"),
            ("  incremental: {every: 30s}", "plan/t.yaml:8:24: error: `spec.incremental.every` must be from 1m to 30d, found `30s`"),
            ("  incremental: {every: 31d}", "plan/t.yaml:8:24: error: `spec.incremental.every` must be from 1m to 30d, found `31d`"),
            ("  incremental: {every: 1h, overlap: 1h}", "plan/t.yaml:8:37: error: `spec.incremental.overlap` (1h) must be shorter than `every` (1h)"),
            ("  incremental: {every: twelve}", "plan/t.yaml:8:24: error: `spec.incremental.every` must be a duration such as `12h`, `15m` or `1h30m`, found `twelve`"),
            ("  incremental: {every: 12}", "plan/t.yaml:8:24: error: `spec.incremental.every` must be a duration"),
            ("  incremental: {every: 1h, keep: 101}", "plan/t.yaml:8:34: error: `spec.incremental.keep` must be an integer from 0 to 100, found `101`"),
            ("  incremental: {every: 1h, evry: 2h}", "plan/t.yaml:8:28: error: unknown field `evry` in `spec.incremental`"),
            ("  incremental: {evry: 2h}", "plan/t.yaml:8:17: error: unknown field `evry` in `spec.incremental`"),
            ("  incremental: 12h", "plan/t.yaml:8:16: error: `spec.incremental` must be a mapping"),
        ]
        for (extra, expected) in cases {
            let r = load(["t.yaml": TestSupport.task("a", extra: extra)])
            #expect(errors(r).count == 1 && errors(r)[0].hasPrefix(expected), "\(extra): \(errors(r))")
            #expect(r.desiredState == nil)
        }
    }

    @Test func syncTasksRefuseItAndSkipItAsADefault() throws {
        let sync = """
            apiVersion: oms-plan/v1
            kind: MigrationSyncTask
            metadata: {name: follow}
            spec:
              source: {cloud: Aliyun, region: cn-hangzhou, bucket: bkt, credentials: src}
              destination: {bucket: dst, credentials: obs}
            """
        let r = load(["sync.yaml": sync + "\n  incremental: {every: 1h}"])
        #expect(errors(r).contains { $0.hasPrefix("plan/sync.yaml:7:3:") && $0.contains("MigrationSyncTask has no `incremental`") }, "\(errors(r))")
        // As a stack default it reaches tasks and groups, and sync tasks go without it.
        let stack = TestSupport.stack + """
              defaults:
                incremental: {every: 4h}
            """
        let d = load(["t.yaml": TestSupport.task("a"), "sync.yaml": sync], stack: stack)
        #expect(!d.hasErrors, "\(errors(d))")
        let state = try #require(d.desiredState)
        #expect(state.tasks.first?.incremental == IncrementalPolicy(every: 14_400))
        #expect(state.syncTasks.first?.incremental == nil)
    }

    /// Identity: adding, changing or removing `incremental` changes no fingerprint, marker,
    /// canonical form or create body (so never an update or a replacement of the full copy).
    @Test func incrementalIsNeverIdentity() throws {
        let variants = [
            ["t.yaml": TestSupport.task("a"), "g.yaml": group("g")],
            ["t.yaml": TestSupport.task("a", extra: "  incremental: {every: 12h}"), "g.yaml": group("g", extra: "  incremental: {every: 1h}")],
            ["t.yaml": TestSupport.task("a", extra: "  incremental: {every: 6h, overlap: 1m, keep: 0}"),
             "g.yaml": group("g", extra: "  incremental: {every: 2d, keep: 100}")],
        ]
        let states = try variants.map { try #require(load($0).desiredState) }
        let plain = states[0]
        for other in states.dropFirst() {
            for (before, after) in zip(plain.omsResources.sorted { $0.address < $1.address }, other.omsResources.sorted { $0.address < $1.address }) {
                #expect(before.address == after.address)
                #expect(before.fingerprint == after.fingerprint, "\(after.address)")
                #expect(before.marker == after.marker)
                #expect(before.canonicalJSON == after.canonicalJSON)
                #expect(after.incremental != nil)
            }
            #expect(plain.tasks.first?.request == other.tasks.first?.request)
            #expect(plain.taskGroups.first?.request == other.taskGroups.first?.request)
            #expect(other.tasks.first?.canonicalJSON.contains("incremental") == false)
        }
    }
}
