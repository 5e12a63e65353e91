import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock per OMS project and stack on this machine (`flock`), so two applies or
/// reconciles never interleave, whichever folder they were started from: the lock lives in a
/// per-user runtime folder and is named by the OMS it changes, the project and the stack. The
/// kernel drops it when the process dies, even by SIGKILL, so a crashed run never leaves a
/// stale lock behind.
public final class StackLock: Sendable {
    /// `$XDG_RUNTIME_DIR/oms-plan/locks`, or a private folder of this user under the
    /// temporary directory: shared by every working directory of the user.
    public static var userLockDirectory: URL {
        if let runtime = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return URL(fileURLWithPath: runtime).appendingPathComponent("oms-plan/locks", isDirectory: true)
        }
        return URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("oms-plan-\(getuid())/locks", isDirectory: true)
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

    public struct Busy: Error, CustomStringConvertible {
        public var path: String
        public var waited: Duration
        public var description: String {
            "another oms-plan run holds the lock \(path) (waited \(waited)); wait for it to finish, or raise --lock-timeout"
        }
    }

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Takes the lock, waiting up to `timeout` for another holder to let go.
    public static func acquire(stack: String, scope: String = "", directory: URL, timeout: Duration) async throws -> StackLock {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = directory.appendingPathComponent(name(stack: stack, scope: scope)).path
        let fd = open(path, O_CREAT | O_RDWR, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        let start = ContinuousClock.now
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if ContinuousClock.now - start >= timeout {
                close(fd)
                throw Busy(path: path, waited: timeout)
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let note = "pid \(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { write(fd, $0, strlen($0)) }
        return StackLock(descriptor: fd, path: path)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
