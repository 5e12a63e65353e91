import Foundation
import MigrationPlan

/// What a change does to one resource, in the contract's words.
public enum ChangeAction: String, Sendable, Codable, CaseIterable, Comparable {
    case create, update, replace, delete, start, pause, retry, blocked, noop
    /// An adopted resource that the plan no longer declares: oms-plan stops managing it and
    /// leaves it in OMS as it is (no OMS call). Listed last so that earlier positions keep
    /// their meaning for consumers of the summary.
    case release

    /// Summary order of the contract.
    public static func < (a: ChangeAction, b: ChangeAction) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One field of a change: its plan path (`bandwidth`, `source.prefixes`) and its values. An
/// update lists the fields that differ; a create lists every attribute it sends, with no
/// `before`; a replacement lists every attribute too, `before` being the live value where
/// OMS reports one (equal when that attribute does not change).
public struct FieldChange: Hashable, Sendable, Codable {
    public var path: String
    /// Nil when there is no live value: the attribute is new.
    public var before: JSONValue?
    public var after: JSONValue
    /// True when changing this field means replacing the resource.
    public var forcesReplacement: Bool

    public init(path: String, before: JSONValue?, after: JSONValue, forcesReplacement: Bool = false) {
        self.path = path
        self.before = before
        self.after = after
        self.forcesReplacement = forcesReplacement
    }

    enum CodingKeys: String, CodingKey { case path, before, after, forcesReplacement }

    /// Whether this field changes a live value (false for new and unchanged attributes).
    public var changesLiveValue: Bool { before.map { $0 != after } ?? false }
}

/// The change to one declared or owned resource: the action, why, which fields, what it
/// waits for, and (after apply) what happened.
public struct ResourceChange: Hashable, Sendable, Codable {
    public var address: ChangeSubject
    public var action: ChangeAction
    /// Id of the live task or group, when there is one.
    public var liveId: String?
    /// Live status name (`Migrating`, `Paused`, ...), when there is a live resource.
    public var liveStatus: String?
    public var reasons: [ChangeReason]
    public var fields: [FieldChange]
    public var dependsOn: [ResourceAddress]
    /// The OMS calls apply will make for this change, in order.
    public var calls: [String] = []
    /// Filled in by apply.
    public var outcome: ChangeOutcome?
    /// When it is forecast to finish, for a diff (creates, bandwidth changes, deadlines).
    public var forecast: ChangeForecast? = nil
    /// A failed task or group with `acceptFailures`: what they accept, what remains, which are stale.
    public var acceptance: ChangeAcceptance? = nil
    /// Held as it is by `spec.suspend` (Reconciler/Hold): why, until when, what it would have been.
    public var suspended: HoldNotice? = nil

    public init(
        address: ChangeSubject, action: ChangeAction, liveId: String? = nil, liveStatus: String? = nil, reasons: [ChangeReason] = [],
        fields: [FieldChange] = [], dependsOn: [ResourceAddress] = [], outcome: ChangeOutcome? = nil
    ) {
        self.address = address
        self.action = action
        self.liveId = liveId
        self.liveStatus = liveStatus
        self.reasons = reasons
        self.fields = fields
        self.dependsOn = dependsOn
        self.outcome = outcome
    }
}

/// How a change ended when apply carried it out.
public struct ChangeOutcome: Hashable, Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Every step succeeded.
        case succeeded
        /// A step failed; `error` says which and why.
        case failed
        /// Not attempted because something it depends on failed.
        case skipped
        /// Nothing to do (noop and blocked changes).
        case unchanged
    }
    public var status: Status
    public var error: String?
    /// Id of the resource after apply (the new one for create and replace).
    public var liveId: String?

    public init(status: Status, error: String? = nil, liveId: String? = nil) {
        self.status = status
        self.error = error
        self.liveId = liveId
    }
}

/// Counts per action, in the contract's order.
public struct ChangeSummary: Hashable, Sendable, Codable {
    public var create = 0, update = 0, replace = 0, delete = 0, start = 0, pause = 0, retry = 0, blocked = 0, noop = 0
    public var release = 0

    public init(_ changes: [ResourceChange] = []) {
        for change in changes { self[change.action] += 1 }
    }

    public subscript(action: ChangeAction) -> Int {
        get {
            switch action {
            case .create: create
            case .update: update
            case .replace: replace
            case .delete: delete
            case .start: start
            case .pause: pause
            case .retry: retry
            case .blocked: blocked
            case .noop: noop
            case .release: release
            }
        }
        set {
            switch action {
            case .create: create = newValue
            case .update: update = newValue
            case .replace: replace = newValue
            case .delete: delete = newValue
            case .start: start = newValue
            case .pause: pause = newValue
            case .retry: retry = newValue
            case .blocked: blocked = newValue
            case .noop: noop = newValue
            case .release: release = newValue
            }
        }
    }

