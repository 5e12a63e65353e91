import Foundation
import OMSModels

/// How a task group becomes tasks: a prefix group's objects are cut into object tasks of at
/// most `objectsPerTask` keys; list and URL-list groups get one task per list file.
struct GroupSplitter: Sendable {
    let buckets: LocalBuckets
    let objectsPerTask: Int

    func split(_ group: GroupRecord) throws(MigrationFailure) -> [CreateTaskReq] {
        let request = group.request
        let source = request.srcNode
        let destination = request.dstNode
        let dstRegion = destination.region ?? ""
        do {
            try buckets.authorize(cloud: .huaweiCloud, region: dstRegion, bucket: destination.bucket ?? "", ak: destination.ak, sk: destination.sk, from: .stored)
        } catch {
            throw error == .noSuchBucket ? .destinationBucketMissing : .destinationKeysInvalid
        }
        let type = (request.taskType ?? .prefix).canonical
        let cloud = (source.cloudType ?? .aliyun).canonical
        var template = CreateTaskReq(
            taskType: .object,
            srcNode: SrcNodeReq(
                cloudType: cloud, region: source.region, ak: source.ak, sk: source.sk, jsonAuthFile: source.jsonAuthFile,
                appId: source.appId, bucket: source.bucket),
            dstNode: DstNodeReq(
                region: dstRegion, bucket: destination.bucket ?? "", ak: destination.ak, sk: destination.sk,
                savePrefix: destination.savePrefix),
            enableKms: request.enableKms, description: request.description, migrateSince: request.migrateSince,
            bandwidthPolicy: request.bandwidthPolicy, sourceCdn: request.sourceCdn, smnConfig: nil,
            enableMetadataMigration: request.enableMetadataMigration, enableRestore: request.enableRestore,
            enableFailedObjectRecording: request.enableFailedObjectRecording, objectOverwriteMode: request.objectOverwriteMode,
            dstStoragePolicy: request.dstStoragePolicy, consistencyCheck: request.consistencyCheck,
            enableRequesterPays: request.enableRequesterPays)
        if type == .prefix {
            do {
                try buckets.authorize(cloud: cloud, region: source.region ?? "", bucket: source.bucket ?? "", ak: source.ak, sk: source.sk, from: .stored)
            } catch {
                throw error == .noSuchBucket ? .sourceBucketMissing : .sourceKeysInvalid
            }
            var keys: [String] = []
            var seen = Set<String>()
            for prefix in source.objectKey ?? [""] {
                for object in buckets.list(cloud: cloud, region: source.region ?? "", bucket: source.bucket ?? "", prefix: prefix)
                where seen.insert(object.key).inserted {
                    keys.append(object.key)
                }
            }
            if keys.isEmpty { throw .nothingToMigrate }
            return stride(from: 0, to: keys.count, by: objectsPerTask).map { start in
                var task = template
                task.srcNode.objectKey = Array(keys[start..<min(keys.count, start + objectsPerTask)])
                return task
            }
        }
        guard let listFile = source.listFile, let key = listFile.listFileKey, let bucket = listFile.obsBucket,
            buckets.exists(cloud: .huaweiCloud, region: dstRegion, bucket: bucket)
        else { throw .listFileMissing }
        let files = key.hasSuffix("/")
            ? buckets.list(cloud: .huaweiCloud, region: dstRegion, bucket: bucket, prefix: key).map(\.key).filter { $0.hasSuffix(".txt") }
            : [key]
        if files.isEmpty { throw .listFileMissing }
        template.taskType = type == .urlList ? .urlList : .list
        return files.map { file in
            var task = template
            task.srcNode.listFile = ListFile(listFileKey: file, obsBucket: bucket)
            return task
        }
    }

    /// The group's counters: sums over its tasks.
    static func rollup(_ tasks: [TaskRecord], now: Date) -> GroupRecord.Rollup {
        var r = GroupRecord.Rollup()
        r.totalTaskNum = Int64(tasks.count)
        r.createTaskNum = Int64(tasks.count)
        for task in tasks {
            switch task.status {
            case .failed: r.failedTaskNum += 1
            case .succeeded: r.completeTaskNum += 1
            case .paused, .pausing: r.pausedTaskNum += 1
            case .migrating: r.executingTaskNum += 1
            case .waiting: r.waitingTaskNum += 1
            default: break
            }
            r.totalNum += task.totalNum
            r.successNum += task.count(.succeeded)
            r.failNum += task.count(.failed)
            r.skipNum += task.count(.skipped)
            r.totalSize += task.totalSize
            r.completeSize += task.size(.succeeded) + task.size(.skipped)
            r.speed += task.status == .migrating ? task.speed : 0
            r.totalTime = max(r.totalTime, Int64(task.runMilliseconds(now: now)))
        }
        return r
    }
}
