import Foundation
import Reconciler
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The stack lock's folder and file are refused when another user could reach into them
/// (issue 21, item 5): nothing is opened through a planted link, nothing written.
@Suite("stack lock")
struct StackLockTests {
    /// A private base under /tmp (0700) whose `locks` folder the test prepares, removed after.
    struct Base {
        let url: URL
        var locks: URL { url.appendingPathComponent("locks", isDirectory: true) }
        init() throws {
            url = URL(fileURLWithPath: "/tmp/oms-plan-locktest-\(UUID().uuidString)", isDirectory: true)
            guard mkdir(url.path, 0o700) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        }
        func remove() { try? FileManager.default.removeItem(at: url) }
    }

    static func refusal(_ directory: URL, owner: uid_t = geteuid()) async -> StackLock.Refused? {
        do {
            _ = try await StackLock.acquire(stack: "media", scope: "scope", directory: directory, timeout: .milliseconds(100), owner: owner)
            return nil
        } catch let refused as StackLock.Refused {
            return refused
        } catch {
            Issue.record("expected a refusal, got \(error)")
            return nil
        }
    }

    @Test func theUserFolderIsFixedWhateverTheEnvironmentSays() {
        #expect(StackLock.userLockDirectory.path == "/tmp/oms-plan-\(geteuid())/locks")
        // The file name is part of the CLI contract (Tests/CLITests computes it).
        #expect(StackLock.name(stack: "quickstart", scope: "a|b") == "quickstart-" + {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in "a|b\u{0}quickstart".utf8 { hash = (hash ^ UInt64(byte)) &* 0x0100_0000_01b3 }
            return String(hash, radix: 16)
        }() + ".lock")
    }

    @Test func aPrivateFolderAndFileAreMadeAndTheLockTaken() async throws {
        let base = try Base()
        defer { base.remove() }
        let lock = try await StackLock.acquire(stack: "media", scope: "scope", directory: base.locks, timeout: .seconds(1))
        var info = stat()
        #expect(lstat(base.locks.path, &info) == 0 && info.st_mode & 0o7777 == 0o700)
        #expect(lstat(lock.path, &info) == 0 && info.st_mode & 0o777 == 0o600 && info.st_mode & S_IFMT == S_IFREG)
        #expect(try String(contentsOfFile: lock.path, encoding: .utf8) == "pid \(getpid())\n")
    }

    @Test func aLinkPlantedAtTheLockPathIsRefusedAndItsTargetUntouched() async throws {
        let base = try Base()
        defer { base.remove() }
        #expect(mkdir(base.locks.path, 0o700) == 0)
        let target = base.url.appendingPathComponent("victim.txt")
        try "precious\n".write(to: target, atomically: false, encoding: .utf8)
        let lockPath = base.locks.appendingPathComponent(StackLock.name(stack: "media", scope: "scope")).path
        #expect(symlink(target.path, lockPath) == 0)
        let refused = try #require(await Self.refusal(base.locks))
        #expect(refused.subject == .lockFile)
        #expect(refused.description.contains("is a symbolic link") && refused.description.contains(lockPath), "\(refused)")
        #expect(try String(contentsOf: target, encoding: .utf8) == "precious\n")
    }

    @Test func aLockFolderOpenToOthersIsRefusedWithWhatToDo() async throws {
        let base = try Base()
        defer { base.remove() }
        #expect(mkdir(base.locks.path, 0o700) == 0 && chmod(base.locks.path, 0o777) == 0)
        let refused = try #require(await Self.refusal(base.locks))
        #expect(refused.description.hasPrefix("the lock folder \(base.locks.path) has mode 0777"), "\(refused)")
        #expect(refused.description.contains("chmod 700") && refused.description.contains("rm -r"), "\(refused)")
        // Nothing was made inside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: base.locks.path).isEmpty)
    }

    /// `/tmp/oms-plan-<uid>` made by someone else with mode 0777: the folder that holds the
    /// locks is refused too, not only the lock folder.
    @Test func aParentFolderOpenToOthersIsRefused() async throws {
        let base = try Base()
        defer { base.remove() }
        #expect(chmod(base.url.path, 0o777) == 0)
        let refused = try #require(await Self.refusal(base.locks))
        #expect(refused.description.hasPrefix("the lock folder \(base.url.path) has mode 0777"), "\(refused)")
    }

    /// A Kubernetes `emptyDir` at /tmp is mode 0777 without the sticky bit: the folders above
    /// the two private ones are used as they are (what is opened is what was checked).
    @Test func aSharedFolderAboveThePrivateOnesIsUsed() async throws {
        let base = try Base()
        defer { base.remove() }
        #expect(chmod(base.url.path, 0o777) == 0)
        let directory = base.url.appendingPathComponent("oms-plan-\(geteuid())/locks", isDirectory: true)
        let lock = try await StackLock.acquire(stack: "media", scope: "scope", directory: directory, timeout: .seconds(1))
        var info = stat()
        #expect(lstat(directory.deletingLastPathComponent().path, &info) == 0 && info.st_mode & 0o7777 == 0o700)
        #expect(lock.path == directory.appendingPathComponent(StackLock.name(stack: "media", scope: "scope")).path)
    }

    @Test func aLockFolderThatIsALinkIsRefused() async throws {
        let base = try Base()
        defer { base.remove() }
        let elsewhere = base.url.appendingPathComponent("elsewhere")
        #expect(mkdir(elsewhere.path, 0o700) == 0)
        #expect(symlink(elsewhere.path, base.locks.path) == 0)
        let refused = try #require(await Self.refusal(base.locks))
        #expect(refused.subject == .lockFolder)
        #expect(refused.description.contains("\(base.locks.path) is a symbolic link"), "\(refused)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    }

    @Test func aLockFolderOfAnotherUserIsRefused() async throws {
        let base = try Base()
        defer { base.remove() }
        #expect(mkdir(base.locks.path, 0o700) == 0)
        // Through the seam: the folder is ours, the run expects another uid.
        let other = geteuid() &+ 4242
        let refused = try #require(await Self.refusal(base.locks, owner: other))
        #expect(refused.description.contains("is owned by uid \(geteuid()), not by uid \(other)"), "\(refused)")
        // For real when the tests run as root, who can give the folder away.
        if geteuid() == 0 {
            #expect(chown(base.locks.path, 4242, 4242) == 0)
            let foreign = try #require(await Self.refusal(base.locks))
            #expect(foreign.description.contains("is owned by uid 4242, not by uid 0"), "\(foreign)")
        }
    }
}
