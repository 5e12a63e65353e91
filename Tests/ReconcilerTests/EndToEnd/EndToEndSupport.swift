import Foundation
import MigrationPlan
import OMSClient
import Reconciler
import Testing

@testable import OMSSandbox

/// End-to-end fixture: an in-process OMS sandbox on a loopback port (engine driven by the
/// test, sandbox time standing still unless the test moves it), a client that signs its
/// requests with the sandbox's AK/SK, and a plan directory of YAML files the test writes.
struct EndToEnd: Sendable {
    let server: SandboxServer
    let client: OMSClient
    let directory: URL
    let planDirectory: URL
    private let serverTask: Task<Void, any Error>

    /// Keys the plan's Credentials resolve to through `${env:...}`; the sandbox buckets accept
    /// only these, so a create or start without the injected secrets fails.
    static let environment: [String: String] = [
        "E2E_SRC_AK": "e2e-src-ak", "E2E_SRC_SK": "e2e-src-sk",
        "E2E_OBS_AK": "e2e-obs-ak", "E2E_OBS_SK": "e2e-obs-sk",
    ]
    static let stackName = "e2e"
    /// Plans are evaluated at a fixed moment (no `days` windows are used, so any would do).
    static let evaluatedAt = Date(timeIntervalSince1970: 1_795_510_800)

