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
/// folder that holds it are oms-plan's own: made with mode 0700 when missing, and when they
/// exist they must be real folders (not links, read with `lstat`), owned by this user, with no
/// permission for group or others. The folders above them only have to be safe: owned by root
/// or by this user, and writable by nobody else unless sticky (as `/tmp` is, where nobody can
/// rename or remove another user's entry).
enum LockFolder {
    typealias Refused = StackLock.Refused

    /// Makes `directory` (and its parent) when missing and checks the whole chain; throws
    /// `Refused` when another user could reach into it. `owner`: the uid the private folders
    /// must belong to (this process's effective uid; a parameter so that tests can check the
    /// refusal of a foreign owner without a second account).
    static func prepare(_ directory: URL, owner: uid_t) throws {
        let path = directory.standardizedFileURL.path
        let components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !components.isEmpty else { throw refused(path, "is the root folder", "choose a lock folder of its own") }
        // Every prefix, from `/a` down to the lock folder itself.
        var chain: [String] = []
        var current = ""
        for component in components {
            current += "/" + component
            chain.append(current)
        }
        let privateFrom = max(0, chain.count - 2)
        for (index, folder) in chain.enumerated() {
            if index >= privateFrom {
                try makePrivate(folder, owner: owner)
            } else {
                try checkAncestor(folder, owner: owner, lockFolder: path)
            }
        }
    }

    /// `mkdir` with 0700 when missing (a folder someone else makes at the same moment is then
    /// checked like any existing one), then the strict check.
    private static func makePrivate(_ folder: String, owner: uid_t) throws {
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            let reason = String(cString: strerror(errno))
            throw refused(folder, "could not be created (\(reason))", "check the permissions of the folder that holds it")
        }
        var info = stat()
        guard lstat(folder, &info) == 0 else {
            throw refused(folder, "could not be read (\(String(cString: strerror(errno))))", "remove it, or check its permissions")
        }
        let mode = info.st_mode & S_IFMT
        if mode == S_IFLNK {
            throw refused(folder, "is a symbolic link, not a folder", remove(folder, "a link someone else may control"))
        }
        guard mode == S_IFDIR else { throw refused(folder, "is not a folder", remove(folder, "whatever it is")) }
        if info.st_uid != owner {
            throw refused(folder, "is owned by uid \(info.st_uid), not by uid \(owner) who runs oms-plan", "it belongs to another user, who could plant links in it or hold your locks for ever: "
                    + "have it removed (`rm -r \(folder)`, as its owner or root) and run again; oms-plan then makes its own")
        }
        let permissions = info.st_mode & 0o7777
        if permissions & 0o077 != 0 {
            throw refused(
                folder, "has mode \(octal(permissions)), which lets other users in",
                "run `chmod 700 \(folder)` if only you ever used it, or remove it (`rm -r \(folder)`) and run again")
        }
    }

    /// A folder above the private ones: owned by root or by us, and writable by nobody else
    /// unless sticky. A link there is followed once its own owner is checked.
    private static func checkAncestor(_ folder: String, owner: uid_t, lockFolder: String) throws {
        var info = stat()
        guard lstat(folder, &info) == 0 else {
            throw refused(folder, "could not be read (\(String(cString: strerror(errno))))", "check the lock folder's path \(lockFolder)", what: .folderAbove)
        }
        if info.st_mode & S_IFMT == S_IFLNK {
            guard info.st_uid == 0 || info.st_uid == owner else {
                throw refused(folder, "is a symbolic link owned by uid \(info.st_uid)", "keep the lock folder \(lockFolder) out of other users' folders", what: .folderAbove)
            }
            guard stat(folder, &info) == 0 else {
                throw refused(folder, "is a link that leads nowhere (\(String(cString: strerror(errno))))", "check the lock folder's path \(lockFolder)", what: .folderAbove)
            }
        }
        guard info.st_uid == 0 || info.st_uid == owner else {
            throw refused(folder, "is owned by uid \(info.st_uid)", "keep the lock folder \(lockFolder) out of other users' folders", what: .folderAbove)
        }
        let sticky = info.st_mode & S_ISVTX != 0
        if info.st_mode & 0o022 != 0 && !sticky {
            throw refused(
                folder, "has mode \(octal(info.st_mode & 0o7777)): other users could replace the lock folder \(lockFolder) inside it",
                "remove their write permission (`chmod go-w \(folder)`)", what: .folderAbove)
        }
    }

    /// After `open`: the lock file must be a regular file of ours with one name (no link to
    /// another file, hard or symbolic, planted before the folder was private).
    static func checkLockFile(_ descriptor: Int32, path: String, owner: uid_t) throws {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw refused(path, "could not be read (\(String(cString: strerror(errno))))", remove(path, "the lock file"), what: .lockFile)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw refused(path, "is not a regular file", remove(path, "whatever it is"), what: .lockFile)
        }
        guard info.st_uid == owner else {
            throw refused(path, "is owned by uid \(info.st_uid), not by uid \(owner)", remove(path, "a file of another user"), what: .lockFile)
        }
        guard info.st_nlink == 1 else {
            throw refused(path, "has \(info.st_nlink) names (a hard link)", remove(path, "a link to some other file"), what: .lockFile)
        }
    }

    static func refused(_ path: String, _ problem: String, _ remedy: String, what: Refused.Subject = .lockFolder) -> Refused {
        Refused(subject: what, path: path, problem: problem, remedy: remedy)
    }

    private static func remove(_ path: String, _ what: String) -> String {
        "it is \(what); remove it (`rm -r \(path)`) and run again, or find out who made it"
    }

    private static func octal(_ mode: mode_t) -> String { "0" + String(mode, radix: 8) }
}
