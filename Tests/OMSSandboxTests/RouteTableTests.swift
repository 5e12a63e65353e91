import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import OMSSandbox

/// The API's route table, method and template, as the reference has it: the routes are
/// registered through shared helpers (`ResourceRoutes`), and a helper that dropped, renamed or
/// re-parented a route would otherwise show only as a 404 in whichever suite calls it.
@Suite struct RouteTableTests {
    /// Collects what is registered instead of building a trie.
    final class Recorder: RouterMethods, @unchecked Sendable {
        typealias Context = BasicRequestContext
        var routes: [String] = []

        @discardableResult func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
        where Responder.Context == Context {
            routes.append("\(method.rawValue) \(path)")
            return self
        }
        @discardableResult func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self { self }
    }

    @Test func everyRouteOnceWithItsMethodAndTemplate() throws {
        let recorder = Recorder()
        try withStore { service in
            SandboxRoutes(service: service, baseURL: { "http://sandbox" }).register(on: recorder)
        }
        let expected = """
            GET /v2/{project_id}/tasks
            POST /v2/{project_id}/tasks
            POST /v2/{project_id}/tasks/batch-update
            GET /v2/{project_id}/tasks/{task_id}
            DELETE /v2/{project_id}/tasks/{task_id}
            POST /v2/{project_id}/tasks/{task_id}/stop
            POST /v2/{project_id}/tasks/{task_id}/start
            PUT /v2/{project_id}/tasks/{task_id}/bandwidth-policy
            GET /v2/{project_id}/taskgroups
            POST /v2/{project_id}/taskgroups
            GET /v2/{project_id}/taskgroups/{group_id}
            DELETE /v2/{project_id}/taskgroups/{group_id}
            PUT /v2/{project_id}/taskgroups/{group_id}/stop
            PUT /v2/{project_id}/taskgroups/{group_id}/start
            PUT /v2/{project_id}/taskgroups/{group_id}/retry
            PUT /v2/{project_id}/taskgroups/{group_id}/update
            POST /v2/{project_id}/sync-tasks
            GET /v2/{project_id}/sync-tasks
            GET /v2/{project_id}/sync-tasks/{sync_task_id}
            DELETE /v2/{project_id}/sync-tasks/{sync_task_id}
            POST /v2/{project_id}/sync-tasks/{sync_task_id}/stop
            POST /v2/{project_id}/sync-tasks/{sync_task_id}/start
            POST /v2/{project_id}/sync-tasks/{sync_task_id}/events
            GET /v2/{project_id}/sync-tasks/{sync_task_id}/statistics
            POST /v2/{project_id}/objectstorage/buckets/objects
            POST /v2/{project_id}/objectstorage/buckets/cdn-info
            POST /v2/{project_id}/objectstorage/buckets
            POST /v2/{project_id}/objectstorage/buckets/regions
            POST /v2/{project_id}/objectstorage/buckets/prefix
            GET /v2/{project_id}/objectstorage/cloud-type
            GET /v2/{project_id}/objectstorage/data-center
            GET /
            GET /v1
            GET /v2
            GET /{version}
            POST /v3/auth/tokens
            GET /v3/projects
            """
        #expect(recorder.routes.sorted() == expected.split(separator: "\n").map(String.init).sorted())
        #expect(Set(recorder.routes).count == recorder.routes.count, "no route is registered twice")
    }

    /// A service over a fresh data directory (the routes only keep it).
    private func withStore(_ body: (SandboxService) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("route-table-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = SandboxConfiguration(dataDirectory: directory)
        configuration.backgroundEngine = false
        try body(SandboxServer(configuration: configuration).service())
    }
}
