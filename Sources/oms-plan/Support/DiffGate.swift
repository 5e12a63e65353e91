import Foundation
import OMSModels
import Reconciler

/// The words and exit code of `diff`'s verdict (`DiffVerdict` decides what is blocked).
enum DiffGate {
    /// How many groups of addresses (blocked for the same reasons) the last line names, and
    /// how many addresses of each, before it counts the rest: one line, however big the plan.
    static let namedGroups = 3
    static let namedPerGroup = 3

    /// The exit code of `diff --detailed-exitcode`: 1 when a change is blocked, 2 when there
    /// are changes and all of them can be made, 0 when there is nothing to change.
    static func detailedExitCode(_ verdict: DiffVerdict) -> Int32 {
        switch verdict.kind {
        case .blocked: 1
        case .changesCanBeMade: 2
        case .nothingToChange: 0
        }
    }

    /// What keeps one change blocked, in the report's own sentences: the reasons that need a
    /// person when there are any, else every reason that does not pass by itself.
    static func why(_ change: ResourceChange) -> String {
        let shown = DiffVerdict.blockingReasons(change)
        let text = shown.isEmpty ? "blocked without a reason given" : shown.map(\.description).joined(separator: "; ")
        // One line: a reason quoting OMS or the plan may hold a line break (read by scalars, not
        // Characters). Masked first: a secret holding U+2028, with it turned into a space,
        // would be a form of the secret the redactor of the output no longer knows.
        let masked = SecretRedactor.shared.redact(text)
        return String(String.UnicodeScalarView(masked.unicodeScalars.map { CharacterSet.newlines.contains($0) ? " " : $0 }))
    }

    /// One line naming the blocked addresses and what unblocks each, for the bottom of a CI
    /// log: `blocked: 3 changes cannot be made as the plan is written: MigrationTask/a,
    /// MigrationTask/b (pre-flight: ...); MigrationTask/c (...). Fix ...`. Addresses blocked
    /// for the same reasons share them; past `namedGroups` groups and `namedPerGroup`
    /// addresses a group, the rest are counted. Nil when nothing is blocked.
    static func lastLine(_ blockers: [ResourceChange]) -> String? {
        guard !blockers.isEmpty else { return nil }
        // Same reasons, one group; groups in address order of their first member.
        var order: [String] = []
        var groups: [String: [String]] = [:]
        for change in blockers {
            let why = why(change)
            if groups[why] == nil { order.append(why) }
            groups[why, default: []].append(change.address.description)
        }
        var parts: [String] = []
        for why in order.prefix(namedGroups) {
            let addresses = groups[why] ?? []
            let rest = addresses.count - namedPerGroup
            parts.append(addresses.prefix(namedPerGroup).joined(separator: ", ") + (rest > 0 ? " and \(rest) more" : "") + " (\(why))")
        }
        let unnamed = order.dropFirst(namedGroups).reduce(0) { $0 + (groups[$1]?.count ?? 0) }
        let more = unnamed > 0 ? "; and \(unnamed) more blocked for other reasons (see above)" : ""
        let count = blockers.count == 1 ? "1 change" : "\(blockers.count) changes"
        return "blocked: \(count) cannot be made as the plan is written: \(parts.joined(separator: "; "))\(more)."
            + " Fix the plan or what each reason names (or allow what it asks for), then run diff again."
    }
}
