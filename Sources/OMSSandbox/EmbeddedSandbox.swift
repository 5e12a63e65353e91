import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The sandbox started inside a command's own process on a loopback port, so that a run with
/// no endpoint and no credentials still goes through the real HTTP client, signing and JSON.
public final class EmbeddedSandbox: Sendable {
    public let endpoint: String
    public let configuration: SandboxConfiguration
    private let task: Task<Void, any Error>
    private let services: ServiceGroup

    private init(endpoint: String, configuration: SandboxConfiguration, task: Task<Void, any Error>, services: ServiceGroup) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.task = task
        self.services = services
    }

    /// Starts a sandbox on `dataDirectory`; on first use its buckets are copied from
    /// `seedDirectory` (a plan's `sandbox/` folder, holding `buckets/...`) when there is one.
    /// `watchSync`: while the command runs, new and changed objects in the source bucket of a
    /// synchronizing sync task raise sync events by themselves (as the source cloud's event
    /// notifications would for a real OMS), so that the local demo syncs with nothing wired.
    public static func start(
        dataDirectory: URL, seedDirectory: URL?, timeScale: Double = 1, watchSync: Bool = true,
        logger: Logger = Logger(label: "oms-plan.sandbox")
    ) async throws -> EmbeddedSandbox {
        try seedIfNew(dataDirectory: dataDirectory, from: seedDirectory)
        // Keys of its own for each start: the published defaults would let any local user who
        // finds the loopback port use this sandbox.
        var configuration = SandboxConfiguration(
            dataDirectory: dataDirectory, accessKey: "EMBEDDED" + SandboxSecretFiles.randomToken(bytes: 9).uppercased(),
            secretKey: SandboxSecretFiles.randomToken(bytes: 30), timeScale: timeScale)
        configuration.watchSync = watchSync
        let server = try SandboxServer(configuration: configuration)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.application(host: "127.0.0.1", port: 0, logger: logger) { port in
            continuation.yield(port)
            continuation.finish()
        }
        // Its own service group, without signal handlers (the command owns SIGINT/SIGTERM), so
        // that `shutdown` can stop it gracefully: the engine first, then the server, after the
        // requests in flight (the engine fetches URL lists from the sandbox itself) have ended.
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            throw CocoaError(.featureUnsupported, userInfo: [NSDebugDescriptionErrorKey: "the embedded sandbox did not start"])
        }
        return EmbeddedSandbox(endpoint: "http://127.0.0.1:\(port)", configuration: configuration, task: task, services: services)
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

    /// Copies `seed/buckets` into the data directory once (a marker file records it).
    static func seedIfNew(dataDirectory: URL, from seed: URL?) throws {
        let fileManager = FileManager.default
        let marker = dataDirectory.appendingPathComponent(".seeded")
        try SandboxSecretFiles.makePrivateDirectory(dataDirectory)
        guard !fileManager.fileExists(atPath: marker.path) else { return }
        if let seed {
            let source = seed.appendingPathComponent("buckets")
            let target = dataDirectory.appendingPathComponent("buckets")
            if fileManager.fileExists(atPath: source.path) {
                try copyTree(from: source, to: target)
            }
        }
        try Data("seeded\n".utf8).write(to: marker)
    }

    /// Copies real files and folders only: a link in a plan's seed folder could otherwise
    /// bring any file of the machine into a bucket.
    private static func copyTree(from source: URL, to target: URL) throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: target, withIntermediateDirectories: true)
        for name in try fileManager.contentsOfDirectory(atPath: source.path) {
            let from = source.appendingPathComponent(name)
            let to = target.appendingPathComponent(name)
            if LocalBuckets.isSymbolicLink(from.path) || LocalBuckets.isSymbolicLink(to.path) { continue }
            if LocalBuckets.isDirectory(from.path, followLinks: false) {
                try copyTree(from: from, to: to)
            } else if LocalBuckets.isRegularFile(from.path), !fileManager.fileExists(atPath: to.path) {
                try fileManager.copyItem(at: from, to: to)
            }
        }
    }
}
