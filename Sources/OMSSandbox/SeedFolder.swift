import Foundation
import OMSModels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plan's `sandbox/` folder (`buckets/<cloud>/<region>/<bucket>/<key>`), brought into the
/// embedded sandbox's buckets at every start, not only the first: a seed folder made after
/// the first run, a new bucket or a new file in it, shows up at the next command.
///
/// What it brings in, and what it never does:
/// - a bucket folder the sandbox lacks is created; an object (or `<bucket>.keys` sidecar) the
///   sandbox lacks is copied, with the seed file's exact mtime;
/// - an object whose seed file changed (size or mtime) since it was last brought in is copied
///   again, but only while the sandbox's copy is still exactly what was brought in (same size
///   and mtime, as recorded in `DATA/seed-record.json`). A copy that something in the sandbox
///   changed since (a migration, a sync task, a person) is kept, and counted as kept;
/// - nothing is ever deleted: a seed file removed later, and every object migrations wrote,
///   stay in the sandbox;
/// - links are never followed (not for `sandbox/`, `buckets/` or anything below them), seed
///   files are opened `O_NOFOLLOW | O_NONBLOCK` and read only when `fstat` says regular file,
///   and names pass `StorageNames` before `LocalBuckets` (which keeps every write inside the
///   data directory) turns them into paths.
struct SeedFolder {
    /// The plan's `sandbox/` folder.
    let folder: URL
    let buckets: LocalBuckets
    let recordFile: URL

    /// Largest seed file brought in; a bigger one is skipped and named.
    static let maximumFileBytes = 256 << 20

    /// Walks the seed folder and brings in what the sandbox lacks.
    func bringIn() -> SeedReport {
        var report = SeedReport(folder: folder.relativePath)
        let root = folder.appendingPathComponent("buckets").path
        for path in [folder.path, root] where LocalBuckets.isSymbolicLink(path) {
            report.skipped.append("\(display(path)) is a link (a seed folder is read without following links)")
            return report
        }
        guard LocalBuckets.isDirectory(root, followLinks: false), let realRoot = LocalBuckets.realPath(root) else { return report }
        var record = SeedRecord.load(from: recordFile)
        let before = record
        for cloudName in Self.names(in: root) {
            let cloudPath = root + "/" + cloudName
            guard LocalBuckets.isDirectory(cloudPath, followLinks: false) else { continue }
            let cloud = CloudType(rawValue: cloudName)
            guard let expected = LocalBuckets.folderName(for: cloud), expected.utf8.elementsEqual(cloudName.utf8) else {
                report.skipped.append("\(display(cloudPath)) is not a cloud folder (\(Self.cloudFolders))")
                continue
            }
            for region in Self.names(in: cloudPath) {
                let regionPath = cloudPath + "/" + region
                guard LocalBuckets.isDirectory(regionPath, followLinks: false) else { continue }
                if let problem = StorageNames.regionProblem(region) {
                    report.skipped.append("\(display(regionPath)): region \(problem)")
                    continue
                }
                for bucket in Self.names(in: regionPath) {
                    let bucketPath = regionPath + "/" + bucket
                    if LocalBuckets.isSymbolicLink(bucketPath) {
                        report.skipped.append("\(display(bucketPath)) is a link")
                        continue
                    }
                    guard LocalBuckets.isDirectory(bucketPath, followLinks: false) else { continue }
                    if let problem = StorageNames.bucketProblem(bucket) {
                        report.skipped.append("\(display(bucketPath)): bucket name \(problem)")
                        continue
                    }
                    let location = Location(cloud: cloud, cloudName: cloudName, region: region, bucket: bucket)
                    bringIn(location, from: bucketPath, realRoot: realRoot, record: &record, report: &report)
                }
            }
        }
        if record != before {
            do { try record.save(to: recordFile) } catch { report.skipped.append("the seed record could not be written: \(error)") }
        }
        return report
    }

