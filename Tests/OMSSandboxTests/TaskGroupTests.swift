import Foundation
import OMSClient
import Testing

@testable import OMSSandbox

@Suite(.serialized) struct TaskGroupTests {
    static func prefixGroup(bucket: String = "archive") -> CreateTaskGroupReq {
        CreateTaskGroupReq(
            srcNode: TaskGroupSrcNode(cloudType: .aliyun, region: "cn-hangzhou", bucket: bucket, ak: "a", sk: "s", objectKey: [""]),
            dstNode: TaskGroupDstNode(region: "cn-north-4", bucket: "dst", ak: "d", sk: "d"), taskType: .prefix,
            description: "group")
    }

    @Test func groupSplitsIntoTasksAndRollsTheirCountersUp() async throws {
        try await withSandbox(objectsPerGroupTask: 50) { sandbox in
            try sandbox.seed(.aliyun, "cn-hangzhou", "archive", objects: 120, size: 100)
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            let client = sandbox.client
            let id = try #require(try await client.createTaskGroup(Self.prefixGroup()).groupId)
            // The background engine may already have split it.
            #expect([.executing, .monitoring].contains(try await client.showTaskGroup(id: id).status))
            try await sandbox.run(0)
            let tasks = try await client.listAllTasks(groupId: id)
            #expect(tasks.count == 3)
            #expect(tasks.allSatisfy { $0.groupId == id && $0.groupType == .groupTask })
            try await sandbox.run(30)
            let group = try await client.showTaskGroup(id: id)
            #expect(group.status == .completed)
            #expect(group.taskType == "PREFIX")
            #expect(group.srcNode?.cloudType == "ALIYUN")
            #expect(group.totalTaskNum == 3)
            #expect(group.completeTaskNum == 3)
            #expect(group.totalNum == 120)
            #expect(group.successNum == 120)
            #expect(group.completeSize == 12_000)
            // A completed group refuses the operations of the state table.
            #expect(await errorCode { try await client.stopTaskGroup(id: id) } == "OMS.1038")
            #expect(await errorCode { try await client.startTaskGroup(id: id, StartTaskGroupReq(dstAk: "d", dstSk: "d")) } == "OMS.1039")
            #expect(await errorCode { try await client.retryTaskGroup(id: id, RetryTaskGroupReq()) } == "OMS.1040")
            let rules = [BandwidthPolicy(start: "00:00", end: "23:59", maxBandwidth: 2_000_000)]
            #expect(await errorCode { try await client.updateTaskGroup(id: id, bandwidthPolicy: rules) } == "OMS.1036")
            try await client.deleteTaskGroup(id: id)
            try await sandbox.run(1)
            #expect(try await client.listAllTasks(groupId: id).isEmpty)
            #expect(await errorCode { _ = try await client.showTaskGroup(id: id) } == "OMS.1009")
            do throws(OMSClientError) {
                _ = try await client.showTaskGroup(id: id)
                Issue.record("expected the deleted group to be gone")
            } catch {
                #expect(error.httpStatus == 404)
                #expect(error.isNotFound)
            }
        }
    }

    @Test func groupPausesResumesAndCannotBeDeletedWhileMonitoring() async throws {
        try await withSandbox(objectsPerGroupTask: 10) { sandbox in
            try sandbox.seed(.aliyun, "cn-hangzhou", "archive", objects: 30, size: 1_048_576)
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            let client = sandbox.client
            var request = Self.prefixGroup()
            request.bandwidthPolicy = [BandwidthPolicy(start: "00:00", end: "23:59", maxBandwidth: 1_048_576)]
            let id = try #require(try await client.createTaskGroup(request).groupId)
            try await sandbox.run(2)
            #expect(try await client.showTaskGroup(id: id).status == .monitoring)
            #expect(await errorCode { try await client.deleteTaskGroup(id: id) } == "OMS.0063")
            try await client.stopTaskGroup(id: id)
            #expect(try await client.showTaskGroup(id: id).status == .pausing)
            try await sandbox.run(1)
            #expect(try await client.showTaskGroup(id: id).status == .paused)
            #expect(try await client.listAllTasks(groupId: id).allSatisfy { $0.status == .paused })
            let faster = [BandwidthPolicy(start: "00:00", end: "23:59", maxBandwidth: 209_715_200)]
            try await client.updateTaskGroup(id: id, bandwidthPolicy: faster)
            #expect(try await client.listAllTasks(groupId: id).allSatisfy { $0.bandwidthPolicy == faster })
            try await client.startTaskGroup(id: id, StartTaskGroupReq(srcAk: "a", srcSk: "s", dstAk: "d", dstSk: "d"))
            try await sandbox.run(30)
            #expect(try await client.showTaskGroup(id: id).status == .completed)
        }
    }

    @Test func groupCreationFailsForAMissingSourceAndCanBeRetried() async throws {
        try await withSandbox { sandbox in
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            let client = sandbox.client
            let id = try #require(try await client.createTaskGroup(Self.prefixGroup(bucket: "late")).groupId)
            try await sandbox.run(1)
            let failed = try await client.showTaskGroup(id: id)
            #expect(failed.status == .creationFailed)
            #expect(failed.errorReason?.errorCode == "TRF.0155")
            try sandbox.seed(.aliyun, "cn-hangzhou", "late", objects: 5)
            try await client.retryTaskGroup(id: id, RetryTaskGroupReq(srcAk: "a", srcSk: "s", dstAk: "d", dstSk: "d"))
            try await sandbox.run(30)
            #expect(try await client.showTaskGroup(id: id).status == .completed)
        }
    }

    @Test func groupQuotaIsOMS1037() async throws {
        try await withSandbox(quotas: .init(groupsPerDay: 1)) { sandbox in
            _ = try await sandbox.client.createTaskGroup(Self.prefixGroup())
            #expect(await errorCode { _ = try await sandbox.client.createTaskGroup(Self.prefixGroup()) } == "OMS.1037")
        }
    }
}
