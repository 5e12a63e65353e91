import Foundation
import OMSModels

/// A migration failure cause (reference 7.3): why a task ended in Failed.
struct MigrationFailure: Error, Sendable, Equatable {
    var code: OMSErrorCode
    var message: String

    static let destinationBucketMissing = MigrationFailure(code: .destinationBucketMissing, message: "The destination bucket does not exist.")
    static let destinationKeysInvalid = MigrationFailure(code: .destinationKeysInvalid, message: "The destination AK/SK are not valid.")
    static let sourceBucketMissing = MigrationFailure(code: .sourceBucketMissing, message: "The source bucket does not exist.")
    static let sourceKeysInvalid = MigrationFailure(code: .sourceKeysInvalid, message: "The source AK/SK are not valid.")
    static let sourceObjectsMissing = MigrationFailure(code: .sourceObjectsMissing, message: "The source objects do not exist.")
    static let nothingToMigrate = MigrationFailure(code: .nothingToMigrate, message: "No source objects match the task.")
    static let listFileMissing = MigrationFailure(code: .listFileMissing, message: "The list file does not exist or cannot be read.")
    static let urlListMalformed = MigrationFailure(code: .urlListMalformed, message: "The URL list file is not in the expected format.")
    static let urlListEmpty = MigrationFailure(code: .urlListEmpty, message: "The URL list file names no URL.")
    static let keyTooLong = MigrationFailure(code: .destinationKeyTooLong, message: "A destination key is longer than 1,024 characters.")
    static let someObjectsFailed = MigrationFailure(code: .someObjectsFailed, message: "Some objects could not be migrated.")

    var reason: ErrorReason { ErrorReason(errorCode: code.rawValue, errorMsg: message) }
}

/// Turns a task's source into the list of objects to move, or the failure cause OMS reports
/// when the source or destination cannot be used.
struct SourcePlanner: Sendable {
    let buckets: LocalBuckets

    func plan(_ request: CreateTaskReq) throws(MigrationFailure) -> [PlannedObject] {
        let destination = request.dstNode
        let dstRegion = destination.region ?? ""
        let dstBucket = destination.bucket ?? ""
        do {
            try buckets.authorize(cloud: .huaweiCloud, region: dstRegion, bucket: dstBucket, ak: destination.ak, sk: destination.sk, from: .stored)
        } catch {
            throw error == .noSuchBucket ? .destinationBucketMissing : .destinationKeysInvalid
        }
        let savePrefix = destination.savePrefix ?? ""
        let type = request.taskType ?? .object
        let source = request.srcNode
        let cloud = source.cloudType ?? .aliyun
        let region = source.region ?? ""
        let bucket = source.bucket ?? ""
        if type != .urlList {
            do {
                try buckets.authorize(cloud: cloud, region: region, bucket: bucket, ak: source.ak, sk: source.sk, from: .stored)
            } catch {
                throw error == .noSuchBucket ? .sourceBucketMissing : .sourceKeysInvalid
            }
        }
        var found: [LocalBuckets.Object] = []
        var urlEntries: [(url: String, key: String)] = []
        switch type {
        case .prefix:
            var seen = Set<String>()
            for prefix in source.objectKey ?? [""] {
                for object in buckets.list(cloud: cloud, region: region, bucket: bucket, prefix: prefix) where seen.insert(object.key).inserted {
                    found.append(object)
                }
            }
            if found.isEmpty { throw .nothingToMigrate }
        case .object:
            var seen = Set<String>()
            for key in source.objectKey ?? [] {
                let matches = key.hasSuffix("/")
                    ? buckets.list(cloud: cloud, region: region, bucket: bucket, prefix: key)
                    : buckets.object(cloud: cloud, region: region, bucket: bucket, key: key).map { [$0] } ?? []
                if matches.isEmpty { throw .sourceObjectsMissing }
                for object in matches where seen.insert(object.key).inserted { found.append(object) }
            }
        case .list:
            for line in try listFileLines(source.listFile, region: dstRegion) {
                // Keys missing from the source are attempted and counted as failed objects.
                found.append(
                    buckets.object(cloud: cloud, region: region, bucket: bucket, key: line)
                        ?? LocalBuckets.Object(key: line, size: 0, modified: .distantPast))
            }
            if found.isEmpty { throw .nothingToMigrate }
        default:
            for line in try listFileLines(source.listFile, region: dstRegion) {
                let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
                guard let url = URL(string: fields[0]), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
                    throw .urlListMalformed
                }
                let key = fields.count > 1 ? fields[1] : String(url.path.drop { $0 == "/" })
                urlEntries.append((fields[0], key))
            }
            if urlEntries.isEmpty { throw .urlListEmpty }
        }
        let since = request.migrateSince.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        var planned = found.map { object in
            var item = PlannedObject(source: object.key, destination: savePrefix + object.key, size: object.size)
            // Objects last modified before migrate_since are not moved.
            if let since, object.modified < since, object.modified != .distantPast {
                item.state = .skipped
                item.skipReason = .olderThanMigrateSince
            }
            return item
        }
        planned += urlEntries.map { PlannedObject(source: $0.url, destination: savePrefix + $0.key, size: 0) }
        if planned.contains(where: { $0.destination.utf8.count > 1024 }) { throw .keyTooLong }
        return planned
    }

    /// Lines of the list file(s) kept in OBS next to the destination: a key ending in `/`
    /// names a folder of `.txt` files.
    func listFileLines(_ listFile: ListFile?, region: String) throws(MigrationFailure) -> [String] {
        guard let listFile, let key = listFile.listFileKey, let bucket = listFile.obsBucket,
            buckets.exists(cloud: .huaweiCloud, region: region, bucket: bucket)
        else { throw .listFileMissing }
        let keys = key.hasSuffix("/")
            ? buckets.list(cloud: .huaweiCloud, region: region, bucket: bucket, prefix: key).map(\.key).filter { $0.hasSuffix(".txt") }
            : [key]
        var lines: [String] = []
        for fileKey in keys {
            guard let data = try? buckets.read(cloud: .huaweiCloud, region: region, bucket: bucket, key: fileKey) else {
                throw .listFileMissing
            }
            lines += String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if keys.isEmpty { throw .listFileMissing }
        return lines
    }
}
