import Foundation
import OMSModels

extension LocalBuckets {
    /// One entry directly inside a folder of a bucket: an object, or a sub-folder that holds at
    /// least one object somewhere below it.
    struct FolderEntry: Sendable, Hashable {
        /// The object's key, or the sub-folder's key prefix ending in `/`.
        var name: String
        /// nil for a sub-folder.
        var size: Int64?
    }

    /// A page of the entries directly inside `folder` (a key prefix ending in `/`, or empty
    /// for the bucket's top), in key order, after `marker`: at most `limit` of them, and
    /// whether more follow. Only the folder's own names are read and sorted; a sub-folder is
    /// looked into (until its first object) only when it falls on the page, so a page of a
    /// folder with 10,000 sub-folders reads about `limit` of them, not every file below.
    /// The same entries as `list(prefix: folder)` cut at each key's next `/` gives.
    func folderPage(cloud: CloudType, region: String, bucket: String, folder: String, after marker: String, limit: Int)
        -> (entries: [FolderEntry], more: Bool)
    {
        guard let base = bucketFolder(cloud: cloud, region: region, bucket: bucket),
            StorageNames.keyProblem(folder, allowEmpty: true) == nil
        else { return ([], false) }
        var start = base
        if !folder.isEmpty {
            let path = base + "/" + String(decoding: folder.utf8.dropLast(), as: UTF8.self)
            guard Self.isDirectory(path, followLinks: false), let real = Self.realPath(path), Self.path(real, isInside: base) else {
                return ([], false)
            }
            start = real
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: start) else { return ([], false) }
        // Candidates by their key: files as they are, folders with their `/`; links are never followed.
        var candidates: [(name: String, path: String, isFolder: Bool)] = []
        for name in names {
            let path = start + "/" + name
            if Self.isSymbolicLink(path) { continue }
            if Self.isDirectory(path, followLinks: false) {
                candidates.append((folder + name + "/", path, true))
            } else if Self.isRegularFile(path), !Self.isPlaceholder(folder + name) {
                candidates.append((folder + name, path, false))
            }
        }
        candidates.sort { $0.name < $1.name }
        var entries: [FolderEntry] = []
        for candidate in candidates where marker.isEmpty || candidate.name > marker {
            if candidate.isFolder {
                guard Self.holdsObject(candidate.path, base: base) else { continue }
                if entries.count == limit { return (entries, true) }
                entries.append(FolderEntry(name: candidate.name, size: nil))
            } else {
                if entries.count == limit { return (entries, true) }
                let size = (try? FileManager.default.attributesOfItem(atPath: candidate.path)[.size] as? NSNumber)?.int64Value ?? 0
                entries.append(FolderEntry(name: candidate.name, size: size))
            }
        }
        return (entries, false)
    }

    /// Whether any object (a regular file that is not a placeholder, reached without links)
    /// lies below `folder`; stops at the first.
    static func holdsObject(_ folder: String, base: String) -> Bool {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return false }
        while let relative = enumerator.nextObject() as? String {
            let path = folder + "/" + relative
            if isSymbolicLink(path) {
                enumerator.skipDescendants()
                continue
            }
            guard isRegularFile(path), Self.path(path, isInside: base) else { continue }
            if !isPlaceholder(String(path.dropFirst(base.count + 1))) { return true }
        }
        return false
    }
}
