import Foundation
import MigrationPlan
import Testing

@testable import Reconciler

/// Identity is forever, for passes too: the pass markers of the identity corpus (the quickstart
/// and the every-option plan) are pinned in `Identity/pass-markers.json`, beside (never in) the
/// full copies' goldens, which stay byte for byte as they were. A later oms-plan must read every
/// marker written here as the same resource and pass, and none as a full copy's marker.
@Suite struct PassMarkerGoldenTests {
    static let goldenFile = Fixtures.root + "/Tests/MigrationPlanTests/Identity/pass-markers.json"
    static let plans = ["examples/quickstart", "Tests/MigrationPlanTests/Identity/every-option"]

    /// plan -> address -> [pass 1's marker, final pass 2's marker].
    static func computed() throws -> [String: [String: [String]]] {
        var all: [String: [String: [String]]] = [:]
        for plan in plans {
            let result = PlanLoader.load(
                paths: [Fixtures.root + "/" + plan],
                options: LoadOptions(environment: PlanEnvironment(variables: [:], fileSystem: LocalFileSystem()), evaluationDate: Fixtures.evaluatedAt))
            let state = try #require(result.desiredState, "\(plan): \(result.diagnostics.map(\.rendered))")
            var markers: [String: [String]] = [:]
            for resource in state.omsResources where resource.address.kind != .migrationSyncTask {
                markers[resource.address.description] = [
                    PassMarker(of: resource.marker, n: 1).rendered, PassMarker(of: resource.marker, n: 2, final: true).rendered,
                ]
            }
            all[plan] = markers
        }
        return all
    }

    @Test func passMarkersOfTheGoldenPlansNeverChange() throws {
        let now = try Self.computed()
        if ProcessInfo.processInfo.environment["OMS_PLAN_WRITE_GOLDENS"] == "1" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try (encoder.encode(now) + Data("\n".utf8)).write(to: URL(fileURLWithPath: Self.goldenFile))
        }
        let golden = try JSONDecoder().decode([String: [String: [String]]].self, from: Data(contentsOf: URL(fileURLWithPath: Self.goldenFile)))
        #expect(golden == now, "pass markers changed: a live pass would no longer be read as its resource's (see CONTRIBUTING, Identity)")
        var count = 0
        for (_, markers) in golden {
            for (address, pair) in markers {
                for (index, text) in pair.enumerated() {
                    let parsed = try #require(PassMarker.parse(description: "Some text " + text), "\(text)")
                    #expect(parsed.address.description == address && parsed.n == index + 1 && parsed.final == (index == 1))
                    #expect(OwnershipMarker.parse(description: text) == nil, "\(text) reads as a full copy's marker")
                    count += 1
                }
            }
        }
        #expect(count >= 30)
    }

    /// A marker has one spelling: a scheme written `+5` or `05` is not one, and a description
    /// whose last word is not a pass marker (a full copy's, the user's text) reads as none.
    @Test func aPassMarkerHasOneSpelling() {
        let good = "oms-plan-pass:media:MigrationTask/photos#5.1a2b3c4d.p3"
        #expect(PassMarker.parse(description: good)?.scheme == 5)
        for bad in ["oms-plan-pass:media:MigrationTask/photos#+5.1a2b3c4d.p3", "oms-plan-pass:media:MigrationTask/photos#05.1a2b3c4d.p3",
                    "oms-plan:media:MigrationTask/photos#1a2b3c4d", "photos oms-plan-pass:media:MigrationTask/photos#1a2b3c4d.p3 more", ""] {
            #expect(PassMarker.parse(description: bad) == nil, "\(bad)")
        }
        #expect(PassMarker.parse(description: "Photos " + good)?.n == 3)
    }
}
