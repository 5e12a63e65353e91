import Foundation
import OMSModels
import Testing
@testable import MigrationPlan

@Suite struct CanonicalJSONTests {
    func foundation<T: Encodable>(_ v: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(v), as: UTF8.self)
    }

    let tricky = "quote \" backslash \\ slash / newline \n tab \t bell \u{7} unicode é 日本 😀"

    @Test func taskBodyMatchesJSONEncoder() throws {
        let full = CreateTaskReq(
            taskType: .prefix,
            srcNode: SrcNodeReq(cloudType: .tencent, region: "ap-guangzhou", ak: "a", sk: "s", jsonAuthFile: "{}", securityToken: "t",
                                appId: "1254563210", bucket: "b", objectKey: ["", "x/", tricky],
                                listFile: ListFile(listFileKey: "k", obsBucket: "o", listFileNum: "2")),
            dstNode: DstNodeReq(region: "cn-north-4", bucket: "d", ak: "x", sk: "y", securityToken: "z", savePrefix: "p/"),
            enableKms: true, description: tricky, migrateSince: 1_704_067_200,
            bandwidthPolicy: [BandwidthPolicy(start: "00:00", end: "23:59", maxBandwidth: 1_048_576)],
            sourceCdn: SourceCdnReq(domain: "cdn", protocol: .https, authenticationType: .aliyunOssA, authenticationKey: "k"),
            smnConfig: SmnConfig(topicUrn: "urn:smn:x", triggerConditions: [.success, .failure], language: .enUS, messageTemplateName: "m"),
            enableMetadataMigration: false, enableRestore: true, enableFailedObjectRecording: true,
            objectOverwriteMode: .noOverwrite, dstStoragePolicy: .ia, consistencyCheck: .crc64, enableRequesterPays: false,
            taskPriority: .high)
        #expect(RequestJSON.task(full) == (try foundation(full)))
        let sparse = CreateTaskReq(srcNode: SrcNodeReq(), dstNode: DstNodeReq(region: "r", bucket: "b"))
        #expect(RequestJSON.task(sparse) == (try foundation(sparse)))
    }

    @Test func groupBodyMatchesJSONEncoder() throws {
        let full = CreateTaskGroupReq(
            srcNode: TaskGroupSrcNode(cloudType: .aliyun, region: "cn-hangzhou", bucket: "b", ak: "a", sk: "s", jsonAuthFile: "j",
                                      appId: "1", objectKey: [""], listFile: ListFile(listFileKey: "k", obsBucket: "o")),
            dstNode: TaskGroupDstNode(region: "cn-north-4", bucket: "d", ak: "x", sk: "y", cloudType: .hec, savePrefix: "p/"),
            enableKms: false, taskType: .prefix, description: tricky, enableMetadataMigration: true,
            enableFailedObjectRecording: true, enableRestore: false,
            bandwidthPolicy: [BandwidthPolicy(start: "08:00", end: "19:00", maxBandwidth: 20_971_520)],
            smnConfig: SmnConfig(topicUrn: "urn:smn:x", triggerConditions: [.failure]),
            sourceCdn: SourceCdnReq(domain: "cdn", protocol: .http), migrateSince: 5, objectOverwriteMode: .fullOverwrite,
            dstStoragePolicy: .archive, consistencyCheck: .noCheck, enableRequesterPays: true)
        #expect(RequestJSON.group(full) == (try foundation(full)))
    }

    @Test func syncTaskBodyMatchesJSONEncoder() throws {
        var full = IdentityTests.fullSyncTask
        full.description = tricky
        #expect(RequestJSON.syncTask(full) == (try foundation(full)))
        let sparse = CreateSyncTaskReq(srcRegion: "r", srcBucket: "b", srcAk: nil, srcSk: nil, dstAk: nil, dstSk: nil, dstRegion: "r", dstBucket: "d")
        #expect(RequestJSON.syncTask(sparse) == (try foundation(sparse)))
    }

    @Test func canonicalFormIsSortedAndSecretFree() throws {
        let state = try #require(PlanLoader.load(
            paths: [TestSupport.root + "/examples/quickstart"],
            options: LoadOptions(environment: PlanEnvironment(variables: ["QUICKSTART_ALIYUN_SK": "hidden-sk"], fileSystem: LocalFileSystem()),
                                 evaluationDate: TestSupport.tuesday)).desiredState)
        for resource in state.omsResources {
            #expect(!resource.canonicalJSON.contains("hidden-sk"))
            #expect(!resource.canonicalJSON.contains("oms-plan:"))
            let object = try JSONSerialization.jsonObject(with: Data(resource.canonicalJSON.utf8)) as? [String: Any]
            #expect(object?.keys.sorted() == ["address", "management", "request"])
        }
    }
}
