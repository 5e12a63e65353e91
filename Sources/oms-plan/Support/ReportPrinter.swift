import Reconciler
import Synchronization

/// Prints a change report in the format the user asked for.
enum ReportPrinter {
    /// `--full` (`PlanOptions.validate` sets it when a command's options are parsed): text and
    /// markdown list every create instead of folding alike ones past 50.
    static let listsEveryCreate = Mutex(false)

    static func render(_ report: ChangeReport, format: OutputFormat, color: Bool) -> String {
        let full = listsEveryCreate.withLock { $0 }
        return switch format {
        case .json: JSONReportRenderer().render(report)
        case .markdown: MarkdownReportRenderer(full: full).render(report)
        case .text: TextReportRenderer(color: color, full: full).render(report)
        }
    }
}
