import ArgumentParser
import Foundation
import Logging
import MigrationPlan
import OMSClient
import OMSModels
import OMSSandbox
import Reconciler
import Synchronization

/// A loaded plan and a client for the OMS it targets (possibly the embedded sandbox).
struct Session {
    let desired: DesiredState
    let client: OMSClient
    let sandbox: EmbeddedSandbox?
    let stateFolder: StateFolder
    /// A live read started while the plan loaded (diff only; nil when the connection depended
    /// on the plan, or was not asked for).
    var prefetchedLive: StackReconciler.PendingRead? = nil

    /// The observe-compare-act loop for this stack: its ledger in `./.oms-plan`, its lock in the
    /// user's lock folder, keyed by the OMS (the embedded sandbox's data folder, whose port
    /// changes every run), the project and the stack.
    var reconciler: StackReconciler {
        var reconciler = StackReconciler(client: client, stateDirectory: stateFolder.root)
        if let sandbox {
            let data = sandbox.configuration.dataDirectory.resolvingSymlinksInPath().standardizedFileURL.path
            reconciler.lockScope = "sandbox:" + data + "|" + sandbox.configuration.projectId
        }
        // Failed-object lists (reconcile's metrics, the codes a "gave up" names); status sets its own.
        reconciler.failedObjects = try? failedObjectAccess()
        return reconciler
    }

