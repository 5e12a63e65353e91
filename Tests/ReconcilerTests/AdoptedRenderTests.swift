import Foundation
import Reconciler
import Testing

/// Issue 23, part 4: after `oms-plan import`, text and Markdown show each adopted resource that
/// needs no change on a line of its own (as kept resources are) and count them in the summary,
/// so that a user sees the import worked; an unchanged resource that was not adopted stays
/// folded away.
@Suite struct AdoptedRenderTests {
    static let at = Date(timeIntervalSince1970: 1_795_510_800)

    static func report(_ more: [ResourceChange] = []) -> ChangeReport {
        ChangeReport(stack: "media", evaluatedAt: at, evaluatedDay: nil, changes: [
            ResourceChange(address: "MigrationTask/plain", action: .noop, liveId: "1", liveStatus: "Migrating"),
            ResourceChange(address: "MigrationTask/by-hand", action: .noop, liveId: "2", liveStatus: "Paused",
                           reasons: [.adopted(kind: "task", liveId: "2")]),
            ResourceChange(address: "MigrationSyncTask/uploads", action: .noop, liveId: "9c1d", liveStatus: "STOPPED",
                           reasons: [.adopted(kind: "synchronization task", liveId: "9c1d")]),
        ] + more)
    }

    @Test func textListsAdoptedResourcesWhenNothingChanges() {
        let text = TextReportRenderer().render(Self.report())
        #expect(text == """
              = MigrationSyncTask/uploads is adopted with nothing to change (id 9c1d, STOPPED): adopted: live synchronization task 9c1d is managed by this stack from now on
              = MigrationTask/by-hand is adopted with nothing to change (id 2, Paused): adopted: live task 2 is managed by this stack from now on

            No changes. OMS matches the plan.
            3 resources checked, all unchanged, 2 of them adopted, nothing to change.

            """, "\(text)")
    }

    @Test func textListsAdoptedResourcesBesideChanges() {
        let create = ResourceChange(address: "MigrationTask/new", action: .create, reasons: [.notInOMSYet])
        let text = TextReportRenderer().render(Self.report([create]))
        #expect(text.contains("  = MigrationTask/by-hand is adopted with nothing to change (id 2, Paused)"), "\(text)")
        #expect(text.contains("\n1 unchanged resource not shown.\n"), "\(text)")
        #expect(text.contains("; 3 unchanged, 2 of them adopted, nothing to change.\n"), "\(text)")
        #expect(!text.contains("MigrationTask/plain"), "\(text)")
    }

    @Test func markdownListsAdoptedResourcesInTheOpen() {
        let md = MarkdownReportRenderer().render(Self.report())
        #expect(md.contains("""
            Adopted by this stack, nothing to change: 2

            - `MigrationSyncTask/uploads` (STOPPED): adopted: live synchronization task 9c1d is managed by this stack from now on
            - `MigrationTask/by-hand` (Paused): adopted: live task 2 is managed by this stack from now on

            <details><summary>1 unchanged</summary>

            - `MigrationTask/plain` (Migrating)

            </details>
            """), "\(md)")
    }
}
