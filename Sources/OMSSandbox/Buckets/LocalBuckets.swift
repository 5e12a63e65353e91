import Foundation
import OMSModels

/// Buckets as directories: `buckets/<cloud_type>/<region>/<bucket>/<key>`, with an optional
/// `<bucket>.keys` sidecar listing the `AK:SK` pairs the bucket accepts.
struct LocalBuckets: Sendable {
    let root: URL

    struct Object: Sendable, Hashable {
        var key: String
        var size: Int64
        var modified: Date
    }

    static let placeholder = ".keep"

    enum Failure: Error, Equatable {
        case noSuchBucket
        case accessDenied
        case noSuchObject(String)
    }

    /// Folder names used on disk: requests say `Aliyun`, groups `ALIYUN`, destinations `HEC`.
    static func folderName(for cloud: CloudType) -> String {
        let canonical = cloud.canonical
        if canonical.sameValue(as: .hec) { return CloudType.huaweiCloud.rawValue }
        return canonical.rawValue
    }

    func bucketURL(cloud: CloudType, region: String, bucket: String) -> URL {
        root.appendingPathComponent(Self.folderName(for: cloud)).appendingPathComponent(region)
            .appendingPathComponent(bucket, isDirectory: true)
    }

    func exists(cloud: CloudType, region: String, bucket: String) -> Bool {
        guard !bucket.isEmpty, !bucket.contains("/"), bucket != ".", bucket != ".." else { return false }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: bucketURL(cloud: cloud, region: region, bucket: bucket).path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// Checks that the bucket exists and accepts these keys.
    func authorize(cloud: CloudType, region: String, bucket: String, ak: String?, sk: String?) throws(Failure) {
        guard exists(cloud: cloud, region: region, bucket: bucket) else { throw .noSuchBucket }
        let sidecar = bucketURL(cloud: cloud, region: region, bucket: bucket).deletingLastPathComponent()
            .appendingPathComponent(bucket + ".keys")
        guard let text = try? String(contentsOf: sidecar, encoding: .utf8) else { return }
        let accepted = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard accepted.contains("\(ak ?? ""):\(sk ?? "")") else { throw .accessDenied }
    }

    /// Every object whose key starts with `prefix`, sorted by key.
    func list(cloud: CloudType, region: String, bucket: String, prefix: String = "") -> [Object] {
        let base = bucketURL(cloud: cloud, region: region, bucket: bucket)
        let basePath = base.standardizedFileURL.path
        // Keys starting with `a/b/c` can only be under the folder `a/b`: walk that folder, not
        // the whole bucket (a bucket with 10,000 prefixes made every prefix check read them all).
        var start = base
        if let slash = prefix.lastIndex(of: "/") {
            let folder = prefix[..<slash]
            let parts = folder.split(separator: "/", omittingEmptySubsequences: false)
            if !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
                start = base.appendingPathComponent(String(folder), isDirectory: true)
            }
        }
        guard let enumerator = FileManager.default.enumerator(
            at: start, includingPropertiesForKeys: [.fileSizeKey, .contentModificationDateKey, .isRegularFileKey])
        else { return [] }
        var objects: [Object] = []
        for case let url as URL in enumerator {
            guard let values = try? url.resourceValues(forKeys: [.fileSizeKey, .contentModificationDateKey, .isRegularFileKey]),
                values.isRegularFile == true
            else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(basePath + "/") else { continue }
            let key = String(path.dropFirst(basePath.count + 1))
            // `.keep` marks an empty bucket in Git; it is not an object.
            guard key.hasPrefix(prefix), key != Self.placeholder, !key.hasSuffix("/" + Self.placeholder) else { continue }
            objects.append(Object(key: key, size: Int64(values.fileSize ?? 0), modified: values.contentModificationDate ?? .distantPast))
        }
        return objects.sorted { $0.key < $1.key }
    }

    func object(cloud: CloudType, region: String, bucket: String, key: String) -> Object? {
        let url = bucketURL(cloud: cloud, region: region, bucket: bucket).appendingPathComponent(key)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            (attributes[.type] as? FileAttributeType) == .typeRegular
        else { return nil }
        return Object(
            key: key, size: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
            modified: (attributes[.modificationDate] as? Date) ?? .distantPast)
    }

    func read(cloud: CloudType, region: String, bucket: String, key: String) throws -> Data {
        try Data(contentsOf: bucketURL(cloud: cloud, region: region, bucket: bucket).appendingPathComponent(key))
    }

    /// Writes an object, creating folders for the `/`s in its key; keeps the source's mtime
    /// so that the size/last-modified comparison skips it next time.
    func write(cloud: CloudType, region: String, bucket: String, key: String, data: Data, modified: Date?) throws {
        let url = bucketURL(cloud: cloud, region: region, bucket: bucket).appendingPathComponent(key)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
        if let modified { try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: url.path) }
    }

    func copy(from source: (CloudType, String, String, String), to destination: (CloudType, String, String, String), modified: Date?) throws {
        let data = try read(cloud: source.0, region: source.1, bucket: source.2, key: source.3)
        try write(cloud: destination.0, region: destination.1, bucket: destination.2, key: destination.3, data: data, modified: modified)
    }

    /// Bucket names of a cloud (all regions), for `ListBuckets`.
    func bucketNames(cloud: CloudType) -> [String] {
        let cloudURL = root.appendingPathComponent(Self.folderName(for: cloud))
        let regions = (try? FileManager.default.contentsOfDirectory(atPath: cloudURL.path)) ?? []
        return regions.flatMap { region in
            ((try? FileManager.default.contentsOfDirectory(atPath: cloudURL.appendingPathComponent(region).path)) ?? [])
                .filter { exists(cloud: cloud, region: region, bucket: $0) }
        }.sorted()
    }

    /// The region a bucket lives in, when exactly one region has it.
    func region(cloud: CloudType, bucket: String) -> String? {
        let cloudURL = root.appendingPathComponent(Self.folderName(for: cloud))
        let regions = (try? FileManager.default.contentsOfDirectory(atPath: cloudURL.path)) ?? []
        return regions.sorted().first { exists(cloud: cloud, region: $0, bucket: bucket) }
    }

    /// Creates a bucket with generated objects (control endpoint and tests).
    func seed(cloud: CloudType, region: String, bucket: String, prefix: String, objects: Int, objectSize: Int, keys: [String]?) throws {
        let base = bucketURL(cloud: cloud, region: region, bucket: bucket)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        for index in 0..<objects {
            var bytes = [UInt8](repeating: 0, count: objectSize)
            for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: (i &* 31) ^ index) }
            try write(cloud: cloud, region: region, bucket: bucket, key: "\(prefix)object-\(String(format: "%05d", index)).bin",
                data: Data(bytes), modified: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)))
        }
        if let keys {
            try keys.joined(separator: "\n").appending("\n").write(
                to: base.deletingLastPathComponent().appendingPathComponent(bucket + ".keys"), atomically: true, encoding: .utf8)
        }
    }
}
