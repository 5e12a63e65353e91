import Foundation
import OMSClient
import OMSModels
import Testing

@testable import OMSSandbox

/// The sandbox's skip rule is exact: a second task over the same prefix skips every object the
/// first one copied (same size, destination not older than the source, to the nanosecond).
/// Incremental copies, which synchronization tasks depend on, must not copy anything twice.
@Suite("sandbox incremental copies", .serialized)
struct IncrementalCopyTests {
    @Test func aSecondRunOfTheSamePrefixSkipsEveryObjectTheFirstCopied() async throws {
        try await withEndToEnd { e2e in
            // Source objects with sub-second times, as files written by hand or by a cloud have.
            let folder = try #require(e2e.buckets.bucketURL(cloud: .aliyun, region: "cn-hangzhou", bucket: "src"))
                .appendingPathComponent("inc", isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for index in 0..<40 {
                let path = folder.appendingPathComponent("object-\(index).bin").path
                try Data(repeating: UInt8(index), count: 512 + index).write(to: URL(fileURLWithPath: path))
                let time = LocalBuckets.FileTime(seconds: 1_700_000_000 + Int64(index), nanoseconds: 123_456_789 + Int64(index) * 7_919)
                #expect(time.apply(to: path))
            }
            func runToSuccess(_ id: Int64) async throws -> TaskResp {
                for _ in 0..<600 {
                    let task = try await e2e.client.showTask(id: id)
                    if task.status == .succeeded || task.status == .failed { return task }
                    try await e2e.runEngine(5)
                }
                throw EndToEnd.SetupFailure(description: "task \(id) did not finish")
            }
            let request = DiffNormalisationEndToEndTests.handMadeTask(prefix: "inc/")
            let first = try await runToSuccess(try #require(try await e2e.client.createTask(request).id))
            #expect(first.status == .succeeded && first.successfulNum == 40, "\(first)")
            // The copies carry their sources' exact times.
            let source = try #require(e2e.buckets.object(cloud: .aliyun, region: "cn-hangzhou", bucket: "src", key: "inc/object-7.bin"))
            let copy = try #require(e2e.buckets.object(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", key: "inc/inc/object-7.bin"))
            #expect(copy.time == source.time)

            let second = try await runToSuccess(try #require(try await e2e.client.createTask(request).id))
            #expect(second.status == .succeeded)
            #expect(second.skippedNum == 40 && second.successfulNum == 0, "skipped \(second.skippedNum ?? -1), copied \(second.successfulNum ?? -1)")
        }
    }
}