    /// Changes apply would make (everything but noop and blocked).
    public var pending: Int { create + update + replace + delete + start + pause + retry + release }

    enum CodingKeys: String, CodingKey { case create, update, replace, delete, start, pause, retry, blocked, noop }
}

/// The diff document: every declared and owned resource with its change, sorted by address.
/// The same document, with outcomes, is what apply and reconcile report.
public struct ChangeReport: Sendable, Codable {
    public var formatVersion = 1
    public var stack: String
    public var evaluatedAt: Date
    /// The day (service time zone) whose bandwidth windows were compared.
    public var evaluatedDay: String?
    public var summary: ChangeSummary
    public var changes: [ResourceChange]
    /// Live resources of the project that carry no oms-plan marker and are not adopted: never
    /// touched, but counted so that a reviewer sees them (nil when the live state was not read).
    public var unowned: UnownedCount?
    /// This stack's incremental pass tasks in OMS (Reconciler/Passes): shown, never changes;
    /// nil when there are none.
    public var incrementalPasses: [PassInOMS]? = nil
    /// The change freeze in force when the plan was made, or the next one (Reconciler/Hold);
    /// nil for a plan without freezes.
    public var freeze: FreezeNotice? = nil
    /// Where each Cutover stands and its warnings (Reconciler/Cutover), as `diff` saw them;
    /// nil for a plan without Cutovers.
    public var cutovers: [CutoverStatus]? = nil

    public struct UnownedCount: Sendable, Codable, Hashable {
        public var tasks: Int
        public var taskGroups: Int
        public var syncTasks: Int
        public init(tasks: Int, taskGroups: Int, syncTasks: Int = 0) {
            self.tasks = tasks
            self.taskGroups = taskGroups
            self.syncTasks = syncTasks
        }

        enum CodingKeys: String, CodingKey { case tasks, taskGroups, syncTasks }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            tasks = try c.decode(Int.self, forKey: .tasks)
            taskGroups = try c.decode(Int.self, forKey: .taskGroups)
            syncTasks = try c.decodeIfPresent(Int.self, forKey: .syncTasks) ?? 0
        }

        /// `3 tasks and 1 task group … belong to no stack`, with the command that brings them in,
        /// or nil when there are none.
        public var phrase: String? {
            var parts: [String] = []
            if tasks > 0 { parts.append("\(tasks) \(tasks == 1 ? "task" : "tasks")") }
            if taskGroups > 0 { parts.append("\(taskGroups) task \(taskGroups == 1 ? "group" : "groups")") }
            if syncTasks > 0 { parts.append("\(syncTasks) synchronization \(syncTasks == 1 ? "task" : "tasks")") }
            let one = tasks + taskGroups + syncTasks == 1
            return parts.isEmpty ? nil : parts.joined(separator: " and ")
                + " in this project \(one ? "belongs" : "belong") to no stack; oms-plan leaves \(one ? "it" : "them") alone"
                + " (`oms-plan import PATH` lists \(one ? "it" : "them") and writes plan YAML that adopts \(one ? "it" : "them"))."
        }
    }

    public init(stack: String, evaluatedAt: Date, evaluatedDay: String?, changes: [ResourceChange]) {
        self.stack = stack
        self.evaluatedAt = evaluatedAt
        self.evaluatedDay = evaluatedDay
        self.changes = changes.sorted { $0.address < $1.address }
        self.summary = ChangeSummary(self.changes)
    }

    public var hasChanges: Bool { summary.pending > 0 }

    /// Changes that keep OMS from matching the plan until someone acts: a step that failed or
    /// was skipped, a blocked replacement, a failed pre-flight, a failure nobody retries.
    /// Changes that only wait (for a dependency, for a state) are not among them.
    public var unresolved: [ResourceChange] {
        changes.filter { change in
            if let status = change.outcome?.status, status == .failed || status == .skipped { return true }
            if change.action == .blocked { return !change.reasons.allSatisfy(\.isTransient) }
            return change.reasons.contains(where: \.needsAttention)
        }
    }

    /// Changes that wait for something that will happen by itself (a dependency to succeed).
    public var waiting: [ResourceChange] {
        changes.filter { $0.action == .blocked && !$0.reasons.isEmpty && $0.reasons.allSatisfy(\.isTransient) }
    }
}
