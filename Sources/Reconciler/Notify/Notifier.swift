import Foundation
import MigrationPlan
import OMSModels
import Prometheus
import Synchronization

/// Tells people what changed after each pass of `reconcile` and `apply`: for every Notification
/// of the plan, the conditions that hold now (`NotificationConditions`) minus what was already
/// sent (`NotifiedState`, under `state/<stack>.notified.json`) become messages in the
/// provider's format, delivered within `NotificationDelivery`'s bounds. A delivery that fails
/// is logged (never with its URL) and counted in `oms_plan_notifications_total`, and is tried
/// again at the next pass; it never fails the pass.
public final class Notifier: Sendable {
    /// Where what was sent is remembered; nil keeps it in memory for as long as this lives.
    public let stateFolder: StateFolder?
    /// Print what would be sent (`--dry-run-notifications`) instead of sending or remembering it.
    public let dryRun: Bool
    public let delivery: NotificationDelivery
    public let metrics: ReconcileMetrics?
    /// A line for the log (stderr): what was sent, what could not be.
    public let log: @Sendable (String) -> Void
    /// What a dry run would send (one message per call).
    public let show: @Sendable (String) -> Void
    private let memory = Mutex(NotifiedState())

    public init(stateFolder: StateFolder?, dryRun: Bool = false, delivery: NotificationDelivery = NotificationDelivery(),
                metrics: ReconcileMetrics? = nil, log: @escaping @Sendable (String) -> Void, show: @escaping @Sendable (String) -> Void) {
        self.stateFolder = stateFolder
        self.dryRun = dryRun
        self.delivery = delivery
        self.metrics = metrics
        self.log = log
        self.show = show
    }

    /// Whether `desired` gives this notifier anything to do (no Notification: nothing is read).
    public func wants(_ desired: DesiredState) -> Bool {
        desired.notifications.contains { $0.isDeliverable || dryRun }
    }

    /// The hook of `reconcile` and `apply`: after a pass, from its report and from the status
    /// of what it observed (forecasts from the stack's history, which this does not save).
    public func afterPass(_ desired: DesiredState, _ pass: StackReconciler.PassResult, reconciler: StackReconciler) async {
        // Without a read of OMS nothing can be judged (and nothing is "over").
        guard wants(desired), let observed = pass.observed else { return }
        var history = reconciler.observationHistory(stack: desired.stack.name)
        let status = StatusReport.observed(desired: desired, live: observed, history: &history)
        await afterPass(desired, report: pass.report, status: status,
                        extra: NotificationCondition.cutovers(pass.cutovers, stack: desired.stack.name))
    }

    /// Derives the conditions of every notification, sends what is due, remembers what was sent.
    /// `extra`: conditions other engines found this pass (Cutovers), sent like the others.
    public func afterPass(_ desired: DesiredState, report: ChangeReport?, status: StatusReport?, extra: [NotificationCondition] = [],
                          now: Date = Date()) async {
        guard wants(desired) else { return }
        let coverage = NotificationConditions.coverage(report: report, status: status, extra: extra)
        await send(desired, now: now, covering: coverage) { notification in
            NotificationConditions.current(desired: desired, report: report, status: status, selector: notification.selector)
                + extra.filter { $0.labels.map(notification.selects(labels:)) ?? true }
        }
    }

    /// The Cutover engine's hook: `conditions` (`NotificationCondition.cutover`) hold now. Each
    /// is sent once; a later call without it ends it, so that it may be sent again after
    /// `minInterval` should it hold again.
    public func notify(cutover conditions: [NotificationCondition], desired: DesiredState, now: Date = Date()) async {
        guard wants(desired) else { return }
        await send(desired, now: now, covering: NotificationCoverage(events: [.cutoverReady, .cutoverDone])) { _ in conditions }
    }