    static func start(quotas: SandboxConfiguration.Quotas = .init()) async throws -> EndToEnd {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oms-plan-e2e-\(UUID().uuidString)")
        let planDirectory = directory.appendingPathComponent("plan", isDirectory: true)
        try FileManager.default.createDirectory(at: planDirectory, withIntermediateDirectories: true)
        let configuration = SandboxConfiguration(
            dataDirectory: directory.appendingPathComponent("sandbox", isDirectory: true), timeScale: 0, controlEnabled: true,
            quotas: quotas, serviceTimeZone: TimeZone(secondsFromGMT: 0)!, backgroundEngine: false)
        let server = try SandboxServer(configuration: configuration)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.application(host: "127.0.0.1", port: 0) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let serverTask = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw SetupFailure(description: "the sandbox did not start") }
        let client = try OMSClient(
            configuration: OMSClientConfiguration(
                endpoint: "http://127.0.0.1:\(port)", projectId: configuration.projectId,
                authentication: .accessKey(.init(accessKey: configuration.accessKey, secretKey: configuration.secretKey)),
                retry: RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(5))))
        let e2e = EndToEnd(server: server, client: client, directory: directory, planDirectory: planDirectory, serverTask: serverTask)
        // Destination and source buckets that accept only the plan's injected keys.
        try e2e.seed(cloud: .huaweiCloud, region: "cn-north-4", bucket: "dst", objects: 0, keys: ["e2e-obs-ak:e2e-obs-sk"])
        try e2e.seed(cloud: .aliyun, region: "cn-hangzhou", bucket: "src", objects: 0, keys: ["e2e-src-ak:e2e-src-sk"])
        return e2e
    }

    func stop() async {
        serverTask.cancel()
        _ = await serverTask.result
        try? FileManager.default.removeItem(at: directory)
    }

    struct SetupFailure: Error, CustomStringConvertible {
        var description: String
    }

    // MARK: Buckets and engine

    var buckets: LocalBuckets { server.buckets }

    func seed(cloud: CloudType, region: String, bucket: String, prefix: String = "", objects: Int, size: Int = 1024, keys: [String]? = nil) throws {
        try buckets.seed(cloud: cloud, region: region, bucket: bucket, prefix: prefix, objects: objects, objectSize: size, keys: keys)
    }

    /// Source objects `PREFIXobject-NNNNN.bin` in the `src` bucket, last modified in November
    /// 2023. (Filled with one byte value each: `LocalBuckets.seed` computes every byte, which
    /// is slow in a debug build for the megabytes the slow tasks need.)
    func seedSource(prefix: String, objects: Int, size: Int = 1024) throws {
        for index in 0..<objects {
            try buckets.write(
                cloud: .aliyun, region: "cn-hangzhou", bucket: "src", key: "\(prefix)object-\(String(format: "%05d", index)).bin",
                data: Data(repeating: UInt8(truncatingIfNeeded: index), count: size),
                modified: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)))
        }
    }

    /// `objects` of 256 KiB: 1 MiB/s moves four a second, so the task keeps migrating for
    /// `objects / 4` sandbox seconds.
    func seedSlowSource(prefix: String, objects: Int = 40) throws {
        try seedSource(prefix: prefix, objects: objects, size: 256 * 1024)
    }

    /// Removes a source object (after a task was created naming it, so it fails in OMS).
    func removeSource(_ key: String) throws {
        try FileManager.default.removeItem(at: buckets.bucketURL(cloud: .aliyun, region: "cn-hangzhou", bucket: "src")!.appendingPathComponent(key))
    }

    /// Moves sandbox time forward by `seconds` and runs the engine over it.
    func runEngine(_ seconds: TimeInterval = 1) async throws {
        try await server.engine.run(forSandboxSeconds: seconds)
    }

    /// Runs `body` while a background task moves the engine one sandbox second every 50 ms
    /// (so Pausing becomes Paused while apply waits for it).
    func withEngineRunning<T: Sendable>(tick: TimeInterval = 1, _ body: () async throws -> T) async throws -> T {
        let engine = server.engine
        let runner = Task {
            while !Task.isCancelled {
                try? await engine.run(forSandboxSeconds: tick)
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        do {
            let result = try await body()
            runner.cancel()
            _ = await runner.value
            return result
        } catch {
            runner.cancel()
            _ = await runner.value
            throw error
        }
    }

    // MARK: Plans

    /// Replaces the plan directory's contents with `files` (relative path -> YAML).
    func writePlan(_ files: [String: String]) throws {
        let manager = FileManager.default
        for entry in try manager.contentsOfDirectory(atPath: planDirectory.path) {
            try manager.removeItem(at: planDirectory.appendingPathComponent(entry))
        }
        for (path, text) in files {
            let url = planDirectory.appendingPathComponent(path)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// Writes a plan of a stack, credentials, `documents` (one file each, `tasks/NN.yaml`).
    func writePlan(prune: Bool = false, _ documents: [String]) throws {
        var files = ["stack.yaml": PlanText.stack(prune: prune), "credentials.yaml": PlanText.credentials]
        for (index, document) in documents.enumerated() { files["tasks/\(String(format: "%02d", index)).yaml"] = document }
        try writePlan(files)
    }

    /// Loads the plan directory as apply does (secrets required), with the injected environment.
    func load() throws -> DesiredState {
        let result = PlanLoader.load(
            paths: [planDirectory.path],
            options: LoadOptions(
                environment: PlanEnvironment(variables: Self.environment, fileSystem: LocalFileSystem()),
                evaluationDate: Self.evaluatedAt, secretsRequired: true))
        guard let desired = result.desiredState, !result.hasErrors else {
            throw SetupFailure(description: "plan does not load:\n" + result.diagnostics.map(\.rendered).joined(separator: "\n"))
        }
        return desired
    }

    func live() async throws -> LiveState {
        try await LiveState.read(from: client, now: Self.evaluatedAt)
    }

    /// The library façade the commands use, at the fixed test moment.
    func reconciler(ledger: any AttemptLedger) -> StackReconciler {
        StackReconciler(client: client, stateDirectory: nil, ledger: ledger, now: { Self.evaluatedAt })
    }

    /// `oms-plan diff`: live state read over HTTP, planned, and creates pre-flight checked
    /// against the sandbox's bucket operations.
    func diff(_ desired: DesiredState, options: DiffOptions = DiffOptions(), preflight: Bool = true) async throws -> ExecutionPlan {
        try await reconciler(ledger: options.ledger).plan(
            desired, options: StackReconciler.Options(allowReplace: options.allowReplace, scope: options.only, preflight: preflight))
    }

    /// `oms-plan apply --auto-approve`: one pass of the façade. Returns the report.
    @discardableResult
    func apply(
        _ desired: DesiredState, options: DiffOptions = DiffOptions(),
        applyOptions: ApplyOptions = ApplyOptions(pollInterval: .milliseconds(20), settleTimeout: .seconds(10))
    ) async throws -> ChangeReport {
        try await reconciler(ledger: options.ledger).apply(
            desired, options: StackReconciler.Options(allowReplace: options.allowReplace, scope: options.only, apply: applyOptions)).report
    }

    // MARK: Live lookups

    /// Every standalone task in the sandbox.
    func tasks() async throws -> [TaskResp] { try await client.listAllTasks().filter { ($0.groupId ?? "").isEmpty } }

    /// Live tasks carrying this stack's marker for `name`.
    func owned(_ name: String) async throws -> [TaskResp] {
        try await tasks().filter { task in
            guard let parsed = task.description.flatMap({ OwnershipMarker.parse(description: $0) }) else { return false }
            return parsed.marker.stack == Self.stackName && parsed.marker.address == ResourceAddress(.migrationTask, name)
        }
    }

    /// The one live task owned for `name` (fails the test otherwise).
    func ownedTask(_ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> TaskResp {
        let found = try await owned(name)
        #expect(found.count == 1, "expected exactly one live task for MigrationTask/\(name), found \(found.count)", sourceLocation: sourceLocation)
        return try #require(found.first, sourceLocation: sourceLocation)
    }

    func status(_ name: String) async throws -> TaskStatus? { try await ownedTask(name).status }

    /// Runs the engine (up to `seconds` sandbox seconds, a second at a time) until the task
    /// reaches `status`.
    func runEngine(until name: String, is status: TaskStatus, within seconds: Int = 120) async throws {
        for _ in 0..<seconds {
            if try await self.status(name) == status { return }
            try await runEngine(1)
        }
        Issue.record("MigrationTask/\(name) did not become \(status) within \(seconds) sandbox seconds")
    }
}

/// Runs `body` against a fresh sandbox and plan directory, and always cleans up.
func withEndToEnd(quotas: SandboxConfiguration.Quotas = .init(), _ body: (EndToEnd) async throws -> Void) async throws {
    let e2e = try await EndToEnd.start(quotas: quotas)
    do {
        try await body(e2e)
    } catch {
        await e2e.stop()
        throw error
    }
    await e2e.stop()
}

/// YAML documents for the end-to-end plans.
enum PlanText {
    static func stack(prune: Bool = false) -> String {
        """
        apiVersion: oms-plan/v1
        kind: Stack
        metadata: {name: \(EndToEnd.stackName)}
        spec:
          region: cn-north-4
          serviceTimezone: "+00:00"
          prune: \(prune)
          defaults:
            destination: {bucket: dst, credentials: obs}

        """
    }

    static let credentials = """
        apiVersion: oms-plan/v1
        kind: Credentials
        metadata: {name: aliyun}
        spec:
          accessKey: ${env:E2E_SRC_AK}
          secretKey: ${env:E2E_SRC_SK}
        ---
        apiVersion: oms-plan/v1
        kind: Credentials
        metadata: {name: obs}
        spec:
          accessKey: ${env:E2E_OBS_AK}
          secretKey: ${env:E2E_OBS_SK}

        """

    /// Inline bandwidth: one all-day window.
    static func allDay(_ limit: String) -> String { "[{start: \"00:00\", end: \"24:00\", limit: \(limit)}]" }

    /// A MigrationTask from Aliyun `src` to OBS `dst`. `type` prefix reads `prefixes`
    /// (default `["NAME/"]`), object reads `objects`. `extra` lines go under `spec:` as written
    /// (indent them by two spaces).
    static func task(
        _ name: String, type: String = "prefix", prefixes: [String]? = nil, objects: [String]? = nil, bandwidth: String? = nil,
        state: String? = nil, priority: String? = nil, extra: [String] = []
    ) -> String {
        func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        let keys = type == "object" ? "objects: \(list(objects ?? []))" : "prefixes: \(list(prefixes ?? ["\(name)/"]))"
        var lines = [
            "apiVersion: oms-plan/v1",
            "kind: MigrationTask",
            "metadata: {name: \(name)}",
            "spec:",
            "  type: \(type)",
            "  source: {cloud: Aliyun, region: cn-hangzhou, bucket: src, credentials: aliyun, \(keys)}",
            "  destination: {savePrefix: \(name)/}",
        ]
        if let bandwidth { lines.append("  bandwidth: \(bandwidth)") }
        if let state { lines.append("  state: \(state)") }
        if let priority { lines.append("  options: {priority: \(priority)}") }
        lines += extra
        return lines.joined(separator: "\n") + "\n"
    }

    /// A MigrationSyncTask following the Aliyun `src` bucket into OBS `dst` (stack defaults).
    static func syncTask(_ name: String, description: String? = nil, state: String? = nil, extra: [String] = []) -> String {
        var lines = [
            "apiVersion: oms-plan/v1",
            "kind: MigrationSyncTask",
            "metadata: {name: \(name)}",
            "spec:",
            "  source: {cloud: Aliyun, region: cn-hangzhou, bucket: src, credentials: aliyun}",
        ]
        if let description { lines.append("  description: \(description)") }
        if let state { lines.append("  state: \(state)") }
        lines += extra
        return lines.joined(separator: "\n") + "\n"
    }

    static func schedule(_ name: String, limit: String) -> String {
        """
        apiVersion: oms-plan/v1
        kind: BandwidthSchedule
        metadata: {name: \(name)}
        spec:
          windows:
            - {start: "00:00", end: "12:00", limit: \(limit)}
            - {start: "12:00", end: "24:00", limit: 2MiB/s}

        """
    }
}

extension ChangeReport {
    /// The change for `MigrationTask/NAME` (or another address written out).
    func change(_ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> ResourceChange {
        let address = name.contains("/") ? name : "MigrationTask/\(name)"
        return try #require(changes.first { $0.address.description == address }, "no change for \(address) in \(changes.map(\.address))", sourceLocation: sourceLocation)
    }

    /// `address: action` lines, for failure messages.
    var digest: String {
        changes.map { "\($0.address): \($0.action.rawValue) \($0.reasons) \($0.outcome.map { "\($0.status.rawValue) \($0.error ?? "")" } ?? "")" }
            .joined(separator: "\n")
    }
}

/// Bandwidth rules as the report's JSON shows them.
func rulesJSON(_ rules: [(String, String, Int)]) -> JSONValue {
    .array(rules.map { .object(["start": .string($0.0), "end": .string($0.1), "maxBandwidth": .number(Double($0.2))]) })
}
