import Foundation
import Hummingbird
import Logging
import OMSModels
import OMSSandbox
import Reconciler

/// The HTTP endpoints of a long-running command: `GET /metrics` for Prometheus, and with a
/// status board (`--serve`) the status page at `/` and its data at `/status.json`. Everything
/// served passes the secret redactor.
enum MetricsServer {
    /// Starts serving, within `limits` (header and idle time-outs, a cap on open connections: a
    /// slow client cannot hold the page), and returns once the port is bound; a port that cannot be bound is an
    /// error naming it, not a server that silently never answers.
    static func start(
        address: String, port: Int, metrics: ReconcileMetrics, board: StatusBoard? = nil, refreshSeconds: Int = 10,
        limits: ConnectionLimits = .statusPage
    ) async throws -> Task<Void, any Error> {
        let router = Router()
        @Sendable func text(_ body: String, _ type: String) -> Response {
            var headers = HTTPFields()
            headers[.contentType] = type
            headers[.cacheControl] = "no-store"
            headers[.xContentTypeOptions] = "nosniff"
            if type.hasPrefix("text/html") { headers[.contentSecurityPolicy] = StatusPageRenderer.contentSecurityPolicy }
            // Masked last, on the final text; JSON inside its strings only, so it stays JSON.
            let masked = type == "application/json" ? SecretRedactor.shared.redactJSON(body) : SecretRedactor.shared.redact(body)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: masked)))
        }
        router.get("metrics") { _, _ in text(metrics.exposition, "text/plain; version=0.0.4") }
        if let board {
            router.get("/") { _, _ in
                text(StatusPageRenderer(refreshSeconds: refreshSeconds, now: Date()).render(board.snapshot), "text/html; charset=utf-8")
            }
            router.get("status.json") { _, _ in
                guard let status = board.snapshot.status else { return text("{}\n", "application/json") }
                return text(try PrettyJSON.render(status), "application/json")
            }
        }
        let (started, continuation) = AsyncStream.makeStream(of: (any Error)?.self)
        var logger = Logger(label: "oms-plan.metrics")
        logger.logLevel = .critical
        let app = Application(
            router: router, server: limits.server, configuration: limits.configuration(address: .hostname(address, port: port)),
            onServerRunning: { _ in continuation.yield(nil) }, logger: logger)
        let task = Task {
            do {
                try await app.run()
            } catch {
                continuation.yield(error)
                throw error
            }
            continuation.finish()
        }
        for await failure in started {
            if let failure {
                throw CLIError("cannot serve on \(address):\(port): \(Self.reason(failure))")
            }
            return task
        }
        throw CLIError("cannot serve on \(address):\(port)")
    }

    private static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("Address already in use") || text.contains("EADDRINUSE") || text.contains("errno: 98") {
            return "the port is already in use"
        }
        return text
    }
}