    private func send(_ desired: DesiredState, now: Date, covering: NotificationCoverage,
                      conditions: (DesiredNotification) -> [NotificationCondition]) async {
        let stack = desired.stack.name
        var state = loadState(stack: stack)
        state.keep(only: Set(desired.notifications.map(\.address.name)))
        var plans: [(notification: DesiredNotification, holding: [NotificationCondition], messages: [NotificationMessage])] = []
        for notification in desired.notifications where notification.isDeliverable || dryRun {
            let holding = conditions(notification).filter { notification.events.contains($0.event) && covering.events.contains($0.event) }
            let due = state.due(holding, notification: notification.address.name, minInterval: notification.minInterval, now: now)
            // A problem that was told and is over now gets one "resolved" message.
            let over = state.resolved(notification: notification.address.name, holding: holding, covering: covering)
                .filter { notification.events.contains($0.event) }
                .map { NotificationCondition.resolution(of: $0.event, subject: $0.subject, stack: stack) }
            plans.append((notification, holding, NotificationMessage.messages(for: notification, due: due, at: now)
                + NotificationMessage.messages(for: notification, due: over, at: now)))
        }
        if dryRun {
            for plan in plans {
                for message in plan.messages {
                    show("would notify \(plan.notification.address) (\(plan.notification.provider.rawValue), URL from \(plan.notification.url.reference)): "
                        + String(decoding: message.bodyData, as: UTF8.self))
                }
            }
            return
        }
        var sends: [(message: NotificationMessage, url: String)] = []
        for plan in plans {
            guard let url = plan.notification.url.value else { continue }
            // Registered again here: a notifier used without the loader still masks it.
            SecretRedactor.shared.register([url])
            sends += plan.messages.map { (message: $0, url: url) }
        }
        let outcomes = sends.isEmpty ? [] : await delivery.deliver(sends)
        for plan in plans {
            let mine = outcomes.filter { $0.message.notification == plan.notification.address.name }
            let delivered = mine.filter { $0.delivered && !$0.message.isResolution }.flatMap(\.message.conditions)
            state.update(notification: plan.notification.address.name, delivered: delivered, holding: plan.holding,
                         covering: covering, minInterval: plan.notification.minInterval, now: now)
            let provider = plan.notification.provider.rawValue
            for outcome in mine {
                metrics?.recordNotification(stack: stack, provider: provider, result: outcome.delivered ? "sent" : "failed")
                let what = "\(outcome.message.event.rawValue) \(outcome.message.subject)"
                if outcome.delivered {
                    log("oms-plan: notified \(plan.notification.address) (\(provider)): \(what)")
                } else {
                    log("oms-plan: warning: \(plan.notification.address) (\(provider)) could not deliver \(what): \(outcome.why ?? "failed")"
                        + " after \(outcome.attempts) \(outcome.attempts == 1 ? "attempt" : "attempts") (URL from \(plan.notification.url.reference));"
                        + " the next pass tries again")
                }
            }
        }
        saveState(state, stack: stack)
    }

    // MARK: State

    private func loadState(stack: String) -> NotifiedState {
        guard let stateFolder else { return memory.withLock { $0 } }
        return NotifiedState.load(from: stateFolder.notified(stack: stack))
    }

    private func saveState(_ state: NotifiedState, stack: String) {
        guard let stateFolder else {
            memory.withLock { $0 = state }
            return
        }
        do {
            try stateFolder.prepare()
            try state.save(to: stateFolder.notified(stack: stack))
        } catch {
            log("oms-plan: warning: could not remember the notifications sent in \(stateFolder.notified(stack: stack).path): \(error.localizedDescription)")
        }
    }
}

extension ReconcileMetrics {
    /// One message of a Notification: `result` is `sent` or `failed` (after its retries). Like
    /// every series, it carries the `stack`.
    public func recordNotification(stack: String, provider: String, result: String) {
        registry.makeCounter(
            name: "oms_plan_notifications_total", labels: [("stack", stack), ("provider", provider), ("result", result)],
            help: "Notification messages by provider and result (sent, or failed after retries).")
            .increment()
    }
}