    struct Location {
        var cloud: CloudType
        var cloudName: String
        var region: String
        var bucket: String
        func recordPath(_ key: String) -> String { "\(cloudName)/\(region)/\(bucket)/\(key)" }
        var sidecarRecordPath: String { "\(cloudName)/\(region)/\(bucket).keys" }
    }

    private func bringIn(_ at: Location, from bucketPath: String, realRoot: String, record: inout SeedRecord, report: inout SeedReport) {
        if !buckets.exists(cloud: at.cloud, region: at.region, bucket: at.bucket) {
            do {
                try buckets.seed(cloud: at.cloud, region: at.region, bucket: at.bucket, prefix: "", objects: 0, objectSize: 0, keys: nil)
                report.bucketsAdded += 1
            } catch {
                report.skipped.append("\(display(bucketPath)): the sandbox cannot hold this bucket (\(error))")
                return
            }
        }
        let sidecar = bucketPath + ".keys"
        if LocalBuckets.isRegularFile(sidecar) {
            bringInSidecar(at, from: sidecar, realRoot: realRoot, record: &record, report: &report)
        }
        var pending: [(path: String, key: String)] = Self.names(in: bucketPath).map { (bucketPath + "/" + $0, $0) }
        while let (path, key) = pending.popLast() {
            if LocalBuckets.isSymbolicLink(path) {
                report.skipped.append("\(display(path)) is a link")
            } else if LocalBuckets.isDirectory(path, followLinks: false) {
                pending += Self.names(in: path).map { (path + "/" + $0, key + "/" + $0) }
            } else if LocalBuckets.isRegularFile(path) {
                bringInObject(at, key: key, from: path, realRoot: realRoot, record: &record, report: &report)
            }
        }
    }

    private func bringInObject(_ at: Location, key: String, from path: String, realRoot: String, record: inout SeedRecord, report: inout SeedReport) {
        if let problem = StorageNames.keyProblem(key) {
            report.skipped.append("\(display(path)): object key \(problem)")
            return
        }
        guard let seedState = SeedRecord.State.of(path) else { return }
        let name = at.recordPath(key)
        let current = buckets.object(cloud: at.cloud, region: at.region, bucket: at.bucket, key: key)
            .map { SeedRecord.State(size: $0.size, time: $0.time) }
        let updating: Bool
        if let current {
            guard let entry = record[name] else {
                // Not brought in by this record (an older version seeded once, or something in
                // the sandbox wrote it): the same bytes are recorded as brought in; others kept.
                if let seedData = read(path, realRoot: realRoot, report: &report),
                    let held = try? buckets.read(cloud: at.cloud, region: at.region, bucket: at.bucket, key: key), held == seedData {
                    record[name] = .init(seed: seedState, copy: current)
                } else {
                    report.kept += 1
                }
                return
            }
            if entry.seed == seedState { return }
            guard entry.copy == current else {
                report.kept += 1
                return
            }
            updating = true
        } else {
            updating = false
        }
        guard let data = read(path, realRoot: realRoot, report: &report) else { return }
        do {
            try buckets.write(cloud: at.cloud, region: at.region, bucket: at.bucket, key: key, data: data, time: seedState.time)
        } catch {
            report.skipped.append("\(display(path)): not brought in (\(error))")
            return
        }
        guard let written = buckets.object(cloud: at.cloud, region: at.region, bucket: at.bucket, key: key) else { return }
        record[name] = .init(seed: seedState, copy: .init(size: written.size, time: written.time))
        if updating { report.objectsUpdated += 1 } else { report.objectsAdded += 1 }
    }

