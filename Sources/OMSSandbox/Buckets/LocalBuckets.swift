import Foundation
import OMSModels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buckets as directories: `buckets/<cloud_type>/<region>/<bucket>/<key>`, with an optional
/// `<bucket>.keys` sidecar listing the `AK:SK` pairs the bucket accepts.
///
/// Every path is built here and nowhere else, and only from names and keys that pass
/// `StorageNames`; the resolved folder of every file read, listed or written must lie inside
/// the buckets folder after symbolic links are resolved, and symbolic links themselves are
/// never read through. The API refuses bad names first with OMS's codes; the checks here are
/// the last line, so that no caller can forget them.
struct LocalBuckets: Sendable {
    let root: URL
    /// `root` with symbolic links resolved: what every resolved path must start with.
    private let realRoot: String
    let sealer: CredentialSealer

    struct Object: Sendable, Hashable {
        var key: String
        var size: Int64
        /// The file's mtime exactly as the file system keeps it (nanoseconds): the skip rule
        /// compares it, and a `Date` (a Double) cannot carry it exactly.
        var time: FileTime

        var modified: Date { time.date }

        init(key: String, size: Int64, time: FileTime) {
            self.key = key
            self.size = size
            self.time = time
        }

        init(key: String, size: Int64, modified: Date) {
            self.init(key: key, size: size, time: FileTime(modified))
        }
    }

    /// A file time in whole seconds and nanoseconds, read with `lstat` and written with
    /// `utimensat`, so that a copy gets exactly its source's mtime.
    struct FileTime: Sendable, Hashable, Comparable {
        var seconds: Int64
        var nanoseconds: Int64

        init(seconds: Int64, nanoseconds: Int64) {
            self.seconds = seconds
            self.nanoseconds = nanoseconds
        }

        init(_ date: Date) {
            guard date != .distantPast else {
                self.init(seconds: Int64.min, nanoseconds: 0)
                return
            }
            let whole = date.timeIntervalSince1970.rounded(.down)
            self.init(seconds: Int64(whole), nanoseconds: min(999_999_999, Int64(((date.timeIntervalSince1970 - whole) * 1e9).rounded())))
        }

        var date: Date {
            seconds == Int64.min ? .distantPast : Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9)
        }

        static func < (a: Self, b: Self) -> Bool { (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds) }

        /// The mtime of the file at `path` itself (a link is not followed).
        static func of(_ path: String) -> FileTime? {
            var info = stat()
            guard lstat(path, &info) == 0 else { return nil }
            return FileTime(seconds: Int64(info.st_mtim.tv_sec), nanoseconds: Int64(info.st_mtim.tv_nsec))
        }

