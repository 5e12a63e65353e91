import Foundation
import MigrationPlan

/// Something that holds after a pass and that people may want to hear about: a resource is
/// failed, gave up, is blocked or misses its deadline; a wave or the stack has settled; a
/// Cutover is ready or done. A message is sent when a condition starts to hold (see
/// `NotifiedState`), never again while it goes on holding.
public struct NotificationCondition: Hashable, Sendable {
    public typealias Event = DesiredNotification.Event

    public var event: Event
    public var stack: String
    /// `MigrationTask/photos`, `Stack/prod`, `wave 2`, `Cutover/switch`.
    public var subject: String
    /// A word for programs: OMS's status, `blocked`, `settled`, `ready`, ...
    public var status: String
    /// One or two short sentences: what happened and what to do.
    public var message: String
    /// Facts for the generic webhook's `details` (and Teams' facts).
    public var details: [String: String]
    /// The subject's labels (a resource's); nil for the stack, waves and Cutovers, which a
    /// selector does not filter (their own resources were filtered instead).
    public var labels: [String: String]?

    public init(event: Event, stack: String, subject: String, status: String, message: String,
                details: [String: String] = [:], labels: [String: String]? = nil) {
        self.event = event
        self.stack = stack
        self.subject = subject
        self.status = status
        self.message = message
        self.details = details
        self.labels = labels
    }

    /// What the remembered state is keyed by: the same event of the same subject.
    public var key: String { "\(event.rawValue) \(subject)" }

    /// The hook for Cutovers (`Reconciler/Cutover`): a Cutover that became ready or done. Hand
    /// it to `Notifier.notify(cutover:desired:)` (or with a pass's own conditions to
    /// `Notifier.afterPass`); it is sent once, like every other condition.
    public static func cutover(_ event: CutoverEvent, address: ResourceAddress, stack: String, message: String? = nil) -> NotificationCondition {
        switch event {
        case .ready:
            NotificationCondition(
                event: .cutoverReady, stack: stack, subject: address.description, status: "ready",
                message: message ?? "\(address) is ready: everything it waits for has been copied. Run `oms-plan cutover` to switch over.")
        case .done:
            NotificationCondition(
                event: .cutoverDone, stack: stack, subject: address.description, status: "done",
                message: message ?? "\(address) is done: what waited for the cut-over is now created.")
        }
    }

    public enum CutoverEvent: Sendable { case ready, done }

    /// The conditions a pass's Cutovers hold (`PassResult.cutovers`): `cutoverReady` while one
    /// is ready, `cutoverDone` once it is done; nothing for waiting, running or failed (a failed
    /// Cutover's resources fail or block, which are told as such).
    public static func cutovers(_ statuses: [CutoverStatus], stack: String) -> [NotificationCondition] {
        statuses.compactMap { status in
            let address = ResourceAddress(.cutover, status.name)
            switch status.state {
            case .ready:
                let when = status.at.map { "its final pass starts at \(ValueFormat.rfc3339($0))" } ?? "nothing starts it but a person"
                return cutover(.ready, address: address, stack: stack,
                               message: "\(address) is ready: \(when), or now with `oms-plan cutover PATH \(status.name) --now --wait`.")
            case .done: return cutover(.done, address: address, stack: stack)
            default: return nil
            }
        }
    }

    /// Events about something wrong: when one that was told is over, one message says so.
    public static let problems: Set<Event> = [.failed, .gaveUp, .blocked, .deadlineAtRisk]

    /// The "resolved" message of a problem that was told and holds no longer.
    static func resolution(of event: Event, subject: String, stack: String) -> NotificationCondition {
        let what = switch event {
        case .failed: "failed"
        case .gaveUp: "given up on"
        case .blocked: "blocked"
        default: "at risk of missing its deadline"
        }
        return NotificationCondition(event: event, stack: stack, subject: subject, status: "resolved",
                                     message: "\(subject) is no longer \(what). Nothing to do.", details: ["resolved": "true"])
    }
}

/// The conditions one pass shows: from the status read (where every resource stands, with
/// forecasts) and the pass's report (gave up, blocked).
public enum NotificationConditions {
    /// The events derived here; the others (Cutovers) come from their own engine.
    public static let derived: Set<NotificationCondition.Event> = [.failed, .gaveUp, .blocked, .deadlineAtRisk, .waveDone, .settled]

