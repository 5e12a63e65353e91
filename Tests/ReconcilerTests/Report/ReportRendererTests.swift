import Foundation
import Testing
@testable import Reconciler

/// `oms-plan report` (issue 24, part 5): each format says the figures, and no value from OMS
/// or the plan can break out of its place (a cell, an element, a code span).
@Suite struct ReportRendererTests {
    @Test func totalsAddUpEveryResource() {
        let t = ReportFixtures.report().totals
        #expect(t.resources == 2)
        #expect(t.objectsListed == 150 && t.objectsCopied == 140 && t.objectsSkipped == 6 && t.objectsFailed == 4)
        #expect(t.objectsFailedAccepted == 1)
        #expect(t.bytesCopied == 4_000_000 && t.bytesTotal == 4_100_000)
        #expect(t.firstStart == ReportFixtures.start && t.lastFinish == ReportFixtures.start.addingTimeInterval(200))
        // 4,000,000 bytes over the 200 s from the first start to the last finish; the peak is the highest of any resource.
        #expect(t.averageSpeed == 20_000 && t.peakSpeed == 120_000)
        #expect(t.failedByCode.map(\.code) == ["NoSuchKey", "-2", "InvalidObjectState"])
        #expect(t.failedByCode.first { $0.code == "InvalidObjectState" }?.accepted == 1)
    }

    @Test func markdownShowsFiguresListsAndAcceptances() {
        let md = ReportMarkdownRenderer().render(ReportFixtures.report())
        #expect(md.contains("# Migration report: media"))
        #expect(md.contains("| 2 | 150 | 140 | 6 | 4 (1 accepted) |"))
        #expect(md.contains("### `MigrationTask/photos`: Failed"))
        #expect(md.contains("| 120 | 110 | 6 | 4 (1 accepted) |"))
        #expect(md.contains("`crc64`"))
        #expect(md.contains("failed list `oms/task/photos/failed_object_lists/1.failed_list.txt`"))
        #expect(md.contains("success lists `oms/task/photos/success_object_lists/`"))
        #expect(md.contains("archive, not needed (OPS-1)") && md.contains("| 0 (stale) |"))
        // The hostile key is a code span, the tab is shown as \t and cannot split a cell.
        #expect(md.contains("| `<script>alert(1)</script>.jpg` |"))
        #expect(md.contains("`a\\tb.jpg`"))
        #expect(!md.contains("\t"))
        for line in md.split(separator: "\n") where line.hasPrefix("| `MigrationTask/photos` | `") {
            #expect(line.filter { $0 == "|" }.count - line.components(separatedBy: "\\|").count + 1 == 6, "\(line)")
        }
    }

    /// The report says what each code means and what to do, as status does.
    @Test func markdownAndHTMLExplainEveryCode() {
        let report = ReportFixtures.report()
        let md = ReportMarkdownRenderer().render(report)
        #expect(md.contains("What the codes mean:"))
        #expect(md.contains("- `NoSuchKey`: source object gone: the source object no longer exists"), "\(md)")
        #expect(md.contains("- `InvalidObjectState`: archived at the source:") && md.contains("set options.enableRestore: true"))
        #expect(md.contains("- `-2`: "), "an unknown code is still listed")
        let html = ReportHTMLRenderer().render(report)
        #expect(html.contains("<dl class=\"code-advice\"><dt><code>NoSuchKey</code>: source object gone</dt>"), "\(html)")
        #expect(html.contains("<strong>What to do:</strong> set options.enableRestore: true"))
    }

    @Test func markdownSaysWhenThePlanAcceptsNothing() {
        let md = ReportMarkdownRenderer().render(ReportFixtures.report(acceptances: []))
        #expect(md.contains("None: the plan accepts no failed objects."))
    }

    @Test func jsonCarriesEveryFigureAndExactKeys() throws {
        let text = try ReportJSONRenderer().render(ReportFixtures.report())
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(totals["objectsFailed"] as? Int == 4 && totals["bytesCopied"] as? Int == 4_000_000)
        let resources = try #require(json["resources"] as? [[String: Any]])
        #expect(resources.map { $0["address"] as? String } == ["MigrationTask/docs", "MigrationTask/photos"])
        let lists = try #require(resources[1]["lists"] as? [String: Any])
        #expect(lists["failedList"] as? String == "oms/task/photos/failed_object_lists/1.failed_list.txt")
        let failed = try #require(json["failedObjects"] as? [[String: Any]])
        #expect(failed.map { $0["key"] as? String } == ReportFixtures.failed.map(\.key))
        #expect((json["acceptances"] as? [Any])?.count == 2)
    }

