import Foundation
import MigrationPlan
import Reconciler
import Testing

/// The three formats on `examples/quickstart`, against an empty project and against a project
/// where every action occurs (see `Fixtures.everyActionLive`).
@Suite struct RendererGoldenTests {
    let desired: DesiredState
    let empty: ChangeReport
    let everyAction: ChangeReport

    init() throws {
        desired = try Fixtures.quickstart()
        empty = Fixtures.report(desired, live: Fixtures.emptyLive())
        everyAction = Fixtures.report(desired, live: try Fixtures.everyActionLive(desired))
    }

    @Test func emptyProjectGoldens() throws {
        try Golden.check(TextReportRenderer().render(empty), "empty.txt")
        try Golden.check(JSONReportRenderer().render(empty), "empty.json")
        try Golden.check(MarkdownReportRenderer().render(empty), "empty.md")
    }

    @Test func everyActionGoldens() throws {
        try Golden.check(TextReportRenderer().render(everyAction), "every-action.txt")
        try Golden.check(TextReportRenderer(color: true).render(everyAction), "every-action.color.txt")
        try Golden.check(TextReportRenderer(verbose: true).render(everyAction), "every-action.verbose.txt")
        try Golden.check(JSONReportRenderer().render(everyAction), "every-action.json")
        try Golden.check(MarkdownReportRenderer().render(everyAction), "every-action.md")
    }

    /// Pins the classification the goldens show, so that rewriting them cannot quietly accept
    /// a differ regression.
    @Test func everyActionClassification() {
        let actions = Dictionary(uniqueKeysWithValues: everyAction.changes.map { ($0.address, $0.action) })
        #expect(actions == [
            "MigrationTask/docs": .start,
            "MigrationTask/logs-api": .update,
            "MigrationTask/logs-batch": .noop,
            "MigrationTask/logs-batch#1011": .delete,
            "MigrationTask/logs-web": .update,
            "MigrationTask/media-videos": .pause,
            "MigrationTask/photos-2022": .noop,
            "MigrationTask/photos-2023": .noop,
            "MigrationTask/photos-2024": .retry,
            "MigrationTask/photos-selected": .replace,
            "MigrationTask/web-assets": .create,
            "MigrationTaskGroup/archive": .blocked,
            "MigrationTask/legacy-import": .release,
            "MigrationSyncTask/uploads": .create,
        ])
        for action in ChangeAction.allCases { #expect(everyAction.summary[action] > 0, "no \(action) in the fixture") }
    }

    @Test func emptyProjectCreatesOrWaits() {
        for change in empty.changes {
            let expected: ChangeAction = change.dependsOn.isEmpty ? .create : .blocked
            #expect(change.action == expected, "\(change.address)")
            #expect(change.liveId == nil && change.liveStatus == nil)
        }
        #expect(empty.summary.blocked == 1)  // photos-2024 waits for photos-2023
    }

    /// Tasks the stack does not own (no marker, another stack's marker) never appear.
    @Test func unownedTasksAreInvisible() {
        for output in renders(everyAction) {
            #expect(!output.contains("2001") && !output.contains("copied by hand"))
            #expect(!output.contains("2002") && !output.contains("other-stack"))
        }
    }

    @Test(arguments: ["empty.json", "every-action.json"])
    func jsonGoldenHasContractKeys(_ name: String) throws {
        let text = try #require(Golden.read(name))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        for key in JSONReportRenderer.requiredKeys { #expect(root[key] != nil, "\(name): no \(key)") }
        #expect(root["formatVersion"] as? Int == 1)
        #expect(root["evaluatedAt"] as? String == "2026-11-24T09:00:00Z")
        let summary = try #require(root["summary"] as? [String: Int])
        #expect(Set(summary.keys) == Set(ChangeAction.allCases.map(\.rawValue)))
        let changes = try #require(root["changes"] as? [[String: Any]])
        #expect(!changes.isEmpty)
        let actions = Set(ChangeAction.allCases.map(\.rawValue))
        for change in changes {
            for key in JSONReportRenderer.requiredChangeKeys { #expect(change.keys.contains(key), "\(name): change without \(key)") }
            #expect(actions.contains(change["action"] as? String ?? ""))
            for field in change["fields"] as? [[String: Any]] ?? [] {
                for key in JSONReportRenderer.requiredFieldKeys { #expect(field.keys.contains(key), "\(name): field without \(key)") }
            }
        }
        let addresses = changes.compactMap { $0["address"] as? String }
        #expect(addresses == addresses.sorted())
        #expect(summary.values.reduce(0, +) == changes.count)
    }

    /// Secrets reach the desired state (apply needs them) but never a report: load with fake
    /// secrets in the environment, render everything, look for them. The reports must also be
    /// the same as without secrets, since secrets are not part of what is compared.
    @Test func secretsNeverAppear() throws {
        let withSecrets = try Fixtures.quickstart(variables: Fixtures.fakeSecrets)
        let secretTask = try #require(withSecrets.tasks.first { $0.sourceCredentials == "aliyun" })
        #expect(try secretTask.requestWithSecrets().srcNode.sk == "FAKE-ALIYUN-SK-9e7b")  // the fixture does carry them

        let reports = [
            (Fixtures.report(withSecrets, live: Fixtures.emptyLive()), empty),
            (Fixtures.report(withSecrets, live: try Fixtures.everyActionLive(withSecrets)), everyAction),
        ]
        let forbidden = Array(Fixtures.fakeSecrets.values) + Fixtures.sandboxSecrets
        for (secretReport, plainReport) in reports {
            let outputs = renders(secretReport)
            #expect(outputs == renders(plainReport))
            for output in outputs {
                for secret in forbidden { #expect(!output.contains(secret), "rendered output contains \(secret)") }
            }
        }
    }

    private func renders(_ report: ChangeReport) -> [String] {
        [
            TextReportRenderer().render(report), TextReportRenderer(color: true, verbose: true).render(report),
            JSONReportRenderer().render(report), MarkdownReportRenderer().render(report),
        ]
    }
}
