import Foundation
import Testing

import OMSModels

/// The OMS bodies are generated from `Sources/OMSModels/Wire/*.json` at every build; these
/// pin what some of them put on the wire (the client encodes with sorted keys), so a table edit
/// that renames a key, drops a field or changes an initialiser's default shows here. The strings
/// are what the hand-written models encoded before the tables replaced them.
@Suite struct WireTableTests {
    static func wire<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func aCreateTaskBodyKeepsEveryKeyAndNestedBody() throws {
        let body = CreateTaskReq(
            taskType: .prefix,
            srcNode: SrcNodeReq(cloudType: .aliyun, region: "cn-hangzhou", ak: "AK", sk: "SK", bucket: "src", objectKey: ["logs/"]),
            dstNode: DstNodeReq(region: "cn-north-4", bucket: "dst", savePrefix: "copy/"),
            enableKms: false, description: "d", migrateSince: 1_700_000_000,
            bandwidthPolicy: [BandwidthPolicy(start: "00:00", end: "06:00", maxBandwidth: 1_048_576)],
            sourceCdn: SourceCdnReq(domain: "cdn.example.com", protocol: .https),
            smnConfig: SmnConfig(topicUrn: "urn:smn", triggerConditions: [.failure], language: .enUS),
            objectOverwriteMode: .fullOverwrite, consistencyCheck: .crc64, taskPriority: .high)
        #expect(try Self.wire(body) == #"{"bandwidth_policy":[{"end":"06:00","max_bandwidth":1048576,"start":"00:00"}],"consistency_check":"crc64","description":"d","dst_node":{"bucket":"dst","region":"cn-north-4","save_prefix":"copy/"},"enable_kms":false,"migrate_since":1700000000,"object_overwrite_mode":"FULL_OVERWRITE","smn_config":{"language":"en-us","topic_urn":"urn:smn","trigger_conditions":["FAILURE"]},"source_cdn":{"authentication_type":"NONE","domain":"cdn.example.com","protocol":"https"},"src_node":{"ak":"AK","bucket":"src","cloud_type":"Aliyun","object_key":["logs/"],"region":"cn-hangzhou","sk":"SK"},"task_priority":"HIGH","task_type":"prefix"}"#)
    }

    @Test func initialiserDefaultsAreSent() throws {
        // `enable_kms` defaults to false in a group body, `authentication_type` to NONE, and a
        // listing starts at the root with pages of 100.
        let group = CreateTaskGroupReq(
            srcNode: TaskGroupSrcNode(
                cloudType: .aws, region: "us-east-1", bucket: "b", listFile: ListFile(listFileKey: "l.txt", obsBucket: "lists")),
            dstNode: TaskGroupDstNode(region: "cn-north-4", bucket: "d", cloudType: .hec), taskType: .list)
        #expect(try Self.wire(group) == #"{"dst_node":{"bucket":"d","cloud_type":"HEC","region":"cn-north-4"},"enable_kms":false,"src_node":{"bucket":"b","cloud_type":"AWS","list_file":{"list_file_key":"l.txt","obs_bucket":"lists"},"region":"us-east-1"},"task_type":"LIST"}"#)
        #expect(try Self.wire(SourceCdnReq(domain: "cdn.example.com", protocol: .http)) == #"{"authentication_type":"NONE","domain":"cdn.example.com","protocol":"http"}"#)
        #expect(try Self.wire(ListBucketObjectsReq(cloudType: .tencent, bucketName: "b", dataCenter: "ap-guangzhou")) == #"{"behind_filename":"","bucket_name":"b","cloud_type":"Tencent","data_center":"ap-guangzhou","file_path":"","page_size":100}"#)
    }

    @Test func syncTaskStartAndTokenBodies() throws {
        let sync = CreateSyncTaskReq(
            srcRegion: "cn-hangzhou", srcBucket: "s", srcAk: "A", srcSk: "S", dstAk: nil, dstSk: nil, dstRegion: "cn-north-4",
            dstBucket: "d", consistencyCheck: .sizeLastModified)
        #expect(try Self.wire(sync) == #"{"consistency_check":"size_last_modified","dst_bucket":"d","dst_region":"cn-north-4","src_ak":"A","src_bucket":"s","src_region":"cn-hangzhou","src_sk":"S"}"#)
        #expect(try Self.wire(StartTaskReq(srcAk: "a", srcSk: "b", migrateFailedObject: true)) == #"{"migrate_failed_object":true,"src_ak":"a","src_sk":"b"}"#)
        let token = IAMTokenRequest(userName: "u", password: "p", domainName: "dom", projectId: nil, projectName: "cn-north-4")
        #expect(try Self.wire(token) == #"{"auth":{"identity":{"methods":["password"],"password":{"user":{"domain":{"name":"dom"},"name":"u","password":"p"}}},"scope":{"project":{"name":"cn-north-4"}}}}"#)
    }

    @Test func answersDecodeThroughTheGeneratedKeys() throws {
        let task = try JSONDecoder().decode(TaskResp.self, from: Data(#"""
            {"id":7,"status":2,"task_type":"PREFIX","group_type":"NORMAL_TASK","migrate_since":1700000000000,
             "src_node":{"cloud_type":"ALIYUN","bucket":"s"},"error_reason":"","smn_info":{"notify_result":true,"topic_name":"t"}}
            """#.utf8))
        #expect(try Self.wire(task) == #"{"error_reason":{},"group_type":"NORMAL_TASK","id":7,"migrate_since":1700000000000,"smn_info":{"notify_result":true,"topic_name":"t"},"src_node":{"bucket":"s","cloud_type":"ALIYUN"},"status":2,"task_type":"PREFIX"}"#)
        #expect(task.status == .migrating && task.status?.description == "Migrating" && task.migrateSinceSeconds == 1_700_000_000)
        #expect(task.taskType?.canonical == .prefix && task.srcNode?.cloudType?.canonical == .aliyun)
        let stats = try JSONDecoder().decode(SyncTaskStatisticsResp.self, from: Data(#"""
            {"sync_task_id":"x","statistic_time_type":"ONE_HOUR","statistic_datas":[{"data_type":"SIZE","data":[{"time_stamp":1,"statistic_num":2}]}]}
            """#.utf8))
        #expect(stats.statisticDatas?.first?.data?.first?.statisticNum == 2 && stats.statisticDatas?.first?.dataType == .size)
    }

    @Test func openEnumsKeepTheirValuesAndNames() {
        #expect(TaskStatus(rawValue: 6).description == "Unknown(6)" && TaskGroupStatus.completed.description == "Completed")
        #expect(TaskStatus.all.map(\.rawValue) == [1, 2, 3, 4, 5, 7])
        #expect(CloudType.documented.count == 12 && !CloudType.hec.isDocumented && CloudType.hec.rawValue == "HEC")
        #expect(SyncStatisticType.documented.map(\.rawValue) == ["REQUEST", "SUCCESS", "FAILURE", "SKIP", "SIZE"])
        #expect(CdnAuthenticationType.none.rawValue == "NONE" && CdnProtocol.https.rawValue == "https")
    }
}
