import Foundation
import MigrationPlan
import OMSClient
import OMSModels
import Reconciler
import Testing

@testable import OMSSandbox

/// `MigrationSyncTask` through the whole loop against the sandbox: apply creates it, events
/// (raised by the sandbox's watcher) copy new and changed objects byte for byte and are
/// counted, a task stopped by hand is started again, `state: paused` stops it, a changed field
/// replaces it without being held back, `prune` deletes it, `adopt` takes one over.
extension ChangeReport {
    var hasFailures: Bool { changes.contains { $0.outcome?.status == .failed } }
}

@Suite("sync tasks reconciled", .serialized)
struct SyncTaskReconcileTests {
    static let address = ResourceAddress(.migrationSyncTask, "mirror")

    /// Live sync tasks carrying this stack's marker for `name`.
    static func owned(_ e2e: EndToEnd, _ name: String = "mirror") async throws -> [SyncTaskInfo] {
        try await e2e.client.listAllSyncTasks().filter { sync in
            guard let parsed = sync.description.flatMap({ OwnershipMarker.parse(description: $0) }) else { return false }
            return parsed.marker.stack == EndToEnd.stackName && parsed.marker.address == ResourceAddress(.migrationSyncTask, name)
        }
    }

    static func destination(_ e2e: EndToEnd, _ key: String) throws -> Data? {
        guard e2e.buckets.object(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: key) != nil else { return nil }
        return try e2e.buckets.read(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: key)
    }

    static func source(_ e2e: EndToEnd, _ key: String, _ text: String, modified: Date) throws {
        try e2e.buckets.write(cloud: .aliyun, region: "cn-hangzhou", bucket: "src", key: key, data: Data(text.utf8), modified: modified)
    }

