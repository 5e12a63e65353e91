import Foundation
import MigrationPlan

/// A pass task (or group) in OMS, as `diff` shows it: the resource's, never a change, a twin
/// or an unowned resource (issue 25). JSON `incrementalPasses[]` of a diff report, only when there are any.
public struct PassInOMS: Sendable, Codable, Hashable {
    public var address: String
    public var n: Int
    public var final: Bool
    public var liveId: String
    /// `running`, `succeeded` or `failed`.
    public var status: String
    /// True when the plan deletes it with its full copy (replaced, or no longer declared and
    /// pruned: `PassRemoval`); nil otherwise (JSON `"delete": true` only then).
    public var delete: Bool?

    public init(address: String, n: Int, final: Bool, liveId: String, status: String, delete: Bool? = nil) {
        self.address = address
        self.n = n
        self.final = final
        self.liveId = liveId
        self.status = status
        self.delete = delete
    }

    /// This stack's pass tasks and groups in `live`, by address and number; nil when there are none
    /// (a report without passes is as it was). `deleted`: the ids the plan deletes.
    static func all(stack: String, live: LiveState, deleted: Set<String> = []) -> [PassInOMS]? {
        let passes = live.passes(stack: stack).flatMap { address, byNumber in
            byNumber.values.map { pass in
                PassInOMS(address: address.description, n: pass.marker.n, final: pass.marker.final, liveId: pass.live.id,
                          status: pass.status.rawValue, delete: deleted.contains(pass.live.id) ? true : nil)
            }
        }
        return passes.isEmpty ? nil : passes.sorted { ($0.address, $0.n) < ($1.address, $1.n) }
    }

    var json: JSONValue {
        var object: [String: JSONValue] = ["address": .string(address), "n": .number(Double(n)), "final": .bool(final), "liveId": .string(liveId),
                                           "status": .string(status)]
        if delete == true { object["delete"] = .bool(true) }
        return .object(object)
    }

    /// One line per resource: `MigrationTask/photos: incremental passes in OMS: #2 running, #1 succeeded (not changes)`,
    /// or, when the plan deletes them with the resource,
    /// `- MigrationTask/photos: and its 2 incremental passes, deleted with it (counts recorded first): #2 running (stopped first), #1 succeeded`.
    static func textLines(_ passes: [PassInOMS]?, _ style: ANSIStyle) -> [String] {
        guard let passes else { return [] }
        return Dictionary(grouping: passes, by: \.address).sorted { $0.key < $1.key }.flatMap { address, list -> [String] in
            func items(_ some: [PassInOMS], stopping: Bool) -> String {
                some.sorted { $0.n > $1.n }.map {
                    "#\($0.n)\($0.final ? " (final)" : "") \($0.status)\(stopping && $0.status == "running" ? " (stopped first)" : "")"
                }.joined(separator: ", ")
            }
            let deleted = list.filter { $0.delete == true }
            let kept = list.filter { $0.delete != true }
            var lines: [String] = []
            if !deleted.isEmpty {
                let noun = deleted.count == 1 ? "incremental pass" : "\(deleted.count) incremental passes"
                lines.append(style.red("- \(address): and its \(noun), deleted with it (counts recorded first): \(items(deleted, stopping: true))"))
            }
            if !kept.isEmpty {
                lines.append(style.dim("\(address): incremental \(kept.count == 1 ? "pass" : "passes") in OMS: \(items(kept, stopping: false)) (not changes)"))
            }
            return lines
        }
    }
}
