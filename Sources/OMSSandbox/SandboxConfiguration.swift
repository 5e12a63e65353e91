import Foundation

/// How a sandbox is started: where it keeps buckets and state, the API's own credentials,
/// quotas, clock speed and whether the test control endpoints are on.
public struct SandboxConfiguration: Sendable {
    public var dataDirectory: URL
    public var accessKey: String
    public var secretKey: String
    public var projectId: String
    /// The one IAM user that may log in with a password.
    public var iamUser: String
    /// That user's password; nil: the data directory's generated one (`DATA/iam-password`).
    public var iamPassword: String?
    /// Sandbox seconds per real second (60: an hour of migration takes a minute).
    public var timeScale: Double
    public var controlEnabled: Bool
    public var quotas: Quotas
    /// The zone `hh:mm` bandwidth rules are read in (OMS's service time zone).
    public var serviceTimeZone: TimeZone
    /// At most this many tasks migrate at once; the rest wait (status 1).
    public var maximumConcurrentTasks: Int
    /// At most this many tasks migrate at once per destination region (OMS runs 5); the rest
    /// wait, and start by priority, then creation.
    public var slotsPerRegion: Int = Self.defaultSlotsPerRegion
    /// Objects per task when a task group splits its source.
    public var objectsPerGroupTask: Int
    /// False: the engine moves only when `POST /control/engine/run` asks (deterministic tests).
    public var backgroundEngine: Bool
    /// Raise sync events by itself for new or changed objects in the source buckets of
    /// synchronizing sync tasks (a real deployment wires the source cloud's notifications).
    public var watchSync: Bool = false
    /// Header and idle time-outs and the cap on open connections (`ConnectionLimits.sandbox`).
    public var connectionLimits: ConnectionLimits = .sandbox
    /// The plan's `sandbox/` folder as the user gave it, for the embedded sandbox only: a
    /// missing bucket's `OMS.1018` message then says where its files go (`missingBucketHint`).
    public var seedFolder: String? = nil
    /// Host names whose sub-domains name buckets on the OBS object API (`<bucket>.localhost`);
    /// the listening host is added. Any other Host header means path-style (`/<bucket>/<key>`).
    public var obsDomains: [String] = ["localhost"]

    public struct Quotas: Sendable {
        public var tasksPerDay: Int
        public var waitingTasks: Int
        public var groupsPerDay: Int
        public init(tasksPerDay: Int = 1500, waitingTasks: Int = 1500, groupsPerDay: Int = 100) {
            self.tasksPerDay = tasksPerDay
            self.waitingTasks = waitingTasks
            self.groupsPerDay = groupsPerDay
        }
    }

    public static let defaultAccessKey = "SANDBOXACCESSKEY0001"
    public static let defaultSecretKey = "sandbox-secret-key"
    /// OMS's own limit (its FAQ on migration speed: at most 5 tasks run at once in one region).
    public static let defaultSlotsPerRegion = 5
    public static let defaultProjectId = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    public static let defaultIAMUser = "sandbox"
    /// Largest request body the API reads once a request is authenticated (the biggest OMS
    /// bodies, 500 object keys of 1 KiB, are far below it).
    public static let maximumBodyBytes = 8 << 20
    /// Largest IAM login body (read before anyone is authenticated).
    public static let maximumLoginBodyBytes = 64 << 10

    public init(
        dataDirectory: URL, accessKey: String = Self.defaultAccessKey, secretKey: String = Self.defaultSecretKey,
        projectId: String = Self.defaultProjectId, iamUser: String = Self.defaultIAMUser, iamPassword: String? = nil,
        timeScale: Double = 1, controlEnabled: Bool = false,
        quotas: Quotas = Quotas(), serviceTimeZone: TimeZone = TimeZone(secondsFromGMT: 8 * 3600)!,
        maximumConcurrentTasks: Int = 20, objectsPerGroupTask: Int = 50, backgroundEngine: Bool = true
    ) {
        self.dataDirectory = dataDirectory
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.projectId = projectId
        self.iamUser = iamUser
        self.iamPassword = iamPassword
        self.timeScale = timeScale
        self.controlEnabled = controlEnabled
        self.quotas = quotas
        self.serviceTimeZone = serviceTimeZone
        self.maximumConcurrentTasks = maximumConcurrentTasks
        self.objectsPerGroupTask = max(1, objectsPerGroupTask)
        self.backgroundEngine = backgroundEngine
    }

    var bucketsDirectory: URL { dataDirectory.appendingPathComponent("buckets", isDirectory: true) }
    var databaseURL: URL { dataDirectory.appendingPathComponent("oms-sandbox.sqlite") }
    /// Where the generated IAM password is kept when none is configured.
    public var iamPasswordFile: URL { dataDirectory.appendingPathComponent(SandboxSecretFiles.iamPasswordName) }
}