    @Test func applyCreatesItTheWatcherSyncsAndReconcileKeepsItRunning() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "live/", objects: 3)
            try e2e.writePlan([PlanText.syncTask("mirror", description: "keep src in OBS")])
            let desired = try e2e.load()

            let planned = try await e2e.diff(desired)
            let create = try planned.report.change(Self.address.description)
            #expect(create.action == .create, "\(planned.report.digest)")
            #expect(planned.calls(for: ChangeSubject(Self.address)) == ["POST /v2/{project_id}/sync-tasks"])
            // A reviewer sees what the create sends, and no bandwidth row: sync tasks take none.
            let paths = create.fields.map(\.path)
            #expect(paths.contains("source.bucket") && paths.contains("destination.bucket") && paths.contains("options.consistencyCheck"))
            #expect(!paths.contains("bandwidth") && !paths.contains("type"))
            #expect(create.fields.first { $0.path == "source.credentials" }?.after == .string("aliyun"))

            let applied = try await e2e.apply(desired)
            #expect(!applied.hasFailures, "\(applied.digest)")
            let live = try #require(try await Self.owned(e2e).first)
            #expect(try await Self.owned(e2e).count == 1)
            #expect(live.status == .synchronizing && live.srcBucket == "src" && live.dstBucket == "dst")
            #expect(live.description?.hasPrefix("keep src in OBS oms-plan:e2e:MigrationSyncTask/mirror#") == true)
            // The create's outcome names the new id, as a task's and a group's do.
            #expect(try applied.change(Self.address.description).outcome?.liveId == live.syncTaskId)
            // The same plan again: nothing to do.
            #expect(!(try await e2e.diff(desired).report.hasChanges))

            // The watcher raises events for what is in the bucket, then for new and changed objects.
            let watcher = SyncWatcher(service: e2e.server.service(), buckets: e2e.buckets)
            await watcher.scan()
            for index in 0..<3 {
                let key = "live/object-0000\(index).bin"
                #expect(try Self.destination(e2e, key) == (try e2e.buckets.read(cloud: .aliyun, region: "cn-hangzhou", bucket: "src", key: key)))
            }
            try Self.source(e2e, "live/new.txt", "a file added after the bulk copy\n", modified: Date(timeIntervalSince1970: 1_800_000_000))
            try Self.source(e2e, "live/object-00001.bin", "changed", modified: Date(timeIntervalSince1970: 1_800_000_100))
            await watcher.scan()
            #expect(try Self.destination(e2e, "live/new.txt") == Data("a file added after the bulk copy\n".utf8))
            #expect(try Self.destination(e2e, "live/object-00001.bin") == Data("changed".utf8))
            // Nothing new: no events.
            await watcher.scan()

            let id = try #require(live.syncTaskId)
            let month = try await e2e.client.showSyncTask(id: id)
            #expect(month.monthlyAcceptanceRequest == 5 && month.monthlySuccessObject == 5 && month.monthlyFailureObject == 0)
            #expect(month.monthlySize == Int64(3 * 1024 + 33 + 7))
            // status reads the same counters, and the last hour from the statistics API.
            var status = StatusReport(desired: desired, live: try await LiveState.read(from: e2e.client))
            await status.readSyncActivity(from: e2e.client)
            let entry = try #require(status.entries.first { $0.address == Self.address.description })
            #expect(entry.kind == "MigrationSyncTask" && entry.status == "SYNCHRONIZING" && entry.settled)
            #expect(entry.sync?.eventsReceived == 5 && entry.sync?.succeeded == 5 && entry.sync?.eventsLastHour == 5)
            #expect(entry.sync?.bytesLastHour == Int64(3 * 1024 + 33 + 7))

            // Stopped by hand: the next pass starts it again, with the keys.
            try await e2e.client.stopSyncTask(id: id)
            let drift = try await e2e.diff(desired)
            let start = try drift.report.change(Self.address.description)
            #expect(start.action == .start, "\(drift.report.digest)")
            #expect(drift.calls(for: ChangeSubject(Self.address)) == ["POST /v2/{project_id}/sync-tasks/\(id)/start"])
            let restarted = try await e2e.apply(desired)
            #expect(!restarted.hasFailures, "\(restarted.digest)")
            #expect(try await e2e.client.showSyncTask(id: id).status == .synchronizing)
        }
    }

    @Test func pausedStopsAReplacementIsNotHeldBackAndPruneDeletes() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "live/", objects: 2)
            try e2e.writePlan([PlanText.syncTask("mirror")])
            #expect(!(try await e2e.apply(try e2e.load()).hasFailures))
            let first = try #require(try await Self.owned(e2e).first?.syncTaskId)
            await SyncWatcher(service: e2e.server.service(), buckets: e2e.buckets).scan()

            // state: paused stops it (in place, same id).
            try e2e.writePlan([PlanText.syncTask("mirror", state: "paused")])
            let paused = try await e2e.apply(try e2e.load())
            #expect(try paused.change(Self.address.description).action == .pause, "\(paused.digest)")
            #expect(try await e2e.client.showSyncTask(id: first).status == .stopped)

            // A field OMS cannot update: replaced although it copied data (nothing is lost).
            try e2e.writePlan([PlanText.syncTask("mirror", state: "paused", extra: ["  options: {consistencyCheck: crc64}"])])
            let replaced = try await e2e.apply(try e2e.load())
            let change = try replaced.change(Self.address.description)
            #expect(change.action == .replace, "\(replaced.digest)")
            #expect(change.fields.contains { $0.path == "options.consistencyCheck" && $0.forcesReplacement })
            let now = try await Self.owned(e2e)
            #expect(now.count == 1 && now.first?.syncTaskId != first && now.first?.consistencyCheck == .crc64)
            #expect(now.first?.status == .stopped, "state: paused holds for the replacement too")

            // Gone from the plan: kept without prune, deleted with it.
            try e2e.writePlan([])
            let kept = try await e2e.apply(try e2e.load())
            #expect(try kept.change(Self.address.description).action == .noop)
            #expect(try await Self.owned(e2e).count == 1)
            try e2e.writePlan(prune: true, [])
            let pruned = try await e2e.apply(try e2e.load())
            #expect(try pruned.change(Self.address.description).action == .delete, "\(pruned.digest)")
            #expect(try await Self.owned(e2e).isEmpty)
            #expect(try await e2e.client.listAllSyncTasks().isEmpty)
        }
    }

    @Test func aRunningTaskIsStoppedBeforeItIsDeleted() async throws {
        try await withEndToEnd { e2e in
            try e2e.writePlan([PlanText.syncTask("mirror")])
            #expect(!(try await e2e.apply(try e2e.load())).hasFailures)
            let id = try #require(try await Self.owned(e2e).first?.syncTaskId)
            try e2e.writePlan(prune: true, [])
            let plan = try await e2e.diff(try e2e.load())
            #expect(plan.calls(for: ChangeSubject(Self.address)) == [
                "POST /v2/{project_id}/sync-tasks/\(id)/stop", "DELETE /v2/{project_id}/sync-tasks/\(id)",
            ])
        }
    }

    @Test func adoptTakesOverAHandMadeTaskWithoutReplacingIt() async throws {
        try await withEndToEnd { e2e in
            let made = CreateSyncTaskReq(
                srcCloudType: .aliyun, srcRegion: "cn-hangzhou", srcBucket: "src", srcAk: "e2e-src-ak", srcSk: "e2e-src-sk",
                dstAk: "e2e-obs-ak", dstSk: "e2e-obs-sk", dstRegion: "cn-north-4", dstBucket: "dst", description: "made in the console")
            let id = try #require(try await e2e.client.createSyncTask(made).syncTaskId)
            try e2e.writePlan([PlanText.syncTask("mirror", extra: ["  adopt: {id: \"\(id)\"}"])])
            let desired = try e2e.load()
            let plan = try await e2e.diff(desired)
            let change = try plan.report.change(Self.address.description)
            #expect(change.action == .noop && change.liveId == id, "\(plan.report.digest)")
            #expect(change.reasons.contains { if case .adopted = $0 { true } else { false } })
            // An unowned task the plan does not adopt is counted, never touched.
            try e2e.writePlan(prune: true, [])
            let other = try await e2e.diff(try e2e.load())
            #expect(other.report.unowned?.syncTasks == 1 && !other.report.hasChanges)
        }
    }
}
