import ArgumentParser
import Foundation
import MigrationPlan
import OMSModels
import Reconciler

/// `oms-plan validate PATH...`: parse, resolve references and check every rule of the plan
/// format, without talking to OMS. Diagnostics go to stderr as `file:line:column: error: ...`.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a plan without talking to OMS.",
        discussion: """
            Reads the plan directories (recursively, *.yaml and *.yml, skipping names starting with . or _), \
            resolves ${env:}, ${file:} and ${var:} references and checks every rule of the plan format. \
            Problems are printed to stderr as `file:line:column: error: message`; the exit status is 0 when \
            the plan is valid and 1 otherwise. Unset secret references are warnings here (apply needs them).
            """)

    @OptionGroup var source: PlanSource

    @Option(help: "Evaluate bandwidth windows as of this RFC 3339 time instead of now (e.g. 2026-11-28T09:00:00Z).")
    var at: String?

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Flag(help: "Print the diagnostics as JSON on stdout instead of text on stderr.")
    var json = false

    func validate() throws {
        if source.paths.isEmpty { throw ValidationError("Give at least one plan directory or file.") }
    }

    func run() async throws {
        var date = Date()
        if let at {
            guard let parsed = PlanDate.parse(at) else { throw ValidationError("--at: not an RFC 3339 time: \(at)") }
            date = parsed
        }
        let result = await StackReconciler.loadPlan(paths: source.paths, options: source.loadOptions(at: date))
        let failed = result.hasErrors || (strict && !result.diagnostics.warnings.isEmpty)
        let resources = result.desiredState.map { $0.resources.count }
        let summary = (failed ? "invalid: " : "valid: ") + result.diagnostics.summary(files: result.files.count, resources: resources)
        if json {
            struct Report: Encodable {
                var valid: Bool
                var summary: String
                var diagnostics: [Diagnostic]
            }
            Console.json(try PrettyJSON.render(Report(valid: !failed, summary: summary, diagnostics: result.diagnostics)))
        } else {
            var text = result.diagnostics.map(\.rendered).joined(separator: "\n")
            if !text.isEmpty { text += "\n" }
            Console.error(text + summary)
        }
        if failed { throw ExitCode(1) }
    }
}
