import Reconciler

/// Prints a change report in the format the user asked for.
enum ReportPrinter {
    static func render(_ report: ChangeReport, format: OutputFormat, color: Bool) -> String {
        switch format {
        case .json: JSONReportRenderer().render(report)
        case .markdown: MarkdownReportRenderer().render(report)
        case .text: TextReportRenderer(color: color).render(report)
        }
    }
}
