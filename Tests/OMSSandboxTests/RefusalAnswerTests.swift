import AsyncHTTPClient
import Foundation
import Testing
import Hummingbird
import HummingbirdTesting
import NIOCore
import OMSClient

@testable import OMSSandbox

/// Routes throw their refusals; `SandboxError` is Hummingbird's `HTTPResponseError` and answers
/// with OMS's status and JSON, and the middleware gives that answer its request id.
@Suite struct RefusalAnswerTests {
    /// The members of a JSON object of strings (JSONEncoder writes them in no fixed order).
    static func fields(_ body: ByteBuffer) -> [String: String]? {
        try? JSONDecoder().decode([String: String].self, from: Data(body.readableBytesView))
    }

    /// A refusal thrown by any handler is answered as OMS answers it.
    @Test func aThrownRefusalIsOMSsAnswer() async throws {
        let router = Router()
        router.get("refuse") { _, _ -> Response in throw SandboxError.noSuchGroup() }
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/refuse", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/json;charset=UTF-8")
                #expect(Self.fields(response.body) == ["error_code": "OMS.1009", "error_msg": "No such migration task group."])
            }
        }
    }

    /// Through the sandbox: refusals of the service, of a route and of the store's lookups all
    /// carry the request id and OMS's body.
    @Test func refusalsThroughTheSandboxCarryTheRequestId() async throws {
        try await withSandbox { sandbox in
            var login = HTTPClientRequest(url: sandbox.endpoint + "/v3/auth/tokens")
            login.method = .POST
            login.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(
                IAMTokenRequest(userName: "alice", password: "alice-password", domainName: "any", projectId: nil, projectName: nil))))
            let token = try await HTTPClient.shared.execute(login, timeout: .seconds(10)).headers.first(name: "X-Subject-Token") ?? ""
            #expect(!token.isEmpty)
            let project = sandbox.server.configuration.projectId
            let cases: [(path: String, status: Int, body: [String: String])] = [
                ("/v2/\(project)/tasks/123", 400, ["error_code": "OMS.1009", "error_msg": "No such migration task."]),
                ("/v2/\(project)/tasks/abc", 400, ["error_code": "OMS.0054", "error_msg": "The task id must be a number."]),
                ("/v2/\(project)/taskgroups/none", 404, ["error_code": "OMS.1009", "error_msg": "No such migration task group."]),
                ("/v2/\(project)/sync-tasks/none", 400, ["error_code": "OMS.1009", "error_msg": "No such synchronization task."]),
                ("/v9", 404, ["error_code": "OMS.1009", "error_msg": "No such API version."]),
            ]
            for (path, status, body) in cases {
                var request = HTTPClientRequest(url: sandbox.endpoint + path)
                request.headers.add(name: "X-Auth-Token", value: token)
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                let bytes = try await response.body.collect(upTo: 1 << 16)
                #expect(Int(response.status.code) == status, "\(path)")
                #expect(Self.fields(bytes) == body, "\(path): \(String(buffer: bytes))")
                #expect(response.headers.first(name: "Content-Type") == "application/json;charset=UTF-8", "\(path)")
                let requestId = response.headers.first(name: "X-Request-Id") ?? ""
                #expect(requestId.count == 32 && requestId.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }, "\(path): \(requestId)")
            }
        }
    }
}
