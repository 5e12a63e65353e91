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
}
