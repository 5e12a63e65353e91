import Foundation
import OMSModels

/// The `--output markdown` form of a diff, for pull-request comments on GitHub: a title, a
/// count table, one collapsed `<details>` section per change, unchanged resources folded into
/// one more. Sections stay collapsed so that a plan of 300 tasks is still a readable comment.
public struct MarkdownReportRenderer: Sendable {
    /// GitHub refuses comments over 65,536 characters; the report stays below this many,
    /// leaving room for a workflow's own heading around it.
    public var characterBudget: Int

    /// Kept free for the lines that close the comment (unowned count, the left-out list).
    static let reserve = 2_000

    /// Every create in its own section, also past 50 alike ones (`--full`; see `CreateGroups`).
    public var full: Bool

    public init(characterBudget: Int = 60_000, full: Bool = false) {
        self.characterBudget = characterBudget
        self.full = full
    }

    public func render(_ report: ChangeReport) -> String {
        var out: [String] = ["### oms-plan diff: \(Self.text(report.stack))", ""]
        out += ["| action | count |", "|:--|--:|"]
        // `release` only when there is one: it is rare, and tables stay as they were.
        for action in ChangeAction.allCases where action != .release || report.summary.release > 0 {
            out.append("| \(Self.code(action.symbol, inTable: true)) \(action.rawValue) | \(report.summary[action]) |")
        }
        out.append("")
        var when = "Evaluated at \(Self.code(ValueFormat.rfc3339(report.evaluatedAt)))"
        if let day = report.evaluatedDay { when += "; bandwidth windows of \(Self.text(day)) (service time zone)" }
        out += [when + ".", ""]
        if !report.changes.contains(where: { $0.action != .noop }) {
            out += ["**No changes.**" + HoldViews.noChangesTail(report), ""]
        }
        // Sections until the comment would outgrow GitHub's limit; the rest as one line each.
        var used = out.reduce(0) { $0 + $1.count + 1 } + Self.reserve
        var leftOut: [String] = []
        var leftOutChanges = 0
        for entry in CreateGroups.entries(report.changes.filter { $0.action != .noop }, full: full) {
            let lines: [String]
            let line: String
            var members = 1
            switch entry {
            case .single(let change):
                lines = section(change)
                line = "- \(Self.code(change.action.symbol)) \(Self.code(change.address.description)) \(change.action.rawValue)"
            case .group(let group):
                lines = groupSection(group)
                members = group.count
                line = "- \(Self.code(ChangeAction.create.symbol)) \(CreateGroups.count(group.count)) \(Self.code(group.first.address.address.kind.rawValue)) like \(Self.code(group.first.address.address.name)) create (\(Self.text(group.differenceWords)))"
            }
            let size = lines.reduce(0) { $0 + $1.count + 1 }
            if leftOut.isEmpty && used + size <= characterBudget {
                out += lines
                used += size
            } else {
                leftOut.append(line)
                leftOutChanges += members
            }
        }
        if !leftOut.isEmpty {
            out += ["<details><summary>\(leftOutChanges) more \(leftOutChanges == 1 ? "change" : "changes"), one line each (details left out to stay under GitHub's comment limit; <code>oms-plan diff --output json</code> has them all)</summary>", ""]
            out += cappedList(leftOut, used: &used)
            out += ["", "</details>", ""]
        }
        // Adopted resources with nothing to change, and kept ones (prune: false), in the open:
        // a reader must see that an import worked, and what stays in OMS.
        let lists = [("Adopted by this stack, nothing to change", report.changes.filter(\.isAdoptedNoop)),
                     ("Kept in OMS though no longer declared (prune: false)", report.changes.filter(\.isKept))]
        for (title, changes) in lists where !changes.isEmpty {
            out += ["\(title): \(changes.count)", ""]
            out += cappedList(changes.map { change in
                var line = "- \(Self.code(change.address.description))"
                if let status = change.liveStatus { line += " (\(Self.text(status)))" }
                return line + ": " + change.reasons.map { Self.text($0.description) }.joined(separator: "; ")
            }, used: &used)
            out.append("")
        }
        out += HoldViews.markdownLines(report, text: Self.text, code: { Self.code($0) })
        out += CutoverViews.markdownLines(report, text: Self.text)
        let unchanged = report.changes.filter { $0.action == .noop && !$0.isKept && !$0.isAdoptedNoop && !$0.isSuspended }
        if !unchanged.isEmpty {
            out.append("<details><summary>\(unchanged.count) unchanged</summary>")
            out.append("")
            out += cappedList(unchanged.map { change in
                var line = "- \(Self.code(change.address.description))"
                if let status = change.liveStatus { line += " (\(Self.text(status)))" }
                if !change.reasons.isEmpty { line += ": " + change.reasons.map { Self.text($0.description) }.joined(separator: "; ") }
                for sentence in change.acceptance?.sentences ?? [] { line += "\n  - " + Self.text(sentence) }
                return line
            }, used: &used)
            out += ["", "</details>", ""]
        }
        if let phrase = report.unowned?.phrase { out += [Self.text(phrase), ""] }
        while out.last == "" { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }

    /// As many of `lines` as the budget leaves room for, then `- … and N more`.
    private func cappedList(_ lines: [String], used: inout Int) -> [String] {
        var out: [String] = []
        for (index, line) in lines.enumerated() {
            guard used + line.count + 1 <= characterBudget + Self.reserve / 2 else {
                out.append("- … and \(lines.count - index) more")
                break
            }
            out.append(line)
            used += line.count + 1
        }
        return out
    }

    /// Alike creates as one section: the first member's, under a summary with the count, and
    /// the names the group spans.
    private func groupSection(_ g: CreateGroups.CreateGroup) -> [String] {
        var lines = section(g.first)
        let words = "\(CreateGroups.count(g.count)) <code>\(Self.html(g.first.address.address.kind.rawValue))</code> like <code>\(Self.html(g.first.address.address.name))</code>"
        lines[0] = "<details><summary><code>+</code> \(words) — create (\(Self.html(g.differenceWords)))</summary>"
        let span = "\(CreateGroups.count(g.count)) creates alike but for their names and \(g.differing.isEmpty ? "nothing else" : g.differing.map { Self.code($0) }.joined(separator: ", ")), from \(Self.code(g.first.address.description)) to \(Self.code(g.last.address.description)); the values below are \(Self.code(g.first.address.address.name))'s. <code>--full</code> shows each; <code>--output json</code> has every one."
        lines.insert(contentsOf: [span, ""], at: 2)
        return lines
    }

    /// One `<details>` section. GitHub renders Markdown inside `<details>` only after a blank
    /// line, and not at all inside `<summary>`, hence HTML there and blank lines around blocks.
    private func section(_ c: ResourceChange) -> [String] {
        var summary = "<code>\(Self.html(c.action.symbol))</code> <code>\(Self.html(c.address.description))</code> — \(c.action.rawValue)"
        if let status = c.liveStatus { summary += " (\(Self.html(status)))" }
        var out = ["<details><summary>\(summary)</summary>", ""]
        if let id = c.liveId { out += ["Live id \(Self.code(id)).", ""] }
        if !c.reasons.isEmpty {
            out += c.reasons.map { "- " + Self.text($0.description) }
            out.append("")
        }
        if let sentences = c.acceptance?.sentences, !sentences.isEmpty {
            out += sentences.map { "- " + Self.text($0) }
            out.append("")
        }
        if !c.fields.isEmpty, c.fields.allSatisfy({ $0.before == nil }) {
            // A create: every attribute it sends.
            out += ["| attribute | value |", "|---|---|"]
            for f in c.fields {
                out.append("| \(Self.code(f.path, inTable: true)) | \(Self.code(ValueFormat.compact(f.after, path: f.path), inTable: true)) |")
            }
            out.append("")
        } else if !c.fields.isEmpty {
            out += ["| path | before | after |", "|---|---|---|"]
            // A replacement lists unchanged attributes too: the changed ones stand out in bold.
            let mixed = c.fields.contains { !$0.changesLiveValue }
            for f in c.fields {
                let path = Self.code(f.path, inTable: true) + (f.forcesReplacement ? " (forces replacement)" : "")
                let before = f.before.map { Self.code(ValueFormat.compact($0, path: f.path), inTable: true) } ?? "—"
                let after = Self.code(ValueFormat.compact(f.after, path: f.path), inTable: true)
                out.append(mixed && f.changesLiveValue ? "| **\(path)** | \(before) | \(after) |" : "| \(path) | \(before) | \(after) |")
            }
            out.append("")
        }
        if !c.dependsOn.isEmpty {
            out += ["Depends on: " + c.dependsOn.map { Self.code($0.description) }.joined(separator: ", ") + ".", ""]
        }
        if !c.calls.isEmpty {
            out += ["OMS calls:", ""]
            out += c.calls.enumerated().map { "\($0.offset + 1). \(Self.code($0.element))" }
            out.append("")
        }
        if let outcome = c.outcome {
            var line = "**Outcome:** \(outcome.status.rawValue)"
            if let id = outcome.liveId, id != c.liveId { line += " (live id \(Self.code(id)))" }
            if let error = outcome.error { line += " — " + Self.text(error) }
            out += [line, ""]
        }
        out += ["</details>", ""]
        return out
    }

    // MARK: Escaping

    /// Prose: backslash-escape what GitHub would read as emphasis, links, code, HTML or table
    /// cells, so that a reason such as `a_b|c` prints as written.
    static func text(_ s: String) -> String { TextEscaping.markdownProse(s) }

    /// A code span that survives any content: a longer backtick fence when the text holds
    /// backticks, and `\|` inside table cells (GitHub splits cells on `|` before it looks at
    /// code spans, and drops the backslash afterwards).
    static func code(_ s: String, inTable: Bool = false) -> String {
        let body = TextEscaping.markdownCode(s, inTable: inTable)
        var longest = 0, run = 0
        for byte in body.utf8 {
            run = byte == UInt8(ascii: "`") ? run + 1 : 0
            longest = max(longest, run)
        }
        guard longest > 0 else { return "`\(body)`" }
        let fence = String(repeating: "`", count: longest + 1)
        return "\(fence) \(body) \(fence)"
    }

    /// Text inside HTML elements (`<summary>`), where Markdown is not rendered.
    static func html(_ s: String) -> String { TextEscaping.html(s, apostrophe: false) }
}
