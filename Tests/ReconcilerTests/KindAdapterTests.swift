import Foundation
import MigrationPlan
import OMSModels
import Testing

@testable import Reconciler

/// The registry of kinds: one adapter per OMS kind, each answering for its own resources and
/// naming its own API in every call.
@Suite("Kinds: one adapter per OMS kind")
struct KindAdapterTests {
    static let omsKinds: [ResourceKind] = [.migrationTask, .migrationTaskGroup, .migrationSyncTask]
    static let paths: [ResourceKind: String] = [
        .migrationTask: "/v2/{project_id}/tasks", .migrationTaskGroup: "/v2/{project_id}/taskgroups",
        .migrationSyncTask: "/v2/{project_id}/sync-tasks",
    ]

    @Test func everyOMSKindHasExactlyOneAdapter() {
        #expect(Kinds.all.map(\.kind).sorted() == Self.omsKinds.sorted())
        for kind in Self.omsKinds { #expect(Kinds.adapter(for: kind).kind == kind) }
    }

    @Test func everyLiveResourceIsAnsweredByItsOwnKind() {
        var task = TaskResp()
        (task.id, task.status) = (7, .paused)
        var group = TaskGroupResp()
        (group.groupId, group.status) = ("g", .paused)
        var sync = SyncTaskInfo()
        (sync.syncTaskId, sync.status) = ("s", .stopped)
        for live in [LiveResource.task(task), .group(group), .syncTask(sync)] {
            #expect(Kinds.adapter(for: live).kind == live.kind)
            #expect(LiveStatus(live).isPaused, "\(live.kind) reads its own status")
        }
    }

    @Test func everyVerbOfEveryKindCallsThatKindsAPI() {
        let verbs: [StepOperation.Verb] = [
            .create, .stopCreated, .stop, .waitSettled, .delete, .start, .retry(failedObjectsOnly: true),
            .updateBandwidth(rules: [], priority: nil),
        ]
        for kind in Self.omsKinds {
            let path = Self.paths[kind]!
            // A synchronization task has no wait, retry or bandwidth call: the planner never asks.
            let asked = kind == .migrationSyncTask ? verbs.filter { [.create, .stopCreated, .stop, .delete, .start].contains($0) } : verbs
            for verb in asked {
                let call = StepOperation(kind: kind, verb: verb, ids: ["42"], address: ResourceAddress(kind, "a")).call
                #expect(call.contains(path + "/") || call.hasSuffix(path), "\(kind) \(verb): \(call)")
                for (other, otherPath) in Self.paths where other != kind {
                    #expect(!call.contains(otherPath + "/") && !call.hasSuffix(otherPath), "\(kind) \(verb) names \(other)'s API: \(call)")
                }
            }
        }
    }

    @Test func onlyTasksBatchBandwidthAndOnlySyncTasksStopAtOnceAndNeverFinish() {
        #expect(Kinds.all.filter(\.batchesBandwidth).map(\.kind) == [.migrationTask])
        #expect(Kinds.all.filter { !$0.stopNeedsWait }.map(\.kind) == [.migrationSyncTask])
        #expect(Kinds.all.filter { !$0.finishes }.map(\.kind) == [.migrationSyncTask])
        let batch = StepOperation(kind: .migrationTask, verb: .updateBandwidth(rules: [], priority: .high), ids: ["1", "2"])
        #expect(batch.call == "POST /v2/{project_id}/tasks/batch-update (2 tasks)")
    }
}
