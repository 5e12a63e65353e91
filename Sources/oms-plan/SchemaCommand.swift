import ArgumentParser
import Foundation
import MigrationPlan

/// `oms-plan schema`: the JSON Schema of the plan format, byte for byte schemas/plan.schema.json.
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of plan documents.",
        discussion: """
            The same file as schemas/plan.schema.json. Point editors at it with a modeline as the first line \
            of each plan file:  # yaml-language-server: $schema=PATH/plan.schema.json
            """)

    func run() async throws {
        Console.out(PlanSchema.json)
    }
}
