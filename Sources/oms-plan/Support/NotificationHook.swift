import Foundation
import Reconciler

/// The notifier of `apply` and `reconcile`: remembers what it sent in the session's state
/// folder, logs through `Console` (which masks secrets) and, with `--dry-run-notifications`,
/// prints each message instead of sending it (to stderr when stdout holds a JSON document).
enum NotificationHook {
    static func notifier(_ session: Session, flags: ApplyFlags, plan: PlanOptions, metrics: ReconcileMetrics? = nil) -> Notifier {
        let json = plan.output == .json
        return Notifier(
            stateFolder: session.stateFolder, dryRun: flags.dryRunNotifications, metrics: metrics,
            log: { Console.error($0) },
            show: { json ? Console.error($0) : Console.out($0 + "\n") })
    }
}
