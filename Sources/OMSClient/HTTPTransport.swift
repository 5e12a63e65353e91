import Foundation

/// A request as it goes on the wire, already signed. Only the client builds one (with the
/// memberwise initialiser); a transport reads it.
public struct HTTPRequestData: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: Data?
}

/// An answer as it came off the wire.
public struct HTTPResponseData: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headers: [(name: String, value: String)], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// How a transport failed, in the terms retry decisions need.
public enum TransportError: Error, Sendable {
    /// Nothing reached the server (connection refused, DNS, connect timeout): safe to resend.
    case notSent(String)
    /// The request may have reached the server but no complete answer came back.
    case answerLost(String)
    /// No answer within the deadline; the request may have reached the server.
    case timedOut
}

/// Sends one HTTP request. The production transport is AsyncHTTPClient; tests substitute
/// their own to script answers and failures.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequestData, timeout: Duration) async throws(TransportError) -> HTTPResponseData
}
