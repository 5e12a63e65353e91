import Foundation
import MigrationPlan
import OMSClient

/// diff's entry point: live state and desired state in, the ordered plan out.
public enum ChangePlanner {
    public static func plan(desired: DesiredState, live: LiveState, options: DiffOptions = DiffOptions(), now: Date = Date()) -> ExecutionPlan {
        let (differed, unmarkedTaskIds) = Differ(desired: desired, live: live, options: options).decisions()
        // A deleted or replaced resource's incremental passes go with it (Reconciler/Passes).
        let withPasses = PassRemoval.attach(to: differed, stack: desired.stack.name, live: live)
        // Suspensions and change freezes hold what they hold before anything becomes a step.
        let decisions = HoldRules(desired: desired, now: now, ignoreFreeze: options.ignoreFreeze).apply(to: withPasses)
        var planner = Planner()
        let steps = planner.plan(decisions)
        var changes = decisions.map(\.change)
        // Steps by address once, not a scan of every step per change (10,000 creates).
        let stepsByAddress = ExecutionPlan.stepsByAddress(steps)
        for index in changes.indices {
            changes[index].calls = (stepsByAddress[changes[index].address] ?? []).map { steps[$0].operation.call }
        }
        var report = ChangeReport(stack: desired.stack.name, evaluatedAt: now, evaluatedDay: desired.stack.evaluationDay, changes: changes)
        report.freeze = FreezeNotice.of(desired.stack, at: now)
        if options.ignoreFreeze, report.freeze?.active == true { report.freeze?.ignored = true }
        let adopted = Set(desired.resources.values.compactMap(\.adoptID))
        func unowned(_ description: String?, _ id: @autoclosure () -> String) -> Bool {
            // A pass group (Reconciler/Passes) is a stack's, never unowned.
            description.flatMap { OwnershipMarker.parse(description: $0) } == nil && !adopted.contains(id()) && !PassMarker.isPass(description)
        }
        // (Counted lazily: filtering first would copy every unowned answer.)
        report.incrementalPasses = PassInOMS.all(
            stack: desired.stack.name, live: live, deleted: PassRemoval.deletedIds(decisions, stack: desired.stack.name))
        report.unowned = ChangeReport.UnownedCount(
            tasks: unmarkedTaskIds.count { !adopted.contains($0) },
            taskGroups: live.groups.lazy.filter { unowned($0.description, $0.groupId ?? "") }.count,
            syncTasks: live.syncTasks.lazy.filter { unowned($0.description, $0.syncTaskId ?? "") }.count)
        // Only an apply of some step asks which ids were known; a diff with nothing to do
        // does not build the set.
        guard !steps.isEmpty else { return ExecutionPlan(report: report, steps: steps, knownLiveIds: []) }
        let known = Set(live.tasks.compactMap { $0.id.map(String.init) } + live.groupTasks.values.flatMap { $0 }.compactMap { $0.id.map(String.init) }
            + live.groups.compactMap(\.groupId) + live.syncTasks.compactMap(\.syncTaskId))
        return ExecutionPlan(report: report, steps: steps, knownLiveIds: known)
    }
}
