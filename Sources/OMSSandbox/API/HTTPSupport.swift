import Foundation
import OMSClient
import Hummingbird
import NIOCore
import OMSModels
import Synchronization

/// Small helpers shared by the routes: JSON answers, error answers, request bodies.
enum HTTP {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = extra
        headers[.contentType] = "application/json;charset=UTF-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// An answer whose JSON is already encoded.
    static func json(encoded data: Data, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json;charset=UTF-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func empty() -> Response { Response(status: .ok) }

    static func error(_ error: SandboxError) -> Response {
        json(error.body, status: HTTPResponse.Status(code: error.status))
    }

    /// Runs a handler, turning refusals into OMS error answers.
    static func answer(_ body: () async throws(SandboxError) -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            return Self.error(error)
        }
    }

    /// The body of a request the middleware already read (and bounded).
    static func body(_ request: Request) async -> Data {
        await body(request, limit: SandboxConfiguration.maximumBodyBytes) ?? Data()
    }

    /// The body, or nil when it is longer than `limit` bytes: a declared length is checked
    /// before reading, and the stream is cut off as soon as it passes the limit.
    static func body(_ request: Request, limit: Int) async -> Data? {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit { return nil }
        guard let buffer = try? await request.body.collect(upTo: limit) else { return nil }
        return Data(buffer.readableBytesView)
    }

    /// Query parameters decoded the way the signer reads them (`+` stays `+`).
    static func query(_ request: Request) -> [String: String] {
        guard let raw = request.uri.query else { return [:] }
        return Dictionary(RequestSigner.parseQuery(raw), uniquingKeysWith: { first, _ in first })
    }
}

/// Requests served per route, for `GET /control/stats` and the benchmarks.
final class SandboxStats: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func record(_ route: String) { counts.withLock { $0[route, default: 0] += 1 } }
    var snapshot: [String: Int] { counts.withLock { $0 } }
    func reset() { counts.withLock { $0.removeAll() } }

    /// `GET /v2/{project_id}/tasks/{id}`-style name of a request.
    static func routeName(method: String, path: String) -> String {
        let segments = path.split(separator: "/").enumerated().map { index, segment -> String in
            if index == 1 && path.hasPrefix("/v2/") { return "{project_id}" }
            if segment.allSatisfy(\.isNumber) || (segment.count == 36 && segment.filter { $0 == "-" }.count == 4) { return "{id}" }
            return String(segment)
        }
        return "\(method) /" + segments.joined(separator: "/")
    }
}