    /// What a pass with this report and status can judge: resource events only for what it saw
    /// (the report's changes: only a `--target` run's targets; the status: every managed resource),
    /// the stack's events only with a status.
    public static func coverage(report: ChangeReport?, status: StatusReport?, extra: [NotificationCondition] = []) -> NotificationCoverage {
        let changed = Set((report?.changes ?? []).filter { $0.address.duplicateId == nil }.map(\.address.address.description))
        let read = Set(status?.entries.map(\.address) ?? [])
        var events: Set<NotificationCondition.Event> = [.gaveUp, .blocked]
        if status != nil { events.formUnion([.failed, .deadlineAtRisk, .waveDone, .settled]) }
        events.formUnion(extra.map(\.event))
        var subjects: [NotificationCondition.Event: Set<String>] = [.gaveUp: changed, .blocked: changed]
        if let status {
            let stackAddress = ResourceAddress(.stack, status.stack).description
            subjects[.failed] = read
            subjects[.deadlineAtRisk] = read.union([stackAddress])
        }
        // Extra conditions (Cutovers) cover their own subjects only.
        for condition in extra where !derived.contains(condition.event) {
            subjects[condition.event, default: []].insert(condition.subject)
        }
        return NotificationCoverage(events: events, subjects: subjects)
    }

    /// Every condition that holds, for a notification with `selector` (empty: all resources).
    public static func current(desired: DesiredState, report: ChangeReport?, status: StatusReport?,
                               selector: [String: String] = [:]) -> [NotificationCondition] {
        let stack = desired.stack.name
        func labels(_ address: String) -> [String: String] {
            ResourceAddress(parsing: address).flatMap { desired[$0]?.omsResource?.labels } ?? [:]
        }
        func selected(_ address: String) -> Bool { selector.allSatisfy { labels(address)[$0.key] == $0.value } }
        var out: [NotificationCondition] = []
        // Accepted failures are settled: `ExecutionPlan.settleAcceptedFailures` said `completed`.
        let changes = (report?.changes ?? []).filter { $0.address.duplicateId == nil }
        let accepted = Set(changes.filter { $0.reasons.contains(.completed) }.map(\.address.address.description))
        let entries = (status?.entries ?? []).filter { selected($0.address) }

        for entry in entries {
            let address = entry.address
            if entry.phase == .failed && !accepted.contains(address) {
                let cause = entry.error.map { " (\($0))" } ?? ""
                out.append(NotificationCondition(
                    event: .failed, stack: stack, subject: address, status: entry.status,
                    message: "\(address) failed in OMS\(cause). See `oms-plan status` for its failed objects; onFailure says whether it is retried.",
                    details: ["kind": entry.kind, "liveId": entry.liveId ?? "", "objectsFailed": String(entry.objectsFailed)],
                    labels: labels(address)))
            }
            if let deadline = entry.deadline, let slack = entry.deadlineSlack, slack < 0, entry.phase != .finished {
                out.append(NotificationCondition(
                    event: .deadlineAtRisk, stack: stack, subject: address, status: entry.status,
                    message: "\(address) is forecast to finish \(Self.duration(-slack)) after its deadline (\(Self.iso(deadline)))."
                        + " Raise its bandwidth or priority, or move the deadline.",
                    details: ["deadline": Self.iso(deadline), "forecastFinish": entry.forecastFinish.map(Self.iso) ?? "",
                              "lateBySeconds": String(Int(-slack))],
                    labels: labels(address)))
            }
        }
        for change in changes where selected(change.address.address.description) {
            let address = change.address.address.description
            for reason in change.reasons {
                if case .failedGaveUp(let cause, let attempts, let of, _) = reason {
                    out.append(NotificationCondition(
                        event: .gaveUp, stack: stack, subject: address, status: change.liveStatus ?? "failed",
                        message: "\(address) failed again and onFailure gave up after \(attempts) of \(of) attempts\(cause.map { " (\($0))" } ?? "")."
                            + " Fix the cause, then run `oms-plan reset-attempts PLAN --address \(address)`.",
                        details: ["attempts": String(attempts), "maxAttempts": String(of)], labels: labels(address)))
                }
            }
            let blocking = change.reasons.filter { reason in
                switch reason {
                case .failedGaveUp, .failedWithoutPolicy: false
                default: reason.needsAttention
                }
            }
            if change.action == .blocked, !blocking.isEmpty {
                out.append(NotificationCondition(
                    event: .blocked, stack: stack, subject: address, status: "blocked",
                    message: "\(address) is blocked until a person acts: \(blocking.map(\.description).joined(separator: "; ")). Run `oms-plan diff` to see what to do.",
                    details: ["reasons": blocking.map(\.code).joined(separator: ",")], labels: labels(address)))
            }
        }
        // The stack's own deadline (its last resource's forecast), for a notification about all of it.
        if selector.isEmpty, let status, let deadline = status.deadline, let slack = status.deadlineSlack, slack < 0 {
            out.append(NotificationCondition(
                event: .deadlineAtRisk, stack: stack, subject: ResourceAddress(.stack, stack).description, status: "atRisk",
                message: "Stack \(stack) is forecast to finish \(Self.duration(-slack)) after its deadline (\(Self.iso(deadline))),"
                    + " with its last resource. Raise bandwidth or priorities, or move the deadline.",
                details: ["deadline": Self.iso(deadline), "forecastFinish": status.forecastFinish.map(Self.iso) ?? "",
                          "lateBySeconds": String(Int(-slack))]))
        }
        out += waves(desired: desired, entries: entries)
        if !entries.isEmpty, entries.allSatisfy({ $0.settled && $0.phase != .absent }) {
            let failed = entries.filter { $0.phase == .failed }.count
            let finished = entries.filter { $0.phase == .finished }.count
            out.append(NotificationCondition(
                event: .settled, stack: stack, subject: ResourceAddress(.stack, stack).description, status: failed == 0 ? "settled" : "settledWithFailures",
                message: "Stack \(stack) has settled: \(finished) of \(entries.count) finished, \(failed) failed."
                    + (failed == 0 ? " Nothing is left to copy." : " The failed ones need a person: see `oms-plan status`."),
                details: ["resources": String(entries.count), "finished": String(finished), "failed": String(failed)]))
        }
        return out
    }

