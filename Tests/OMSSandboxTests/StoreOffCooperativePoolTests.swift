import Dispatch
import Foundation
import Testing
import Synchronization

@testable import OMSSandbox

/// The routes run on Swift's cooperative pool, one thread per core. A synchronous GRDB read
/// blocks its thread while it waits for a reader connection: with every reader busy, a few
/// requests took every thread of the pool, and nothing else of the process (another request,
/// the engine, the task that would have let a reader go) could run until a reader came free.
@Suite struct StoreOffCooperativePoolTests {
    /// Holds reader connections from plain threads until released, and records who released
    /// them: the test, from the cooperative pool, or a watchdog thread when the pool is stuck.
    final class ReaderGate: Sendable {
        let readers: Int
        private let gate = DispatchSemaphore(value: 0)
        private let releasedSignal = DispatchSemaphore(value: 0)
        private let held = Mutex(0)
        private let releaser = Mutex<String?>(nil)

        init(readers: Int) { self.readers = readers }

        var holding: Int { held.withLock { $0 } }
        var releasedBy: String? { releaser.withLock { $0 } }

        /// Inside a read: counts itself, then waits for the release.
        func hold() {
            held.withLock { $0 += 1 }
            gate.wait()
        }

        /// Lets every held reader go, once; returns whether this call did.
        @discardableResult func release(by who: String) -> Bool {
            let first = releaser.withLock { releaser in
                guard releaser == nil else { return false }
                releaser = who
                return true
            }
            guard first else { return false }
            for _ in 0..<readers { gate.signal() }
            releasedSignal.signal()
            return true
        }

        /// On a plain thread: releases the readers itself when nobody did within `seconds`.
        func watch(seconds: Int) {
            if releasedSignal.wait(timeout: .now() + .seconds(seconds)) == .timedOut { release(by: "watchdog") }
        }
    }

    @Test func readsWaitingForAReaderLeaveTheCooperativePoolFree() async throws {
        try await withSandbox { sandbox in
            let store = sandbox.server.store
            let service = sandbox.server.service()
            // SandboxStore's maximumReaderCount: every reader connection is taken.
            let gate = ReaderGate(readers: 8)
            for _ in 0..<gate.readers {
                Thread { try? store.pool.read { _ in gate.hold() } }.start()
            }
            while gate.holding < gate.readers { try await Task.sleep(for: .milliseconds(10)) }
            Thread { gate.watch(seconds: 10) }.start()
            // More requests than the pool has threads, each waiting for a reader.
            let callers = ProcessInfo.processInfo.activeProcessorCount + 2
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<callers {
                    group.addTask {
                        _ = try await service.listTasks(limit: nil, offset: nil, status: nil, groupId: nil)
                        _ = try await service.listSyncTasks(limit: nil, offset: nil, status: nil)
                    }
                }
                // This task needs a thread of the pool to wake up on.
                try await Task.sleep(for: .milliseconds(300))
                gate.release(by: "test")
                try await group.waitForAll()
            }
            #expect(gate.releasedBy == "test", "the requests waiting for a reader held every thread of the cooperative pool")
        }
    }
}