        /// Sets the mtime (and atime) of the file at `path` to exactly this time.
        func apply(to path: String) -> Bool {
            let spec = timespec(tv_sec: Int(seconds), tv_nsec: Int(nanoseconds))
            var times = [spec, spec]
            return utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0
        }
    }

    static let placeholder = ".keep"

    enum Failure: Error, Equatable {
        case noSuchBucket
        case accessDenied
        case noSuchObject(String)
        /// A name or key that cannot be a bucket folder or object file.
        case invalidLocation(String)
    }

    init(root: URL, sealer: CredentialSealer) {
        self.root = root
        self.sealer = sealer
        self.realRoot = Self.realPath(root.path) ?? root.standardizedFileURL.path
    }

    /// Folder names used on disk: requests say `Aliyun`, groups `ALIYUN`, destinations `HEC`.
    static func folderName(for cloud: CloudType) -> String? {
        let canonical = cloud.canonical
        if canonical.sameValue(as: .hec) { return CloudType.huaweiCloud.rawValue }
        guard canonical.isDocumented else { return nil }
        return canonical.rawValue
    }

    /// The bucket's folder, or nil when the cloud, region or bucket cannot name one.
    func bucketURL(cloud: CloudType, region: String, bucket: String) -> URL? {
        guard let folder = Self.folderName(for: cloud), StorageNames.regionProblem(region) == nil,
            StorageNames.bucketProblem(bucket) == nil
        else { return nil }
        return root.appendingPathComponent(folder, isDirectory: true).appendingPathComponent(region, isDirectory: true)
            .appendingPathComponent(bucket, isDirectory: true)
    }

    /// The bucket's folder when it exists as a real folder inside the root.
    func bucketFolder(cloud: CloudType, region: String, bucket: String) -> String? {
        guard let url = bucketURL(cloud: cloud, region: region, bucket: bucket), Self.isDirectory(url.path, followLinks: false),
            let real = Self.realPath(url.path), Self.path(real, isInside: realRoot)
        else { return nil }
        return real
    }

    func exists(cloud: CloudType, region: String, bucket: String) -> Bool {
        bucketFolder(cloud: cloud, region: region, bucket: bucket) != nil
    }

    /// Where the keys being checked come from: a client's request (plain, whatever they look
    /// like), or a stored record (sealed when it was stored).
    enum KeySource { case client, stored }

    /// Checks that the bucket exists and accepts these keys.
    func authorize(cloud: CloudType, region: String, bucket: String, ak: String?, sk: String?, from source: KeySource) throws(Failure) {
        guard let folder = bucketFolder(cloud: cloud, region: region, bucket: bucket) else { throw .noSuchBucket }
        let sidecar = folder + ".keys"
        guard Self.isRegularFile(sidecar), let text = try? String(contentsOfFile: sidecar, encoding: .utf8) else { return }
        let given = switch source {
        case .client: sealer.sealPair(clientAK: ak ?? "", clientSK: sk ?? "")
        case .stored: sealer.sealPair(ak: ak ?? "", sk: sk ?? "")
        }
        let accepted = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard accepted.contains(where: { sealer.matches(line: $0, sealed: given) }) else { throw .accessDenied }
    }

    /// Every object whose key starts with `prefix`, sorted by key. Symbolic links are not objects.
    func list(cloud: CloudType, region: String, bucket: String, prefix: String = "") -> [Object] {
        guard let base = bucketFolder(cloud: cloud, region: region, bucket: bucket),
            StorageNames.keyProblem(prefix, allowEmpty: true) == nil
        else { return [] }
        // Keys starting with `a/b/c` can only be under the folder `a/b`: walk that folder, not
        // the whole bucket (a bucket with 10,000 prefixes made every prefix check read them all).
        var start = base
        if let slash = prefix.utf8.lastIndex(of: 0x2F) {
            let folder = base + "/" + String(decoding: prefix.utf8[..<slash], as: UTF8.self)
            guard Self.isDirectory(folder, followLinks: false), let real = Self.realPath(folder), Self.path(real, isInside: base) else {
                return []
            }
            start = real
        }
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey, .isRegularFileKey, .isSymbolicLinkKey]
        guard let enumerator = FileManager.default.enumerator(at: URL(fileURLWithPath: start, isDirectory: true), includingPropertiesForKeys: keys)
        else { return [] }
        var objects: [Object] = []
        for case let url as URL in enumerator {
            guard let values = try? url.resourceValues(forKeys: Set(keys)) else { continue }
            if values.isSymbolicLink == true || Self.isSymbolicLink(url.path) {
                enumerator.skipDescendants()
                continue
            }
            guard values.isRegularFile == true else { continue }
            let path = url.path
            guard Self.path(path, isInside: base) else { continue }
            let key = String(path.dropFirst(base.count + 1))
            guard key.utf8.starts(with: prefix.utf8), !Self.isPlaceholder(key) else { continue }
            let time = FileTime.of(path) ?? FileTime(values.contentModificationDate ?? .distantPast)
            objects.append(Object(key: key, size: Int64(values.fileSize ?? 0), time: time))
        }
        return objects.sorted { $0.key < $1.key }
    }

    /// The file of an existing object: a regular file (not a link) whose folder resolves
    /// inside the bucket.
    func objectPath(cloud: CloudType, region: String, bucket: String, key: String) -> String? {
        guard let base = bucketFolder(cloud: cloud, region: region, bucket: bucket), StorageNames.keyProblem(key) == nil,
            !StorageNames.namesFolder(key)
        else { return nil }
        let path = base + "/" + key
        guard Self.isRegularFile(path), let folder = Self.realPath((path as NSString).deletingLastPathComponent),
            Self.path(folder, isAtOrInside: base)
        else { return nil }
        return path
    }

    func object(cloud: CloudType, region: String, bucket: String, key: String) -> Object? {
        guard let path = objectPath(cloud: cloud, region: region, bucket: bucket, key: key),
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        else { return nil }
        return Object(
            key: key, size: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
            time: FileTime.of(path) ?? FileTime((attributes[.modificationDate] as? Date) ?? .distantPast))
    }

    func read(cloud: CloudType, region: String, bucket: String, key: String) throws(Failure) -> Data {
        guard let path = objectPath(cloud: cloud, region: region, bucket: bucket, key: key),
            let data = FileManager.default.contents(atPath: path)
        else { throw .noSuchObject(key) }
        return data
    }

    /// Writes an object, creating real folders for the `/`s in its key (never through a link);
    /// keeps the source's mtime so that the size/last-modified comparison skips it next time.
    func write(cloud: CloudType, region: String, bucket: String, key: String, data: Data, modified: Date?) throws(Failure) {
        try write(cloud: cloud, region: region, bucket: bucket, key: key, data: data, time: modified.map(FileTime.init))
    }

    func write(cloud: CloudType, region: String, bucket: String, key: String, data: Data, time: FileTime?) throws(Failure) {
        guard let base = bucketFolder(cloud: cloud, region: region, bucket: bucket) else { throw .noSuchBucket }
        if let problem = StorageNames.keyProblem(key) { throw .invalidLocation("key \(problem)") }
        guard !StorageNames.namesFolder(key) else { throw .invalidLocation("key names a folder") }
        // Folders are split on the `/` byte, as the file system splits them (never on
        // `Character`s), and each one is created for real, never through a link.
        var folder = base
        for part in StorageNames.folderNames(of: key) {
            folder += "/" + part
            if Self.isSymbolicLink(folder) { throw .invalidLocation("key passes through a link") }
            if !Self.isDirectory(folder, followLinks: false) {
                guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)) != nil else {
                    throw .invalidLocation("cannot create a folder for the key")
                }
            }
        }
        // The same containment as reads: the folder the file lands in resolves inside the bucket.
        guard let real = Self.realPath(folder), Self.path(real, isAtOrInside: base) else {
            throw .invalidLocation("key leaves the bucket")
        }
        let path = real + "/" + StorageNames.objectName(of: key)
        if Self.isSymbolicLink(path) || Self.isDirectory(path, followLinks: false) { throw .invalidLocation("key names a link or folder") }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .invalidLocation("cannot write the object")
        }
        if let time, !time.apply(to: path) { throw .invalidLocation("cannot set the object's time") }
    }

    /// Copies an object; the copy gets `time` (the source's exact mtime) when given.
    func copy(from source: (CloudType, String, String, String), to destination: (CloudType, String, String, String), time: FileTime?) throws(Failure) {
        let data = try read(cloud: source.0, region: source.1, bucket: source.2, key: source.3)
        try write(cloud: destination.0, region: destination.1, bucket: destination.2, key: destination.3, data: data, time: time)
    }

    /// Region folders of a cloud: real folders (not links) with valid region names.
    func regionNames(cloud: CloudType) -> [String] {
        guard let folder = Self.folderName(for: cloud) else { return [] }
        let path = root.appendingPathComponent(folder).path
        guard Self.isDirectory(path, followLinks: false) else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter {
            StorageNames.regionProblem($0) == nil && Self.isDirectory(path + "/" + $0, followLinks: false)
        }.sorted()
    }

    /// Bucket names of a cloud (all regions), for `ListBuckets`.
    func bucketNames(cloud: CloudType) -> [String] {
        guard let folder = Self.folderName(for: cloud) else { return [] }
        return regionNames(cloud: cloud).flatMap { region in
            ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).appendingPathComponent(region).path)) ?? [])
                .filter { exists(cloud: cloud, region: region, bucket: $0) }
        }.sorted()
    }

    /// The region a bucket lives in, when exactly one region has it.
    func region(cloud: CloudType, bucket: String) -> String? {
        regionNames(cloud: cloud).first { exists(cloud: cloud, region: $0, bucket: bucket) }
    }

    /// Creates a bucket with generated objects (control endpoint and tests).
    func seed(cloud: CloudType, region: String, bucket: String, prefix: String, objects: Int, objectSize: Int, keys: [String]?) throws(Failure) {
        guard let url = bucketURL(cloud: cloud, region: region, bucket: bucket) else { throw .invalidLocation("cloud, region or bucket") }
        if let problem = StorageNames.keyProblem(prefix, allowEmpty: true) { throw .invalidLocation("prefix \(problem)") }
        // Create the cloud and region folders one at a time, never through a link.
        var folder = root.path
        for part in [url.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent,
                     url.deletingLastPathComponent().lastPathComponent, bucket] {
            folder += "/" + part
            if Self.isSymbolicLink(folder) { throw .invalidLocation("the bucket folder passes through a link") }
            if !Self.isDirectory(folder, followLinks: false) {
                guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)) != nil else {
                    throw .invalidLocation("cannot create the bucket folder")
                }
            }
        }
        for index in 0..<objects {
            var bytes = [UInt8](repeating: 0, count: objectSize)
            for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: (i &* 31) ^ index) }
            try write(cloud: cloud, region: region, bucket: bucket, key: "\(prefix)object-\(String(format: "%05d", index)).bin",
                data: Data(bytes), modified: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)))
        }
        if let keys {
            let sidecar = folder + ".keys"
            if Self.isSymbolicLink(sidecar) { throw .invalidLocation("the key list is a link") }
            guard (try? keys.joined(separator: "\n").appending("\n").write(toFile: sidecar, atomically: true, encoding: .utf8)) != nil else {
                throw .invalidLocation("cannot write the key list")
            }
        }
    }

    // MARK: File system facts (lstat/realpath: links are looked at, never followed)

    /// Whether `path` lies strictly inside the folder `base`, compared byte by byte: `String`'s
    /// own comparisons treat `é` and `e\u{0301}` as equal, but they are two folders on disk.
    static func path(_ path: String, isInside base: String) -> Bool {
        let bytes = path.utf8, prefix = base.utf8
        guard bytes.count > prefix.count + 1, bytes.starts(with: prefix) else { return false }
        return bytes[bytes.index(bytes.startIndex, offsetBy: prefix.count)] == 0x2F
    }

    static func path(_ path: String, isAtOrInside base: String) -> Bool {
        path.utf8.elementsEqual(base.utf8) || Self.path(path, isInside: base)
    }

    /// `.keep` marks an empty bucket or folder in Git; it is not an object.
    static func isPlaceholder(_ key: String) -> Bool { StorageNames.objectName(of: key).utf8.elementsEqual(placeholder.utf8) }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func fileType(_ path: String, followLinks: Bool) -> mode_t? {
        var info = stat()
        let result = followLinks ? stat(path, &info) : lstat(path, &info)
        return result == 0 ? info.st_mode & S_IFMT : nil
    }

    static func isSymbolicLink(_ path: String) -> Bool { fileType(path, followLinks: false) == S_IFLNK }
    static func isDirectory(_ path: String, followLinks: Bool) -> Bool { fileType(path, followLinks: followLinks) == S_IFDIR }
    static func isRegularFile(_ path: String) -> Bool { fileType(path, followLinks: false) == S_IFREG }
}
