import ArgumentParser
import Foundation
import Reconciler

/// `oms-plan report`: the migration report a team signs off (issue 24, part 5).
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The migration report to sign off: per resource objects listed, copied, skipped and failed (by code), bytes, times, speeds, consistency check, where OMS's lists are; totals; acceptances (read-only).",
        discussion: """
            markdown (default) and html are for people: html is one self-contained file (no script, nothing \
            loaded from elsewhere). json is the whole report. csv is one row per failed object (address, key, code, \
            reason, accepted_by), RFC 4180, with a leading ' before a cell a spreadsheet would read as a formula. \
            Exits 0 when the report was written, 1 when the plan cannot be loaded or OMS cannot be read.
            """)

    @OptionGroup var source: PlanSource
    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Report format: markdown, json, csv or html.")
    var output: ReportFormat = .markdown

    @Option(help: ArgumentHelp("Write the report to this file (replaced if it exists) instead of stdout.", valueName: "file"))
    var write: String?

    @Option(help: "At most this many OBS requests in flight while reading failed-object lists (1 to 64).")
    var parallelism = Count(8)

    func validate() throws {
        try require((1...64).contains(parallelism.value), "--parallelism must be between 1 and 64")
    }

    func run() async throws {
        var plan = try PlanOptions.parse([])
        plan.source = source
        let session = try await Session.open(plan: plan, connection: connection, secretsRequired: false)
        let report: MigrationReport
        do {
            // The failed objects come from OMS's lists in the destination buckets, as for status.
            let reconciler = session.reconcilerReadingFailedObjects(parallelism: parallelism.value)
            report = try await reconciler.report(of: session.desired)
        } catch {
            await session.close()
            Console.error("error: OMS could not be read: \(error)")
            throw ExitCode(1)
        }
        await session.close()
        let text: String
        switch output {
        case .markdown: text = ReportMarkdownRenderer().render(report)
        case .json: text = try ReportJSONRenderer().render(report)
        case .csv: text = ReportCSVRenderer().render(report)
        case .html: text = ReportHTMLRenderer().render(report)
        }
        guard let write else {
            if output == .json { Console.json(text) } else { Console.out(text) }
            return
        }
        do {
            try Console.writeFile(text, to: write, json: output == .json)
        } catch {
            Console.error("error: cannot write \(write): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        Console.note("wrote the \(output.rawValue) report of \(report.resources.count) resources to \(write)")
    }
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case markdown, json, csv, html
}
