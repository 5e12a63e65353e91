import Foundation
import MigrationPlan

/// Creates that differ only in their names and source keys, folded into one entry for text
/// and Markdown once a diff has more than `threshold` creates: the first diff of 10,000 prefix
/// tasks printed 1.5 million lines, of which a reviewer reads the first screen (issue 23).
/// `full` (the `--full` flag) lists every create; JSON always does.
enum CreateGroups {
    /// Up to this many creates, each is shown: a pull request that adds a few dozen tasks is
    /// reviewed task by task.
    static let threshold = 50
    /// The only fields members of a group may differ in, besides their names.
    static let varyingPaths: Set<String> = ["source.prefixes", "source.objects"]

    /// A change as it is shown: by itself, or as the first of `count` alike creates.
    enum Entry {
        case single(ResourceChange)
        case group(CreateGroup)
    }

    struct CreateGroup {
        /// The member shown: the first in the report's order.
        var first: ResourceChange
        var last: ResourceChange
        var count: Int
        /// Which of `varyingPaths` hold different values across the members, in order.
        var differing: [String]

        /// `MigrationTask like t-00001 (source.prefixes differ)`, without count or symbol.
        var phrase: String {
            "\(first.address.address.kind.rawValue) like \(first.address.address.name) (\(differenceWords))"
        }

        var differenceWords: String {
            differing.isEmpty ? "only names differ" : differing.joined(separator: ", ") + " differ"
        }
    }

    /// What makes two creates alike: everything text and Markdown show but the name and the
    /// varying fields. (Not the forecast: neither view shows it, and each task's finish time
    /// differs by its place in OMS's queue, which split 290 alike creates into groups of 10.)
    private struct Likeness: Hashable {
        var kind: ResourceKind
        var duplicateId: String?
        var reasons: [ChangeReason]
        var fields: [FieldChange]
        var varying: [String]
        var dependsOn: [ResourceAddress]
        var calls: [String]
        var outcome: ChangeOutcome?

        init(_ c: ResourceChange) {
            kind = c.address.address.kind
            duplicateId = c.address.duplicateId
            reasons = c.reasons
            fields = c.fields.filter { !CreateGroups.varyingPaths.contains($0.path) }
            varying = c.fields.map(\.path).filter { CreateGroups.varyingPaths.contains($0) }
            dependsOn = c.dependsOn
            calls = c.calls
            outcome = c.outcome
        }
    }

    /// `changes` (already filtered to what is shown) in order, alike creates folded into the
    /// place of their first member when there are more than `threshold` creates.
    static func entries(_ changes: [ResourceChange], full: Bool) -> [Entry] {
        let creates = changes.lazy.filter { $0.action == .create }.count
        guard !full, creates > threshold else { return changes.map(Entry.single) }
        var members: [Likeness: [Int]] = [:]
        for (index, change) in changes.enumerated() where change.action == .create && change.liveId == nil {
            members[Likeness(change), default: []].append(index)
        }
        var leaderOf: [Int: [Int]] = [:]
        var folded: Set<Int> = []
        for indices in members.values where indices.count > 1 {
            leaderOf[indices[0]] = indices
            folded.formUnion(indices.dropFirst())
        }
        var out: [Entry] = []
        for (index, change) in changes.enumerated() where !folded.contains(index) {
            guard let indices = leaderOf[index] else {
                out.append(.single(change))
                continue
            }
            let differing = change.fields.map(\.path).filter { path in
                guard varyingPaths.contains(path) else { return false }
                let first = change.fields.first { $0.path == path }
                return indices.contains { changes[$0].fields.first { $0.path == path } != first }
            }
            out.append(.group(CreateGroup(first: change, last: changes[indices.last!], count: indices.count, differing: differing)))
        }
        return out
    }

    /// `12,345`: digits grouped by three with commas, whatever the locale.
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return n < 0 ? "-" + out : out
    }
}
