import Crypto
import Foundation
import OMSModels
import Testing

@testable import OMSSandbox

/// Issue 21, item 1: a `/` followed by a combining mark is one Swift `Character`, so keys
/// split on `Character`s kept `../\u{0941}Z/../victim/x` in one piece and the write landed in
/// another bucket. Keys are now split on bytes and writes are contained like reads.
@Suite struct GraphemeContainmentTests {
    /// Keys that were one segment to `Character`s but climb out of the bucket on disk.
    static let escapes = [
        "../\u{0941}Z\u{0D4E}/../victim/x-", "../\u{0301}escaped/x", "..\\\u{0301}/x", "a/../\u{0301}b/../../victim/x",
        "../\u{200D}/x", "../\u{FE0F}/x", "\u{0600}../x", "./\u{0301}/x", "/\u{0301}x",
    ]

    @Test func keysWithAGraphemeAfterASeparatorAreStillSplitThere() {
        for key in Self.escapes where key.unicodeScalars.first != "\u{0600}" {
            #expect(StorageNames.keyProblem(key) != nil, "\(key.debugDescription)")
        }
        #expect(StorageNames.keyProblem("/\u{0301}x") == "must not start with `/`")
        // A prepended mark before `..` makes a name that is not `..`: an ordinary folder.
        #expect(StorageNames.keyProblem("\u{0600}../x") == nil)
        // The fullwidth solidus is a character of the name, not a separator.
        #expect(StorageNames.keyProblem("..\u{FF0F}x") == nil)
        #expect(StorageNames.bucketProblem(".\u{0301}b") != nil)
        #expect(StorageNames.folderNames(of: "a/\u{0301}b/c") == ["a", "\u{0301}b"])
    }

    @Test func writesStayInTheBucketWhateverFollowsASeparator() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("oms-graphemes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let buckets = LocalBuckets(root: data.appendingPathComponent("buckets"), sealer: CredentialSealer(key: .init(size: .bits256)))
        try FileManager.default.createDirectory(at: buckets.root, withIntermediateDirectories: true)
        try buckets.seed(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", prefix: "", objects: 1, objectSize: 8, keys: nil)
        try buckets.seed(cloud: .huaweiCloud, region: "cn-north-4", bucket: "victim", prefix: "", objects: 1, objectSize: 8, keys: ["AK:SK"])
        let sentinel = try SentinelTree(beside: data)
        defer { sentinel.remove() }
        let before = sentinel.snapshot()
        let victimBefore = buckets.list(cloud: .huaweiCloud, region: "cn-north-4", bucket: "victim")
        for key in Self.escapes {
            let written = Result { () throws(LocalBuckets.Failure) in
                try buckets.write(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: key, data: Data("x".utf8), modified: nil)
            }
            // Either refused, or written inside `dst` under the key as given.
            if case .success = written {
                #expect(buckets.object(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: key) != nil, "\(key.debugDescription)")
            }
        }
        #expect(buckets.list(cloud: .huaweiCloud, region: "cn-north-4", bucket: "victim") == victimBefore)
        #expect(sentinel.snapshot() == before)
        // Nothing appeared beside the bucket folders.
        let region = buckets.root.appendingPathComponent("HuaweiCloud/cn-north-4").path
        #expect(try FileManager.default.contentsOfDirectory(atPath: region).sorted() == ["dst", "victim", "victim.keys"])
    }

    @Test func aWriteThroughALinkedFolderIsRefused() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("oms-graphemes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let buckets = LocalBuckets(root: data.appendingPathComponent("buckets"), sealer: CredentialSealer(key: .init(size: .bits256)))
        try FileManager.default.createDirectory(at: buckets.root, withIntermediateDirectories: true)
        try buckets.seed(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", prefix: "", objects: 0, objectSize: 8, keys: nil)
        let sentinel = try SentinelTree(beside: data)
        defer { sentinel.remove() }
        let before = sentinel.snapshot()
        let bucket = buckets.root.appendingPathComponent("HuaweiCloud/cn-north-4/dst").path
        try FileManager.default.createSymbolicLink(atPath: bucket + "/out", withDestinationPath: sentinel.root.path)
        #expect(throws: LocalBuckets.Failure.self) {
            try buckets.write(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: "out/new.txt", data: Data("x".utf8), modified: nil)
        }
        #expect(sentinel.snapshot() == before)
    }

    @Test func aSealIsNeverAcceptedAsTheKeyItStandsFor() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("oms-seals-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let sealer = CredentialSealer(key: .init(size: .bits256))
        let buckets = LocalBuckets(root: data.appendingPathComponent("buckets"), sealer: sealer)
        try FileManager.default.createDirectory(at: buckets.root, withIntermediateDirectories: true)
        try buckets.seed(cloud: .aliyun, region: "cn-hangzhou", bucket: "b", prefix: "", objects: 1, objectSize: 8, keys: ["REAL-AK:REAL-SK"])
        try buckets.authorize(cloud: .aliyun, region: "cn-hangzhou", bucket: "b", ak: "REAL-AK", sk: "REAL-SK", from: .client)
        let (sealedAK, sealedSK) = (sealer.seal("REAL-AK"), sealer.seal("REAL-SK"))
        // What the engine does with a stored record: its keys were sealed when stored.
        try buckets.authorize(cloud: .aliyun, region: "cn-hangzhou", bucket: "b", ak: sealedAK, sk: sealedSK, from: .stored)
        // What a client copying the seals out of the database tries.
        #expect(throws: LocalBuckets.Failure.accessDenied) {
            try buckets.authorize(cloud: .aliyun, region: "cn-hangzhou", bucket: "b", ak: sealedAK, sk: sealedSK, from: .client)
        }
        var request = CreateTaskReq(
            taskType: .prefix, srcNode: SrcNodeReq(cloudType: .aliyun, region: "cn-hangzhou", ak: sealedAK, sk: sealedSK, bucket: "b", objectKey: [""]),
            dstNode: DstNodeReq(region: "cn-north-4", bucket: "dst", ak: "AK", sk: "SK"), enableKms: false)
        #expect(throws: SandboxError.self) { try RequestValidator.validate(request) }
        request.srcNode.ak = "REAL-AK"
        request.srcNode.sk = "REAL-SK"
        try RequestValidator.validate(request)
    }
}
