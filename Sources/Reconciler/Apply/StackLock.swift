import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock per stack and machine (`flock` on `.oms-plan/locks/<stack>.lock`), so two
/// applies or reconciles never interleave. The kernel drops it when the process dies, even by
/// SIGKILL, so a crashed run never leaves a stale lock behind.
public final class StackLock: Sendable {
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
    public static func acquire(stack: String, directory: URL, timeout: Duration) async throws -> StackLock {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("\(stack).lock").path
        let fd = open(path, O_CREAT | O_RDWR, 0o644)
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
