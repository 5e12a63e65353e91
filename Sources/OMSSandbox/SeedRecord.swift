import Foundation
import OMSModels

/// What was brought in from the seed folder, per file: the seed file's size and mtime then,
/// and its copy's. `DATA/seed-record.json`, mode 0600; sizes, times and paths only.
///
/// Paths are looked up by their UTF-8 bytes: `String`'s `==` treats `é` and `e\u{0301}` as
/// equal, but they are two files on disk.
struct SeedRecord: Equatable {
    struct State: Codable, Equatable {
        var size: Int64
        var seconds: Int64
        var nanoseconds: Int64

        init(size: Int64, time: LocalBuckets.FileTime) {
            self.size = size
            self.seconds = time.seconds
            self.nanoseconds = time.nanoseconds
        }

        var time: LocalBuckets.FileTime { .init(seconds: seconds, nanoseconds: nanoseconds) }

        /// The file at `path` itself (`lstat`: a link is not followed).
        static func of(_ path: String) -> State? {
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, let time = LocalBuckets.FileTime.of(path) else { return nil }
            return State(size: Int64(info.st_size), time: time)
        }
    }

    struct Entry: Codable, Equatable {
        var seed: State
        var copy: State
    }

    private struct Stored: Codable {
        var version: Int
        var files: [File]
        struct File: Codable {
            var path: String
            var seed: State
            var copy: State
        }
    }

    private var entries: [[UInt8]: (path: String, entry: Entry)] = [:]

    subscript(path: String) -> Entry? {
        get { entries[Array(path.utf8)]?.entry }
        set { entries[Array(path.utf8)] = newValue.map { (path, $0) } }
    }

    static func == (a: Self, b: Self) -> Bool {
        a.entries.count == b.entries.count && a.entries.allSatisfy { key, value in b.entries[key]?.entry == value.entry }
    }

    /// An unreadable or missing record is an empty one: every object then counts as not
    /// brought in, and is kept unless its bytes are the seed's.
    static func load(from url: URL) -> SeedRecord {
        var record = SeedRecord()
        guard !LocalBuckets.isSymbolicLink(url.path), let data = FileManager.default.contents(atPath: url.path),
            let stored = try? JSONDecoder().decode(Stored.self, from: data), stored.version == 1
        else { return record }
        for file in stored.files { record[file.path] = Entry(seed: file.seed, copy: file.copy) }
        return record
    }

    func save(to url: URL) throws {
        let files = entries.values.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }.map {
            Stored.File(path: $0.path, seed: $0.entry.seed, copy: $0.entry.copy)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Stored(version: 1, files: files))
        // Written beside, then renamed over: a crash leaves the old record or the new one.
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".seed-record.\(SandboxSecretFiles.randomToken(bytes: 6))")
        try SandboxSecretFiles.writePrivate(data, to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.lastPathComponent])
        }
    }
}

extension SandboxConfiguration {
    /// Appended to OMS's own `OMS.1018` message in the embedded sandbox only (a served sandbox
    /// answers as OMS does): where the bucket's files go so that the next command brings the
    /// bucket in. `region` nil: OMS's question named none (a bucket-region query).
    func missingBucketHint(cloud: CloudType, region: String?, bucket: String) -> String {
        guard let seedFolder else { return "" }
        let folder = LocalBuckets.folderName(for: cloud) ?? cloud.rawValue
        let path = "\(seedFolder)/buckets/\(folder)/\(region ?? "<the region the plan names>")/\(bucket)/"
        return " In the embedded sandbox a bucket is a folder of files: create \(path) (with a .keep file for an"
            + " empty bucket) and the next oms-plan command brings it in."
    }
}
