import Foundation
import Hummingbird
import Reconciler

/// `GET /metrics` for Prometheus while `reconcile --interval` runs.
enum MetricsServer {
    static func start(port: Int, metrics: ReconcileMetrics) throws -> Task<Void, any Error> {
        let router = Router()
        router.get("metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("0.0.0.0", port: port)))
        return Task { try await app.run() }
    }
}
