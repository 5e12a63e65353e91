import Foundation
import ArgumentParser
import Logging
import MigrationPlan
import OMSModels

@main
struct OMSPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oms-plan",
        abstract: "GitOps for Huawei Cloud OMS: keep migration tasks, task groups and bandwidth windows in YAML.",
        discussion: """
            Plans are directories of YAML files. `diff` shows what would change in OMS, `apply` makes it so, \
            `reconcile` keeps it so. With no endpoint and no credentials configured, commands run against an \
            embedded OMS sandbox kept in ./.oms-plan/sandbox.
            """,
        version: BuildInfo.versionLine,
        subcommands: [
            ValidateCommand.self, DiffCommand.self, ApplyCommand.self, ReconcileCommand.self, StatusCommand.self, ReportCommand.self,
            SchemaCommand.self, SandboxCommand.self, ResetAttemptsCommand.self, CutoverCommand.self, InitCommand.self, ImportCommand.self, VersionCommand.self,
        ]
    )

    /// Exit codes of the CLI contract: 0, 1, 2, 130, and 64 for a command line the command
    /// cannot take (a flag out of its range, a missing argument), before any work starts.
    static func main() async {
        limitMallocArenas()
        // Secrets of the CLI's own credential variables are masked in every output from the
        // start, and log lines pass the same redactor.
        let environment = ProcessInfo.processInfo.environment
        SecretRedactor.shared.register(SensitiveNames.credentialVariables.compactMap { environment[$0] })
        LoggingSystem.bootstrap { label in RedactingLogHandler(label: label) }
        let code = await execute(CommandLine.arguments.dropFirst().map { $0 })
        if code != 0 { Foundation.exit(code) }
    }

    /// Kept, measured (issue 22): the one process-level setting that still earns its place. A
    /// plan command is one short burst of work on a few threads; glibc gives each allocating
    /// thread its own malloc arena (up to 8 per core), and memory freed in one arena is not
    /// reused by the others. On the 10,000-task diff at 20 ms, two arenas peak at 111 MB
    /// against 122 MB without (9 % less, same run, docs/benchmarks.md), and without it the diff
    /// would use more memory than the version before issue 22, which that issue forbids. The
    /// sandbox server, which answers many connections at once, keeps glibc's default.
    private static func limitMallocArenas() {
        #if os(Linux)
        // `mallopt` and `M_ARENA_MAX` (-8 in glibc's malloc.h) are not in Swift's Glibc module.
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        let arenaMax: Int32 = -8
        guard CommandLine.arguments.dropFirst().first != "sandbox",
            let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt")
        else { return }
        _ = unsafeBitCast(symbol, to: MallOpt.self)(arenaMax, 2)
        #endif
    }

    /// Parses and runs one command line, printing through `Console`; returns the exit code.
    /// `main` uses it with the process's arguments, tests in-process with their own.
    static func execute(_ arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Console.out(message + "\n") }
            } else if !message.isEmpty {
                Console.error(message)
            }
            return code.rawValue
        }
    }
}
