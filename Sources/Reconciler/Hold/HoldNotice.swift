import Foundation
import MigrationPlan

/// Why oms-plan leaves a resource as it is (issue 26): a suspension (`spec.suspend` of the
/// resource or of the Stack) or a change freeze. What diff, apply and status say about it, and
/// what `--output json` carries as `changes[].suspended` and the report's `freeze`.
public struct HoldNotice: Hashable, Sendable, Codable {
    /// The plan's reason, as written (one line, checked when the plan was loaded).
    public var reason: String
    /// When it ends by itself; nil: when the plan drops it.
    public var until: Date?
    /// A suspension of the whole Stack rather than of this resource.
    public var byStack: Bool
    /// What the change would have been had nothing held it (`noop` when nothing was due).
    public var heldAction: ChangeAction?

    /// JSON's names: `stack` as `--output json` writes it (and reads it back).
    enum CodingKeys: String, CodingKey { case reason, until, byStack = "stack", heldAction }

    public init(reason: String, until: Date?, byStack: Bool = false, heldAction: ChangeAction? = nil) {
        self.reason = reason
        self.until = until
        self.byStack = byStack
        self.heldAction = heldAction
    }

    /// `until 2027-01-10T00:00:00Z (3d4h from 2027-01-06T20:00:00Z)`, or `until the plan drops it`.
    public func untilPhrase(now: Date?) -> String {
        guard let until else { return "until the plan drops it" }
        var text = "until \(ValueFormat.rfc3339(until))"
        if let now, until > now { text += " (\(Self.left(until.timeIntervalSince(now))) left)" }
        return text
    }

    /// `3d4h`, `5h12m`, `7m30s`: the time left, as status prints durations.
    static func left(_ seconds: TimeInterval) -> String {
        let s = Int64(seconds.rounded(.up))
        if s >= 172_800 { return "\(s / 86_400)d\((s % 86_400) / 3600)h" }
        return s >= 3600 ? "\(s / 3600)h\((s % 3600) / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }

    /// The `suspended` object of a change or a status entry.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "reason": .string(reason), "until": until.map { .string(ValueFormat.rfc3339($0)) } ?? .null, "stack": .bool(byStack),
        ]
        if let heldAction { object["heldAction"] = .string(heldAction.rawValue) }
        return .object(object)
    }
}

/// The change freeze in force when a plan was made, or the next one (`ChangeReport.freeze`,
/// `StatusReport` through `HoldStatus`).
public struct FreezeNotice: Hashable, Sendable, Codable {
    public var reason: String
    public var start: Date
    public var end: Date
    /// In force at the moment the plan or status was made; false: the next one.
    public var active: Bool
    /// `apply --ignore-freeze`: in force, but this run holds nothing for it (nil otherwise, so
    /// documents of runs without the flag are as before).
    public var ignored: Bool?

    public init(reason: String, start: Date, end: Date, active: Bool) {
        self.reason = reason
        self.start = start
        self.end = end
        self.active = active
    }

    init(_ window: FreezeWindow, active: Bool) {
        self.init(reason: window.reason, start: window.start, end: window.end, active: active)
    }

    /// The freeze in force at `now`, else the next one to begin; nil for a plan without freezes.
    public static func of(_ stack: StackSettings, at now: Date) -> FreezeNotice? {
        if let current = FreezeWindow.current(stack.freezes, at: now) { return FreezeNotice(current, active: true) }
        return FreezeWindow.next(stack.freezes, after: now).map { FreezeNotice($0, active: false) }
    }

    /// `change freeze until 2026-12-07T08:00:00Z: weekend change freeze (CAB-7)`, or the next one's.
    public var sentence: String {
        active ? "change freeze in force until \(ValueFormat.rfc3339(end)): \(reason)"
            : "next change freeze from \(ValueFormat.rfc3339(start)) to \(ValueFormat.rfc3339(end)): \(reason)"
    }

    public var json: JSONValue {
        .object([
            "reason": .string(reason), "start": .string(ValueFormat.rfc3339(start)), "end": .string(ValueFormat.rfc3339(end)),
            "active": .bool(active),
        ].merging(ignored == true ? ["ignored": .bool(true)] : [:]) { $1 })
    }
}
