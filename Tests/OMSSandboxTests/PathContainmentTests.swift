import Crypto
import Foundation
import OMSClient
import OMSModels
import Testing

@testable import OMSSandbox

/// A folder outside the sandbox's data directory whose every file is remembered (size, mtime,
/// content digest), so that a test can prove nothing there was written, replaced or added.
struct SentinelTree {
    let root: URL

    init(beside dataDirectory: URL) throws {
        root = dataDirectory.deletingLastPathComponent().appendingPathComponent("sentinel-\(UUID().uuidString)")
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: root.appendingPathComponent("inner/deeper"), withIntermediateDirectories: true)
        for (path, text) in [("secret.txt", "SENTINEL-SECRET-0451"), ("inner/list.txt", "inner/secret.txt\n"), ("inner/deeper/x.bin", "SENTINEL-X")] {
            try Data(text.utf8).write(to: root.appendingPathComponent(path))
        }
    }

    /// Every entry below the root with its facts (the tree has 5 entries: comparing empty
    /// snapshots would prove nothing).
    func snapshot() -> [String: String] {
        var facts: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        while let relative = enumerator?.nextObject() as? String {
            let path = root.appendingPathComponent(relative).path
            let attributes = (try? FileManager.default.attributesOfItem(atPath: path)) ?? [:]
            let data = FileManager.default.contents(atPath: path) ?? Data()
            let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            facts[relative] = "\(attributes[.type] ?? "") \(attributes[.size] ?? 0) \(attributes[.modificationDate] ?? "") \(digest)"
        }
        return facts
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

@Suite struct PathContainmentTests {
    /// How many levels a bucket folder is below the folder holding the data directory.
    static let up = "../../../../../"

    static func task(region: String = "cn-hangzhou", bucket: String = "src", keys: [String] = [""], type: TaskType = .prefix,
                     dstRegion: String = "cn-north-4", dstBucket: String = "dst", savePrefix: String? = nil, listFile: ListFile? = nil) -> CreateTaskReq {
        CreateTaskReq(
            taskType: type,
            srcNode: SrcNodeReq(cloudType: type == .urlList ? .urlSource : .aliyun, region: region, ak: "src-ak", sk: "src-sk",
                                bucket: bucket, objectKey: type == .list || type == .urlList ? nil : keys, listFile: listFile),
            dstNode: DstNodeReq(region: dstRegion, bucket: dstBucket, ak: "dst-ak", sk: "dst-sk", savePrefix: savePrefix))
    }

    /// Every field of a create that becomes a path, with traversals of several spellings.
    static func refusedCreates(_ sentinel: String) -> [(String, CreateTaskReq, String)] {
        let traversals = ["..", "../..", up + sentinel, "a/../../b", "/etc", "..\\..\\x", "./x", "x\u{0}y"]
        var cases: [(String, CreateTaskReq, String)] = []
        for t in traversals {
            cases.append(("src region \(t.debugDescription)", task(region: t), "OMS.0057"))
            cases.append(("src bucket \(t.debugDescription)", task(bucket: t), "OMS.0057"))
            cases.append(("dst region \(t.debugDescription)", task(dstRegion: t), "OMS.0058"))
            cases.append(("dst bucket \(t.debugDescription)", task(dstBucket: t), "OMS.0058"))
        }
        for key in ["../", up + sentinel + "/", "a/../../b", "/etc/", "a\\..\\..\\b", "./x", "x\u{0}y", "a/./b"] {
            cases.append(("prefix \(key.debugDescription)", task(keys: [key]), "OMS.0057"))
            cases.append(("object key \(key.debugDescription)", task(keys: [key + "f"], type: .object), "OMS.0057"))
            cases.append(("save prefix \(key.debugDescription)", task(savePrefix: key), "OMS.0058"))
            cases.append(("list file key \(key.debugDescription)", task(type: .list, listFile: ListFile(listFileKey: key + "l.txt", obsBucket: "dst")), "OMS.0057"))
            cases.append(("url list file key \(key.debugDescription)",
                          task(region: "", bucket: "", type: .urlList, listFile: ListFile(listFileKey: key + "l.txt", obsBucket: "dst")), "OMS.0057"))
        }
        cases.append(("list file bucket", task(type: .list, listFile: ListFile(listFileKey: "l.txt", obsBucket: up + sentinel)), "OMS.0057"))
        return cases
    }

    @Test func everyPathFieldOfACreateIsCheckedBeforeAnyFileIsTouched() async throws {
        try await withSandbox { sandbox in
            try sandbox.seed(.aliyun, "cn-hangzhou", "src", objects: 2)
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            let sentinel = try SentinelTree(beside: sandbox.directory)
            defer { sentinel.remove() }
            let before = sentinel.snapshot()
            #expect(before.count == 5)
            let cases = Self.refusedCreates(sentinel.root.lastPathComponent)
            #expect(cases.count >= 40)
            for (name, request, code) in cases {
                do throws(OMSClientError) {
                    _ = try await sandbox.client.createTask(request)
                    Issue.record("\(name): accepted")
                } catch {
                    #expect(error.httpStatus == 400, "\(name): \(error)")
                    #expect(error.errorCode == code, "\(name): \(error)")
                }
            }
            try await sandbox.run(600)
            #expect(try await sandbox.client.listTasks().count == 0)
            #expect(sentinel.snapshot() == before)
        }
    }

    @Test func bucketOperationsRefuseNamesThatAreNotNames() async throws {
        try await withSandbox { sandbox in
            try sandbox.seed(.aliyun, "cn-hangzhou", "src", objects: 1)
            let client = sandbox.client
            let calls: [(String, @Sendable () async throws -> Void)] = [
                ("objects data_center", { _ = try await client.listBucketObjects(.init(cloudType: .aliyun, bucketName: "src", dataCenter: "../../../../..")) }),
                ("objects bucket", { _ = try await client.listBucketObjects(.init(cloudType: .aliyun, bucketName: "..", dataCenter: "cn-hangzhou")) }),
                ("objects file_path", { _ = try await client.listBucketObjects(.init(cloudType: .aliyun, bucketName: "src", dataCenter: "cn-hangzhou", filePath: "../../")) }),
                ("prefix file_name", { _ = try await client.checkPrefix(.init(cloudType: .aliyun, bucketName: "src", fileName: "../../x", dataCenter: "cn-hangzhou")) }),
                ("region bucket", { _ = try await client.showBucketRegion(.init(cloudType: .aliyun, bucketName: "../src")) }),
            ]
            for (name, call) in calls {
                do {
                    try await call()
                    Issue.record("\(name): accepted")
                } catch let error as OMSClientError {
                    #expect(error.httpStatus == 400 && error.errorCode == "OMS.1003", "\(name): \(error)")
                }
            }
        }
    }

    @Test func linksPlantedInABucketAreNeverFollowed() async throws {
        try await withSandbox { sandbox in
            try sandbox.seed(.aliyun, "cn-hangzhou", "src", objects: 2)
            try sandbox.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
            let sentinel = try SentinelTree(beside: sandbox.directory)
            defer { sentinel.remove() }
            let source = sandbox.buckets.bucketURL(cloud: .aliyun, region: "cn-hangzhou", bucket: "src")!
            let destination = sandbox.buckets.bucketURL(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst")!
            let fileManager = FileManager.default
            try fileManager.createSymbolicLink(at: source.appendingPathComponent("link.txt"), withDestinationURL: sentinel.root.appendingPathComponent("secret.txt"))
            try fileManager.createSymbolicLink(at: source.appendingPathComponent("linked-folder"), withDestinationURL: sentinel.root)
            // A link in the destination, where a task would write.
            try fileManager.createSymbolicLink(at: destination.appendingPathComponent("out"), withDestinationURL: sentinel.root.appendingPathComponent("inner"))
            let before = sentinel.snapshot()

            let listed = try await sandbox.client.listBucketObjects(.init(cloudType: .aliyun, bucketName: "src", dataCenter: "cn-hangzhou"))
            #expect(!(listed.records ?? []).contains { ($0.name ?? "").contains("link") })
            let whole = try await sandbox.client.createTask(Self.task(keys: [""]))
            let named = try await sandbox.client.createTask(Self.task(keys: ["link.txt"], type: .object))
            let throughFolder = try await sandbox.client.createTask(Self.task(keys: ["linked-folder/"]))
            let intoLink = try await sandbox.client.createTask(Self.task(keys: [""], savePrefix: "out/"))
            try await sandbox.run(600)

            #expect(try await sandbox.client.showTask(id: whole.id!).status == .succeeded)
            #expect(try await sandbox.client.showTask(id: named.id!).status == .failed)
            #expect(try await sandbox.client.showTask(id: throughFolder.id!).status == .failed)
            let written = try await sandbox.client.showTask(id: intoLink.id!)
            #expect(written.status == .failed && written.successfulNum == 0)
            #expect(sentinel.snapshot() == before)
            let copied = sandbox.buckets.list(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst")
            for object in copied {
                let data = try sandbox.buckets.read(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: object.key)
                #expect(!String(decoding: data, as: UTF8.self).contains("SENTINEL"))
            }
        }
    }

    @Test func localBucketsRefuseEveryEscapeEvenWhenCalledDirectly() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("oms-buckets-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let buckets = LocalBuckets(root: data.appendingPathComponent("buckets"), sealer: CredentialSealer(key: .init(size: .bits256)))
        try FileManager.default.createDirectory(at: buckets.root, withIntermediateDirectories: true)
        let sentinel = try SentinelTree(beside: data)
        defer { sentinel.remove() }
        try buckets.seed(cloud: .aliyun, region: "cn-hangzhou", bucket: "b", prefix: "", objects: 1, objectSize: 8, keys: nil)
        let before = sentinel.snapshot()
        let escape = "../../../../" + sentinel.root.lastPathComponent
        #expect(buckets.bucketURL(cloud: .aliyun, region: "..", bucket: "b") == nil)
        #expect(buckets.bucketURL(cloud: .aliyun, region: "cn-hangzhou", bucket: "../b") == nil)
        #expect(buckets.bucketURL(cloud: CloudType(rawValue: "../../x"), region: "cn-hangzhou", bucket: "b") == nil)
        #expect(throws: LocalBuckets.Failure.self) { try buckets.read(cloud: .aliyun, region: "cn-hangzhou", bucket: "b", key: escape + "/secret.txt") }
        #expect(throws: LocalBuckets.Failure.self) {
            try buckets.write(cloud: .aliyun, region: "cn-hangzhou", bucket: "b", key: escape + "/new.txt", data: Data("x".utf8), modified: nil)
        }
        #expect(throws: LocalBuckets.Failure.self) {
            try buckets.seed(cloud: .aliyun, region: "../../..", bucket: "b", prefix: "", objects: 1, objectSize: 1, keys: nil)
        }
        #expect(buckets.list(cloud: .aliyun, region: "cn-hangzhou", bucket: "b", prefix: escape + "/").isEmpty)
        #expect(sentinel.snapshot() == before)
    }
}
