import Foundation

/// What the plan's `acceptFailures` make of a failed resource's lists, for `diff`: how many
/// objects they accept, how many remain (and the first keys), and the entries that matched
/// nothing (stale). Set by `ExecutionPlan.settleAcceptedFailures` only for a failed task or
/// group with acceptances whose lists were read, so plans without `acceptFailures` show nothing
/// new.
public struct ChangeAcceptance: Hashable, Sendable, Codable {
    public var accepted: Int
    public var unaccepted: Int
    /// The first unaccepted keys, in the lists' order.
    public var firstUnaccepted: [String]
    /// Named as in the JSON document, which `JSONReportRenderer.decode` reads back.
    public var staleAcceptances: [FailedObjectsSummary.StaleAcceptance]

    init?(_ summary: FailedObjectsSummary) {
        guard let unaccepted = summary.unaccepted, let stale = summary.staleAcceptances else { return nil }
        accepted = summary.accepted
        self.unaccepted = unaccepted
        firstUnaccepted = summary.sample.prefix(unaccepted).map(\.key)
        staleAcceptances = stale
    }

    /// One sentence per finding, keys and reasons escaped like the failed lists' lines (the
    /// Markdown view escapes them again for its own syntax).
    public var sentences: [String] {
        func esc(_ text: String) -> String { FailedListReader.escaped(Array(text.utf8)) }
        var out: [String] = []
        if accepted > 0 { out.append("\(accepted) failed \(accepted == 1 ? "object" : "objects") accepted by acceptFailures") }
        if unaccepted > 0 {
            let more = unaccepted > firstUnaccepted.count ? ", ..." : ""
            out.append("\(unaccepted) unaccepted failed \(unaccepted == 1 ? "object" : "objects"): \(firstUnaccepted.map(esc).joined(separator: ", "))\(more)")
        }
        for entry in staleAcceptances {
            out.append("stale acceptance: acceptFailures[\(entry.index)] (\(esc(entry.reason))) matches no failed object; remove or fix it")
        }
        return out
    }

    /// `changes[].acceptance` of the JSON document.
    var json: JSONValue {
        .object([
            "accepted": .number(Double(accepted)), "unaccepted": .number(Double(unaccepted)),
            "firstUnaccepted": .array(firstUnaccepted.map(JSONValue.string)),
            "staleAcceptances": .array(staleAcceptances.map { .object(["index": .number(Double($0.index)), "reason": .string($0.reason)]) }),
        ])
    }
}
