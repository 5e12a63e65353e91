import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The folder stack locks live in, made private and checked before any lock is opened in it.
///
/// Its path is predictable (`/tmp/oms-plan-<euid>/locks`), so another user of the machine can
/// create it first: with mode 0777 they could plant a link where a lock file goes (and have
/// `apply` write over the link's target) or hold a lock for ever. So the lock folder and the
/// folder that holds it are oms-plan's own: made with mode 0700 when missing; when they exist
/// they must be real folders (not links: read with `lstat`), owned by this user, with no
/// permission for group or others.
///
/// Each level is then opened (`O_NOFOLLOW | O_DIRECTORY`) and checked again on the open
/// descriptor (the same inode as the `lstat`, still ours, still private), and the next level
/// and the lock file are opened relative to it (`openat`). What is used is what was checked:
/// a folder swapped for another between the check and the open (possible where `/tmp` is not
/// sticky, as in a Kubernetes `emptyDir`) is refused, not followed.
enum LockFolder {
    typealias Refused = StackLock.Refused

    /// Makes and checks the lock folder and its parent; returns an open descriptor of the lock
    /// folder (the caller closes it). `owner`: the uid both must belong to (this process's
    /// effective uid; a parameter so that tests can check the refusal of a foreign owner
    /// without a second account). The folders above the two are used as the system has them.
    static func openFolder(_ directory: URL, owner: uid_t) throws -> Int32 {
        let lockFolder = directory.standardizedFileURL
        let parent = lockFolder.deletingLastPathComponent()
        let above = parent.deletingLastPathComponent()
        guard lockFolder.pathComponents.count >= 3 else {
            throw refused(lockFolder.path, "is too close to the root folder", "choose a lock folder two levels below another folder")
        }
        if !FileManager.default.fileExists(atPath: above.path) {
            try FileManager.default.createDirectory(at: above, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        var descriptor = open(above.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw refused(above.path, "could not be opened (\(reason(errno)))", "check that it exists and that you may enter it", what: .folderAbove)
        }
        for level in [parent, lockFolder] {
            do {
                let next = try openPrivate(level, in: descriptor, owner: owner)
                close(descriptor)
                descriptor = next
            } catch {
                close(descriptor)
                throw error
            }
        }
        return descriptor
    }

    /// One private level inside the open folder `holder`: `mkdirat` with 0700 when missing (one
    /// made by someone else at the same moment is then checked like any existing one), `lstat`,
    /// open without following links, `fstat`.
    private static func openPrivate(_ folder: URL, in holder: Int32, owner: uid_t) throws -> Int32 {
        let name = folder.lastPathComponent
        let path = folder.path
        if mkdirat(holder, name, 0o700) != 0 && errno != EEXIST {
            throw refused(path, "could not be created (\(reason(errno)))", "check the permissions of the folder that holds it")
        }
        var seen = stat()
        guard fstatat(holder, name, &seen, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw refused(path, "could not be read (\(reason(errno)))", "remove it (`rm -r \(path)`) and run again")
        }
        try check(seen, path: path, owner: owner)
        let descriptor = openat(holder, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw refused(path, "changed while it was checked (\(reason(errno)))", "find out who else uses it; run again")
        }
        var opened = stat()
        do {
            guard fstat(descriptor, &opened) == 0 else {
                throw refused(path, "could not be read (\(reason(errno)))", "remove it (`rm -r \(path)`) and run again")
            }
            guard opened.st_dev == seen.st_dev && opened.st_ino == seen.st_ino else {
                throw refused(path, "was replaced while it was checked", "find out who else uses it; run again")
            }
            try check(opened, path: path, owner: owner)
        } catch {
            close(descriptor)
            throw error
        }
        return descriptor
    }

    /// A real folder, this user's, with no permission bits for group or others.
    private static func check(_ info: stat, path: String, owner: uid_t) throws {
        let type = info.st_mode & S_IFMT
        if type == S_IFLNK {
            throw refused(path, "is a symbolic link, not a folder", "remove the link (`rm \(path)`) and run again; oms-plan then makes its own folder")
        }
        guard type == S_IFDIR else {
            throw refused(path, "is not a folder", "remove it (`rm \(path)`) and run again; oms-plan then makes its own folder")
        }
        guard info.st_uid == owner else {
            throw refused(
                path, "is owned by uid \(info.st_uid), not by uid \(owner) who runs oms-plan",
                "another user could plant links in it or hold your locks for ever; have it removed (`rm -r \(path)`, as its owner or root) and run again, oms-plan then makes its own")
        }
        let permissions = info.st_mode & 0o7777
        if permissions & 0o077 != 0 {
            throw refused(
                path, "has mode \(octal(permissions)), which lets other users in",
                "run `chmod 700 \(path)` if only you ever used it, or remove it (`rm -r \(path)`) and run again")
        }
    }

    /// After `openat`: the lock file must be a regular file of ours with one name (no link to
    /// another file, hard or symbolic, planted before the folder was private).
    static func checkLockFile(_ descriptor: Int32, path: String, owner: uid_t) throws {
        var info = stat()
        let remove = "remove it (`rm \(path)`) and run again"
        guard fstat(descriptor, &info) == 0 else { throw refused(path, "could not be read (\(reason(errno)))", remove, what: .lockFile) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw refused(path, "is not a regular file", remove, what: .lockFile) }
        guard info.st_uid == owner else { throw refused(path, "is owned by uid \(info.st_uid), not by uid \(owner)", remove, what: .lockFile) }
        guard info.st_nlink == 1 else { throw refused(path, "has \(info.st_nlink) names (a hard link)", remove, what: .lockFile) }
    }

    static func refused(_ path: String, _ problem: String, _ remedy: String, what: Refused.Subject = .lockFolder) -> Refused {
        Refused(subject: what, path: path, problem: problem, remedy: remedy)
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    private static func octal(_ mode: mode_t) -> String { "0" + String(mode, radix: 8) }
}
