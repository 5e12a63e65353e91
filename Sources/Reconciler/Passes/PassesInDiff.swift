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

    public init(address: String, n: Int, final: Bool, liveId: String, status: String) {
        self.address = address
        self.n = n
        self.final = final
        self.liveId = liveId
        self.status = status
    }

    /// This stack's pass tasks and groups in `live`, by address and number; nil when there are none
    /// (a report without passes is as it was).
    static func all(stack: String, live: LiveState) -> [PassInOMS]? {
        let passes = live.passes(stack: stack).flatMap { address, byNumber in
            byNumber.values.map { pass in
                PassInOMS(address: address.description, n: pass.marker.n, final: pass.marker.final, liveId: pass.live.id,
                          status: pass.status.rawValue)
            }
        }
        return passes.isEmpty ? nil : passes.sorted { ($0.address, $0.n) < ($1.address, $1.n) }
    }

    var json: JSONValue {
        .object(["address": .string(address), "n": .number(Double(n)), "final": .bool(final), "liveId": .string(liveId),
                 "status": .string(status)])
    }

    /// One line per resource: `MigrationTask/photos: incremental passes in OMS: #2 running, #1 succeeded (not changes)`.
    static func textLines(_ passes: [PassInOMS]?, _ style: ANSIStyle) -> [String] {
        guard let passes else { return [] }
        return Dictionary(grouping: passes, by: \.address).sorted { $0.key < $1.key }.map { address, list in
            let items = list.sorted { $0.n > $1.n }.map { "#\($0.n)\($0.final ? " (final)" : "") \($0.status)" }
            return style.dim("\(address): incremental \(list.count == 1 ? "pass" : "passes") in OMS: \(items.joined(separator: ", ")) (not changes)")
        }
    }
}
