import Foundation
import OMSClient
import Synchronization

/// A transport that plays a minimal OMS for applier unit tests: every call succeeds with the
/// smallest valid answer unless its route is told to fail, creates hand out new ids, shows say
/// Paused. It records each call as `METHOD /path` and the most calls ever in flight at once.
final class RecordingOMS: HTTPTransport {
    static let projectId = "proj1"

    private struct State {
        var calls: [String] = []
        var inFlight = 0
        var mostInFlight = 0
        var nextTaskId: Int64 = 9001
    }
    private let state = Mutex(State())
    /// Routes (`METHOD /path`) that answer 400 with `failCode`.
    let failing: Set<String>
    let failCode: String
    /// How long each call takes, so that concurrency shows.
    let delay: Duration

    /// What the task list (`GET /v2/proj1/tasks`) answers: these tasks, as JSON objects.
    let listedTasks: [String]

    init(failing: Set<String> = [], failCode: String = "OMS.0001", delay: Duration = .zero, listedTasks: [String] = []) {
        self.listedTasks = listedTasks
        self.failing = failing
        self.failCode = failCode
        self.delay = delay
    }

    var calls: [String] { state.withLock { $0.calls } }
    var mostInFlight: Int { state.withLock { $0.mostInFlight } }

    func client() throws -> OMSClient {
        try OMSClient(
            configuration: OMSClientConfiguration(
                endpoint: "https://oms.example.test", projectId: Self.projectId,
                authentication: .accessKey(.init(accessKey: "AKTEST", secretKey: "FAKE-SECRET-KEY")),
                retry: RetryPolicy(maximumAttempts: 1)),
            transport: self, sleep: { _ in })
    }

    func send(_ request: HTTPRequestData, timeout: Duration) async throws(TransportError) -> HTTPResponseData {
        var path = request.url.replacingOccurrences(of: "https://oms.example.test", with: "")
        if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
        let route = "\(request.method) \(path)"
        state.withLock {
            $0.calls.append(route)
            $0.inFlight += 1
            $0.mostInFlight = max($0.mostInFlight, $0.inFlight)
        }
        if delay > .zero { try? await Task.sleep(for: delay) }
        defer { state.withLock { $0.inFlight -= 1 } }
        if failing.contains(route) {
            return Self.json(400, #"{"error_code":"\#(failCode)","error_msg":"refused by the test"}"#)
        }
        let parts = path.split(separator: "/").map(String.init)  // v2, proj1, tasks|taskgroups, id?, action?
        switch (request.method, parts.dropFirst(2).first, parts.count) {
        case ("GET", "tasks", 3):
            return Self.json(200, #"{"tasks":[\#(listedTasks.joined(separator: ","))],"count":\#(listedTasks.count)}"#)
        case ("GET", "taskgroups", 3):
            return Self.json(200, #"{"taskgroups":[],"count":0}"#)
        case ("POST", "tasks", 3):
            let id = state.withLock { s -> Int64 in
                defer { s.nextTaskId += 1 }
                return s.nextTaskId
            }
            return Self.json(200, #"{"id":\#(id),"name":"task-\#(id)"}"#)
        case ("POST", "taskgroups", 3):
            return Self.json(200, #"{"group_id":"group-new"}"#)
        case ("GET", "tasks", 4):
            return Self.json(200, #"{"id":\#(parts[3]),"status":3}"#)
        case ("GET", "taskgroups", 4):
            return Self.json(200, #"{"group_id":"\#(parts[3])","status":3}"#)
        default:
            return Self.json(200, "{}")
        }
    }

    static func json(_ status: Int, _ body: String) -> HTTPResponseData {
        HTTPResponseData(status: status, headers: [(name: "Content-Type", value: "application/json")], body: Data(body.utf8))
    }
}