    /// Loads the plan (diagnostics to stderr; exit 1 on errors), then connects. With no
    /// endpoint and no credentials at all, starts the embedded sandbox and says so.
    ///
    /// With `prefetchLive` (diff, which reads only and takes no lock), when the endpoint, the
    /// project and the credentials do not depend on the plan, the live read starts at once and
    /// runs while the plan loads: on a big project the two take about as long as each other.
    static func open(
        plan: PlanOptions, connection: ConnectionOptions, secretsRequired: Bool, prefetchLive: Bool = false, now: Date = Date()
    ) async throws -> Session {
        let environment = ProcessInfo.processInfo.environment
        let stateFolder = StateFolder.current
        let endpoint = connection.endpoint ?? environment["OMS_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
        let credentialsGiven = EnvironmentCredentials.anyConfigured(in: environment)
        let useSandbox = endpoint == "sandbox" || (endpoint == nil && !credentialsGiven)
        let givenRegion = connection.region ?? environment["OMS_REGION"].flatMap { $0.isEmpty ? nil : $0 }
        let givenProject = connection.projectId ?? environment["OMS_PROJECT_ID"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HUAWEICLOUD_SDK_PROJECT_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let timeout = connection.requestTimeout.duration
        var logger = Logger(label: "oms-plan")
        logger.logLevel = environment["OMS_PLAN_DEBUG"] == nil ? .warning : .debug

        var early: (client: OMSClient, live: StackReconciler.PendingRead)?
        if prefetchLive, !useSandbox, let endpoint, let givenProject,
            let authentication = EnvironmentCredentials.authentication(from: environment, region: givenRegion),
            givenRegion != nil || Self.regionFree(authentication, environment),
            let client = try? OMSClient(
                configuration: OMSClientConfiguration(
                    endpoint: endpoint, projectId: givenProject, authentication: authentication, requestTimeout: timeout),
                logger: logger)
        {
            early = (client, StackReconciler.startReading(from: client))
        }
        let desired: DesiredState
        do {
            desired = try await loadPlan(plan, secretsRequired: secretsRequired, sandbox: useSandbox, now: now)
        } catch {
            early?.live.cancel()
            throw error
        }
        if let early {
            return Session(desired: desired, client: early.client, sandbox: nil, stateFolder: stateFolder, prefetchedLive: early.live)
        }
        let region = givenRegion ?? desired.stack.region

        try stateFolder.prepare()
        if useSandbox {
            let data = stateFolder.sandbox
            let seed = plan.paths.first.map { URL(fileURLWithPath: $0).appendingPathComponent("sandbox", isDirectory: true) }
            let scale = try sandboxTimeScale(environment["OMS_PLAN_SANDBOX_TIME_SCALE"])
            var quiet = Logger(label: "oms-plan.sandbox")
            quiet.logLevel = .critical
            let sandbox = try await EmbeddedSandbox.start(dataDirectory: data, seedDirectory: seed, timeScale: scale, logger: quiet)
            Console.note(
                "using the embedded OMS sandbox (state in \(data.relativePath), its buckets over OBS's API on \(sandbox.obsEndpoint)); "
                    + "set OMS_ENDPOINT and credentials for a real OMS")
            if let seeding = sandbox.seeding.summary { Console.note(seeding) }
            let configuration = sandbox.configuration
            let client = try OMSClient(
                configuration: OMSClientConfiguration(
                    endpoint: sandbox.endpoint, projectId: configuration.projectId,
                    authentication: .accessKey(.init(accessKey: configuration.accessKey, secretKey: configuration.secretKey)),
                    requestTimeout: timeout),
                logger: logger)
            return Session(desired: desired, client: client, sandbox: sandbox, stateFolder: stateFolder)
        }
        guard let authentication = EnvironmentCredentials.authentication(from: environment, region: region) else {
            throw CLIError(
                "no OMS credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or OMS_AUTH_TOKEN (or drop --endpoint to use the embedded sandbox)")
        }
        let projectId = givenProject ?? desired.stack.projectId
        guard let projectId, !projectId.isEmpty else {
            throw CLIError("no project id: pass --project-id, set OMS_PROJECT_ID, or set Stack.spec.projectId")
        }
        let client = try OMSClient(
            configuration: OMSClientConfiguration(
                endpoint: endpoint ?? OMSClientConfiguration.defaultEndpoint(region: region), projectId: projectId,
                authentication: authentication, requestTimeout: timeout),
            logger: logger)
        return Session(desired: desired, client: client, sandbox: nil, stateFolder: stateFolder)
    }

    /// Whether these credentials work without knowing the region (password login finds IAM
    /// by region unless `OMS_IAM_ENDPOINT` names it).
    static func regionFree(_ authentication: Authentication, _ environment: [String: String]) -> Bool {
        if case .password = authentication { return !(environment["OMS_IAM_ENDPOINT"] ?? "").isEmpty }
        return true
    }

    /// `OMS_PLAN_SANDBOX_TIME_SCALE`: a positive, finite speed-up like `sandbox serve --time-scale`.
    static func sandboxTimeScale(_ text: String?) throws -> Double {
        guard let text, !text.isEmpty else { return 1 }
        guard let factor = Factor(argument: text) else {
            throw CLIError("OMS_PLAN_SANDBOX_TIME_SCALE must be a number more than 0 and at most 1000000, found \(text)")
        }
        return factor.value
    }

    /// Loads the plan; for the embedded sandbox, which takes any bucket key, unset secrets get
    /// generated stand-ins (said once) so that the quickstart runs with nothing set.
    static func loadPlan(_ plan: PlanOptions, secretsRequired: Bool, sandbox: Bool, now: Date) async throws -> DesiredState {
        let result = await StackReconciler.loadPlan(
            paths: plan.paths, options: plan.source.loadOptions(at: now, secretsRequired: secretsRequired, placeholderForUnsetSecrets: sandbox))
        for diagnostic in result.diagnostics { Console.error(diagnostic.rendered) }
        // Said once per process: reconcile --interval reloads the plan every pass.
        if !result.placeholders.isEmpty, !result.hasErrors, placeholdersSaid.withLock({ said in defer { said = true }; return !said }) {
            Console.note("the embedded sandbox accepts any bucket key: generated stand-ins for \(result.placeholders.count) unset secret\(result.placeholders.count == 1 ? "" : "s") (\(result.placeholders.joined(separator: ", ")))")
        }
        guard !result.hasErrors, let desired = result.desiredState else {
            let errors = result.diagnostics.filter { $0.severity == .error }.count
            Console.error("plan has \(errors) error\(errors == 1 ? "" : "s"); nothing was sent to OMS")
            throw ExitCode(1)
        }
        return desired
    }

    private static let placeholdersSaid = Mutex(false)

    /// The addresses `--target`/`--selector` limit the run to (nil: everything).
    func scope(_ plan: PlanOptions) -> Set<ResourceAddress>? {
        RunScope(targets: plan.targets, selector: plan.selector).addresses(in: desired)
    }

    /// The same connection with the plan read again (a new day may bring other bandwidth windows).
    func reloaded(plan: PlanOptions, now: Date) async throws -> Session {
        Session(
            desired: try await Self.loadPlan(plan, secretsRequired: true, sandbox: sandbox != nil, now: now), client: client, sandbox: sandbox,
            stateFolder: stateFolder)
    }

    func close() async {
        await sandbox?.shutdown()
    }
}

/// Where a command's output goes when it does not go to the process's stdout and stderr:
/// a test running commands in-process sets one for the task (`Console.$capture`).
final class ConsoleCapture: Sendable {
    private let streams = Mutex<(out: String, err: String)>(("", ""))
    var out: String { streams.withLock { $0.out } }
    var err: String { streams.withLock { $0.err } }
    func append(_ text: String, error: Bool) {
        streams.withLock { if error { $0.err += text } else { $0.out += text } }
    }
}

/// stdout and stderr in the contract's shapes. Everything printed passes the secret redactor.
enum Console {
    @TaskLocal static var capture: ConsoleCapture?

    static func error(_ text: String) { write(text + "\n", error: true) }
    static func note(_ text: String) { write("oms-plan: " + text + "\n", error: true) }
    static func out(_ text: String) { write(text, error: false) }
    /// A JSON document on stdout: secrets are masked inside its strings only, so it stays JSON.
    static func json(_ text: String) { write(text, error: false, json: true) }
    /// Text in the format the user asked for (JSON masked as JSON).
    static func out(_ text: String, format: OutputFormat) { write(text, error: false, json: format == .json) }

    private static func write(_ text: String, error: Bool, json: Bool = false) {
        let redactor = SecretRedactor.shared
        let redacted = json ? redactor.redactJSON(text) : redactor.redact(text)
        if let capture {
            capture.append(redacted, error: error)
        } else {
            (error ? FileHandle.standardError : FileHandle.standardOutput).write(Data(redacted.utf8))
        }
    }

    /// Writes a file that may hold plan values (reports, metrics), secrets masked.
    static func writeFile(_ text: String, to path: String, json: Bool = false) throws {
        let redactor = SecretRedactor.shared
        try Data((json ? redactor.redactJSON(text) : redactor.redact(text)).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// A problem found at run time (not in the command line itself): printed without the usage text.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
