import Foundation

/// The terminal form of a diff, modelled on Terraform's plan output:
///
///       ~ MigrationTask/photos-2024 will be updated in place (id 1002, Migrating)
///           # bandwidth changed (windows of 2026-11-24)
///           ~ bandwidth: [00:00-23:59 1 MiB/s] -> [00:00-23:59 2 MiB/s]
///           PUT /v2/{project_id}/tasks/1002/bandwidth-policy
///
///     Plan: 0 to create, 1 to update, ...; 0 blocked; 4 unchanged.
///
/// Unchanged resources are only counted unless `verbose` is set. ANSI escapes appear only
/// when `color` is true; the caller decides (terminal, `--no-color`, `NO_COLOR`). Past 50
/// creates, creates alike but for names and source keys are one entry (`CreateGroups`) unless
/// `full` is set.
public struct TextReportRenderer: Sendable {
    public var color: Bool
    public var verbose: Bool
    public var full: Bool

    public init(color: Bool = false, verbose: Bool = false, full: Bool = false) {
        self.color = color
        self.verbose = verbose
        self.full = full
    }

    public func render(_ report: ChangeReport) -> String {
        let style = ANSIStyle(enabled: color)
        let shown = report.changes.filter { verbose || $0.action != .noop }
        // Kept resources (prune: false) and adopted ones with nothing to change are one line
        // each; verbose shows them in full with the other unchanged resources.
        let kept = verbose ? [] : report.changes.filter(\.isKept)
        let adopted = verbose ? [] : report.changes.filter(\.isAdoptedNoop)
        // Suspended resources (Reconciler/Hold) are never hidden among the unchanged.
        let suspended = HoldViews.textLines(report, style)
        var lines: [String] = []
        // Settled by acceptFailures (unchanged): what they accept and which are stale, even
        // when unchanged resources are not shown.
        if !verbose {
            for c in report.changes where c.action == .noop && !(c.acceptance?.sentences.isEmpty ?? true) {
                lines.append(oneLine(c, "is settled by acceptFailures", style))
                lines += c.acceptance!.sentences.map { "      " + style.dim("# ") + $0 }
                lines.append("")
            }
        }
        if report.changes.allSatisfy({ $0.action == .noop }) {
            if verbose { lines += shown.flatMap { block($0, day: report.evaluatedDay, style) + [""] } }
            if !adopted.isEmpty { lines += adopted.map { oneLine($0, "is adopted with nothing to change", style) } + [""] }
            if !kept.isEmpty { lines += kept.map { oneLine($0, "is kept", style) } + [""] }
            lines += verbose ? [] : suspended
            lines.append(style.bold("No changes.") + HoldViews.noChangesTail(report))
            lines.append(style.dim(countLine(report)))
        } else {
            for entry in CreateGroups.entries(shown, full: full) {
                switch entry {
                case .single(let change): lines += block(change, day: report.evaluatedDay, style) + [""]
                case .group(let group): lines += groupBlock(group, day: report.evaluatedDay, style) + [""]
                }
            }
            if !adopted.isEmpty { lines += adopted.map { oneLine($0, "is adopted with nothing to change", style) } + [""] }
            if !kept.isEmpty { lines += kept.map { oneLine($0, "is kept", style) } + [""] }
            lines += verbose ? [] : suspended
            let hidden = verbose ? 0 : report.summary.noop - kept.count - adopted.count - report.suspendedChanges.count
            if hidden > 0 {
                lines.append(style.dim("\(hidden) unchanged \(hidden == 1 ? "resource" : "resources") not shown."))
            }
            lines.append(summaryLine(report, style))
        }
        if let day = report.evaluatedDay {
            lines.append(style.dim("Bandwidth windows evaluated for \(day) (service time zone), at \(ValueFormat.rfc3339(report.evaluatedAt))."))
        }
        if let phrase = report.unowned?.phrase { lines.append(style.dim(phrase)) }
        lines += PassInOMS.textLines(report.incrementalPasses, style)
        lines += HoldViews.textFreeze(report, style)
        lines += CutoverViews.diffLines(report, zone: nil)
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: One change

    /// `  = MigrationTask/old is kept (id 1, Paused): no longer declared; kept because prune is false`
    /// `  = MigrationTask/media is adopted with nothing to change (id 7, Paused): adopted: live task 7 is managed by this stack from now on`
    private func oneLine(_ c: ResourceChange, _ phrase: String, _ style: ANSIStyle) -> String {
        var line = "  = " + style.bold(c.address.description) + " " + phrase
        if let live = ValueFormat.live(c) { line += style.dim(" (\(live))") }
        return line + ": " + c.reasons.map(\.description).joined(separator: "; ")
    }

    /// A group of alike creates: the count, the first member's block (its own values of the
    /// fields that differ, marked so), and the names the group spans.
    ///
    ///       + 2,000 MigrationTask like t-00001 (source.prefixes differ) will be created
    private func groupBlock(_ g: CreateGroups.CreateGroup, day: String?, _ style: ANSIStyle) -> [String] {
        var lines = block(g.first, day: day, style, differing: Set(g.differing))
        let symbol = ChangeAction.create.symbol
        let padding = String(repeating: " ", count: max(0, 3 - symbol.count))
        lines[0] = padding + style.action(.create, symbol) + " " + style.bold("\(CreateGroups.count(g.count)) \(g.phrase)") + " will be created"
        let names = "\(g.first.address.description) ... \(g.last.address.description)"
        lines.insert("      " + style.dim("# \(CreateGroups.count(g.count)) creates, \(names); --full lists each, --output json has every one"), at: 1)
        return lines
    }

    /// Header, reasons, fields, calls, outcome; every line indented under the symbol column.
    private func block(_ c: ResourceChange, day: String?, _ style: ANSIStyle, differing: Set<String> = []) -> [String] {
        // Symbols are 1 to 3 columns wide; right-aligning them keeps the addresses in one
        // column, as Terraform does: `  + create`, `-/+ replace`.
        let padding = String(repeating: " ", count: max(0, 3 - c.action.symbol.count))
        var header = padding + style.action(c.action, c.action.symbol) + " " + style.bold(c.address.description) + " " + c.action.phrase
        if let live = ValueFormat.live(c) { header += style.dim(" (\(live))") }
        var lines = [header]
        let indent = "      "
        for reason in c.reasons { lines.append(indent + style.dim("# ") + reason.description) }
        for sentence in c.acceptance?.sentences ?? [] { lines.append(indent + style.dim("# ") + sentence) }
        for field in c.fields {
            var fieldText = fieldLines(field, creates: c.action == .create, indent: indent, style)
            // The rules a create sends are those of one day: say which, beside them.
            if field.path == "bandwidth", field.before == nil, let day, !fieldText.isEmpty {
                fieldText[0] += style.dim("  # OMS rules for \(day), service time zone")
            }
            if differing.contains(field.path), !fieldText.isEmpty {
                fieldText[0] += style.dim("  # \(c.address.address.name)'s; each create has its own")
            }
            lines += fieldText
        }
        // Blocked changes already name what they wait for in their reasons.
        if c.action == .create && !c.dependsOn.isEmpty {
            lines.append(indent + style.dim("depends on: " + c.dependsOn.map(\.description).joined(separator: ", ")))
        }
        for call in c.calls { lines.append(indent + style.dim(call)) }
        if let outcome = c.outcome {
            var text = "=> \(outcome.status.rawValue)"
            if let id = outcome.liveId, id != c.liveId { text += " (id \(id))" }
            if let error = outcome.error { text += ": \(error)" }
            lines.append(indent + (outcome.status == .failed ? style.red(text) : text))
        }
        return lines
    }

    private func fieldLines(_ f: FieldChange, creates: Bool, indent: String, _ style: ANSIStyle) -> [String] {
        guard let before = f.before, before != f.after else { return attributeLines(f, new: creates, indent: indent, style) }
        let note = f.forcesReplacement ? style.red("  # forces replacement") : ""
        let marker = style.yellow("~")
        // A long key list (an object task has up to 500 keys) is unreadable as two JSON
        // arrays; show what was added and removed instead.
        if let delta = ListDelta(before: before, after: f.after), delta.isLong {
            var lines = [indent + "\(marker) \(f.path): \(delta.beforeCount) -> \(delta.afterCount) items\(note)"]
            let limit = 10
            for item in delta.removed.prefix(limit) { lines.append(indent + "    " + style.red("- " + item)) }
            if delta.removed.count > limit { lines.append(indent + "    " + style.dim("... \(delta.removed.count - limit) more removed")) }
            for item in delta.added.prefix(limit) { lines.append(indent + "    " + style.green("+ " + item)) }
            if delta.added.count > limit { lines.append(indent + "    " + style.dim("... \(delta.added.count - limit) more added")) }
            return lines
        }
        let after = ValueFormat.compact(f.after, path: f.path)
        return [indent + "\(marker) \(f.path): \(ValueFormat.compact(before, path: f.path)) -> \(after)\(note)"]
    }

    /// An attribute a create sends (`+`), or one a replacement sends unchanged (no mark).
    /// A long key list shows its count and first items.
    private func attributeLines(_ f: FieldChange, new: Bool, indent: String, _ style: ANSIStyle) -> [String] {
        let marker = new ? style.green("+") : " "
        if case .array(let items) = f.after, items.count > 8, ValueFormat.bandwidthRules(f.after) == nil {
            var lines = [indent + "\(marker) \(f.path): \(items.count) items"]
            let limit = 10
            for item in items.prefix(limit) { lines.append(indent + "    " + item.description) }
            if items.count > limit { lines.append(indent + "    " + style.dim("... \(items.count - limit) more")) }
            return lines
        }
        let line = "\(marker) \(f.path): \(ValueFormat.compact(f.after, path: f.path))"
        return [indent + (new ? line : style.dim(line))]
    }

    // MARK: Summary

    private func summaryLine(_ report: ChangeReport, _ style: ANSIStyle) -> String {
        let s = report.summary
        let pending = [ChangeAction.create, .update, .replace, .delete, .start, .pause, .retry]
            .map { "\(s[$0]) \($0.summaryPhrase)" }.joined(separator: ", ")
        let released = s.release > 0 ? ", \(s.release) \(ChangeAction.release.summaryPhrase)" : ""
        let blocked = "\(s.blocked) blocked"
        return style.bold("Plan:") + " \(pending)\(released); \(s.blocked > 0 ? style.red(blocked) : blocked); \(s.noop) unchanged\(report.unchangedDetail)."
    }

    private func countLine(_ report: ChangeReport) -> String {
        let n = report.summary.noop
        return "\(n) \(n == 1 ? "resource" : "resources") checked, all unchanged\(report.unchangedDetail)."
    }
}

/// Added and removed items of two lists of strings, for long key lists.
private struct ListDelta {
    var beforeCount: Int
    var afterCount: Int
    var added: [String]
    var removed: [String]
    var isLong: Bool

    init?(before: JSONValue, after: JSONValue) {
        guard case .array(let b) = before, case .array(let a) = after,
            let bs = Self.strings(b), let as_ = Self.strings(a)
        else { return nil }
        beforeCount = bs.count
        afterCount = as_.count
        let bSet = Set(bs), aSet = Set(as_)
        added = as_.filter { !bSet.contains($0) }.map { JSONValue.string($0).description }
        removed = bs.filter { !aSet.contains($0) }.map { JSONValue.string($0).description }
        // Short lists read better whole: `["2023/"] -> ["2024/"]`.
        isLong = bs.count + as_.count > 8
    }

    private static func strings(_ items: [JSONValue]) -> [String]? {
        var out: [String] = []
        for item in items {
            guard case .string(let s) = item else { return nil }
            out.append(s)
        }
        return out
    }
}

