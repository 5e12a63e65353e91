import Foundation
@testable import OMSClient
import Testing

@testable import OMSSandbox

@Suite(.serialized) struct FailureAndValidationTests {
    /// Runs one task to its end and returns its failure cause.
    func failureCode(_ sandbox: SandboxHarness, _ request: CreateTaskReq) async throws -> (TaskStatus?, String?) {
        let id = try #require(try await sandbox.client.createTask(request).id)
        try await sandbox.run(30)
        let task = try await sandbox.client.showTask(id: id)
        return (task.status, task.errorReason?.errorCode)
    }

    @Test func eachFailureCauseEndsInFailedWithItsCode() async throws {
        try await withSandbox { sandbox in
            try sandbox.seed(.aliyun, "cn-hangzhou", "src", objects: 3)
            try sandbox.seed(.aliyun, "cn-hangzhou", "locked", objects: 3, keys: ["right-ak:right-sk"])
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst-locked", objects: 0, keys: ["d:d"])
            #expect(try await failureCode(sandbox, SandboxHarness.prefixTask(bucket: "missing")) == (.failed, "TRF.0155"))
            #expect(try await failureCode(sandbox, SandboxHarness.prefixTask(bucket: "locked")) == (.failed, "TRF.0151"))
            #expect(try await failureCode(sandbox, SandboxHarness.prefixTask(dst: "nowhere")) == (.failed, "TRF.0058"))
            #expect(try await failureCode(sandbox, SandboxHarness.prefixTask(dst: "dst-locked")) == (.failed, "TRF.0057"))
            #expect(try await failureCode(sandbox, SandboxHarness.prefixTask(prefix: "nothing-here/")) == (.failed, "TRF.0012"))
            var object = SandboxHarness.prefixTask()
            object.taskType = .object
            object.srcNode.objectKey = ["object-00000.bin", "no-such-object.bin"]
            #expect(try await failureCode(sandbox, object) == (.failed, "TRF.0156"))
            var list = SandboxHarness.prefixTask()
            list.taskType = .list
            list.srcNode.objectKey = nil
            list.srcNode.listFile = ListFile(listFileKey: "lists/missing.txt", obsBucket: "dst")
            #expect(try await failureCode(sandbox, list) == (.failed, "TRF.0013"))
            var locked = SandboxHarness.prefixTask(bucket: "locked")
            locked.srcNode.ak = "right-ak"
            locked.srcNode.sk = "right-sk"
            #expect(try await failureCode(sandbox, locked) == (.succeeded, nil))
        }
    }

    @Test func missingListedObjectsAreRecordedInTheDestination() async throws {
        try await withSandbox { sandbox in
            try sandbox.seed(.aliyun, "cn-hangzhou", "src", objects: 2)
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            try sandbox.buckets.write(
                cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: "lists/a.txt",
                data: Data("object-00000.bin\nghost.bin\nobject-00001.bin\n".utf8), modified: nil)
            var list = SandboxHarness.prefixTask()
            list.taskType = .list
            list.srcNode.objectKey = nil
            list.srcNode.listFile = ListFile(listFileKey: "lists/a.txt", obsBucket: "dst")
            list.enableFailedObjectRecording = true
            let id = try #require(try await sandbox.client.createTask(list).id)
            try await sandbox.run(30)
            let task = try await sandbox.client.showTask(id: id)
            #expect(task.status == .failed)
            #expect(task.successfulNum == 2)
            #expect(task.failedNum == 1)
            let key = try #require(task.failedObjectRecord?.listFileKey)
            let recorded = try sandbox.buckets.read(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: key)
            #expect(ObjectLists.failedKeys(recorded) == ["ghost.bin"])
            // Retrying only the failed objects after the object appears makes it succeed.
            try sandbox.buckets.write(cloud: .aliyun, region: "cn-hangzhou", bucket: "src", key: "ghost.bin", data: Data("boo".utf8), modified: nil)
            var start = SandboxHarness.start
            start.migrateFailedObject = true
            try await sandbox.client.startTask(id: id, start)
            try await sandbox.run(30)
            let retried = try await sandbox.client.showTask(id: id)
            #expect(retried.status == .succeeded)
            #expect(retried.successfulNum == 3)
        }
    }