    /// Waves are the plan's dependency levels (a resource's wave is one after the latest wave
    /// of what it `dependsOn`): what `apply --wait` creates wave after wave. A wave is done when
    /// every selected resource in it finished; a plan of one wave has only `settled`.
    static func waves(desired: DesiredState, entries: [StatusReport.Entry]) -> [NotificationCondition] {
        var level: [ResourceAddress: Int] = [:]
        for address in desired.order {
            let deps = desired.dependencies(of: address)
            level[address] = deps.isEmpty ? 0 : (deps.compactMap { level[$0] }.max() ?? -1) + 1
        }
        let count = (level.values.max() ?? 0) + 1
        guard count > 1 else { return [] }
        var byWave: [Int: [StatusReport.Entry]] = [:]
        for entry in entries {
            guard let a = ResourceAddress(parsing: entry.address), let w = level[a] else { continue }
            byWave[w, default: []].append(entry)
        }
        return byWave.keys.sorted().compactMap { w in
            let members = byWave[w]!
            guard members.allSatisfy({ $0.phase == .finished || $0.phase == .synchronizing }) else { return nil }
            let names = members.map(\.address).sorted()
            let shown = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
            return NotificationCondition(
                event: .waveDone, stack: desired.stack.name, subject: "wave \(w + 1)", status: "done",
                message: "Wave \(w + 1) of \(count) of stack \(desired.stack.name) is done: \(shown). What depends on it is created by the next pass.",
                details: ["wave": String(w + 1), "waves": String(count), "resources": names.joined(separator: ",")])
        }
    }

    static func iso(_ date: Date) -> String {
        ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withInternetDateTime])
    }

    /// `3h 20m`, `45m`, `2d 4h`: how late, for people.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60)
        if d > 0 { return "\(d)d \(h)h" }
        if h > 0 { return "\(h)h \(m)m" }
        return "\(max(m, 1))m"
    }
}