    @Test func csvIsOneQuotedRowPerFailedObjectWithFormulasNeutralised() {
        let csv = ReportCSVRenderer().render(ReportFixtures.report())
        let rows = csv.components(separatedBy: "\r\n")
        #expect(rows.count == 6 && rows.last == "")
        #expect(rows[0] == "address,key,code,reason,accepted_by")
        #expect(rows[1] == "MigrationTask/photos,<script>alert(1)</script>.jpg,NoSuchKey,gone at the source,")
        // A quote is doubled and the field quoted; a comma quotes the field; the tab stays in the key.
        #expect(rows[2] == "MigrationTask/photos,a\tb.jpg,NoSuchKey,\"said \"\"no\"\", twice\",")
        #expect(rows[3] == "MigrationTask/photos,\"'=HYPERLINK(\"\"http://x\"\")\",InvalidObjectState,archived,\"archive, not needed (OPS-1)\"")
        #expect(rows[4] == "MigrationTask/photos,'+1,'-2,'@sum,")
    }

    @Test func csvFieldsFollowRFC4180() {
        #expect(ReportCSVRenderer.field("plain") == "plain")
        #expect(ReportCSVRenderer.field("a\nb") == "\"a\nb\"")
        #expect(ReportCSVRenderer.field("a\r") == "\"a\r\"")
        // A quote with a combining mark after it is one Character but still a quote.
        #expect(ReportCSVRenderer.field("x\"\u{301}") == "\"x\"\"\u{301}\"")
        #expect(ReportCSVRenderer.neutralised("\tx") == "'\tx" && ReportCSVRenderer.neutralised("\rx") == "'\rx")
        #expect(ReportCSVRenderer.neutralised("a=b") == "a=b" && ReportCSVRenderer.neutralised("") == "")
    }

    @Test func htmlIsSelfContainedAndEscapesHostileKeys() {
        let html = ReportHTMLRenderer().render(ReportFixtures.report())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"))
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href=") && !html.contains("@import"))
        #expect(html.contains("<code>&lt;script&gt;alert(1)&lt;/script&gt;.jpg</code>"))
        #expect(html.contains("<code>a\\tb.jpg</code>") && !html.contains("\t"))
        #expect(html.contains("said &quot;no&quot;, twice"))
        #expect(html.contains("data-objects-failed=\"4\"") && html.contains("data-count=\"4\""))
        #expect(html.contains("<td>150</td><td>140</td><td>6</td>"))
        #expect(html.contains("oms/task/photos/skip_object_lists/"))
        #expect(html.contains("old prefix") && html.contains("0 (stale)"))
    }

    @Test func visibleEscapesControlsByScalar() {
        #expect(ReportText.visible("a\tb\nc\u{1B}[31m\u{202E}") == "a\\tb\\nc\\u{1B}[31m\\u{202E}")
        // A combining mark after a tab does not hide it.
        #expect(ReportText.visible("\t\u{301}") == "\\t\u{301}")
    }

    @Test func acceptanceRulesMatchByBytesAndEveryMatcher() {
        let rule = MigrationReport.AcceptanceRule(reason: "r", prefix: "tmp/", codes: ["NoSuchKey"])
        #expect(rule.matches(key: "tmp/x", code: "NoSuchKey"))
        #expect(!rule.matches(key: "tmp/x", code: "Other") && !rule.matches(key: "b", code: "NoSuchKey"))
        let keys = MigrationReport.AcceptanceRule(reason: "r", keys: ["a.jpg"])
        #expect(keys.matches(key: "a.jpg", code: "X") && !keys.matches(key: "a.jpg\u{301}", code: "X"))
        #expect(!MigrationReport.AcceptanceRule(reason: "none").matches(key: "a", code: "b"))
        #expect(MigrationReport.AcceptanceRule(reason: "r", keys: ["a.jpg"], prefix: "tmp/", codes: ["NoSuchKey"]).matcherSummary
            == "key a.jpg, prefix tmp/, code NoSuchKey")
    }
}
