import Foundation
import Reconciler
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A busy lock is reported as data (which lock, which process holds it, how long this run
/// waited); the library names no command-line flag, the CLI words the remedy (`ErrorText`).
@Suite struct StackLockBusyTests {
    @Test func aBusyLockSaysWhoHoldsItAndNamesNoFlag() async throws {
        let folder = URL(fileURLWithPath: "/tmp/oms-plan-busytest-\(UUID().uuidString)", isDirectory: true)
        #expect(mkdir(folder.path, 0o700) == 0)
        defer { try? FileManager.default.removeItem(at: folder) }
        let locks = folder.appendingPathComponent("locks", isDirectory: true)
        let held = try await StackLock.acquire(stack: "media", scope: "scope", directory: locks, timeout: .seconds(1))
        defer { withExtendedLifetime(held) {} }
        do {
            // flock excludes another open of the same file, even in this process.
            _ = try await StackLock.acquire(stack: "media", scope: "scope", directory: locks, timeout: .milliseconds(300))
            Issue.record("the second acquire should have found the lock busy")
        } catch let busy as StackLock.Busy {
            #expect(busy.path == held.path)
            #expect(busy.holder == getpid())
            #expect(busy.waited == .milliseconds(300))
            #expect(!busy.description.contains("--"), "\(busy)")
            #expect(busy.description.contains(held.path) && busy.description.contains("pid \(getpid())"), "\(busy)")
        }
    }
}
