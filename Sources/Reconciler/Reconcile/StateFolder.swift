import Foundation

/// The layout of a plan repository's run state (`./.oms-plan`), in one place: the command line
/// and the reconciler name its files only through this type, so that a file never moves in one
/// of them and not in the other.
///
/// ```
/// .oms-plan/
///   .gitignore                  "*": the whole folder stays out of Git
///   sandbox/                    the embedded sandbox's buckets and database
///   state/<stack>.attempts.json how often onFailure retried (reset-attempts clears it)
///   state/<stack>.adopted.json  what earlier applies adopted (for release lines)
///   state/<stack>.history.json  what reconcile observed (speeds for forecasts)
///   state/<stack>.notified.json what the Notifications last sent, so nothing is sent twice
///   state/<stack>.cutovers.json where each Cutover stands (`cutovers(stack:)`, Reconciler/Cutover)
/// ```
public struct StateFolder: Sendable, Hashable {
    /// The folder itself (`./.oms-plan` for the command line).
    public let root: URL

    public init(root: URL) { self.root = root }

    /// `./.oms-plan`, relative to the folder a command runs in.
    public static let current = StateFolder(root: URL(fileURLWithPath: ".oms-plan", isDirectory: true))

    /// Where the embedded sandbox keeps its buckets and database.
    public var sandbox: URL { root.appendingPathComponent("sandbox", isDirectory: true) }

    /// The attempt ledger of a stack.
    public func attempts(stack: String) -> URL { file(stack, "attempts") }
    /// What earlier applies of a stack adopted.
    public func adopted(stack: String) -> URL { file(stack, "adopted") }
    /// What reconcile observed of a stack (speeds and throughput for forecasts and the page).
    public func history(stack: String) -> URL { file(stack, "history") }
    /// What the stack's Notifications last sent (events and addresses, never a URL).
    public func notified(stack: String) -> URL { file(stack, "notified") }

    private func file(_ stack: String, _ what: String) -> URL {
        root.appendingPathComponent("state/\(stack).\(what).json")
    }

    /// Makes the folder if it is missing: private to its user, and ignored by Git whole, so
    /// that `git add .` never commits the sandbox's database or a ledger.
    public func prepare() throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let ignore = root.appendingPathComponent(".gitignore")
        if !fileManager.fileExists(atPath: ignore.path) {
            try Data("# Written by oms-plan: run state, never to be committed.\n*\n".utf8).write(to: ignore)
        }
    }
}
