import Foundation
import Testing
@testable import MigrationPlan

/// Issue 25, part 2: `kind: Cutover` is read with every mistake located, `dependsOn:
/// Cutover/NAME` is a gate kept out of identity, and a loop through a cut-over is refused.
@Suite struct CutoverDecoderTests {
    let base = ["s.yaml": TestSupport.stack + "---\n" + TestSupport.credentials]

    func load(_ extra: [String: String]) -> LoadResult {
        TestSupport.load(base.merging(extra) { $1 }, env: TestSupport.env)
    }

    func errors(_ r: LoadResult) -> [String] { r.diagnostics.filter { $0.severity == .error }.map(\.rendered) }

    func cutover(_ spec: String, name: String = "go-live") -> String {
        "apiVersion: oms-plan/v1\nkind: Cutover\nmetadata: {name: \(name)}\nspec:\n\(spec)\n"
    }

    static let set = """
        apiVersion: oms-plan/v1
        kind: MigrationTaskSet
        metadata: {name: logs}
        spec:
          forEach: [{b: web}, {b: api}]
          name: "logs-${item.b}"
          template:
            type: prefix
            source: {cloud: Aliyun, region: cn-hangzhou, bucket: "${item.b}", credentials: src, prefixes: ["x/"]}
            destination: {bucket: dst, credentials: obs}
        """

    @Test func aCutoverIsReadWithItsDefaults() throws {
        let r = load([
            "t.yaml": TestSupport.task("photos"), "set.yaml": Self.set,
            "c.yaml": cutover("""
                  of: [MigrationTask/photos, MigrationTaskSet/logs]
                  at: "2027-01-15T02:00:00+08:00"
                  require: {maxFinalPass: 1h30m}
                """),
            "d.yaml": cutover("  of: [MigrationTask/photos]", name: "manual"),
        ])
        #expect(errors(r).isEmpty, "\(errors(r))")
        let state = try #require(r.desiredState)
        let c = try #require(state.cutovers[ResourceAddress(.cutover, "go-live")])
        #expect(c.of == [ResourceAddress(.migrationTask, "photos"), ResourceAddress(.migrationTaskSet, "logs")])
        #expect(c.resources.map(\.description) == ["MigrationTask/logs-api", "MigrationTask/logs-web", "MigrationTask/photos"])
        #expect(c.at == Date(timeIntervalSince1970: 1_799_949_600))
        #expect(c.unacceptedFailures == 0)
        #expect(c.maxFinalPass == 5400)
        #expect(c.declaredAt == SourceLocation(file: "plan/c.yaml", line: 3, column: 18))
        let manual = try #require(state.cutovers[ResourceAddress(.cutover, "manual")])
        #expect(manual.at == nil && manual.maxFinalPass == nil)
        // Plan-only: no OMS resource and not in the order of OMS resources.
        #expect(!state.order.contains { $0.kind == .cutover })
        #expect(state.resources.keys.allSatisfy { $0.kind != .cutover })
    }

    @Test(arguments: [
        ("  of: []", "c.yaml:5:7: error: `spec.of` is empty"),
        ("  at: now", "c.yaml:4:1: error: missing required field `of` in `spec`"),
        ("  of: [MigrationTask/photo]", "c.yaml:5:8: error: `spec.of` names `MigrationTask/photo`, which is not declared"),
        ("  of: [photos]", "c.yaml:5:8: error: `spec.of` entries are addresses `Kind/name` of tasks, groups or task sets, found `photos`"),
        ("  of: [MigrationSyncTask/follow]", "c.yaml:5:8: error: `spec.of` names `MigrationSyncTask/follow`, a synchronization task"),
        ("  of: [MigrationTask/photos, MigrationTask/photos]", "c.yaml:5:30: error: `MigrationTask/photos` is listed twice"),
        ("  of: [MigrationTask/photos]\n  at: \"2027-01-15\"", "c.yaml:6:7: error: `spec.at` must be an RFC 3339 date and time with an offset"),
        ("  of: [MigrationTask/photos]\n  require: {unacceptedFailures: -1}", "c.yaml:6:33: error: `spec.require.unacceptedFailures` must be an integer from 0"),
        ("  of: [MigrationTask/photos]\n  require: {maxFinalPass: soon}", "c.yaml:6:27: error: `spec.require.maxFinalPass` must be a duration"),
        ("  of: [MigrationTask/photos]\n  require: {maxFinalPas: 1h}", "c.yaml:6:13: error: unknown field `maxFinalPas` in `spec.require`"),
        ("  of: [MigrationTask/photos]\n  when: now", "c.yaml:6:3: error: unknown field `when` in `spec`"),
    ])
    func eachMistakeIsLocated(spec: String, expected: String) {
        let sync = "apiVersion: oms-plan/v1\nkind: MigrationSyncTask\nmetadata: {name: follow}\nspec:\n"
            + "  source: {cloud: Aliyun, region: cn-hangzhou, bucket: bkt, credentials: src}\n  destination: {bucket: dst, credentials: obs}\n"
        let found = errors(load(["t.yaml": TestSupport.task("photos"), "y.yaml": sync, "c.yaml": cutover(spec)]))
        #expect(found.contains { $0.hasPrefix("plan/" + expected) }, "\(found)")
    }

    @Test func dependsOnACutoverIsAGateOutsideIdentity() throws {
        let files = ["t.yaml": TestSupport.task("photos"), "c.yaml": cutover("  of: [MigrationTask/photos]")]
        let without = try #require(load(files.merging(["n.yaml": TestSupport.task("next")]) { $1 }).desiredState)
        let gated = load(files.merging(["n.yaml": TestSupport.task("next", extra: "  dependsOn: [Cutover/go-live]")]) { $1 })
        #expect(errors(gated).isEmpty, "\(errors(gated))")
        let state = try #require(gated.desiredState)
        let next = ResourceAddress(.migrationTask, "next")
        #expect(state.cutoverGates[next] == [ResourceAddress(.cutover, "go-live")])
        #expect(state.dependencies(of: next).isEmpty)
        #expect(state[next]?.omsResource?.fingerprint == without[next]?.omsResource?.fingerprint)
        #expect(state.order.contains(next))
    }

    @Test func anUndeclaredCutoverInDependsOnIsLocated() {
        let found = errors(load(["t.yaml": TestSupport.task("photos", extra: "  dependsOn: [Cutover/go-lve]"),
                                 "c.yaml": cutover("  of: [MigrationTask/photos]")]))
        #expect(found.contains { $0.hasPrefix("plan/t.yaml:8:15: error: `dependsOn` names `Cutover/go-lve`, which is not declared") }, "\(found)")
    }

    @Test func aLoopThroughACutoverIsRefused() {
        // photos waits for the cut-over, which waits for photos' full copy.
        let found = errors(load(["t.yaml": TestSupport.task("photos", extra: "  dependsOn: [Cutover/go-live]"),
                                 "c.yaml": cutover("  of: [MigrationTask/photos]")]))
        #expect(found.contains { $0.contains("dependency cycle: Cutover/go-live -> MigrationTask/photos -> Cutover/go-live") }, "\(found)")
    }
}
