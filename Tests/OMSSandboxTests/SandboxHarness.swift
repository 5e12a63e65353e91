import Foundation
import Hummingbird
import OMSClient

@testable import OMSSandbox

/// A sandbox on a loopback port with its own temporary data directory, and a signed client.
struct SandboxHarness {
    let server: SandboxServer
    let client: OMSClient
    let endpoint: String
    let directory: URL
    let task: Task<Void, any Error>
    var buckets: LocalBuckets { server.buckets }

    static func start(
        directory: URL? = nil, quotas: SandboxConfiguration.Quotas = .init(), objectsPerGroupTask: Int = 50,
        maximumConcurrentTasks: Int = 20, authentication: Authentication? = nil, connectionLimits: ConnectionLimits = .sandbox,
        slotsPerRegion: Int = SandboxConfiguration.defaultSlotsPerRegion
    ) async throws -> SandboxHarness {
        let directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("oms-sandbox-\(UUID().uuidString)")
        // Sandbox time stands still unless a test runs the engine over some seconds, so the
        // background engine loop cannot add progress while a test measures.
        var configuration = SandboxConfiguration(
            dataDirectory: directory, iamUser: "alice", iamPassword: "alice-password", timeScale: 0, controlEnabled: true, quotas: quotas,
            serviceTimeZone: TimeZone(secondsFromGMT: 0)!, maximumConcurrentTasks: maximumConcurrentTasks,
            objectsPerGroupTask: objectsPerGroupTask, backgroundEngine: false)
        configuration.connectionLimits = connectionLimits
        configuration.slotsPerRegion = slotsPerRegion
        let server = try SandboxServer(configuration: configuration)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.application(host: "127.0.0.1", port: 0) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let task = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next()!
        let endpoint = "http://127.0.0.1:\(port)"
        let client = try OMSClient(
            configuration: OMSClientConfiguration(
                endpoint: endpoint, projectId: configuration.projectId,
                authentication: authentication
                    ?? .accessKey(.init(accessKey: configuration.accessKey, secretKey: configuration.secretKey)),
                retry: RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(10))))
        return SandboxHarness(server: server, client: client, endpoint: endpoint, directory: directory, task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// Runs the engine over `seconds` of sandbox time, at once.
    func run(_ seconds: TimeInterval) async throws { try await server.engine.run(forSandboxSeconds: seconds) }

    func seed(_ cloud: CloudType, _ region: String, _ bucket: String, prefix: String = "", objects: Int, size: Int = 1024, keys: [String]? = nil) throws {
        try buckets.seed(cloud: cloud, region: region, bucket: bucket, prefix: prefix, objects: objects, objectSize: size, keys: keys)
    }

    /// A prefix task from Aliyun `src` to OBS `dst`.
    static func prefixTask(bucket: String = "src", prefix: String = "", dst: String = "dst", rules: [BandwidthPolicy]? = nil) -> CreateTaskReq {
        CreateTaskReq(
            taskType: .prefix,
            srcNode: SrcNodeReq(cloudType: .aliyun, region: "cn-hangzhou", ak: "src-ak", sk: "src-sk", bucket: bucket, objectKey: [prefix]),
            dstNode: DstNodeReq(region: "cn-north-4", bucket: dst, ak: "dst-ak", sk: "dst-sk"), description: "test task",
            bandwidthPolicy: rules)
    }

    static let start = StartTaskReq(srcAk: "src-ak", srcSk: "src-sk", dstAk: "dst-ak", dstSk: "dst-sk")
}

/// Runs `body` against a fresh sandbox and always stops it.
func withSandbox(
    quotas: SandboxConfiguration.Quotas = .init(), objectsPerGroupTask: Int = 50, maximumConcurrentTasks: Int = 20,
    slotsPerRegion: Int = SandboxConfiguration.defaultSlotsPerRegion, _ body: (SandboxHarness) async throws -> Void
) async throws {
    let harness = try await SandboxHarness.start(
        quotas: quotas, objectsPerGroupTask: objectsPerGroupTask, maximumConcurrentTasks: maximumConcurrentTasks,
        slotsPerRegion: slotsPerRegion)
    do {
        try await body(harness)
    } catch {
        await harness.stop()
        throw error
    }
    await harness.stop()
}

/// The OMS error code a call failed with (nil when it succeeded).
func errorCode(_ call: () async throws -> Void) async -> String? {
    do {
        try await call()
        return nil
    } catch let error as OMSClientError {
        return error.errorCode ?? "\(error)"
    } catch {
        return "\(error)"
    }
}
