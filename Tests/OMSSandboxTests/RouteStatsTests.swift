import Foundation
import HTTPTypes
import Testing

@testable import OMSClient
@testable import OMSSandbox

/// `/control/stats` counts requests by route template, only once authenticated, with a cap on
/// its keys (issue 21: unique unauthenticated paths made it grow without bound).
@Suite(.serialized) struct RouteStatsTests {
    @Test func namesAreMethodAndTemplateOrUnmatched() {
        #expect(SandboxStats.routeName(method: .get, template: "/v2/{project_id}/tasks/{task_id}") == "GET /v2/{project_id}/tasks/{task_id}")
        #expect(SandboxStats.routeName(method: .put, template: "/v2/{project_id}/taskgroups/{group_id}/stop")
            == "PUT /v2/{project_id}/taskgroups/{group_id}/stop")
        #expect(SandboxStats.routeName(method: .post, template: nil) == SandboxStats.unmatched)
    }

    @Test func distinctKeysAreCapped() {
        let stats = SandboxStats()
        for n in 0..<1000 { stats.record("GET /route-\(n)") }
        let snapshot = stats.snapshot
        #expect(snapshot.count <= SandboxStats.maximumKeys)
        #expect(snapshot.values.reduce(0, +) == 1000)
        #expect(snapshot[SandboxStats.otherRoutes] == 1000 - (SandboxStats.maximumKeys - 1))
        stats.record("GET /route-0")
        #expect(stats.snapshot["GET /route-0"] == 2, "a key already counted keeps counting past the cap")
    }

    @Test func servedRequestsAreCountedByTemplateAfterAuthentication() async throws {
        try await withSandbox { sandbox in
            let client = sandbox.client
            let transport = AsyncHTTPClientTransport()
            func send(_ path: String, signed: Bool) async throws -> Int {
                var request = try await client.prepare(OMSClient.Call(operation: "Get", method: "GET", path: path))
                if !signed { request.headers.removeAll { $0.name.lowercased() == "authorization" } }
                return try await transport.send(request, timeout: .seconds(10)).status
            }
            let marker = "zq\(UUID().uuidString.prefix(8))"
            for n in 0..<5 {
                #expect(try await send(client.projectPath("/tasks/\(marker)-\(n)"), signed: true) != 401)
                #expect(try await send(client.projectPath("/\(marker)-nothing-\(n)"), signed: true) == 404)
                #expect(try await send(client.projectPath("/tasks/\(marker)-unsigned-\(n)"), signed: false) == 401)
                #expect(try await send("/\(marker)-unsigned-\(n)", signed: false) == 401)
            }
            _ = try await client.listTasks()
            let snapshot = sandbox.server.stats.snapshot
            #expect(snapshot["GET /v2/{project_id}/tasks/{task_id}"] == 5)
            #expect(snapshot["GET /v2/{project_id}/tasks"] == 1)
            #expect(snapshot[SandboxStats.unmatched] == 5)
            #expect(snapshot[SandboxStats.unauthenticated] == 10)
            #expect(!snapshot.keys.contains { $0.contains(marker) }, "no key names a path as sent: \(snapshot.keys.sorted())")
            #expect(snapshot.count == 4, "\(snapshot)")
        }
    }
}
