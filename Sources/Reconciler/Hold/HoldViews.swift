import Foundation
import MigrationPlan

/// What the diff views say about suspensions and freezes: one line per suspended resource
/// (never hidden among the unchanged: a person must see what oms-plan leaves alone and why),
/// and one line about the change freeze in force or the next one.
extension ResourceChange {
    /// Held as it is by a suspension (its change is `noop`).
    public var isSuspended: Bool { suspended != nil }

    /// Held, all or in part, by a change freeze.
    public var isHeldByFreeze: Bool { reasons.contains { if case .heldByFreeze = $0 { true } else { false } } }
}

extension HoldNotice {
    /// `suspended until 2027-01-10T00:00:00Z (3d4h left): waiting for NET-42; otherwise: create`
    func suspendedSentence(now: Date) -> String {
        var text = "suspended" + (byStack ? " with the whole stack " : " ") + untilPhrase(now: now) + ": " + reason
        if let heldAction, heldAction != .noop { text += "; otherwise: \(heldAction.rawValue)" }
        return text
    }
}

extension ChangeReport {
    /// The changes a suspension holds, by address.
    public var suspendedChanges: [ResourceChange] { changes.filter(\.isSuspended) }

    /// Changes a freeze holds.
    public var heldByFreeze: [ResourceChange] { changes.filter(\.isHeldByFreeze) }

    /// The line about the freeze in force (and what it holds) or the next one; nil without freezes.
    public var freezeLine: String? {
        guard let freeze else { return nil }
        guard freeze.active else { return "The " + freeze.sentence + "." }
        if freeze.ignored == true { return "A " + freeze.sentence + ". Ignored by --ignore-freeze: every change is made." }
        let held = heldByFreeze.count
        return "A " + freeze.sentence + ". Only pauses and the day's bandwidth rules are made"
            + (held == 0 ? "." : "; \(held) \(held == 1 ? "change is" : "changes are") held until it ends.")
    }
}

/// The lines the text and Markdown diffs add (one hook in each renderer).
enum HoldViews {
    /// `  = MigrationTask/x is suspended until … (3d4h left): reason; otherwise: create (id 7, Paused)`
    static func textLines(_ report: ChangeReport, _ style: ANSIStyle) -> [String] {
        var lines: [String] = []
        if let stack = stackLine(report) { lines.append("  = " + stack) }
        for change in report.suspendedChanges {
            guard let notice = change.suspended, !notice.byStack else { continue }
            var line = "  = " + style.bold(change.address.description) + " is " + notice.suspendedSentence(now: report.evaluatedAt)
            if let live = ValueFormat.live(change) { line += style.dim(" (\(live))") }
            lines.append(line)
        }
        if !lines.isEmpty { lines.append("") }
        return lines
    }

    /// One line for a suspended Stack (10,000 tasks are not 10,000 lines): `Stack/media is
    /// suspended until …: reason; 12 resources are left as they are (3 would otherwise change)`.
    static func stackLine(_ report: ChangeReport) -> String? {
        let held = report.suspendedChanges.filter { $0.suspended?.byStack == true }
        guard let notice = held.first?.suspended else { return nil }
        let due = held.count { ($0.suspended?.heldAction ?? .noop) != .noop }
        return "Stack/\(report.stack) is suspended \(notice.untilPhrase(now: report.evaluatedAt)): \(notice.reason); "
            + "\(held.count) \(held.count == 1 ? "resource is" : "resources are") left as they are"
            + (due > 0 ? " (\(due) would otherwise change; --output json lists each)" : "")
    }

    /// What follows "No changes." in a diff: that OMS matches the plan, unless suspended
    /// resources would otherwise change (then OMS does not match it, on purpose).
    static func noChangesTail(_ report: ChangeReport) -> String {
        let due = report.suspendedChanges.count { ($0.suspended?.heldAction ?? .noop) != .noop }
        guard due > 0 else { return " OMS matches the plan." }
        return " \(due) suspended \(due == 1 ? "resource is" : "resources are") left as \(due == 1 ? "it is" : "they are") (spec.suspend)."
    }

    /// A freeze line for the end of the text diff, or nothing.
    static func textFreeze(_ report: ChangeReport, _ style: ANSIStyle) -> [String] {
        guard let line = report.freezeLine else { return [] }
        return [report.freeze?.active == true ? style.yellow(line) : style.dim(line)]
    }

    /// `Suspended (spec.suspend), left as they are: N` and a list, for the Markdown diff.
    static func markdownLines(_ report: ChangeReport, text: (String) -> String, code: (String) -> String) -> [String] {
        var out: [String] = []
        if let line = report.freezeLine { out += [text(line), ""] }
        if let stack = stackLine(report) { out += [text(stack), ""] }
        let suspended = report.suspendedChanges.filter { $0.suspended?.byStack == false }
        guard !suspended.isEmpty else { return out }
        out += ["Suspended (spec.suspend), left as they are: \(suspended.count)", ""]
        for change in suspended {
            guard let notice = change.suspended else { continue }
            var line = "- \(code(change.address.description))"
            if let status = change.liveStatus { line += " (\(text(status)))" }
            out.append(line + ": " + text(notice.suspendedSentence(now: report.evaluatedAt)))
        }
        out.append("")
        return out
    }
}

// MARK: status

extension StatusReport {
    /// Marks what a suspension holds and the stack's change freeze (in force or next), as of the
    /// read (`StatusReport.observed`, the one way a status is made).
    mutating func addHolds(desired: DesiredState) {
        let now = readAt
        freeze = FreezeNotice.of(desired.stack, at: now)
        let stack = desired.stack.suspension.flatMap { $0.isActive(at: now) ? $0 : nil }
        var own: [String: Suspension] = [:]
        for resource in desired.omsResources {
            if let s = resource.suspension, s.isActive(at: now) { own[resource.address.description] = s }
        }
        guard stack != nil || !own.isEmpty else { return }
        for index in entries.indices {
            if let stack {
                entries[index].suspended = HoldNotice(reason: stack.reason, until: stack.until, byStack: true)
            } else if let s = own[entries[index].address] {
                entries[index].suspended = HoldNotice(reason: s.reason, until: s.until)
            }
        }
    }
}

extension HoldViews {
    /// `  suspended until … (3d4h left): reason` under an entry of the text status.
    static func statusLines(_ entry: StatusReport.Entry, _ report: StatusReport) -> [String] {
        guard let notice = entry.suspended else { return [] }
        return ["  " + notice.suspendedSentence(now: report.readAt)]
    }

    /// The freeze line at the end of the text status.
    static func statusFreeze(_ report: StatusReport) -> [String] {
        guard let freeze = report.freeze else { return [] }
        return [(freeze.active ? "A " : "The ") + freeze.sentence + (freeze.active ? "; only pauses and the day's bandwidth rules are made." : ".")]
    }

    /// The status page: the freeze paragraph of the summary (escaped), or nothing.
    static func pageFreeze(_ report: StatusReport, escape: (String) -> String) -> String {
        guard let line = statusFreeze(report).first else { return "" }
        return "<p class=\"freeze\(report.freeze?.active == true ? " warn" : "")\">\(escape(line))</p>\n"
    }

    /// The status page: a suspended entry's note in its state cell (escaped), or nothing.
    static func pageSuspended(_ entry: StatusReport.Entry, _ report: StatusReport, escape: (String) -> String) -> String {
        guard let notice = entry.suspended else { return "" }
        return " <small class=\"suspended\">\(escape(notice.suspendedSentence(now: report.readAt)))</small>"
    }
}
