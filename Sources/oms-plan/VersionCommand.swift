import ArgumentParser
import Foundation

/// `oms-plan version`: the version and the commit, for people (`--output text`) or scripts
/// (`--output json`: `{"version": ..., "commit": ..., "swift": ..., "platform": ...}`).
struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version of oms-plan and the commit it was built from.",
        discussion: "`oms-plan --version` prints the same first line.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "Output format: text or json.")
    var output: Format = .text

    func run() async throws {
        switch output {
        case .text:
            Console.out("oms-plan \(BuildInfo.versionLine)\n")
        case .json:
            let fields: [String: String] = [
                "version": BuildInfo.version,
                "commit": BuildInfo.commit,
                "swift": Self.swiftVersion,
                "platform": Self.platform,
            ]
            let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .prettyPrinted])
            Console.out(String(decoding: data, as: UTF8.self) + "\n")
        }
    }

    static var swiftVersion: String {
        #if compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #elseif compiler(>=6.1)
        "6.1"
        #else
        "6.0"
        #endif
    }

    static var platform: String {
        #if arch(x86_64)
        let arch = "x86_64"
        #elseif arch(arm64)
        let arch = "aarch64"
        #else
        let arch = "unknown"
        #endif
        #if os(Linux)
        return "linux-\(arch)"
        #elseif os(macOS)
        return "macos-\(arch)"
        #else
        return "unknown-\(arch)"
        #endif
    }
}
