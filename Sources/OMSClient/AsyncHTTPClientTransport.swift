import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The production transport: one shared AsyncHTTPClient with a connection pool, so that
/// concurrent page fetches reuse keep-alive connections.
public final class AsyncHTTPClientTransport: HTTPTransport {
    private let client: HTTPClient
    private let ownsClient: Bool
    /// Larger answers are refused rather than buffered (a 100-task page is ~300 KB).
    private let maximumBodyBytes = 64 * 1024 * 1024

    /// Uses one client shared by the process unless a client is given.
    public init(client: HTTPClient? = nil) {
        self.client = client ?? Self.shared
        self.ownsClient = false
    }

    /// A transport with its own connection pool of at most `maximumConnectionsPerHost` per host.
    public init(maximumConnectionsPerHost: Int) {
        self.client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: Self.configuration(maximumConnectionsPerHost: maximumConnectionsPerHost))
        self.ownsClient = true
    }

    /// The process's client (never shut down, like `HTTPClient.shared`).
    static let shared = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration(maximumConnectionsPerHost: 8))

    /// A refused or unreachable endpoint is an error at once, not a connection the pool keeps
    /// trying until the request's deadline: the client's own retries (bounded in attempts and
    /// in total time) decide what happens next.
    static func configuration(maximumConnectionsPerHost: Int) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = maximumConnectionsPerHost
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        configuration.decompression = .enabled(limit: .ratio(20))
        return configuration
    }

    deinit {
        if ownsClient { try? client.syncShutdown() }
    }

    public func send(_ request: HTTPRequestData, timeout: Duration) async throws(TransportError) -> HTTPResponseData {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let amount = TimeAmount.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
            + timeout.components.attoseconds / 1_000_000_000)
        do {
            let response = try await client.execute(outgoing, timeout: amount)
            let buffer = try await response.body.collect(upTo: maximumBodyBytes)
            let headers = response.headers.map { (name: $0.name, value: $0.value) }
            return HTTPResponseData(status: Int(response.status.code), headers: headers, body: Data(buffer.readableBytesView))
        } catch {
            throw Self.classify(error)
        }
    }

    /// Sorts AsyncHTTPClient's and NIO's errors into "never sent", "answer lost" and "timed out".
    static func classify(_ error: any Error) -> TransportError {
        if let error = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .writeTimeout].contains(error) { return .timedOut }
            if [.connectTimeout, .invalidURL, .emptyHost, .socksHandshakeTimeout, .httpProxyHandshakeTimeout,
                .tlsHandshakeTimeout].contains(error)
            {
                return .notSent(String(describing: error))
            }
            return .answerLost(String(describing: error))
        }
        if error is NIOConnectionError { return .notSent("connection failed") }
        if let error = error as? ChannelError, case .connectTimeout = error { return .notSent("connect timeout") }
        if let error = error as? IOError, [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode) {
            return .notSent(error.description)
        }
        return .answerLost(String(describing: error))
    }
}
