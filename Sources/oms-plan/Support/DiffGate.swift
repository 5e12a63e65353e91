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
        return oneLine(shown.isEmpty ? "blocked without a reason given" : shown.map(\.description).joined(separator: "; "))
    }

    /// `text` masked and on one line: a reason quoting OMS or the plan may hold a line break
    /// (read by scalars, not Characters). Masked first: a secret holding U+2028, with it turned
    /// into a space, would be a form of the secret the redactor of the output no longer knows.
    static func oneLine(_ text: String) -> String {
        let masked = SecretRedactor.shared.redact(text)
        return String(String.UnicodeScalarView(masked.unicodeScalars.map { CharacterSet.newlines.contains($0) ? " " : $0 }))
    }

    /// Addresses that share a reason, grouped: `A, B and 4 more (why); C (why)`, at most
    /// `namedGroups` groups of `namedPerGroup` addresses, in the order of each group's first
    /// address; `unnamed` counts the addresses of the groups left out.
    static func grouped(_ items: [(address: String, why: String)]) -> (text: String, unnamed: Int) {
        var order: [String] = []
        var groups: [String: [String]] = [:]
        for item in items {
            if groups[item.why] == nil { order.append(item.why) }
            groups[item.why, default: []].append(item.address)
        }
        let parts = order.prefix(namedGroups).map { why in
            let addresses = groups[why] ?? []
            let rest = addresses.count - namedPerGroup
            return addresses.prefix(namedPerGroup).joined(separator: ", ") + (rest > 0 ? " and \(rest) more" : "") + " (\(why))"
        }
        let unnamed = order.dropFirst(namedGroups).reduce(0) { $0 + (groups[$1]?.count ?? 0) }
        return (parts.joined(separator: "; "), unnamed)
    }

    /// One line naming the blocked addresses and what unblocks each, for the bottom of a CI
    /// log: `blocked: 3 changes cannot be made as the plan is written: MigrationTask/a,
    /// MigrationTask/b (pre-flight: ...); MigrationTask/c (...). Fix ...`. Addresses blocked
    /// for the same reasons share them; past `namedGroups` groups and `namedPerGroup`
    /// addresses a group, the rest are counted. Nil when nothing is blocked.
    static func lastLine(_ blockers: [ResourceChange]) -> String? {
        guard !blockers.isEmpty else { return nil }
        let (named, unnamed) = grouped(blockers.map { ($0.address.description, why($0)) })
        let more = unnamed > 0 ? "; and \(unnamed) more blocked for other reasons (see above)" : ""
        let count = blockers.count == 1 ? "1 change" : "\(blockers.count) changes"
        let fix = " Fix the plan or what each reason names (or allow what it asks for), then run diff again."
        let failed = blockers.filter { DiffVerdict.blockingReasons($0).contains(where: isFailure) }.count
        if failed == blockers.count {
            // Resources OMS reports Failed that nothing will retry: no change is wrong with the
            // plan, but it cannot be carried out either.
            let count = failed == 1 ? "1 resource" : "\(failed) resources"
            return "failed: \(count) failed in OMS and nothing will retry \(failed == 1 ? "it" : "them"): \(named)\(more)." + fix
        }
        let also = failed > 0 ? " (\(failed) of them failed in OMS)" : ""
        return "blocked: \(count) cannot be made as the plan is written\(also): \(named)\(more)." + fix
    }

    /// A reason that says the resource failed in OMS and its onFailure will not retry it.
    static func isFailure(_ reason: ChangeReason) -> Bool {
        switch reason {
        case .failedWithoutPolicy, .failedGaveUp: true
        default: false
        }
    }
}
