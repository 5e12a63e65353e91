import Foundation
import Hummingbird
import Logging
import OMSModels
import Reconciler

/// `GET /metrics` for Prometheus while `reconcile --interval` runs.
enum MetricsServer {
    /// Starts serving and returns once the port is bound; a port that cannot be bound is an
    /// error naming it, not a server that silently never answers.
    static func start(address: String, port: Int, metrics: ReconcileMetrics) async throws -> Task<Void, any Error> {
        let router = Router()
        router.get("metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: SecretRedactor.shared.redact(metrics.exposition))))
        }
        let (started, continuation) = AsyncStream.makeStream(of: (any Error)?.self)
        var logger = Logger(label: "oms-plan.metrics")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname(address, port: port)),
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
                throw CLIError("cannot serve metrics on \(address):\(port): \(Self.reason(failure))")
            }
            return task
        }
        throw CLIError("cannot serve metrics on \(address):\(port)")
    }

    private static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("Address already in use") || text.contains("EADDRINUSE") || text.contains("errno: 98") {
            return "the port is already in use"
        }
        return text
    }
}
