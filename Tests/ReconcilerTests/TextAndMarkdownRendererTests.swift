import Foundation
import Reconciler
import Testing

@Suite struct TextReportRendererTests {
    let report = JSONReportRendererTests.sample()

    @Test func colorOnlyWhenAsked() {
        #expect(!TextReportRenderer(color: false).render(report).contains("\u{1B}"))
        #expect(!TextReportRenderer(color: false, verbose: true).render(report).contains("\u{1B}"))
        #expect(TextReportRenderer(color: true).render(report).contains("\u{1B}["))
    }

    @Test func blocksAndSummary() {
        let text = TextReportRenderer().render(report)
        #expect(text.contains("  ~ MigrationTask/photos-2024 will be updated in place (id 200477729979132, Migrating)\n"))
        #expect(text.contains("      ~ bandwidth: [00:00-23:59 1 MiB/s] -> [00:00-23:59 2 MiB/s]\n"))
        #expect(text.contains("      PUT /v2/{project_id}/tasks/200477729979132/bandwidth-policy\n"))
        #expect(text.contains("-/+ MigrationTask/docs will be replaced (id 7, Paused)\n"))
        #expect(text.contains("~ source.objects: [\"a\"] -> [\"b\",null,true]  # forces replacement\n"))
        #expect(text.contains("=> failed: OMS.0007"))
        #expect(text.contains("=> succeeded (id 8)"))
        // Noops are only counted.
        #expect(!text.contains("MigrationTask/n1"))
        #expect(text.contains("4 unchanged resources not shown."))
        #expect(text.contains(
            "Plan: 1 to create, 1 to update, 1 to replace, 0 to delete, 0 to start, 0 to pause, 0 to retry; 0 blocked; 4 unchanged.\n"))
        #expect(text.hasSuffix("Bandwidth windows evaluated for 2026-11-24 (service time zone), at 2026-11-24T09:00:00Z.\n"))
        #expect(TextReportRenderer(verbose: true).render(report).contains("  = MigrationTask/n1 is unchanged (id 1, Succeeded)\n"))
    }

    @Test func noChanges() {
        let quiet = ChangeReport(
            stack: "media", evaluatedAt: report.evaluatedAt, evaluatedDay: nil,
            changes: [ResourceChange(address: "MigrationTask/a", action: .noop, liveId: "1", liveStatus: "Migrating")])
        let text = TextReportRenderer().render(quiet)
        #expect(text == "No changes. OMS matches the plan.\n1 resource checked, all unchanged.\n")
        #expect(TextReportRenderer().render(ChangeReport(stack: "s", evaluatedAt: report.evaluatedAt, evaluatedDay: nil, changes: []))
            .hasPrefix("No changes. OMS matches the plan.\n"))
    }

    @Test func longKeyListsShowTheDelta() {
        let before = JSONValue.array((1...20).map { .string("k\($0)") })
        let after = JSONValue.array((2...21).map { .string("k\($0)") })
        let change = ResourceChange(
            address: "MigrationTask/keys", action: .replace, liveId: "1", liveStatus: "Paused",
            fields: [FieldChange(path: "source.objects", before: before, after: after, forcesReplacement: true)])
        let text = TextReportRenderer().render(ChangeReport(stack: "s", evaluatedAt: report.evaluatedAt, evaluatedDay: nil, changes: [change]))
        #expect(text.contains("~ source.objects: 20 -> 20 items  # forces replacement\n          - \"k1\"\n          + \"k21\"\n"))
    }

    @Test func rates() {
        func line(_ bytes: Double) -> String {
            let rules = JSONValue.array([.object(["start": .string("00:00"), "end": .string("06:00"), "maxBandwidth": .number(bytes)])])
            let change = ResourceChange(address: "MigrationTask/a", action: .update, fields: [FieldChange(path: "bandwidth", before: .array([]), after: rules)])
            return TextReportRenderer().render(ChangeReport(stack: "s", evaluatedAt: report.evaluatedAt, evaluatedDay: nil, changes: [change]))
        }
        #expect(line(50_000_000).contains("~ bandwidth: unlimited -> [00:00-06:00 47.68 MiB/s]"))
        #expect(line(209_715_200).contains("[00:00-06:00 200 MiB/s]"))
        #expect(line(1_572_864).contains("[00:00-06:00 1.5 MiB/s]"))
    }
}

@Suite struct MarkdownReportRendererTests {
    let report = JSONReportRendererTests.sample()

    @Test func structure() {
        let md = MarkdownReportRenderer().render(report)
        #expect(md.hasPrefix("### oms-plan diff: media\n\n| action | count |\n|:--|--:|\n| `+` create | 1 |\n"))
        #expect(md.contains("| `\\|\\|` pause | 0 |"))
        #expect(md.contains(
            "<details><summary><code>~</code> <code>MigrationTask/photos-2024</code> — update (Migrating)</summary>\n\n"))
        #expect(md.contains("| `bandwidth` | `[00:00-23:59 1 MiB/s]` | `[00:00-23:59 2 MiB/s]` |"))
        #expect(md.contains("| `source.objects` (forces replacement) | `[\"a\"]` |"))
        #expect(md.contains("1. `PUT /v2/{project_id}/tasks/200477729979132/bandwidth-policy`"))
        #expect(md.contains("<details><summary>4 unchanged</summary>\n\n- `MigrationTask/n1` (Succeeded)\n"))
        // Every section is closed, and the noops are not sections of their own.
        #expect(md.components(separatedBy: "<details>").count == md.components(separatedBy: "</details>").count)
        #expect(md.components(separatedBy: "<details>").count - 1 == 4)
        #expect(!md.contains("\u{1B}"))
    }

    @Test func escaping() {
        let change = ResourceChange(
            address: "MigrationTask/a", action: .replace, liveId: "1", liveStatus: "Paused",
            reasons: [.recorded(code: "preflight_failed", message: "a_b *c* <d> |e|")],
            fields: [FieldChange(path: "source.prefixes", before: .array([.string("x|y")]), after: .array([.string("`z`")]), forcesReplacement: true)],
            outcome: ChangeOutcome(status: .failed, error: "bad <input>"))
        let md = MarkdownReportRenderer().render(ChangeReport(stack: "s<1>", evaluatedAt: report.evaluatedAt, evaluatedDay: nil, changes: [change]))
        #expect(md.hasPrefix("### oms-plan diff: s\\<1\\>\n"))
        #expect(md.contains("- a\\_b \\*c\\* \\<d\\> \\|e\\|\n"))
        #expect(md.contains("| `[\"x\\|y\"]` | `` [\"`z`\"] `` |"))
        #expect(md.contains("**Outcome:** failed — bad \\<input\\>"))
    }

    @Test func noChanges() {
        let quiet = ChangeReport(
            stack: "media", evaluatedAt: report.evaluatedAt, evaluatedDay: "2026-11-24",
            changes: [ResourceChange(address: "MigrationTask/a", action: .noop, liveId: "1", liveStatus: "Migrating")])
        let md = MarkdownReportRenderer().render(quiet)
        #expect(md.contains("**No changes.** OMS matches the plan."))
        #expect(md.hasSuffix("- `MigrationTask/a` (Migrating)\n\n</details>\n"))
    }
}
