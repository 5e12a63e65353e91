import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The sandbox started inside a command's own process on a loopback port, so that a run with
/// no endpoint and no credentials still goes through the real HTTP client, signing and JSON.
public final class EmbeddedSandbox: Sendable {
    public let endpoint: String
    /// The OBS object API over the sandbox's `HuaweiCloud` buckets (`http://127.0.0.1:<port>`),
    /// signed with `configuration`'s keys or a bucket's `.keys` pair.
    public let obsEndpoint: String
    public let configuration: SandboxConfiguration
    /// What this start brought in from the plan's `sandbox/` folder (`SeedFolder`).
    public let seeding: SeedReport
    private let task: Task<Void, any Error>
    private let services: ServiceGroup

    private init(
        endpoint: String, obsEndpoint: String, configuration: SandboxConfiguration, seeding: SeedReport, task: Task<Void, any Error>,
        services: ServiceGroup
    ) {
        self.endpoint = endpoint
        self.obsEndpoint = obsEndpoint
        self.configuration = configuration
        self.seeding = seeding
        self.task = task
        self.services = services
    }

    /// Starts a sandbox on `dataDirectory`. At every start (not only the first) buckets and
    /// objects of `seedDirectory` (a plan's `sandbox/` folder, holding `buckets/...`) that the
    /// sandbox lacks are brought in, and seed files changed since they were brought in replace
    /// copies nothing in the sandbox changed since; nothing is deleted (`SeedFolder`).
    /// `watchSync`: while the command runs, new and changed objects in the source bucket of a
    /// synchronizing sync task raise sync events by themselves (as the source cloud's event
    /// notifications would for a real OMS), so that the local demo syncs with nothing wired.
    public static func start(
        dataDirectory: URL, seedDirectory: URL?, timeScale: Double = 1, watchSync: Bool = true,
        logger: Logger = Logger(label: "oms-plan.sandbox")
    ) async throws -> EmbeddedSandbox {
        try SandboxSecretFiles.makePrivateDirectory(dataDirectory)
        // Keys of its own for each start: the published defaults would let any local user who
        // finds the loopback port use this sandbox.
        var configuration = SandboxConfiguration(
            dataDirectory: dataDirectory, accessKey: "EMBEDDED" + SandboxSecretFiles.randomToken(bytes: 9).uppercased(),
            secretKey: SandboxSecretFiles.randomToken(bytes: 30), timeScale: timeScale)
        configuration.watchSync = watchSync
        configuration.seedFolder = seedDirectory?.relativePath
        let server = try SandboxServer(configuration: configuration)
        let seeding = seedDirectory.map {
            SeedFolder(folder: $0, buckets: server.buckets, recordFile: dataDirectory.appendingPathComponent("seed-record.json")).bringIn()
        } ?? SeedReport(folder: "")
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.application(host: "127.0.0.1", port: 0, logger: logger) { port in
            continuation.yield(port)
        }
        let (obsPorts, obsContinuation) = AsyncStream.makeStream(of: Int.self)
        let obs = server.obsApplication(host: "127.0.0.1", port: 0, logger: logger) { port in
            obsContinuation.yield(port)
        }
        // Its own service group, without signal handlers (the command owns SIGINT/SIGTERM), so
        // that `shutdown` can stop it gracefully: the engine first, then the server, after the
        // requests in flight (the engine fetches URL lists from the sandbox itself) have ended.
        let services = ServiceGroup(configuration: .init(services: [app, obs], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await services.run() }
        // A start that fails (no port to bind) ends the group: both streams then end too.
        Task {
            _ = await task.result
            continuation.finish()
            obsContinuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        var obsIterator = obsPorts.makeAsyncIterator()
        guard let port = await iterator.next(), let obsPort = await obsIterator.next() else {
            task.cancel()
            throw CocoaError(.featureUnsupported, userInfo: [NSDebugDescriptionErrorKey: "the embedded sandbox did not start"])
        }
        return EmbeddedSandbox(
            endpoint: "http://127.0.0.1:\(port)", obsEndpoint: "http://127.0.0.1:\(obsPort)", configuration: configuration, seeding: seeding,
            task: task, services: services)
    }

    /// Stops gracefully; after 10 seconds, by cancelling what is left.
    public func shutdown() async {
        await services.triggerGracefulShutdown()
        let task = self.task
        let watchdog = Task {
            try await Task.sleep(for: .seconds(10))
            task.cancel()
        }
        _ = await task.result
        watchdog.cancel()
    }
}
