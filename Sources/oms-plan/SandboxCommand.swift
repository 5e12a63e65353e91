import ArgumentParser
import Foundation
import Hummingbird
import MigrationPlan
import OMSSandbox

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the local OMS sandbox.",
        subcommands: [SandboxServeCommand.self])
}

struct SandboxServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the OMS v2 API (and IAM token login) over HTTP from local buckets.",
        discussion: """
            Buckets are directories: DATA/buckets/<cloud_type>/<region>/<bucket>/<object key>. A bucket accepts any \
            AK/SK unless DATA/buckets/<cloud_type>/<region>/<bucket>.keys lists the accepted AK:SK pairs. See docs/sandbox.md.
            """)

    @Option(help: "Address to listen on; anything but loopback lets other machines use this sandbox.")
    var host = ListenAddress("127.0.0.1")
    @Option(help: "Port to listen on (0 picks a free one).") var port = PortOrZero(8088)
    @Option(help: "Also serve the HuaweiCloud buckets over OBS's object API (S3 dialect, AWS Signature V4 or OBS's signature) on this port (0 picks a free one).")
    var obsPort: PortOrZero?
    @Option(help: "Data directory: buckets and the SQLite state.") var data = "./.oms-plan/sandbox"
    @Option(help: "Access key the API accepts.") var accessKey = SandboxConfiguration.defaultAccessKey
    @Option(help: "Secret key of that access key.") var secretKey = SandboxConfiguration.defaultSecretKey
    @Option(help: "The one project id the API serves.") var projectId = SandboxConfiguration.defaultProjectId
    @Option(help: "The IAM user that may log in with a password (env OMS_SANDBOX_IAM_USER; default sandbox).")
    var iamUser: String?
    @Option(help: "That user's password (env OMS_SANDBOX_IAM_PASSWORD; default: generated once into DATA/iam-password).")
    var iamPassword: String?
    @Option(help: "Sandbox seconds per real second (60 makes an hour of migration take a minute).") var timeScale = Factor(1)
    @Flag(help: "Enable the /control endpoints (clock, faults, bucket seeding, engine).") var control = false
    @Option(help: "Tasks that may be created per 24 hours.") var taskQuotaPerDay = Count(1500)
    @Option(help: "Tasks that may wait at once.") var waitingTaskQuota = Count(1500)
    @Option(help: "Task groups that may be created per 24 hours.") var groupQuotaPerDay = Count(100)
    @Option(help: "Time zone OMS reads hh:mm bandwidth rules in: an offset like +08:00, or a zone name.")
    var serviceTimezone = "+08:00"
    @Option(help: "Tasks migrating at once (1 to 10000); the rest wait.") var maxConcurrentTasks = Count(20)
    @Option(help: "Tasks migrating at once per destination region (1 to 10000; OMS runs 5); the rest wait, started by priority, then creation.")
    var slotsPerRegion = Count(SandboxConfiguration.defaultSlotsPerRegion)
    @Flag(help: "Run the migration engine only when POST /control/engine/run asks (needs --control).") var manualEngine = false
    @Flag(help: "Send sync events by itself for new or changed objects in the source buckets of synchronizing sync tasks (as a cloud's event notifications would).")
    var watchSync = false
    /// Tests shorten the header time-out to see half-open connections closed (hidden: the
    /// default, ConnectionLimits.sandbox's 10 s, is what a sandbox should run with).
    @Option(help: .hidden) var headerTimeout: Seconds?

    func validate() throws {
        try require((1...10_000).contains(maxConcurrentTasks.value), "--max-concurrent-tasks must be between 1 and 10000")
        try require((1...10_000).contains(slotsPerRegion.value), "--slots-per-region must be between 1 and 10000")
        try require(ScheduleTimeZone(serviceTimezone) != nil, "--service-timezone must be an offset like +08:00 or a zone name like Asia/Shanghai")
        try require(!accessKey.isEmpty && !secretKey.isEmpty, "--access-key and --secret-key must not be empty")
        try require(obsPort.map { $0.value == 0 || $0.value != port.value } ?? true, "--obs-port must be another port than --port")
        try require(headerTimeout.map { (0.1...600).contains($0.value) } ?? true, "--header-timeout must be between 0.1 and 600 seconds")
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let user = iamUser ?? environment["OMS_SANDBOX_IAM_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? SandboxConfiguration.defaultIAMUser
        let password = iamPassword ?? environment["OMS_SANDBOX_IAM_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        let configuration = SandboxConfiguration(
            dataDirectory: URL(fileURLWithPath: data), accessKey: accessKey, secretKey: secretKey, projectId: projectId,
            iamUser: user, iamPassword: password, timeScale: timeScale.value, controlEnabled: control,
            quotas: .init(tasksPerDay: taskQuotaPerDay.value, waitingTasks: waitingTaskQuota.value, groupsPerDay: groupQuotaPerDay.value),
            serviceTimeZone: ScheduleTimeZone(serviceTimezone)!.timeZone, maximumConcurrentTasks: maxConcurrentTasks.value,
            backgroundEngine: !manualEngine)
        var withWatcher = configuration
        withWatcher.watchSync = watchSync
        withWatcher.slotsPerRegion = slotsPerRegion.value
        if let headerTimeout { withWatcher.connectionLimits.headerTimeout = headerTimeout.duration }
        if !host.isLoopback {
            let published = accessKey == SandboxConfiguration.defaultAccessKey || secretKey == SandboxConfiguration.defaultSecretKey
            Console.error("""
                warning: --host \(host.value) is not a loopback address: other machines can reach this sandbox\
                \(control ? ", including its unauthenticated /control endpoints" : "")\
                \(published ? ", and it accepts the published default access key; pass --access-key and --secret-key" : "").
                """)
        }
        let server = try SandboxServer(configuration: withWatcher)
        let shownSecret = secretKey == SandboxConfiguration.defaultSecretKey ? secretKey : "(as given)"
        let shownPassword = password == nil ? "in \(configuration.iamPasswordFile.path)" : "(as given)"
        let host = self.host.value
        let app = server.application(host: host, port: port.value) { bound in
            Console.out("""
                oms-plan sandbox listening on http://\(host):\(bound)
                  data:        \(data)
                  project id:  \(projectId)
                  access key:  \(accessKey)
                  secret key:  \(shownSecret)
                  IAM login:   user \(user), password \(shownPassword)
                  time scale:  \(timeScale.value)x\(control ? ", control endpoints on" : "")

                """)
        }
        guard let obsPort else {
            try await app.runService()
            return
        }
        let obs = server.obsApplication(host: host, port: obsPort.value) { bound in
            Console.out("""
                oms-plan sandbox OBS object API on http://\(host):\(bound) (HuaweiCloud buckets; path-style, or virtual-host as <bucket>.localhost:\(bound))

                """)
        }
        try await SandboxServer.runTogether(app, obs)
    }
}
