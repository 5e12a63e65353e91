import Foundation
import Synchronization
import Testing

@testable import OMSClient

/// A transport that answers list pages after a delay and records how many requests were in
/// flight at once.
final class CountingTransport: HTTPTransport {
    let total: Int
    let inFlight = Mutex((now: 0, most: 0, requests: 0))
    let broken: Int?

    init(total: Int, brokenOffset: Int? = nil) {
        self.total = total
        self.broken = brokenOffset
    }

    func send(_ request: HTTPRequestData, timeout: Duration) async throws(TransportError) -> HTTPResponseData {
        inFlight.withLock { $0.now += 1; $0.most = max($0.most, $0.now); $0.requests += 1 }
        try? await Task.sleep(for: .milliseconds(5))
        inFlight.withLock { $0.now -= 1 }
        let offset = Int(request.query["offset"] ?? "0")!
        if offset == broken { return HTTPResponseData.json(200, #"{"count":"#) }
        let ids = (offset..<min(total, offset + 100)).map { #"{"id":\#($0),"name":"t\#($0)"}"# }.joined(separator: ",")
        return HTTPResponseData.json(200, #"{"count":\#(total),"tasks":[\#(ids)]}"#)
    }
}

@Suite struct PageReadingTests {
    func client(_ transport: CountingTransport, concurrency: Int) throws -> OMSClient {
        try OMSClient(
            configuration: OMSClientConfiguration(
                endpoint: "https://oms.cn-north-4.myhuaweicloud.com", projectId: "proj1",
                authentication: .accessKey(.init(accessKey: "AKTEST", secretKey: "SECRET-KEY-123")),
                retry: RetryPolicy(maximumAttempts: 1), pageConcurrency: concurrency),
            transport: transport, sleep: { _ in })
    }

    /// Pages are decoded while later requests go out, yet never more than `pageConcurrency`
    /// requests are in flight, and the tasks come back in order, each once.
    @Test(arguments: [1, 3, 8])
    func inFlightRequestsStayWithinTheLimit(_ concurrency: Int) async throws {
        let transport = CountingTransport(total: 2_050)
        let tasks = try await client(transport, concurrency: concurrency).listAllTasks()
        #expect(tasks.map(\.id) == (0..<Int64(2_050)).map { Optional($0) })
        let seen = transport.inFlight.withLock { $0 }
        #expect(seen.requests == 21)
        #expect(seen.most <= concurrency)
        #expect(seen.now == 0)
    }

    /// A page that does not decode fails the whole read with the operation named.
    @Test func aPageThatDoesNotDecodeFailsTheRead() async throws {
        let transport = CountingTransport(total: 1_000, brokenOffset: 500)
        let error = await #expect(throws: OMSClientError.self) { try await client(transport, concurrency: 4).listAllTasks() }
        #expect(error.map { "\($0)".contains("ListTasks") } == true)
    }
}
