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
        guard let children = Self.children(of: start) else { return ([], false) }
        // Candidates by their key: files as they are, folders with their `/`; links are never followed.
        var candidates: [(name: String, path: String, isFolder: Bool)] = []
        candidates.reserveCapacity(children.count)
        for (name, type) in children {
            let path = start + "/" + name
            switch type {
            case .folder: candidates.append((folder + name + "/", path, true))
            case .file where !Self.isPlaceholder(folder + name): candidates.append((folder + name, path, false))
            default: continue
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

    enum ChildType { case folder, file, other }

    /// A folder's entries with their types, as the directory itself reports them (`d_type`;
    /// `lstat` only where the file system does not say): one read of the folder, no call per
    /// name. Links are `other`: never followed.
    static func children(of folder: String) -> [(name: String, type: ChildType)]? {
        guard let dir = opendir(folder) else { return nil }
        defer { closedir(dir) }
        var out: [(name: String, type: ChildType)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let type: ChildType
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): type = .folder
            case Int32(DT_REG): type = .file
            case Int32(DT_UNKNOWN):
                let path = folder + "/" + name
                type = isDirectory(path, followLinks: false) ? .folder : isRegularFile(path) ? .file : .other
            default: type = .other
            }
            out.append((name, type))
        }
        return out
    }
}
