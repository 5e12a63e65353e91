import Foundation
import OMSClient
import Testing

@testable import OMSSandbox

/// OMS runs at most 5 tasks at once per destination region; the sandbox does too.
@Suite(.serialized) struct RegionSlotsTests {
    /// 1 MiB a second all day (OMS's lowest limit): a task of one 10 MiB object migrates for 10 s.
    static let slow = [BandwidthPolicy(start: "00:00", end: "23:59", maxBandwidth: 1 << 20)]

    /// A task copying its own prefix `t<n>/` (so no task finds its objects already copied).
    static func task(_ n: Int, region: String = "cn-north-4", priority: TaskPriority? = nil) -> CreateTaskReq {
        var request = SandboxHarness.prefixTask(prefix: "t\(n)/", rules: slow)
        request.dstNode.region = region
        request.taskPriority = priority
        return request
    }

    static func seed(_ sandbox: SandboxHarness, tasks: Int) throws {
        for n in 0..<tasks { try sandbox.seed(.aliyun, "cn-hangzhou", "src", prefix: "t\(n)/", objects: 1, size: 10 << 20) }
        try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
        try sandbox.seed(.huaweiCloud, "ap-southeast-1", "dst", objects: 0)
    }

    static func statuses(_ sandbox: SandboxHarness, _ ids: [Int64]) async throws -> [TaskStatus] {
        var out: [TaskStatus] = []
        for id in ids { out.append(try await sandbox.client.showTask(id: id).status ?? .waiting) }
        return out
    }

    @Test func fiveRunPerRegionAndTheRestWaitUntilASlotFrees() async throws {
        try await withSandbox { sandbox in
            try Self.seed(sandbox, tasks: 10)
            var north: [Int64] = []
            for n in 0..<8 { north.append(try #require(try await sandbox.client.createTask(Self.task(n)).id)) }
            var south: [Int64] = []
            for n in 8..<10 { south.append(try #require(try await sandbox.client.createTask(Self.task(n, region: "ap-southeast-1")).id)) }
            try await sandbox.run(1)
            // The first five of cn-north-4 by creation; the other region has slots of its own.
            #expect(try await Self.statuses(sandbox, north) == Array(repeating: .migrating, count: 5) + Array(repeating: .waiting, count: 3))
            #expect(try await Self.statuses(sandbox, south) == [.migrating, .migrating])
            // The first five finish after 10 s: the three waiting ones take their slots.
            try await sandbox.run(10)
            #expect(try await Self.statuses(sandbox, north) == Array(repeating: .succeeded, count: 5) + Array(repeating: .migrating, count: 3))
            try await sandbox.run(11)
            #expect(try await Self.statuses(sandbox, north + south).allSatisfy { $0 == .succeeded })
        }
    }

    @Test func aFreedSlotGoesByPriorityThenCreation() async throws {
        try await withSandbox { sandbox in
            try Self.seed(sandbox, tasks: 8)
            let priorities: [TaskPriority] = [.low, .low, .low, .low, .medium, .medium, .high, .low]
            var ids: [Int64] = []
            for (n, priority) in priorities.enumerated() {
                ids.append(try #require(try await sandbox.client.createTask(Self.task(n, priority: priority)).id))
            }
            try await sandbox.run(1)
            // HIGH, then the two MEDIUM, then the oldest two LOW.
            #expect(try await Self.statuses(sandbox, ids) == [.migrating, .migrating, .waiting, .waiting, .migrating, .migrating, .migrating, .waiting])
        }
    }

    @Test func pausingOrDeletingARunningTaskFreesItsSlot() async throws {
        try await withSandbox { sandbox in
            try Self.seed(sandbox, tasks: 7)
            var ids: [Int64] = []
            for n in 0..<7 { ids.append(try #require(try await sandbox.client.createTask(Self.task(n)).id)) }
            try await sandbox.run(1)
            #expect(try await Self.statuses(sandbox, ids).suffix(2) == [.waiting, .waiting])
            try await sandbox.client.stopTask(id: ids[0])
            try await sandbox.run(1)
            #expect(try await Self.statuses(sandbox, ids) == [.paused, .migrating, .migrating, .migrating, .migrating, .migrating, .waiting])
            try await sandbox.client.stopTask(id: ids[1])
            try await sandbox.run(1)
            try await sandbox.client.deleteTask(id: ids[1])
            try await sandbox.run(1)
            #expect(try await Self.statuses(sandbox, [ids[6]]) == [.migrating])
        }
    }

    @Test func aGroupsTasksShareTheRegionsSlots() async throws {
        try await withSandbox(objectsPerGroupTask: 1) { sandbox in
            try sandbox.seed(.aliyun, "cn-hangzhou", "archive", objects: 8, size: 10 << 20)
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            var request = TaskGroupTests.prefixGroup()
            request.bandwidthPolicy = Self.slow
            let id = try #require(try await sandbox.client.createTaskGroup(request).groupId)
            try await sandbox.run(1)
            let tasks = try await sandbox.client.listAllTasks(groupId: id)
            #expect(tasks.count == 8)
            #expect(tasks.count { $0.status == .migrating } == 5)
            #expect(tasks.count { $0.status == .waiting } == 3)
        }
    }

    @Test func theLimitIsConfigurable() async throws {
        try await withSandbox(slotsPerRegion: 2) { sandbox in
            try Self.seed(sandbox, tasks: 3)
            var ids: [Int64] = []
            for n in 0..<3 { ids.append(try #require(try await sandbox.client.createTask(Self.task(n)).id)) }
            try await sandbox.run(1)
            #expect(try await Self.statuses(sandbox, ids) == [.migrating, .migrating, .waiting])
        }
    }
}
