import Foundation
import OMSModels

extension LocalBuckets {
    /// Which objects of a bucket are in an archive storage class: the `<bucket>.archive`
    /// sidecar beside the bucket folder (like `.keys`), one key per line, or a key prefix ending
    /// in `*` (`cold/*`; a lone `*` is the whole bucket). Blank lines and lines starting with
    /// `#` say nothing.
    struct ArchiveClass: Sendable {
        var keys: Set<String> = []
        var prefixes: [String] = []

        func contains(_ key: String) -> Bool {
            keys.contains(key) || prefixes.contains { key.utf8.starts(with: $0.utf8) }
        }

        var isEmpty: Bool { keys.isEmpty && prefixes.isEmpty }
    }

    static let archiveSidecarSuffix = ".archive"

    /// The bucket's archive sidecar (a regular file, never through a link); empty without one.
    func archiveClass(cloud: CloudType, region: String, bucket: String) -> ArchiveClass {
        guard let folder = bucketFolder(cloud: cloud, region: region, bucket: bucket) else { return ArchiveClass() }
        let sidecar = folder + Self.archiveSidecarSuffix
        guard Self.isRegularFile(sidecar), let data = FileManager.default.contents(atPath: sidecar) else { return ArchiveClass() }
        var archive = ArchiveClass()
        for raw in data.split(separator: 0x0A) {
            var line = raw
            while let last = line.last, last == 0x0D || last == 0x20 || last == 0x09 { line = line.dropLast() }
            guard let first = line.first, first != UInt8(ascii: "#") else { continue }
            if line.last == UInt8(ascii: "*") {
                archive.prefixes.append(String(decoding: line.dropLast(), as: UTF8.self))
            } else {
                archive.keys.insert(String(decoding: line, as: UTF8.self))
            }
        }
        return archive
    }

    /// Writes the bucket's archive sidecar (control endpoint and tests): `lines` as the file
    /// says them (keys, or prefixes ending in `*`).
    func writeArchiveClass(cloud: CloudType, region: String, bucket: String, lines: [String]) throws(Failure) {
        guard let folder = bucketFolder(cloud: cloud, region: region, bucket: bucket) else { throw .noSuchBucket }
        let sidecar = folder + Self.archiveSidecarSuffix
        if Self.isSymbolicLink(sidecar) { throw .invalidLocation("the archive list is a link") }
        for line in lines where StorageNames.keyProblem(line.hasSuffix("*") ? String(line.dropLast()) : line, allowEmpty: true) != nil {
            throw .invalidLocation("archive entry is not a key or a prefix ending in '*'")
        }
        let text = lines.map { $0 + "\n" }.joined()
        guard (try? Data(text.utf8).write(to: URL(fileURLWithPath: sidecar), options: .atomic)) != nil else {
            throw .invalidLocation("cannot write the archive list")
        }
    }

    /// Writes one of OMS's object lists into a destination bucket: UTF-8 text, one line per
    /// object, through the same checks as every object write.
    func writeList(region: String, bucket: String, key: String, lines: [String], at time: Date) throws(Failure) {
        let text = lines.map { $0 + "\n" }.joined()
        try write(cloud: .huaweiCloud, region: region, bucket: bucket, key: key, data: Data(text.utf8), modified: time)
    }
}
