import Foundation
import Synchronization

@testable import OMSClient

/// A transport that answers from a script and records what it was sent.
final class ScriptedTransport: HTTPTransport {
    typealias Handler = @Sendable (HTTPRequestData, Int) throws(TransportError) -> HTTPResponseData
    private let handler: Handler
    private let log = Mutex<[HTTPRequestData]>([])

    init(_ handler: @escaping Handler) { self.handler = handler }

    var requests: [HTTPRequestData] { log.withLock { $0 } }

    func send(_ request: HTTPRequestData, timeout: Duration) async throws(TransportError) -> HTTPResponseData {
        let index = log.withLock { log in
            log.append(request)
            return log.count - 1
        }
        return try handler(request, index)
    }

}

extension HTTPResponseData {
    static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> HTTPResponseData {
        HTTPResponseData(
            status: status, headers: [(name: "X-Request-Id", value: "req-\(status)")] + headers.map { (name: $0.0, value: $0.1) },
            body: Data(body.utf8))
    }
}

extension HTTPRequestData {
    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
    var query: [String: String] {
        guard let q = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return [:] }
        return Dictionary(RequestSigner.parseQuery(q), uniquingKeysWith: { a, _ in a })
    }
}

func makeClient(
    _ transport: ScriptedTransport, authentication: Authentication = .accessKey(.init(accessKey: "AKTEST", secretKey: "SECRET-KEY-123")),
    attempts: Int = 4
) throws -> OMSClient {
    try OMSClient(
        configuration: OMSClientConfiguration(
            endpoint: "https://oms.cn-north-4.myhuaweicloud.com", projectId: "proj1", authentication: authentication,
            retry: RetryPolicy(maximumAttempts: attempts)),
        transport: transport, sleep: { _ in })
}
