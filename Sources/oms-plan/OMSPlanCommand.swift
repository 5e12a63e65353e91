import Foundation
import ArgumentParser

@main
struct OMSPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oms-plan",
        abstract: "GitOps for Huawei Cloud OMS: keep migration tasks, task groups and bandwidth windows in YAML.",
        discussion: """
            Plans are directories of YAML files. `diff` shows what would change in OMS, `apply` makes it so,
            `reconcile` keeps it so. With no endpoint and no credentials configured, commands run against an
            embedded OMS sandbox kept in ./.oms-plan/sandbox.
            """,
        version: "0.1.0",
        subcommands: [
            ValidateCommand.self, DiffCommand.self, ApplyCommand.self, ReconcileCommand.self, StatusCommand.self,
            SchemaCommand.self, SandboxCommand.self,
        ]
    )

    /// The CLI contract allows exit codes 0, 1, 2 and 130 only: usage and validation errors,
    /// which swift-argument-parser ends with 64, end with 1 here.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            var code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
            } else {
                if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
                if code == .validationFailure { code = .failure }
            }
            Foundation.exit(code.rawValue)
        }
    }
}