    /// Body edits and the code OMS answers them with.
    nonisolated(unsafe) static let refusals: [(String, String, (inout [String: Any]) -> Void)] = [
        ("missing dst_node", "OMS.1004", { $0["dst_node"] = nil }),
        ("missing dst ak", "OMS.1004", { b in var d = b["dst_node"] as! [String: Any]; d["ak"] = nil; b["dst_node"] = d }),
        ("missing src bucket", "OMS.1004", { b in var s = b["src_node"] as! [String: Any]; s["bucket"] = nil; b["src_node"] = s }),
        ("enable_kms not a bool", "OMS.1002", { $0["enable_kms"] = "yes" }),
        ("object_key not an array", "OMS.1002", { b in var s = b["src_node"] as! [String: Any]; s["object_key"] = "a"; b["src_node"] = s }),
        ("unknown task type", "OMS.1003", { $0["task_type"] = "mirror" }),
        ("unknown cloud", "OMS.1003", { b in var s = b["src_node"] as! [String: Any]; s["cloud_type"] = "Dropbox"; b["src_node"] = s }),
        ("description too long", "OMS.1003", { $0["description"] = String(repeating: "a", count: 256) }),
        ("description with <", "OMS.0078", { $0["description"] = "a<b" }),
        ("description with (", "OMS.0078", { $0["description"] = "a (b)" }),
        ("six rules", "OMS.0083", { $0["bandwidth_policy"] = (0..<6).map { ["start": String(format: "%02d:00", $0 * 2), "end": String(format: "%02d:30", $0 * 2), "max_bandwidth": 2_000_000] } }),
        ("rule too slow", "OMS.0084", { $0["bandwidth_policy"] = [["start": "00:00", "end": "01:00", "max_bandwidth": 1000]] }),
        ("rule too fast", "OMS.0084", { $0["bandwidth_policy"] = [["start": "00:00", "end": "01:00", "max_bandwidth": 209_715_201]] }),
        ("overlap", "OMS.0085", { $0["bandwidth_policy"] = [["start": "00:00", "end": "02:00", "max_bandwidth": 2_000_000], ["start": "01:00", "end": "03:00", "max_bandwidth": 2_000_000]] }),
        ("bad time", "OMS.0087", { $0["bandwidth_policy"] = [["start": "8:00", "end": "09:00", "max_bandwidth": 2_000_000]] }),
        ("hour 24", "OMS.0087", { $0["bandwidth_policy"] = [["start": "00:00", "end": "24:00", "max_bandwidth": 2_000_000]] }),
        ("prefix task with list file", "OMS.0057", { b in var s = b["src_node"] as! [String: Any]; s["list_file"] = ["list_file_key": "a.txt", "obs_bucket": "b"]; b["src_node"] = s }),
        ("url_list from Aliyun", "OMS.0057", { b in b["task_type"] = "url_list"; var s = b["src_node"] as! [String: Any]; s["list_file"] = ["list_file_key": "a.txt", "obs_bucket": "b"]; s["object_key"] = nil; b["src_node"] = s }),
        ("tencent without app id", "OMS.1004", { b in var s = b["src_node"] as! [String: Any]; s["cloud_type"] = "Tencent"; b["src_node"] = s }),
        ("501 keys", "OMS.1003", { b in var s = b["src_node"] as! [String: Any]; s["object_key"] = (0...500).map { "k\($0)" }; b["src_node"] = s }),
        ("dst region too long", "OMS.0058", { b in var d = b["dst_node"] as! [String: Any]; d["region"] = String(repeating: "r", count: 101); b["dst_node"] = d }),
    ]

    @Test func createRefusalsCarryOMSCodes() async throws {
        try await withSandbox { sandbox in
            let base = try JSONSerialization.jsonObject(with: JSONEncoder().encode(SandboxHarness.prefixTask())) as! [String: Any]
            for (name, code, edit) in Self.refusals {
                var body = base
                edit(&body)
                let data = try JSONSerialization.data(withJSONObject: body)
                let answer = try await raw(sandbox, "POST", "/tasks", data)
                #expect(answer.status == 400, "\(name)")
                #expect(answer.code == code, "\(name): got \(answer.code ?? "none")")
            }
            let notJSON = try await raw(sandbox, "POST", "/tasks", Data("{oops".utf8))
            #expect(notJSON.code == "OMS.0067")
        }
    }

    /// Sends a signed request with an arbitrary body through the client's signer.
    func raw(_ sandbox: SandboxHarness, _ method: String, _ path: String, _ body: Data) async throws -> (status: Int, code: String?) {
        let call = OMSClient.Call(operation: "Raw", method: method, path: sandbox.client.projectPath(path), body: body)
        do {
            let response = try await sandbox.client.perform(call)
            return (response.status, nil)
        } catch {
            if case .api(let api) = error { return (api.httpStatus, api.errorCode) }
            throw error
        }
    }
}
