import Foundation
import MigrationPlan
import OMSModels
import Reconciler
import Testing

/// Markers are read by the fingerprint scheme they name: the same spec is never a
/// replacement, and what a newer oms-plan marked is never replaced by an older one.
@Suite struct IdentityDiffTests {
    func photos(_ desired: DesiredState) throws -> DesiredTask {
        guard case .task(let t)? = desired[ResourceAddress(.migrationTask, "photos-2023")] else {
            throw Fixtures.LoadFailure(description: "no photos-2023")
        }
        return t
    }

    func change(_ desired: DesiredState, _ live: TaskResp) -> ResourceChange? {
        Fixtures.report(desired, live: LiveState(tasks: [live], groups: [], readAt: Fixtures.evaluatedAt))
            .changes.first { $0.address == "MigrationTask/photos-2023" }
    }

    @Test func theSameSpecIsNoChange() throws {
        let desired = try Fixtures.quickstart()
        let live = try Fixtures.live(try photos(desired), id: 42, status: .succeeded)
        #expect(change(desired, live)?.action == .noop)
    }

    @Test func aMarkerOfAnUnknownSchemeIsBlockedNeverReplaced() throws {
        let desired = try Fixtures.quickstart()
        let task = try photos(desired)
        var live = try Fixtures.live(task, id: 42, status: .migrating)
        var marker = task.marker
        marker.scheme = 7
        marker.fingerprint = "0badf00d"
        live.description = marker.description(userDescription: task.userDescription)
        let decided = try #require(change(desired, live))
        #expect(decided.action == .blocked)
        #expect(decided.reasons.contains(.unknownFingerprintScheme(7)))
    }

    @Test func aChangedFingerprintOfTheCurrentSchemeIsAReplacement() throws {
        let desired = try Fixtures.quickstart()
        let live = try Fixtures.live(try photos(desired), id: 42, status: .waiting, fingerprint: "0badf00d")
        #expect(change(desired, live)?.action == .replace)
    }
}
