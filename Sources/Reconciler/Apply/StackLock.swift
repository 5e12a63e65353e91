import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock per OMS project and stack on this machine (`flock`), so two applies or
/// reconciles of one user never interleave, whichever folder they were started from: the lock
/// lives in one fixed per-user folder and is named by the OMS it changes, the project and the
/// stack. The kernel drops it when the process dies, even by SIGKILL, so a crashed run never
/// leaves a stale lock behind.
///
/// The lock is a convenience, not what keeps OMS free of duplicates: runs of other users, other
/// containers or other machines never see it, and the applier converges on one resource per
/// address without it (see `Applier.removeTwins`).
public final class StackLock: Sendable {
    /// `/tmp/oms-plan-<euid>/locks`: one fixed folder per user, whatever `XDG_RUNTIME_DIR` or
    /// `TMPDIR` say, so that every run of the user finds the same lock (two runs that looked in
    /// two folders did not exclude each other). Made private (0700) and checked before use
    /// (`LockFolder`).
    public static var userLockDirectory: URL {
        URL(fileURLWithPath: "/tmp/oms-plan-\(geteuid())/locks", isDirectory: true)
    }

    /// The lock's file name: the stack, and a digest of where its resources live (the OMS
    /// endpoint, or the sandbox's data folder, and the project), so that the same stack in
    /// another project or OMS is another lock.
    public static func name(stack: String, scope: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: stable across runs and versions
        for byte in (scope + "\u{0}" + stack).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0100_0000_01b3
        }
        return "\(stack)-\(String(hash, radix: 16)).lock"
    }

    private let descriptor: Int32
    public let path: String

    /// Another run held the lock for all of `waited`. Data, not advice: what to do about it
    /// (and which flag waits longer) is for the caller to say; the CLI says it.
    public struct Busy: Error, CustomStringConvertible {
        /// The lock file.
        public var path: String
        /// The process holding it, as the holder wrote in the lock file (nil before it wrote).
        public var holder: Int32?
        /// How long this run waited before it gave up.
        public var waited: Duration

        public init(path: String, holder: Int32?, waited: Duration) {
            self.path = path
            self.holder = holder
            self.waited = waited
        }

        public var description: String {
            "another oms-plan run\(holder.map { " (pid \($0))" } ?? "") holds the lock \(path) (waited \(waited))"
        }
    }

    /// A lock folder or lock file another user could reach into: nothing is opened or written.
    public struct Refused: Error, CustomStringConvertible {
        public enum Subject: Sendable { case lockFolder, folderAbove, lockFile }
        public var subject: Subject
        public var path: String
        /// What is wrong (`has mode 0777, which lets other users in`).
        public var problem: String
        /// What to do about it.
        public var remedy: String
        public var description: String {
            let noun = switch subject {
            case .lockFolder: "the lock folder"
            case .folderAbove: "the folder"
            case .lockFile: "the lock file"
            }
            return "\(noun) \(path) \(problem): \(remedy)"
        }
    }

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Takes the lock, waiting up to `timeout` for another holder to let go. `owner`: the uid
    /// the folder and file must belong to (this process's; a parameter for tests).
    public static func acquire(
        stack: String, scope: String = "", directory: URL, timeout: Duration, owner: uid_t = geteuid()
    ) async throws -> StackLock {
        let folder = try LockFolder.openFolder(directory, owner: owner)
        defer { close(folder) }
        let fileName = name(stack: stack, scope: scope)
        let path = directory.standardizedFileURL.appendingPathComponent(fileName).path
        // In the folder just checked (not whatever its path names now). O_NOFOLLOW: a link
        // planted at this predictable path is refused (ELOOP), never followed to a file the
        // link's maker chose; O_CLOEXEC: no child process inherits the lock.
        let fd = openat(folder, fileName, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP {
                throw LockFolder.refused(
                    path, "is a symbolic link", "remove it (`rm \(path)`) and run again; nothing was written through it", what: .lockFile)
            }
            throw LockFolder.refused(
                path, "could not be opened (\(LockFolder.reason(code)))", "check the lock folder \(directory.path)", what: .lockFile)
        }
        do {
            try LockFolder.checkLockFile(fd, path: path, owner: owner)
        } catch {
            close(fd)
            throw error
        }
        let start = ContinuousClock.now
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if ContinuousClock.now - start >= timeout {
                let holder = holderPID(fd)
                close(fd)
                throw Busy(path: path, holder: holder, waited: timeout)
            }
            do {
                try await Task.sleep(for: .milliseconds(200))
            } catch {
                close(fd)
                throw error
            }
        }
        let note = "pid \(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { write(fd, $0, strlen($0)) }
        return StackLock(descriptor: fd, path: path)
    }

    /// The pid the holder wrote (`pid 123`), read without the lock: a run that has just taken
    /// it may not have written yet, and then there is none.
    private static func holderPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        guard text.hasPrefix("pid "), let line = text.dropFirst(4).split(separator: "\n").first else { return nil }
        return Int32(line).flatMap { $0 > 0 ? $0 : nil }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
