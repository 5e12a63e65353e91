import Foundation
import MigrationPlan
import Reconciler
import Testing

/// Issue 23, part 7: past 50 creates, text and Markdown fold creates that differ only in
/// name and source keys into one entry with the count; `full` lists each; JSON lists each.
@Suite struct GroupedCreatesRendererTests {
    /// The quickstart's first diff plus `prefixTasks` copies of one of its prefix tasks (each
    /// with its own name and prefix) and `objectTasks` copies of its object task (own keys).
    static func report(prefixTasks: Int, objectTasks: Int = 0) throws -> ChangeReport {
        let base = Fixtures.report(try Fixtures.quickstart(), live: Fixtures.emptyLive())
        let prefixTask = try #require(base.changes.first {
            $0.action == .create && $0.dependsOn.isEmpty && $0.fields.contains { $0.path == "source.prefixes" }
        })
        let objectTask = try #require(base.changes.first { $0.action == .create && $0.fields.contains { $0.path == "source.objects" } })
        var changes = base.changes
        func copy(_ change: ResourceChange, name: String, path: String, keys: [String]) -> ResourceChange {
            var c = change
            c.address = ChangeSubject(ResourceAddress(.migrationTask, name))
            c.fields = c.fields.map { field in
                var f = field
                if f.path == path { f.after = .array(keys.map(JSONValue.string)) }
                return f
            }
            return c
        }
        for n in 0..<prefixTasks {
            changes.append(copy(prefixTask, name: "bulk-\(String(format: "%05d", n))", path: "source.prefixes", keys: ["bulk/\(n)/"]))
        }
        for n in 0..<objectTasks {
            changes.append(copy(objectTask, name: "files-\(String(format: "%03d", n))", path: "source.objects", keys: ["f/\(n).bin", "f/common.bin"]))
        }
        var report = ChangeReport(stack: base.stack, evaluatedAt: base.evaluatedAt, evaluatedDay: base.evaluatedDay, changes: changes)
        report.unowned = base.unowned
        return report
    }

    @Test func groupedGoldens() throws {
        let report = try Self.report(prefixTasks: 120, objectTasks: 60)
        try Golden.check(TextReportRenderer().render(report), "grouped-creates.txt")
        try Golden.check(MarkdownReportRenderer().render(report), "grouped-creates.md")
    }

    @Test func groupLineNamesCountFirstAndWhatDiffers() throws {
        let report = try Self.report(prefixTasks: 2_000)
        let text = TextReportRenderer().render(report)
        // The quickstart task the copies were made from is alike too: 2,001.
        #expect(text.contains("+ 2,001 MigrationTask like bulk-00000 (source.prefixes differ) will be created"), "\(text.prefix(3000))")
        #expect(text.contains("# 2,001 creates, MigrationTask/bulk-00000 ... MigrationTask/logs-api"))
        #expect(!text.contains("MigrationTask/bulk-00001 will be created"))
        // The summary still counts every create.
        #expect(text.contains("Plan: \(report.summary.create) to create"), "\(text.suffix(500))")
        let markdown = MarkdownReportRenderer().render(report)
        #expect(markdown.contains("2,001 <code>MigrationTask</code> like <code>bulk-00000</code> — create (source.prefixes differ)"))
    }

    @Test func fullAndJSONListEveryCreate() throws {
        let report = try Self.report(prefixTasks: 120, objectTasks: 60)
        let full = TextReportRenderer(full: true).render(report)
        let markdown = MarkdownReportRenderer(characterBudget: 10_000_000, full: true).render(report)
        let json = JSONReportRenderer().render(report)
        for n in 0..<120 {
            let name = "MigrationTask/bulk-\(String(format: "%05d", n))"
            #expect(full.contains("+ \(name) will be created"), "\(name)")
            #expect(markdown.contains("<code>\(name)</code>"), "\(name)")
            #expect(json.contains("\"\(name)\""), "\(name)")
        }
        #expect(!full.contains(" like bulk-"))
        #expect(!json.contains(" like bulk-"))
    }

    /// Each create's forecast differs (its place in OMS's queue); neither view shows it, so it
    /// does not split a group (290 alike creates were shown as 29 groups of 10).
    @Test func forecastsDoNotSplitAGroup() throws {
        var report = try Self.report(prefixTasks: 120)
        for index in report.changes.indices where report.changes[index].address.address.name.hasPrefix("bulk-") {
            let json = #"{"reason":"queue position \#(index)","isLowerBound":false,"bytes":\#(index)}"#
            report.changes[index].forecast = try JSONDecoder().decode(ChangeForecast.self, from: Data(json.utf8))
        }
        let text = TextReportRenderer().render(report)
        #expect(text.contains("+ 121 MigrationTask like bulk-00000 (source.prefixes differ)"), "\(text.prefix(2000))")
    }

    /// At the threshold every create is still shown by itself.
    @Test func fiftyCreatesAreShownEachOnTheirOwn() throws {
        let base = Fixtures.report(try Fixtures.quickstart(), live: Fixtures.emptyLive())
        let others = base.changes.filter { $0.action == .create }.count
        let report = try Self.report(prefixTasks: 50 - others)
        #expect(report.summary.create == 50)
        let text = TextReportRenderer().render(report)
        #expect(!text.contains(" like bulk-"))
        let more = TextReportRenderer().render(try Self.report(prefixTasks: 51 - others))
        #expect(more.contains(" like bulk-"))
    }

    @Test func tenThousandCreatesPrintUnderAThousandLines() throws {
        let report = try Self.report(prefixTasks: 10_000)
        let lines = TextReportRenderer().render(report).split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(lines < 1_000, "\(lines) lines")
        let markdownLines = MarkdownReportRenderer().render(report).split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(markdownLines < 1_000, "\(markdownLines) lines")
    }
}
