import Foundation
import OMSClient
import Testing

@testable import OMSSandbox

/// Two sandboxes on one data directory (as a `serve` and a CLI run would be) share its SQLite
/// state without losing or duplicating anything.
@Suite struct SharedDataDirectoryTests {
    @Test func twoServersOnOneDirectoryKeepEveryTaskOnce() async throws {
        let first = try await SandboxHarness.start()
        let second = try await SandboxHarness.start(directory: first.directory)
        try first.seed(.aliyun, "cn-hangzhou", "src", objects: 1)
        try first.seed(.huaweiCloud, "cn-north-4", "dst", objects: 0)
        let clients = [first.client, second.client]
        let ids = try await withThrowingTaskGroup(of: Int64?.self) { group in
            for index in 0..<40 {
                let client = clients[index % 2]
                group.addTask { try await client.createTask(SandboxHarness.prefixTask()).id }
            }
            return try await group.reduce(into: [Int64]()) { if let id = $1 { $0.append(id) } }
        }
        #expect(ids.count == 40)
        #expect(Set(ids).count == 40)
        #expect(try await first.client.listAllTasks().count == 40)
        #expect(try await second.client.listAllTasks().count == 40)
        // A state change made through one server is what the other reports.
        try await first.client.stopTask(id: ids[0])
        #expect(try await second.client.showTask(id: ids[0]).status == .pausing)
        await first.stop()
        await second.stop()
    }
}
