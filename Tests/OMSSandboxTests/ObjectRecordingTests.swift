import AsyncHTTPClient
import Foundation
import NIOCore
import OMSClient
import Testing

@testable import OMSSandbox

/// Issue 24, part 2: the sandbox records objects as OMS does (docs/sandbox-objects.md).
@Suite(.serialized) struct ObjectRecordingTests {
    static let region = "cn-hangzhou"
    static let dstRegion = "cn-north-4"

    func put(_ sandbox: SandboxHarness, _ key: String, _ bytes: Int, fill: UInt8 = 7, at seconds: Double = 1_700_000_000) throws {
        try sandbox.buckets.write(
            cloud: .aliyun, region: Self.region, bucket: "src", key: key, data: Data(repeating: fill, count: bytes),
            modified: Date(timeIntervalSince1970: seconds))
    }

    func dst(_ sandbox: SandboxHarness, _ key: String) throws -> Data {
        try sandbox.buckets.read(cloud: .huaweiCloud, region: Self.dstRegion, bucket: "dst", key: key)
    }

    /// The keys under `prefix` in the destination bucket.
    func dstKeys(_ sandbox: SandboxHarness, _ prefix: String) -> [String] {
        sandbox.buckets.list(cloud: .huaweiCloud, region: Self.dstRegion, bucket: "dst", prefix: prefix).map(\.key)
    }

