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
        json(error.body, status: error.status)
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

/// Requests served per route, for `GET /control/stats` and the benchmarks. Keys are route
/// templates (`GET /v2/{project_id}/tasks/{task_id}`), never paths as sent, and a request is
/// counted under its route only once it is authenticated: an unauthenticated flood of unique
/// paths once kept every path, 16 KiB each, for as long as the sandbox ran (issue 21).
final class SandboxStats: Sendable {
    /// Requests refused before they were authenticated and authorised (no or bad credentials,
    /// another project, a body over the limit), whatever their path.
    static let unauthenticated = "unauthenticated"
    /// Authenticated requests whose method and path match no route.
    static let unmatched = "unmatched"
    /// Routes beyond `maximumKeys` (there are far fewer routes; a cap holds whatever happens).
    static let otherRoutes = "other routes"
    static let maximumKeys = 256

    private let counts = Mutex<[String: Int]>([:])

    func record(_ route: String) {
        counts.withLock { counts in
            let key = counts[route] != nil || counts.count < Self.maximumKeys - 1 ? route : Self.otherRoutes
            counts[key, default: 0] += 1
        }
    }
    var snapshot: [String: Int] { counts.withLock { $0 } }
    func reset() { counts.withLock { $0.removeAll() } }

    /// The name a request is counted under: its method and the template of the route the
    /// router matched (`context.endpointPath`, set before the router's middleware runs), or
    /// `unmatched`. Nothing of the request's own path gets into it.
    static func routeName(method: HTTPRequest.Method, template: String?) -> String {
        guard let template else { return unmatched }
        return "\(method.rawValue) \(template)"
    }
}
