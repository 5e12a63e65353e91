import Foundation
import Testing

@testable import OMSModels

/// Every example of chapter 6 decodes into its model, and every example request survives
/// decode -> encode unchanged (so no field is dropped or renamed).
@Suite struct ModelFixtureTests {
    struct Entry: Decodable, CustomTestStringConvertible {
        var file: String
        var operation: String
        var kind: String
        var testDescription: String { file }
    }

    static let entries: [Entry] = try! JSONDecoder().decode([Entry].self, from: Fixtures.data("examples/index.json"))

    /// Decodes and re-encodes `data` as the model of `operation`/`kind`.
    static func roundTrip(_ entry: Entry, _ data: Data) throws -> Data {
        func pass<T: Codable>(_ type: T.Type) throws -> Data {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return try encoder.encode(try JSONDecoder().decode(T.self, from: data))
        }
        switch (entry.operation, entry.kind) {
        case ("listApiVersions", "response"): return try pass(ListAPIVersionsResp.self)
        case ("showApiVersion", "response"): return try pass(APIVersion.self)
        case ("listTasks", "response"): return try pass(ListTasksResp.self)
        case ("showTask", "response"): return try pass(TaskResp.self)
        case ("createTask", "request"): return try pass(CreateTaskReq.self)
        case ("createTask", "response"): return try pass(CreateTaskResp.self)
        case ("startTask", "request"): return try pass(StartTaskReq.self)
        case ("updateBandwidthPolicy", "request"), ("updateTaskGroup", "request"):
            return try pass(UpdateBandwidthPolicyReq.self)
        case ("batchUpdateTasks", "request"): return try pass(BatchUpdateTasksReq.self)
        case ("listTaskGroups", "response"): return try pass(ListTaskGroupsResp.self)
        case ("createTaskGroup", "request"): return try pass(CreateTaskGroupReq.self)
        case ("createTaskGroup", "response"): return try pass(CreateTaskGroupResp.self)
        case ("showTaskGroup", "response"): return try pass(TaskGroupResp.self)
        case ("startTaskGroup", "request"): return try pass(StartTaskGroupReq.self)
        case ("retryTaskGroup", "request"): return try pass(RetryTaskGroupReq.self)
        case ("listBucketObjects", "request"): return try pass(ListBucketObjectsReq.self)
        case ("listBucketObjects", "response"): return try pass(ListBucketObjectsResp.self)
        case ("showCdnInfo", "request"): return try pass(ShowCdnInfoReq.self)
        case ("showCdnInfo", "response"): return try pass(ShowCdnInfoResp.self)
        case ("listBuckets", "request"): return try pass(ListBucketsReq.self)
        case ("listBuckets", "response"), ("listCloudTypes", "response"): return try pass([String].self)
        case ("showBucketRegion", "request"): return try pass(ShowBucketRegionReq.self)
        case ("showBucketRegion", "response"): return try pass(ShowBucketRegionResp.self)
        case ("checkPrefix", "request"): return try pass(CheckPrefixReq.self)
        case ("checkPrefix", "response"): return try pass(CheckPrefixResp.self)
        case ("listRegions", "response"): return try pass([ShowRegionInfoResp].self)
        default: throw CocoaError(.featureUnsupported, userInfo: [NSDebugDescriptionErrorKey: "no model for \(entry.file)"])
        }
    }

    @Test func everyOperationHasExamples() {
        let operations = Set(Self.entries.map(\.operation))
        for operation in ["listTasks", "showTask", "createTask", "listTaskGroups", "createTaskGroup", "showTaskGroup",
            "batchUpdateTasks", "listRegions", "checkPrefix"]
        {
            #expect(operations.contains(operation))
        }
        #expect(Self.entries.count >= 30)
    }

    @Test(arguments: entries)
    func exampleRoundTripsWithoutLoss(_ entry: Entry) throws {
        let original = try Fixtures.data("examples/\(entry.file)")
        let reencoded = try Self.roundTrip(entry, original)
        #expect(try Fixtures.normalizedJSON(reencoded) == Fixtures.normalizedJSON(original))
    }

    @Test func unknownEnumValuesSurvive() throws {
        let json = #"{"task_type":"sync_list","status":6,"src_node":{"cloud_type":"NewCloud"},"group_type":"X"}"#
        let task = try JSONDecoder().decode(TaskResp.self, from: Data(json.utf8))
        #expect(task.taskType?.rawValue == "sync_list")
        #expect(task.taskType?.isDocumented == false)
        #expect(task.status?.rawValue == 6)
        #expect(task.status?.description == "Unknown(6)")
        #expect(task.srcNode?.cloudType == "NewCloud")
    }

    @Test func groupSpellingsMapToRequestSpellings() {
        #expect(CloudType(rawValue: "ALIYUN").canonical == .aliyun)
        #expect(CloudType(rawValue: "HUAWEICLOUD").canonical == .huaweiCloud)
        #expect(CloudType(rawValue: "URLSOURCE").canonical == .urlSource)
        #expect(TaskGroupType(rawValue: "url_list").canonical == .urlList)
        #expect(CloudType.tencent.sameValue(as: "TENCENT"))
    }

    @Test func migrateSinceUnits() throws {
        var task = TaskResp()
        task.migrateSince = 1_704_067_200_000
        #expect(task.migrateSinceSeconds == 1_704_067_200)
        task.migrateSince = 1_704_067_200  // an OMS that answers in seconds is read the same
        #expect(task.migrateSinceSeconds == 1_704_067_200)
        task.migrateSince = 0
        #expect(task.migrateSinceSeconds == 0)
    }

    @Test func errorReasonAcceptsEmptyStringAndNull() throws {
        let a = try JSONDecoder().decode(TaskResp.self, from: Data(#"{"error_reason":""}"#.utf8))
        #expect(a.errorReason == ErrorReason())
        let b = try JSONDecoder().decode(TaskResp.self, from: Data(#"{"error_reason":null}"#.utf8))
        #expect(b.errorReason == nil)
        let c = try JSONDecoder().decode(TaskResp.self, from: Data(#"{"error_reason":{"error_code":"TRF.0155"}}"#.utf8))
        #expect(c.errorReason?.errorCode == "TRF.0155")
    }

    @Test func requestsOmitUnsetFields() throws {
        let request = CreateTaskReq(
            taskType: .prefix, srcNode: SrcNodeReq(cloudType: .aliyun, region: "cn-hangzhou", bucket: "b", objectKey: [""]),
            dstNode: DstNodeReq(region: "cn-north-4", bucket: "d"))
        let json = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        #expect(!json.contains("null"))
        #expect(!json.contains("enable_kms"))
    }

    /// `canonical` returns a documented spelling as it is: right only while no two documented
    /// values of a type differ just in case or `_` (else the first of them would be canonical).
    @Test func documentedSpellingsDifferBeyondCaseAndUnderscores() {
        func check<E: OpenStringEnum>(_ type: E.Type) {
            let keys = E.documented.map { E.foldKey($0.rawValue) }
            #expect(Set(keys).count == keys.count, "\(E.self)")
            for value in E.documented { #expect(value.canonical == value) }
        }
        check(TaskType.self); check(TaskGroupType.self); check(CloudType.self); check(GroupType.self)
        check(ObjectOverwriteMode.self); check(ConsistencyCheck.self); check(StoragePolicy.self); check(TaskPriority.self)
        check(CdnAuthenticationType.self); check(CdnProtocol.self); check(SmnLanguage.self); check(SmnTriggerCondition.self)
        check(APIVersionStatus.self); check(OMSErrorCode.self); check(SyncTaskStatus.self); check(SyncStatisticType.self)
    }
}
