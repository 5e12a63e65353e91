import Foundation

/// How a sandbox is started: where it keeps buckets and state, the API's own credentials,
/// quotas, clock speed and whether the test control endpoints are on.
public struct SandboxConfiguration: Sendable {
    public var dataDirectory: URL
    public var accessKey: String
    public var secretKey: String
    public var projectId: String
    public var timeScale: Double
    public var controlEnabled: Bool

    public static let defaultAccessKey = "SANDBOXACCESSKEY0001"
    public static let defaultSecretKey = "sandbox-secret-key"
    public static let defaultProjectId = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

    public init(
        dataDirectory: URL, accessKey: String = Self.defaultAccessKey, secretKey: String = Self.defaultSecretKey,
        projectId: String = Self.defaultProjectId, timeScale: Double = 1, controlEnabled: Bool = false
    ) {
        self.dataDirectory = dataDirectory
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.projectId = projectId
        self.timeScale = timeScale
        self.controlEnabled = controlEnabled
    }
}
