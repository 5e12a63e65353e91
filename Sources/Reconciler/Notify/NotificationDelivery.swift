import AsyncHTTPClient
import Foundation

/// Posts one JSON body to a URL and says what came back. The production transport is
/// AsyncHTTPClient; tests substitute their own.
public protocol NotificationTransport: Sendable {
    /// The HTTP status of the answer; throws when no answer came within `timeout`.
    func post(_ body: Data, to url: String, timeout: Duration) async throws -> Int
}

/// AsyncHTTPClient with its own small pool: no redirects (a chat service that redirects is
/// not followed to wherever it points), a refused connection fails at once.
public final class AsyncHTTPNotificationTransport: NotificationTransport {
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public init() {}

    public func post(_ body: Data, to url: String, timeout: Duration) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: "oms-plan")
        request.body = .bytes(body)
        let nanoseconds = Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let response = try await Self.client.execute(request, timeout: .nanoseconds(nanoseconds))
        // The answer's body says nothing oms-plan acts on: read a little of it and let it go.
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return Int(response.status.code)
    }
}

/// Sends a pass's messages within bounds: each request times out (`requestTimeout`), is tried
/// a few times with a growing pause (`attempts`, `backoff`), and the whole delivery ends by
/// `total` whatever the receivers do, so that a slow or broken chat service never holds up a
/// reconcile pass beyond that.
public struct NotificationDelivery: Sendable {
    public struct Limits: Sendable {
        public var requestTimeout: Duration
        public var attempts: Int
        public var backoff: Duration
        public var total: Duration

        public init(requestTimeout: Duration = .seconds(5), attempts: Int = 3, backoff: Duration = .milliseconds(500),
                    total: Duration = .seconds(15)) {
            self.requestTimeout = requestTimeout
            self.attempts = attempts
            self.backoff = backoff
            self.total = total
        }
    }

    /// How one message went. `why` never holds the URL.
    public struct Outcome: Sendable {
        public var message: NotificationMessage
        public var delivered: Bool
        public var attempts: Int
        public var why: String?
    }

    public var transport: any NotificationTransport
    public var limits: Limits

    public init(transport: any NotificationTransport = AsyncHTTPNotificationTransport(), limits: Limits = Limits()) {
        self.transport = transport
        self.limits = limits
    }

    /// Sends every message (each to its URL), at the same time; returns once all ended or the
    /// total bound passed (messages still under way then count as not delivered).
    public func deliver(_ messages: [(message: NotificationMessage, url: String)]) async -> [Outcome] {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: limits.total)
        return await withTaskGroup(of: Outcome.self) { group in
            for (message, url) in messages {
                group.addTask { await send(message, to: url, until: end) }
            }
            var outcomes: [Outcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
    }

    private func send(_ message: NotificationMessage, to url: String, until end: ContinuousClock.Instant) async -> Outcome {
        let clock = ContinuousClock()
        let body = message.bodyData
        var why = "no attempt fitted in the time allowed"
        var pause = limits.backoff
        for attempt in 1...max(1, limits.attempts) {
            let left = clock.now.duration(to: end)
            guard left > .milliseconds(50) else { return Outcome(message: message, delivered: false, attempts: attempt - 1, why: why) }
            do {
                let status = try await Self.bounded(min(limits.requestTimeout, left)) {
                    try await transport.post(body, to: url, timeout: min(limits.requestTimeout, left))
                }
                if (200..<300).contains(status) { return Outcome(message: message, delivered: true, attempts: attempt, why: nil) }
                why = "the receiver answered HTTP \(status)"
                // A refusal other than "too many" or a server error will not change by asking again.
                if status < 500 && status != 429 && status != 408 {
                    return Outcome(message: message, delivered: false, attempts: attempt, why: why)
                }
            } catch {
                why = Self.describe(error)
            }
            guard attempt < limits.attempts else { break }
            let wait = min(pause, clock.now.duration(to: end))
            if wait > .zero { try? await Task.sleep(for: wait) }
            pause = pause * 2
        }
        return Outcome(message: message, delivered: false, attempts: limits.attempts, why: why)
    }

    /// Runs `body`, giving up after `limit` even if the transport does not (a test's or a
    /// misbehaving one): the bound is this type's promise, not the transport's.
    static func bounded<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try? await Task.sleep(for: limit + .milliseconds(250))
                return nil
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let value = next { return value }
                throw DeliveryTimeout()
            }
            throw DeliveryTimeout()
        }
    }

    struct DeliveryTimeout: Error {}

    /// Why a request failed, in words that never quote the URL (an error's own text might).
    static func describe(_ error: any Error) -> String {
        if error is DeliveryTimeout { return "no answer in time" }
        if let error = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .writeTimeout].contains(error) { return "no answer in time" }
            if [.connectTimeout].contains(error) { return "the connection timed out" }
            if [.invalidURL, .emptyHost, .emptyScheme].contains(error) { return "the URL is not usable" }
            return "the request failed (HTTP client error)"
        }
        if error is CancellationError { return "cancelled" }
        return "the connection failed"
    }
}
