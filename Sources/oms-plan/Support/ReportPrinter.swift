import Reconciler

/// Prints a change report in the format the user asked for.
enum ReportPrinter {
    /// `full` (`--full`): text and markdown list every create instead of folding alike ones
    /// past 50; JSON always lists every change.
    static func render(_ report: ChangeReport, format: OutputFormat, color: Bool, full: Bool) -> String {
        switch format {
        case .json: JSONReportRenderer().render(report)
        case .markdown: MarkdownReportRenderer(full: full).render(report)
        case .text: TextReportRenderer(color: color, full: full).render(report)
        }
    }
}
