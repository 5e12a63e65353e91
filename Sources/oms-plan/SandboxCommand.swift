import ArgumentParser
import Foundation
import Hummingbird
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
            Buckets are directories: DATA/buckets/<cloud_type>/<region>/<bucket>/<object key>. A bucket accepts any
            AK/SK unless DATA/buckets/<cloud_type>/<region>/<bucket>.keys lists the accepted AK:SK pairs. See docs/sandbox.md.
            """)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8088
    @Option(help: "Data directory: buckets and the SQLite state.") var data = "./.oms-plan/sandbox"
    @Option(help: "Access key the API accepts.") var accessKey = SandboxConfiguration.defaultAccessKey
    @Option(help: "Secret key of that access key.") var secretKey = SandboxConfiguration.defaultSecretKey
    @Option(help: "The one project id the API serves.") var projectId = SandboxConfiguration.defaultProjectId
    @Option(help: "Sandbox seconds per real second (60 makes an hour of migration take a minute).") var timeScale = 1.0
    @Flag(help: "Enable the /control endpoints (clock, faults, bucket seeding, engine).") var control = false
    @Option(help: "Tasks that may be created per 24 hours.") var taskQuotaPerDay = 1500
    @Option(help: "Tasks that may wait at once.") var waitingTaskQuota = 1500
    @Option(help: "Task groups that may be created per 24 hours.") var groupQuotaPerDay = 100
    @Option(help: "Time zone OMS reads hh:mm bandwidth rules in, as an offset like +08:00.") var serviceTimezone = "+08:00"
    @Option(help: "Tasks migrating at once; the rest wait.") var maxConcurrentTasks = 20
    @Flag(help: "Run the migration engine only when POST /control/engine/run asks (needs --control).") var manualEngine = false

    func run() async throws {
        guard let zone = TimeZoneParsing.offset(serviceTimezone) else {
            throw ValidationError("--service-timezone must be an offset like +08:00")
        }
        let configuration = SandboxConfiguration(
            dataDirectory: URL(fileURLWithPath: data), accessKey: accessKey, secretKey: secretKey, projectId: projectId,
            timeScale: timeScale, controlEnabled: control,
            quotas: .init(tasksPerDay: taskQuotaPerDay, waitingTasks: waitingTaskQuota, groupsPerDay: groupQuotaPerDay),
            serviceTimeZone: zone, maximumConcurrentTasks: maxConcurrentTasks, backgroundEngine: !manualEngine)
        let server = try SandboxServer(configuration: configuration)
        let shownSecret = secretKey == SandboxConfiguration.defaultSecretKey ? secretKey : "(as given)"
        let app = server.application(host: host, port: port) { bound in
            FileHandle.standardOutput.write(Data("""
                oms-plan sandbox listening on http://\(host):\(bound)
                  data:        \(data)
                  project id:  \(projectId)
                  access key:  \(accessKey)
                  secret key:  \(shownSecret)
                  IAM login:   any user, password \(SandboxConfiguration.defaultPassword)
                  time scale:  \(timeScale)x\(control ? ", control endpoints on" : "")

                """.utf8))
        }
        try await app.runService()
    }
}

enum TimeZoneParsing {
    /// `+08:00`, `-05:30`, `Z` or `UTC`.
    static func offset(_ text: String) -> TimeZone? {
        if text == "Z" || text == "UTC" { return TimeZone(secondsFromGMT: 0) }
        let sign: Int = text.hasPrefix("-") ? -1 : 1
        let digits = text.drop { $0 == "+" || $0 == "-" }.split(separator: ":")
        guard digits.count == 2, let h = Int(digits[0]), let m = Int(digits[1]), h <= 14, m < 60 else { return nil }
        return TimeZone(secondsFromGMT: sign * (h * 3600 + m * 60))
    }
}
