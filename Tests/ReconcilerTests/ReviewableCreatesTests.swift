import Foundation
import MigrationPlan
import OMSModels
import Reconciler
import Testing

/// A create shows everything it will send, so that a reviewer does not approve blind; and a
/// Markdown comment of any size stays postable on GitHub.
@Suite("Reviewable creates")
struct ReviewableCreatesTests {
    let desired: DesiredState
    init() throws { desired = try Fixtures.quickstart(variables: Fixtures.fakeSecrets) }

    private var createReport: ChangeReport { Fixtures.report(desired, live: Fixtures.emptyLive()) }

    @Test func everyCreateListsWhatItSendsWithoutBefore() throws {
        let creates = createReport.changes.filter { $0.action == .create }
        #expect(!creates.isEmpty)
        for change in creates {
            let paths = Set(change.fields.map(\.path))
            // A synchronization task has no type, bandwidth rules or overwrite mode; it sends the rest.
            let required = change.address.address.kind == .migrationSyncTask
                ? ["source.cloud", "source.bucket", "source.credentials", "destination.bucket", "destination.region", "destination.credentials",
                   "state", "options.consistencyCheck", "options.dstStoragePolicy"]
                : ["type", "source.cloud", "destination.bucket", "destination.region", "destination.credentials",
                   "bandwidth", "state", "options.objectOverwriteMode"]
            for path in required {
                #expect(paths.contains(path), "\(change.address) lacks \(path): \(paths.sorted())")
            }
            if change.address.address.kind == .migrationSyncTask {
                #expect(!paths.contains("bandwidth") && !paths.contains("type") && !paths.contains("options.objectOverwriteMode"))
            }
            #expect(change.fields.allSatisfy { $0.before == nil }, "\(change.address)")
            #expect(!change.fields.contains { $0.forcesReplacement })
        }
        // A task with a schedule shows the windows as written beside the compiled rules.
        let docs = try #require(creates.first { $0.address == "MigrationTask/docs" })
        let windows = try #require(docs.fields.first { $0.path == "bandwidth.windows" }?.after)
        #expect(windows == .array([.string("mon-fri 09:00-18:00 10 MiB/s"), .string("sat,sun 00:00-24:00 100 MiB/s")]))
        #expect(docs.fields.first { $0.path == "bandwidth.timezone" }?.after == .string("Europe/Berlin"))
        #expect(docs.fields.first { $0.path == "source.objects" }?.after
            == .array([.string("contracts/"), .string("handbook.pdf"), .string("price-list.csv")]))
    }

    @Test func jsonLeavesBeforeOutOfACreatesFields() throws {
        let text = JSONReportRenderer().render(createReport)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let changes = try #require(document["changes"] as? [[String: Any]])
        var checked = 0
        for change in changes where change["action"] as? String == "create" {
            for field in try #require(change["fields"] as? [[String: Any]]) {
                #expect(field["before"] == nil, "\(field)")
                #expect(field["after"] != nil)
                checked += 1
            }
        }
        #expect(checked > 50)
        for secret in Fixtures.fakeSecrets.values { #expect(!text.contains(secret)) }
    }

    @Test func markdownOfAThousandCreatesStaysUnderGitHubsLimitWithTheSummaryFirst() throws {
        let one = try #require(createReport.changes.first { $0.action == .create })
        var changes: [ResourceChange] = []
        for n in 0..<1000 {
            var copy = one
            copy.address = ChangeSubject(ResourceAddress(.migrationTask, "generated-\(n)"))
            changes.append(copy)
        }
        let report = ChangeReport(stack: "big", evaluatedAt: Fixtures.evaluatedAt, evaluatedDay: "2026-11-24", changes: changes)
        // By default 1,000 creates alike but for their names are one entry; with --full every
        // one is listed, and the comment must still fit GitHub's limit.
        let folded = MarkdownReportRenderer().render(report)
        #expect(folded.components(separatedBy: "<details><summary><code>+</code>").count - 1 == 1, "one group")
        #expect(folded.count < 65_536)
        let markdown = MarkdownReportRenderer(full: true).render(report)
        #expect(markdown.count < 65_536, "\(markdown.count) characters")
        #expect(markdown.hasPrefix("### oms-plan diff: big\n\n| action | count |"))
        #expect(markdown.contains("| `+` create | 1000 |"))
        #expect(markdown.contains("more changes, one line each"))
        // As many full sections as fit, then the rest by name; every <details> is closed.
        let sections = markdown.components(separatedBy: "<details><summary><code>+</code>").count - 1
        #expect(sections > 10)
        #expect(markdown.components(separatedBy: "<details>").count == markdown.components(separatedBy: "</details>").count)
        #expect(markdown.contains("- … and "), "the one-line list is cut too when even it does not fit")
    }

    @Test func aSmallPlanIsRenderedWhole() {
        let markdown = MarkdownReportRenderer().render(createReport)
        #expect(!markdown.contains("one line each"))
        #expect(markdown.contains("| attribute | value |"))
        #expect(markdown.contains("| `bandwidth.windows` |"))
    }
}
