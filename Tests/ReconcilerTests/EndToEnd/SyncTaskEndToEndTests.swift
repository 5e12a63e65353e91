import Foundation
import OMSClient
import OMSModels
import Testing

@testable import OMSSandbox

/// The client's sync-task operations against the sandbox: the state machine, events copied
/// with the skip rule, and the counters.
@Suite("sync tasks end to end", .serialized)
struct SyncTaskEndToEndTests {
    static func request(description: String? = "keep src in sync") -> CreateSyncTaskReq {
        CreateSyncTaskReq(
            srcCloudType: .aliyun, srcRegion: "cn-hangzhou", srcBucket: "src", srcAk: "e2e-src-ak", srcSk: "e2e-src-sk",
            dstAk: "e2e-obs-ak", dstSk: "e2e-obs-sk", dstRegion: "cn-north-4", dstBucket: "dst", description: description)
    }

    @Test func eventsAreCopiedOnceAndCounted() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSource(prefix: "live/", objects: 3)
            let id = try #require(try await e2e.client.createSyncTask(Self.request()).syncTaskId)
            var info = try await e2e.client.showSyncTask(id: id)
            #expect(info.status == .synchronizing && info.srcBucket == "src" && info.description == "keep src in sync")

            try await e2e.client.createSyncEvents(id: id, objectKeys: ["live/object-00000.bin", "live/object-00001.bin", "live/missing.bin"])
            #expect(e2e.buckets.object(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: "live/object-00000.bin") != nil)
            // The same key again: already there, the same size and time, so skipped.
            try await e2e.client.createSyncEvents(id: id, objectKeys: ["live/object-00000.bin"])
            info = try await e2e.client.showSyncTask(id: id)
            #expect(info.monthlyAcceptanceRequest == 4)
            #expect(info.monthlySuccessObject == 2 && info.monthlySkipObject == 1 && info.monthlyFailureObject == 1)
            #expect(info.monthlySize == Int64(2048))

            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let stats = try await e2e.client.listSyncTaskStatistics(id: id, from: now - 3_600_000, to: now + 3_600_000)
            #expect(stats.statisticTimeType == "FIVE_MINUTES")
            func sum(_ type: SyncStatisticType) -> Int64 {
                stats.statisticDatas?.first { $0.dataType == type }?.data?.reduce(0) { $0 + ($1.statisticNum ?? 0) } ?? -1
            }
            #expect(sum(.request) == 4 && sum(.success) == 2 && sum(.skip) == 1 && sum(.failure) == 1 && sum(.size) == 2048)
        }
    }

    @Test func stopStartAndTheirRefusals() async throws {
        try await withEndToEnd { e2e in
            let id = try #require(try await e2e.client.createSyncTask(Self.request()).syncTaskId)
            try await e2e.client.stopSyncTask(id: id)
            #expect(try await e2e.client.showSyncTask(id: id).status == .stopped)
            await #expect { try await e2e.client.stopSyncTask(id: id) } throws: { ($0 as? OMSClientError)?.code == .taskNotInProgress }
            await #expect { try await e2e.client.createSyncEvents(id: id, objectKeys: ["a"]) } throws: {
                ($0 as? OMSClientError)?.code == .taskNotInProgress
            }
            let keys = StartSyncTaskReq(srcAk: "e2e-src-ak", srcSk: "e2e-src-sk", dstAk: "e2e-obs-ak", dstSk: "e2e-obs-sk")
            try await e2e.client.startSyncTask(id: id, keys)
            #expect(try await e2e.client.showSyncTask(id: id).status == .synchronizing)
            await #expect { try await e2e.client.startSyncTask(id: id, keys) } throws: { ($0 as? OMSClientError)?.code == .taskAlreadyStarted }
            await #expect { try await e2e.client.createSyncEvents(id: id, objectKeys: (0..<11).map { "k\($0)" }) } throws: {
                ($0 as? OMSClientError)?.code == .parameterConstraints
            }
            try await e2e.client.deleteSyncTask(id: id)
            await #expect { try await e2e.client.showSyncTask(id: id) } throws: { ($0 as? OMSClientError)?.code == .noSuchResource }
        }
    }

    @Test func listingPagesCoverEveryTaskOnceAndFilterByState() async throws {
        try await withEndToEnd { e2e in
            var ids: [String] = []
            for _ in 0..<23 { ids.append(try #require(try await e2e.client.createSyncTask(Self.request()).syncTaskId)) }
            try await e2e.client.stopSyncTask(id: ids[0])
            let page = try await e2e.client.listSyncTasks(limit: 10, offset: 20)
            #expect(page.count == 23 && page.tasks?.count == 3)
            #expect(Set(try await e2e.client.listAllSyncTasks().compactMap(\.syncTaskId)) == Set(ids))
            #expect(try await e2e.client.listAllSyncTasks(status: .stopped).compactMap(\.syncTaskId) == [ids[0]])
            // Keys are never part of an answer.
            let raw = try await e2e.client.listAllSyncTasks()
            #expect(!String(describing: raw).contains("e2e-src-sk"))
        }
    }

    @Test func aURLEncodedKeyIsDecodedAndCopied() async throws {
        try await withEndToEnd { e2e in
            try e2e.buckets.write(cloud: .aliyun, region: "cn-hangzhou", bucket: "src", key: "photos/summer day ü.jpg",
                                  data: Data("picture".utf8), modified: Date(timeIntervalSince1970: 1_700_000_000))
            let id = try #require(try await e2e.client.createSyncTask(Self.request()).syncTaskId)
            try await e2e.client.createSyncEvents(id: id, objectKeys: ["photos/summer day ü.jpg"])
            #expect(e2e.buckets.object(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: "photos/summer day ü.jpg")?.size == 7)
        }
    }

    /// `sandbox serve --watch-sync`: new and changed source objects are sent as events by the
    /// sandbox itself, once each.
    @Test func theWatcherSendsNewAndChangedObjectsOnce() async throws {
        try await withEndToEnd { e2e in
            let id = try #require(try await e2e.client.createSyncTask(Self.request()).syncTaskId)
            let watcher = SyncWatcher(service: e2e.server.service(), buckets: e2e.buckets)
            try e2e.buckets.write(cloud: .aliyun, region: "cn-hangzhou", bucket: "src", key: "new/report.csv",
                                  data: Data("a,b\n".utf8), modified: Date(timeIntervalSince1970: 1_700_000_000))
            await watcher.scan()
            #expect(e2e.buckets.object(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: "new/report.csv")?.size == 4)
            await watcher.scan()  // nothing new: no event
            var info = try await e2e.client.showSyncTask(id: id)
            #expect(info.monthlyAcceptanceRequest == 1 && info.monthlySuccessObject == 1)

            try e2e.buckets.write(cloud: .aliyun, region: "cn-hangzhou", bucket: "src", key: "new/report.csv",
                                  data: Data("a,b\n1,2\n".utf8), modified: Date(timeIntervalSince1970: 1_700_000_100))
            await watcher.scan()
            #expect(e2e.buckets.object(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: "new/report.csv")?.size == 8)
            info = try await e2e.client.showSyncTask(id: id)
            #expect(info.monthlyAcceptanceRequest == 2 && info.monthlySuccessObject == 2)

            // A stopped task gets no events; they are sent once it synchronizes again.
            try await e2e.client.stopSyncTask(id: id)
            try e2e.buckets.write(cloud: .aliyun, region: "cn-hangzhou", bucket: "src", key: "new/late.csv",
                                  data: Data("x".utf8), modified: Date(timeIntervalSince1970: 1_700_000_200))
            await watcher.scan()
            #expect(e2e.buckets.object(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: "new/late.csv") == nil)
            try await e2e.client.startSyncTask(id: id, StartSyncTaskReq(srcAk: "e2e-src-ak", srcSk: "e2e-src-sk", dstAk: "e2e-obs-ak", dstSk: "e2e-obs-sk"))
            await watcher.scan()
            #expect(e2e.buckets.object(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: "new/late.csv") != nil)
        }
    }

    /// Instants and optional fields are bounded: refused with OMS.1003, never a crash.
    @Test func outOfRangeInstantsAndFieldsAreRefused() async throws {
        try await withEndToEnd { e2e in
            let id = try #require(try await e2e.client.createSyncTask(Self.request()).syncTaskId)
            let refusedAsOutOfRange: @Sendable (any Error) -> Bool = { ($0 as? OMSClientError)?.code == .parameterConstraints }
            await #expect(performing: { _ = try await e2e.client.listSyncTaskStatistics(id: id, from: Int64.min, to: Int64.max) },
                          throws: refusedAsOutOfRange)
            await #expect(performing: { _ = try await e2e.client.listSyncTaskStatistics(id: id, from: -1, to: 10) }, throws: refusedAsOutOfRange)
            await #expect(performing: { _ = try await e2e.client.showSyncTask(id: id, queryTime: Int64.max) }, throws: refusedAsOutOfRange)
            var request = Self.request()
            request.srcCryptoType = "ROT13"
            await #expect(performing: { _ = try await e2e.client.createSyncTask(request) }, throws: refusedAsOutOfRange)
            request = Self.request()
            request.dstKmsKeyId = String(repeating: "k", count: 37)
            await #expect(performing: { _ = try await e2e.client.createSyncTask(request) }, throws: refusedAsOutOfRange)
        }
    }
}