    /// `<bucket>.keys` (the `AK:SK` lines the bucket accepts), by the same rule as objects.
    private func bringInSidecar(_ at: Location, from path: String, realRoot: String, record: inout SeedRecord, report: inout SeedReport) {
        guard let seedState = SeedRecord.State.of(path),
            let target = buckets.bucketURL(cloud: at.cloud, region: at.region, bucket: at.bucket)?.path.appending(".keys"),
            !LocalBuckets.isSymbolicLink(target)
        else { return }
        let name = at.sidecarRecordPath
        if let current = SeedRecord.State.of(target) {
            guard let entry = record[name], entry.seed != seedState else { return }
            guard entry.copy == current else {
                report.kept += 1
                return
            }
        }
        guard let data = read(path, realRoot: realRoot, report: &report) else { return }
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init).filter {
            !$0.trimmingCharacters(in: .whitespaces).isEmpty
        }
        do {
            try buckets.seed(cloud: at.cloud, region: at.region, bucket: at.bucket, prefix: "", objects: 0, objectSize: 0, keys: lines)
        } catch {
            report.skipped.append("\(display(path)): not brought in (\(error))")
            return
        }
        if let written = SeedRecord.State.of(target) { record[name] = .init(seed: seedState, copy: written) }
    }

    /// The bytes of a seed file: opened without following a link and without blocking on a
    /// FIFO, read only when it is a regular file whose folder resolves inside the seed.
    private func read(_ path: String, realRoot: String, report: inout SeedReport) -> Data? {
        guard let folder = LocalBuckets.realPath((path as NSString).deletingLastPathComponent),
            LocalBuckets.path(folder, isAtOrInside: realRoot)
        else {
            report.skipped.append("\(display(path)) resolves outside the seed folder")
            return nil
        }
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        guard info.st_size <= Self.maximumFileBytes else {
            report.skipped.append("\(display(path)) is over \(Self.maximumFileBytes >> 20) MiB")
            return nil
        }
        return (try? handle.readToEnd()) ?? Data()
    }

    /// The path as the user would type it: relative to the plan's `sandbox/` folder as given.
    private func display(_ path: String) -> String {
        let base = folder.path
        guard LocalBuckets.path(path, isInside: base) else { return folder.relativePath }
        return folder.relativePath + String(decoding: path.utf8.dropFirst(base.utf8.count), as: UTF8.self)
    }

    /// Entries of a folder, sorted by their bytes (the order they are reported in).
    static func names(in path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static var cloudFolders: String {
        CloudType.documented.compactMap(LocalBuckets.folderName(for:)).reduce(into: [String]()) { names, name in
            if !names.contains(where: { $0.utf8.elementsEqual(name.utf8) }) { names.append(name) }
        }.joined(separator: ", ")
    }
}

/// What a start brought in from the plan's `sandbox/` folder.
public struct SeedReport: Sendable, Equatable {
    /// The seed folder as given (relative to the working directory when it was given so).
    public var folder: String
    public var bucketsAdded = 0
    public var objectsAdded = 0
    public var objectsUpdated = 0
    /// Seed files that differ from an object the sandbox changed since (a migration wrote it):
    /// the sandbox's object stays.
    public var kept = 0
    /// Seed entries left out, each with why (a link, a name OMS refuses).
    public var skipped: [String] = []

    public init(folder: String) { self.folder = folder }

    /// One line for the command to print, or nil when there is nothing to say.
    public var summary: String? {
        var parts: [String] = []
        if bucketsAdded > 0 { parts.append("\(bucketsAdded) new bucket\(bucketsAdded == 1 ? "" : "s")") }
        if objectsAdded > 0 { parts.append("\(objectsAdded) new object\(objectsAdded == 1 ? "" : "s")") }
        if objectsUpdated > 0 { parts.append("\(objectsUpdated) changed object\(objectsUpdated == 1 ? "" : "s")") }
        var line = parts.isEmpty ? "" : "brought in from \(folder): " + parts.joined(separator: ", ")
        if !skipped.isEmpty {
            let shown = skipped.prefix(3).joined(separator: "; ") + (skipped.count > 3 ? "; and \(skipped.count - 3) more" : "")
            line += (line.isEmpty ? "" : "; ") + "left out of the sandbox: " + shown
        }
        return line.isEmpty ? nil : line
    }
}
