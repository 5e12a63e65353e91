import Foundation
import OMSClient
import Testing

@testable import OMSSandbox

@Suite(.serialized) struct TaskLifecycleTests {
    @Test func prefixTaskCopiesBytesThenSkipsThemNextTime() async throws {
        try await withSandbox { sandbox in
            try sandbox.seed(.aliyun, "cn-hangzhou", "src", prefix: "2024/", objects: 12, size: 4096)
            try sandbox.seed(.aliyun, "cn-hangzhou", "src", prefix: "2023/", objects: 3, size: 4096)
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            let created = try await sandbox.client.createTask(SandboxHarness.prefixTask(prefix: "2024/"))
            let id = try #require(created.id)
            #expect(try await sandbox.client.showTask(id: id).status == .waiting)
            try await sandbox.run(1)
            try await sandbox.run(60)
            let done = try await sandbox.client.showTask(id: id)
            #expect(done.status == .succeeded)
            #expect(done.totalNum == 12)
            #expect(done.successfulNum == 12)
            #expect(done.totalSize == Int64(12 * 4096))
            #expect(done.realSize == Int64(12 * 4096))
            #expect(done.progress == 1)
            #expect(done.isQueryOver == true)
            // Besides the copies, OMS's object lists under oms/ (docs/sandbox-objects.md).
            let copied = sandbox.buckets.list(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst").filter { !$0.key.hasPrefix("oms/") }
            #expect(copied.map(\.key) == (0..<12).map { String(format: "2024/object-%05d.bin", $0) })
            let original = try sandbox.buckets.read(cloud: .aliyun, region: "cn-hangzhou", bucket: "src", key: "2024/object-00007.bin")
            #expect(try sandbox.buckets.read(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: "2024/object-00007.bin") == original)

            let again = try #require(try await sandbox.client.createTask(SandboxHarness.prefixTask(prefix: "2024/")).id)
            try await sandbox.run(60)
            let second = try await sandbox.client.showTask(id: again)
            #expect(second.status == .succeeded)
            #expect(second.skippedNum == 12)
            #expect(second.successfulNum == 0)
        }
    }

    @Test func copyRateFollowsTheBandwidthRuleInEffect() async throws {
        try await withSandbox { sandbox in
            try sandbox.seed(.aliyun, "cn-hangzhou", "src", objects: 40, size: 512 * 1024)  // 20 MiB
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            let rule = BandwidthPolicy(start: "00:00", end: "23:59", maxBandwidth: 2 * 1_048_576)
            let id = try #require(try await sandbox.client.createTask(SandboxHarness.prefixTask(rules: [rule])).id)
            try await sandbox.run(0)  // Waiting -> Migrating
            try await sandbox.run(4)
            let task = try await sandbox.client.showTask(id: id)
            let moved = Double(task.completeSize ?? 0)  // whole objects done
            let expected = 4.0 * 2 * 1_048_576
            let progressBytes = (task.progress ?? 0) * Double(task.totalSize ?? 0)
            #expect(abs(progressBytes - expected) / expected < 0.10, "moved \(progressBytes) bytes in 4 s at 2 MiB/s")
            #expect(moved <= progressBytes)
            let speed = Double(task.migrateSpeed ?? 0)
            #expect(abs(speed - 2 * 1_048_576) / (2 * 1_048_576) < 0.10, "speed \(speed)")
            #expect(task.status == .migrating)
            #expect((task.leftTime ?? 0) > 0)
        }
    }

    @Test func migrateSinceSkipsOlderObjectsAndIsReportedInMilliseconds() async throws {
        try await withSandbox { sandbox in
            try sandbox.seed(.aliyun, "cn-hangzhou", "src", objects: 10)  // mtimes 1_700_000_000 + index
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            var request = SandboxHarness.prefixTask()
            request.migrateSince = 1_700_000_005
            let id = try #require(try await sandbox.client.createTask(request).id)
            try await sandbox.run(30)
            let task = try await sandbox.client.showTask(id: id)
            #expect(task.migrateSince == 1_700_000_005_000)
            #expect(task.skippedNum == 5)
            #expect(task.successfulNum == 5)
        }
    }

    @Test func stopPauseStartAndDeleteFollowTheStateTable() async throws {
        try await withSandbox { sandbox in
            try sandbox.seed(.aliyun, "cn-hangzhou", "src", objects: 50, size: 1_048_576)
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            let slow = [BandwidthPolicy(start: "00:00", end: "23:59", maxBandwidth: 1_048_576)]
            let id = try #require(try await sandbox.client.createTask(SandboxHarness.prefixTask(rules: slow)).id)
            let client = sandbox.client
            #expect(await errorCode { try await client.startTask(id: id, SandboxHarness.start) } == "OMS.0065")
            try await sandbox.run(2)
            #expect(try await client.showTask(id: id).status == .migrating)
            #expect(await errorCode { try await client.deleteTask(id: id) } == "OMS.0063")
            try await client.stopTask(id: id)
            #expect(try await client.showTask(id: id).status == .pausing)
            #expect(await errorCode { try await client.deleteTask(id: id) } == "OMS.0063")
            #expect(await errorCode { try await client.stopTask(id: id) } == "OMS.0066")
            try await sandbox.run(1)
            #expect(try await client.showTask(id: id).status == .paused)
            #expect(await errorCode { try await client.startTask(id: id, StartTaskReq(dstAk: "a")) } == "OMS.1004")
            try await client.startTask(id: id, SandboxHarness.start)
            #expect(try await client.showTask(id: id).status == .waiting)
            try await client.updateBandwidthPolicy(taskId: id, [])
            try await sandbox.run(5)
            #expect(try await client.showTask(id: id).status == .succeeded)
            #expect(await errorCode { try await client.stopTask(id: id) } == "OMS.0070")
            #expect(await errorCode { try await client.startTask(id: id, SandboxHarness.start) } == "OMS.0070")
            #expect(await errorCode { try await client.updateBandwidthPolicy(taskId: id, slow) } == "OMS.0070")
            try await client.deleteTask(id: id)
            #expect(await errorCode { _ = try await client.showTask(id: id) } == "OMS.1009")
            #expect(await errorCode { _ = try await client.showTask(id: "abc") } == "OMS.0054")
        }
    }

    @Test func batchUpdateSetsRulesOnUpToTwentyTasks() async throws {
        // No migration slots: the tasks stay Waiting, where priority may change.
        try await withSandbox(maximumConcurrentTasks: 0) { sandbox in
            try sandbox.seed(.aliyun, "cn-hangzhou", "src", objects: 1)
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            var ids: [Int64] = []
            for _ in 0..<3 { ids.append(try #require(try await sandbox.client.createTask(SandboxHarness.prefixTask()).id)) }
            let rules = [BandwidthPolicy(start: "08:00", end: "18:00", maxBandwidth: 5_000_000)]
            try await sandbox.client.batchUpdateTasks(BatchUpdateTasksReq(ids: ids, bandwidthPolicy: rules, taskPriority: .high))
            for id in ids {
                let task = try await sandbox.client.showTask(id: id)
                #expect(task.bandwidthPolicy == rules)
                #expect(task.taskPriority == .high)
            }
            let tooMany = BatchUpdateTasksReq(ids: Array(repeating: ids[0], count: 21), bandwidthPolicy: rules)
            #expect(await errorCode { try await sandbox.client.batchUpdateTasks(tooMany) } == "OMS.1003")
            #expect(await errorCode { try await sandbox.client.batchUpdateTasks(BatchUpdateTasksReq(bandwidthPolicy: rules)) } == "OMS.1004")
        }
    }

    @Test func listingPagesAndFiltersByStatus() async throws {
        try await withSandbox { sandbox in
            try sandbox.seed(.aliyun, "cn-hangzhou", "src", objects: 1)
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            for _ in 0..<25 { _ = try await sandbox.client.createTask(SandboxHarness.prefixTask()) }
            let page = try await sandbox.client.listTasks(limit: 10, offset: 20)
            #expect(page.count == 25)
            #expect(page.tasks?.count == 5)
            #expect(try await sandbox.client.listAllTasks().count == 25)
            #expect(try await sandbox.client.listTasks(status: .succeeded).count == 0)
            #expect(await errorCode { _ = try await sandbox.client.listTasks(limit: 101) } == "OMS.1003")
            #expect(await errorCode { _ = try await sandbox.client.listTasks(limit: 0) } == "OMS.1003")
        }
    }

    @Test func quotaRefusesTheTaskAfterTheLimit() async throws {
        try await withSandbox(quotas: .init(tasksPerDay: 2)) { sandbox in
            _ = try await sandbox.client.createTask(SandboxHarness.prefixTask())
            _ = try await sandbox.client.createTask(SandboxHarness.prefixTask())
            let refused = await errorCode { _ = try await sandbox.client.createTask(SandboxHarness.prefixTask()) }
            #expect(refused == "OMS.0077")
            sandbox.server.clock.advance(by: 86_401)
            _ = try await sandbox.client.createTask(SandboxHarness.prefixTask())
        }
    }

    @Test func stateSurvivesARestart() async throws {
        let first = try await SandboxHarness.start()
        try first.seed(.aliyun, "cn-hangzhou", "src", objects: 2)
        try first.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
        let id = try #require(try await first.client.createTask(SandboxHarness.prefixTask()).id)
        try await first.run(30)
        await first.stop()
        let second = try await SandboxHarness.start(directory: first.directory)
        let task = try await second.client.showTask(id: id)
        #expect(task.status == .succeeded)
        #expect(task.successfulNum == 2)
        let next = try #require(try await second.client.createTask(SandboxHarness.prefixTask()).id)
        #expect(next == id + 1)
        await second.stop()
    }
}
