import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Every API request passes here: given a request id, authenticated (signature or token, then
/// the project in the path), counted under its route template, and hit by the faults the
/// control endpoint set up. The router runs it after matching the route, so
/// `context.endpointPath` is the template (nil: no route matched).
struct SandboxMiddleware<Context: RequestContext>: RouterMiddleware {
    let authenticator: Authenticator
    let faults: FaultInjector
    let stats: SandboxStats
    let projectId: String

    struct DroppedConnection: Error {}

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let method = request.method.rawValue
        if path.hasPrefix("/control/") || path.hasPrefix("/public/") { return try await next(request, context) }
        let requestId = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        var request = request
        let headers = request.headers.map { ($0.name.rawName, $0.value) } + [("Host", request.head.authority ?? "")]
        var incoming = Authenticator.Incoming(method: method, rawPath: path, rawQuery: request.uri.query, headers: headers, body: Data())
        let isLogin = method == "POST" && path == "/v3/auth/tokens"
        // Who is asking is settled from the headers before any body is read: an unsigned or
        // wrongly signed request costs no buffering, and only then are body limits applied.
        var claim: Authenticator.Claim?
        if !isLogin {
            do {
                let checked = try await authenticator.claim(headers: incoming)
                // A token is settled now; a signature only once the body is known (a tampered
                // signed header is a bad signature first, a wrong project second).
                if case .token = checked { try checkProject(path: path, header: incoming.header("X-Project-Id"), claim: checked) }
                claim = checked
            } catch {
                return refused(error, requestId)
            }
        }
        let limit = isLogin ? SandboxConfiguration.maximumLoginBodyBytes : SandboxConfiguration.maximumBodyBytes
        guard let body = await HTTP.body(request, limit: limit) else {
            return refused(.tooLarge(limit), requestId)
        }
        incoming.body = body
        request.body = RequestBody(buffer: ByteBuffer(bytes: body))
        if let claim {
            do {
                try authenticator.verify(claim, incoming)
                try checkProject(path: path, header: incoming.header("X-Project-Id"), claim: claim)
            } catch {
                return refused(error, requestId)
            }
        }
        // Only now is the request counted by its route (a login's password is checked by its
        // route, but its key is fixed), and only an authenticated one meets the faults: an
        // unauthenticated flood neither names keys nor uses up a fault's count.
        stats.record(SandboxStats.routeName(method: request.method, template: context.endpointPath))
        let hits = faults.faults(forPath: path)
        for hit in hits where hit.kind == .latency {
            try await Task.sleep(for: .milliseconds(hit.latencyMs ?? 0))
        }
        if hits.contains(where: { $0.kind == .busy }) { return tagged(HTTP.error(.busy), requestId) }
        let response: Response
        do {
            response = tagged(try await next(request, context), requestId)
        } catch let error as SandboxError {
            // A route's refusal. Answered here, not by the router, so that it carries the
            // request id and meets the drop fault like any other answer.
            response = tagged(error.response(from: request, context: context), requestId)
        }
        if hits.contains(where: { $0.kind == .drop }) { return dropped(response) }
        return response
    }

    /// The project in `/v2/{project_id}/...` (and `X-Project-Id`) must be the sandbox's, and
    /// a token may only be used for the project it was issued for.
    private func checkProject(path: String, header: String?, claim: Authenticator.Claim) throws(SandboxError) {
        if case .token(let project) = claim, project != projectId {
            throw .forbidden("This token was issued for another project.")
        }
        if let header, header != projectId { throw .forbidden("These credentials may not use project \(header).") }
        guard path.hasPrefix("/v2/") else { return }
        let segment = path.dropFirst(4).prefix { $0 != "/" }
        guard segment.isEmpty || segment == projectId else { throw .forbidden("These credentials may not use project \(segment).") }
    }

    /// A request refused before it was authenticated: counted under one fixed key.
    private func refused(_ error: SandboxError, _ requestId: String) -> Response {
        stats.record(SandboxStats.unauthenticated)
        return tagged(HTTP.error(error), requestId)
    }

    private func tagged(_ response: Response, _ requestId: String) -> Response {
        var response = response
        response.headers[HTTPField.Name("X-Request-Id")!] = requestId
        return response
    }

    /// The request was handled, but the answer breaks off: the client cannot tell what happened.
    private func dropped(_ response: Response) -> Response {
        var response = response
        response.headers[.contentLength] = "1048576"
        response.body = ResponseBody(contentLength: 1_048_576) { writer in
            try await writer.write(ByteBuffer(string: "{"))
            throw DroppedConnection()
        }
        return response
    }
}