    /// A control call over plain HTTP; returns the status and the body.
    @discardableResult
    func control(_ sandbox: SandboxHarness, _ method: String, _ path: String, _ json: String? = nil) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: sandbox.endpoint + path)
        request.method = .init(rawValue: method)
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    func failRule(_ prefix: String, _ code: String, times: Int = 0, bucket: String = "src") -> String {
        #"{"cloudType": "Aliyun", "region": "cn-hangzhou", "bucket": "\#(bucket)", "keyPrefix": "\#(prefix)", "errorCode": "\#(code)", "times": \#(times)}"#
    }

    /// Lines of a list in the destination, split into their tab-separated fields.
    func lines(_ sandbox: SandboxHarness, _ key: String) throws -> [[String]] {
        String(decoding: try dst(sandbox, key), as: UTF8.self).split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }

    func recordingTask(_ prefix: String = "") -> CreateTaskReq {
        var request = SandboxHarness.prefixTask(prefix: prefix, rules: [BandwidthPolicy(start: "00:00", end: "23:59", maxBandwidth: 1_048_576)])
        request.enableFailedObjectRecording = true
        return request
    }

    @Test func objectsFailForEachReasonAndAreRecordedThenRetriedExactly() async throws {
        try await withSandbox { sandbox in
            try sandbox.seed(.aliyun, Self.region, "src", objects: 0)
            try sandbox.seed(.huaweiCloud, Self.dstRegion, "dst", objects: 0)
            for key in ["a/ok-1.bin", "a/ok-2.bin", "b/skip.bin", "c/gone ü.bin", "d/cold.bin", "e/denied.bin"] { try put(sandbox, key, 1024) }
            try put(sandbox, "z/big.bin", 2 * 1_048_576)
            // Already at the destination: skipped by the size and last-modified comparison.
            try sandbox.buckets.copy(
                from: (.aliyun, Self.region, "src", "b/skip.bin"), to: (.huaweiCloud, Self.dstRegion, "dst", "b/skip.bin"),
                time: sandbox.buckets.object(cloud: .aliyun, region: Self.region, bucket: "src", key: "b/skip.bin")?.time)
            try sandbox.buckets.writeArchiveClass(cloud: .aliyun, region: Self.region, bucket: "src", lines: ["# cold storage", "d/*"])
            let client = sandbox.client
            let id = try #require(try await client.createTask(recordingTask()).id)
            try await sandbox.run(0)  // listed, nothing moved yet
            #expect(try await client.showTask(id: id).totalNum == 7)
            // Deleted between listing and copy; denied on demand; the big one changes mid-copy.
            try FileManager.default.removeItem(at: sandbox.buckets.root.appendingPathComponent("Aliyun/cn-hangzhou/src/c/gone ü.bin"))
            let (added, rule) = try await control(sandbox, "POST", "/control/object-failures", failRule("e/", "AccessDenied"))
            #expect(added == 200, "\(rule)")
            try await sandbox.run(1)
            let midway = try await client.showTask(id: id)
            #expect(midway.status == .migrating)
            try put(sandbox, "z/big.bin", 2 * 1_048_576, fill: 9, at: 1_700_000_100)
            try await sandbox.run(10)

            let task = try await client.showTask(id: id)
            #expect(task.status == .failed)
            #expect(task.status?.rawValue == 4)
            #expect(task.failedNum == 4)
            #expect(task.successfulNum == 2)
            #expect(task.skippedNum == 1)
            #expect(task.errorReason?.errorCode != nil)
            let record = try #require(task.failedObjectRecord)
            #expect(record.result == true)
            #expect(record.errorCode == "")
            let listKey = try #require(record.listFileKey)
            let name = try #require(task.name)
            #expect(listKey.hasPrefix("oms/task/\(name)/failed_object_lists/") && listKey.hasSuffix(".failed_list.txt"), "\(listKey)")
            #expect(task.successRecordErrorReason == "")
            #expect(task.skipRecordErrorReason == "")

            let failed = try lines(sandbox, listKey)
            #expect(failed.allSatisfy { $0.count == 5 })
            let codes = Dictionary(uniqueKeysWithValues: failed.map { ($0[3], $0[4]) })
            #expect(codes == [
                "c/gone ü.bin": "NoSuchKey", "d/cold.bin": "InvalidObjectState", "e/denied.bin": "AccessDenied",
                "z/big.bin": "ConsistencyCheckFailed",
            ])
            let gone = try #require(failed.first { $0[3] == "c/gone ü.bin" })
            #expect(gone[2] == "c/gone%20%C3%BC.bin")
            #expect(gone[1].hasSuffix("Z") && ISO8601DateFormatter().date(from: gone[1].replacingOccurrences(of: #"\.\d+"#, with: "", options: .regularExpression)) != nil, "\(gone[1])")
            #expect(failed.allSatisfy { !$0[0].isEmpty })
            #expect(failed.first { $0[3] == "d/cold.bin" }?[0].contains("enable_restore") == true)
            let successes = dstKeys(sandbox, "oms/task/\(name)/success_object_lists/")
            #expect(successes.count == 1 && successes[0].hasSuffix(".success_list.txt"))
            #expect(try lines(sandbox, successes[0]).map { $0[2] } == ["a/ok-1.bin", "a/ok-2.bin"])
            #expect(try lines(sandbox, successes[0]).allSatisfy { $0.count == 5 && $0[3] == "1024" && $0[4] == "size_last_modified" })
            let skips = dstKeys(sandbox, "oms/task/\(name)/skip_object_lists/")
            #expect(skips.count == 1 && skips[0].hasSuffix(".skip_list.txt"))
            #expect(try lines(sandbox, skips[0]).map { $0[3] } == ["b/skip.bin"])
            // What failed never reached the destination.
            #expect(sandbox.buckets.object(cloud: .huaweiCloud, region: Self.dstRegion, bucket: "dst", key: "z/big.bin") == nil)

            // Retry the failed ones only: the source is back, the rule cleared; an object that
            // succeeded changes at the source and must not be copied again.
            let (cleared, answer) = try await control(sandbox, "DELETE", "/control/object-failures")
            #expect(cleared == 200 && answer.contains(#""cleared":1"#), "\(answer)")
            try put(sandbox, "c/gone ü.bin", 1024)
            try put(sandbox, "a/ok-1.bin", 1024, fill: 1, at: 1_700_000_200)
            var start = SandboxHarness.start
            start.migrateFailedObject = true
            try await client.startTask(id: id, start)
            try await sandbox.run(30)
            let retried = try await client.showTask(id: id)
            #expect(retried.status == .failed)
            #expect(retried.failedNum == 1)  // still archived
            #expect(retried.successfulNum == 5)
            #expect(retried.skippedNum == 1)
            #expect(try dst(sandbox, "a/ok-1.bin") == Data(repeating: 7, count: 1024))
            #expect(try dst(sandbox, "z/big.bin") == Data(repeating: 9, count: 2 * 1_048_576))
            let secondKey = try #require(retried.failedObjectRecord?.listFileKey)
            #expect(secondKey != listKey)
            #expect(try lines(sandbox, secondKey).map { $0[3] } == ["d/cold.bin"])
            #expect(try lines(sandbox, listKey).count == 4, "the first list stays")
            let secondSuccesses = dstKeys(sandbox, "oms/task/\(name)/success_object_lists/").filter { $0 != successes[0] }
            #expect(try lines(sandbox, try #require(secondSuccesses.first)).map { $0[2] } == ["c/gone ü.bin", "e/denied.bin", "z/big.bin"])

            // Out of the archive class: the last retry succeeds, and both failed lists stay.
            try FileManager.default.removeItem(at: sandbox.buckets.root.appendingPathComponent("Aliyun/cn-hangzhou/src.archive"))
            try await client.startTask(id: id, start)
            try await sandbox.run(30)
            let done = try await client.showTask(id: id)
            #expect(done.status == .succeeded)
            #expect(done.failedNum == 0)
            #expect(done.successfulNum == 6)
            #expect(done.failedObjectRecord?.result == nil)
            #expect(dstKeys(sandbox, "oms/task/\(name)/failed_object_lists/").count == 2)
        }
    }

    @Test func aRetryMovesWhatTheFailedListNamesAndTimesRulesRunOut() async throws {
        try await withSandbox { sandbox in
            try sandbox.seed(.aliyun, Self.region, "src", prefix: "p/", objects: 4, size: 100)
            try sandbox.seed(.huaweiCloud, Self.dstRegion, "dst", objects: 0)
            // Each matching object fails once, then succeeds.
            #expect(try await control(sandbox, "POST", "/control/object-failures", failRule("p/", "SlowDown", times: 1)).0 == 200)
            let id = try #require(try await sandbox.client.createTask(recordingTask()).id)
            try await sandbox.run(10)
            let task = try await sandbox.client.showTask(id: id)
            #expect(task.status == .failed)
            #expect(task.failedNum == 4)
            let listKey = try #require(task.failedObjectRecord?.listFileKey)
            #expect(try lines(sandbox, listKey).map { $0[4] } == Array(repeating: "SlowDown", count: 4))
            let (_, rules) = try await control(sandbox, "GET", "/control/object-failures")
            #expect(rules.contains(#""p\/object-00000.bin":1"#) || rules.contains(#""p/object-00000.bin":1"#), "\(rules)")
            // Someone trims the list: the retry moves exactly the two keys it still names.
            let kept = try lines(sandbox, listKey).prefix(2)
            try sandbox.buckets.writeList(
                region: Self.dstRegion, bucket: "dst", key: listKey, lines: kept.map { $0.joined(separator: "\t") }, at: Date())
            var start = SandboxHarness.start
            start.migrateFailedObject = true
            try await sandbox.client.startTask(id: id, start)
            try await sandbox.run(10)
            let retried = try await sandbox.client.showTask(id: id)
            #expect(retried.successfulNum == 2)
            #expect(retried.failedNum == 2)
            #expect(dstKeys(sandbox, "p/") == kept.map { $0[3] })
        }
    }

    @Test func aGroupsTasksWriteTheirListsUnderTheGroup() async throws {
        try await withSandbox(objectsPerGroupTask: 2) { sandbox in
            try sandbox.seed(.aliyun, Self.region, "src", objects: 4, size: 100)
            try sandbox.seed(.huaweiCloud, Self.dstRegion, "dst", objects: 0)
            #expect(try await control(sandbox, "POST", "/control/object-failures", failRule("object-00003", "AccessDenied")).0 == 200)
            var request = TaskGroupTests.prefixGroup(bucket: "src")
            request.enableFailedObjectRecording = true
            let client = sandbox.client
            let groupId = try #require(try await client.createTaskGroup(request).groupId)
            try await sandbox.run(30)
            let group = try await client.showTaskGroup(id: groupId)
            #expect(group.status == .migrationFailed)
            #expect(group.failNum == 1)
            #expect(group.failedObjectRecord?.result == true)
            #expect(group.failedObjectRecord?.listFileKey == "oms/task_group/\(groupId)/failed_object_lists/")
            let tasks = try await client.listAllTasks(groupId: groupId)
            let failedTask = try #require(tasks.first { $0.status == .failed })
            let taskName = try #require(failedTask.name)
            let listKey = try #require(failedTask.failedObjectRecord?.listFileKey)
            #expect(listKey.hasPrefix("oms/task_group/\(groupId)/failed_object_lists/\(taskName)/") && listKey.hasSuffix(".failed_list.txt"))
            #expect(try lines(sandbox, listKey).map { [$0[3], $0[4]] } == [["object-00003.bin", "AccessDenied"]])
            for task in tasks {
                let name = try #require(task.name)
                #expect(dstKeys(sandbox, "oms/task_group/\(groupId)/success_object_lists/\(name)/").count == 1)
            }
            #expect(dstKeys(sandbox, "oms/task/").isEmpty)
            try await control(sandbox, "DELETE", "/control/object-failures?errorCode=AccessDenied")
            var retry = SandboxHarness.start
            retry.migrateFailedObject = true
            try await client.retryTaskGroup(id: groupId, retry)
            try await sandbox.run(30)
            let again = try await client.showTaskGroup(id: groupId)
            #expect(again.status == .completed)
            #expect(again.successNum == 4)
            #expect(try dst(sandbox, "object-00003.bin").count == 100)
        }
    }

    @Test func listsAreOnlyWrittenWhenRecordingAndAFailedWriteIsReported() async throws {
        try await withSandbox { sandbox in
            try sandbox.seed(.aliyun, Self.region, "src", objects: 2, size: 100)
            try sandbox.seed(.huaweiCloud, Self.dstRegion, "dst", objects: 0)
            #expect(try await control(sandbox, "POST", "/control/object-failures", failRule("object-00001", "AccessDenied")).0 == 200)
            var off = recordingTask()
            off.enableFailedObjectRecording = false
            let quiet = try #require(try await sandbox.client.createTask(off).id)
            try await sandbox.run(10)
            let unrecorded = try await sandbox.client.showTask(id: quiet)
            #expect(unrecorded.status == .failed)
            #expect(unrecorded.failedNum == 1)
            #expect(unrecorded.failedObjectRecord?.result == nil)
            #expect(dstKeys(sandbox, "oms/").isEmpty)
            // A file where the lists' folder should be: the lists cannot be written.
            try sandbox.buckets.write(cloud: .huaweiCloud, region: Self.dstRegion, bucket: "dst", key: "oms", data: Data("x".utf8), modified: nil)
            let id = try #require(try await sandbox.client.createTask(recordingTask()).id)
            try await sandbox.run(10)
            let task = try await sandbox.client.showTask(id: id)
            #expect(task.status == .failed)
            #expect(task.failedObjectRecord?.result == false)
            #expect(task.failedObjectRecord?.errorCode == "OMS.0307")
            #expect(task.skipRecordErrorReason == "OMS.0307")
        }
    }

    @Test func objectFailureRulesAreChecked() async throws {
        try await withSandbox { sandbox in
            let bad = [
                failRule("e/", "Bad\\tCode"), failRule("e/", ""), failRule("e/", "X", times: -1),
                failRule("../e", "X"), failRule("e/", "X", bucket: "a/b"),
                #"{"cloudType": "Dropbox", "region": "r", "bucket": "b", "errorCode": "X"}"#, "{oops",
            ]
            for body in bad {
                let (status, answer) = try await control(sandbox, "POST", "/control/object-failures", body)
                #expect(status == 400, "\(body): \(answer)")
            }
            #expect(try await control(sandbox, "GET", "/control/object-failures").1 == "[]")
        }
    }
}
