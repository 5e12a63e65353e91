import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A sandbox assembled: store, clock, engine, and the HTTP application serving them.
public struct SandboxServer: Sendable {
    public let configuration: SandboxConfiguration
    let store: SandboxStore
    let clock: SandboxClock
    let engine: MigrationEngine
    let stats = SandboxStats()
    let faults = FaultInjector()
    /// The address the server bound, once it runs (port 0 picks one).
    let baseURL = BaseURL()

    let buckets: LocalBuckets
    /// The password IAM login checks (configured, or generated for the data directory).
    let iamPassword: String
    private let api: SandboxService

    public init(configuration: SandboxConfiguration) throws {
        let sealer = CredentialSealer(key: try SandboxSecretFiles.sealingKey(in: configuration.dataDirectory))
        try FileManager.default.createDirectory(at: configuration.bucketsDirectory, withIntermediateDirectories: true)
        self.configuration = configuration
        self.iamPassword = try SandboxSecretFiles.iamPassword(configured: configuration.iamPassword, in: configuration.dataDirectory)
        self.buckets = LocalBuckets(root: configuration.bucketsDirectory, sealer: sealer)
        self.store = try SandboxStore(url: configuration.databaseURL, sealer: sealer)
        self.clock = SandboxClock(timeScale: configuration.timeScale)
        let baseURL = self.baseURL
        self.engine = MigrationEngine(store: store, clock: clock, configuration: configuration, buckets: buckets, selfBaseURL: { baseURL.value })
        self.api = SandboxService(configuration: configuration, store: store, clock: clock, buckets: buckets, iamPassword: iamPassword)
    }

    /// The API's operations: one value for the routes and the sync watcher, so that they share
    /// its caches.
    func service() -> SandboxService { api }

    /// The router with every API route (and the control routes when enabled).
    func router(baseURL: @escaping @Sendable () -> String) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(
            middleware: SandboxMiddleware(
                authenticator: Authenticator(accessKey: configuration.accessKey, secretKey: configuration.secretKey, store: store),
                faults: faults, stats: stats, projectId: configuration.projectId))
        let service = service()
        SandboxRoutes(service: service, baseURL: baseURL).register(on: router)
        PublicObjectRoutes(buckets: buckets).register(on: router)
        if configuration.controlEnabled {
            ControlRoutes(clock: clock, faults: faults, stats: stats, buckets: buckets, engine: engine).register(on: router)
        }
        return router
    }

    /// An application listening on `host:port` (0 picks a free port, reported to `onRunning`),
    /// with the migration engine running beside it, within the configuration's connection limits.
    public func application(
        host: String, port: Int, logger: Logger = Logger(label: "oms-plan.sandbox"),
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let baseURL = self.baseURL
        let app = Application(
            router: router(baseURL: { baseURL.value ?? "http://\(host):\(port)" }),
            server: configuration.connectionLimits.server,
            configuration: configuration.connectionLimits.configuration(address: .hostname(host, port: port), serverName: "oms-plan-sandbox"),
            services: (configuration.backgroundEngine ? [EngineService(engine: engine)] : [])
                + (configuration.watchSync ? [SyncWatcher(service: service(), buckets: buckets)] : []),
            onServerRunning: { channel in
                let actual = channel.localAddress?.port ?? port
                baseURL.value = "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(actual)"
                await onRunning(actual)
            },
            logger: logger)
        return app
    }
}

extension SandboxServer {
    /// The OBS object API over the `HuaweiCloud` buckets, on a listener of its own (`host:port`,
    /// 0 picks a free port, reported to `onRunning`), within the same connection limits.
    /// Requests are signed with the API's own keys (every bucket) or a pair of a bucket's
    /// `.keys` list (that bucket); see `OBSAuthenticator`.
    public func obsApplication(
        host: String, port: Int, logger: Logger = Logger(label: "oms-plan.sandbox.obs"),
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let limits = configuration.connectionLimits
        return Application(
            responder: obsResponder(listeningOn: host),
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [HeaderDeadlineHandler(timeout: TimeAmount(limits.headerTimeout)), ExpectContinueHandler()],
                    idleTimeout: TimeAmount(limits.idleTimeout))),
            configuration: limits.configuration(address: .hostname(host, port: port), serverName: "oms-plan-sandbox-obs"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Runs the API and the object API until SIGTERM or SIGINT, then stops both gracefully
    /// (`sandbox serve --obs-port`).
    public static func runTogether(
        _ api: some ApplicationProtocol, _ obs: some ApplicationProtocol, logger: Logger = Logger(label: "oms-plan.sandbox")
    ) async throws {
        try await ServiceGroup(configuration: .init(services: [api, obs], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }

    /// The object API's responder; `host` (the listening name) and the configuration's
    /// `obsDomains` are the names whose sub-domains are buckets (virtual-host style).
    func obsResponder(listeningOn host: String) -> OBSResponder {
        OBSResponder(
            service: OBSService(buckets: buckets),
            authenticator: OBSAuthenticator(accessKey: configuration.accessKey, secretKey: configuration.secretKey, buckets: buckets),
            serviceHosts: (configuration.obsDomains + [host]).map { $0.lowercased() })
    }
}

/// Runs the engine for as long as the application runs; stops it on graceful shutdown.
struct EngineService: Service {
    let engine: MigrationEngine
    func run() async throws {
        await cancelWhenGracefulShutdown { await engine.run() }
    }
}

/// The server's own URL, known once it runs.
final class BaseURL: Sendable {
    private let url = Mutex<String?>(nil)
    var value: String? {
        get { url.withLock { $0 } }
        set { url.withLock { $0 = newValue } }
    }
}
