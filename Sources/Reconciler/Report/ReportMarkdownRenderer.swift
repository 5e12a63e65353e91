import Foundation
import OMSModels

/// `report --output markdown`: the report as GitHub Markdown (a PR comment, a wiki page).
/// Every value from OMS or the plan is escaped (`MarkdownReportRenderer`'s rules); keys are
/// code spans with control characters made visible.
public struct ReportMarkdownRenderer: Sendable {
    public init() {}

    public func render(_ report: MigrationReport) -> String {
        let zone = report.timezone
        var lines: [String] = []
        lines.append("# Migration report: \(text(report.stack))")
        lines.append("")
        lines.append("Region \(code(report.region)), read from OMS at \(ReportText.time(report.readAt, zone)). Times in \(text(zone ?? "UTC")).")
        lines.append("")
        lines.append("## Totals")
        lines.append("")
        lines.append("| resources | objects listed | copied | skipped | failed | bytes copied | first start | last finish | average speed | peak speed |")
        lines.append("|---:|---:|---:|---:|---:|---:|---|---|---:|---:|")
        let t = report.totals
        lines.append(
            "| \(t.resources) | \(t.objectsListed) | \(t.objectsCopied) | \(t.objectsSkipped) | \(ReportText.failed(t.objectsFailed, accepted: t.objectsFailedAccepted)) "
                + "| \(ReportText.bytes(t.bytesCopied)) of \(ReportText.bytes(t.bytesTotal)) | \(ReportText.time(t.firstStart, zone)) "
                + "| \(ReportText.time(t.lastFinish, zone)) | \(ReportText.speed(t.averageSpeed)) | \(ReportText.speed(t.peakSpeed)) |")
        if !t.failedByCode.isEmpty {
            lines.append("")
            lines.append("Failed objects by code: " + t.failedByCode.map { "\(code($0.code)) \($0.count)" + ($0.accepted > 0 ? " (\($0.accepted) accepted)" : "") }.joined(separator: ", ") + ".")
            lines.append("")
            lines.append("What the codes mean:")
            lines.append("")
            for c in t.failedByCode {
                let explained = FailedObjectCodes.builtIn.explain(c.code)
                lines.append("- \(code(c.code)): \(text(explained.title)): \(text(explained.meaning)). What to do: \(text(explained.advice))")
            }
        }
        lines.append("")
        lines.append("## Resources")
        for r in report.resources { lines += resource(r, zone) }
        lines.append("")
        lines.append("## Acceptances")
        lines.append("")
        if report.acceptances.isEmpty {
            lines.append("None: the plan accepts no failed objects.")
        } else {
            lines.append("| resource | reason | matches | failed objects matched |")
            lines.append("|---|---|---|---:|")
            for a in report.acceptances {
                lines.append("| \(tcode(a.address)) | \(cell(a.reason)) | \(cell(a.matches)) | \(a.matched)\(a.matched == 0 ? " (stale)" : "") |")
            }
        }
        lines += failedObjects(report)
        return lines.joined(separator: "\n") + "\n"
    }

    private func resource(_ r: MigrationReport.Resource, _ zone: String?) -> [String] {
        var lines = ["", "### \(code(r.address)): \(text(r.status))", ""]
        let month = r.figuresAre == "month" ? " (this month)" : ""
        lines.append("| objects listed\(month) | copied | skipped | failed | bytes copied | first start | last finish | average speed | peak speed | consistency check |")
        lines.append("|---:|---:|---:|---:|---:|---|---|---:|---:|---|")
        lines.append(
            "| \(r.objectsListed) | \(r.objectsCopied) | \(r.objectsSkipped) | \(ReportText.failed(r.objectsFailed, accepted: r.objectsFailedAccepted)) "
                + "| \(ReportText.bytes(r.bytesCopied)) of \(ReportText.bytes(r.bytesTotal)) | \(ReportText.time(r.firstStart, zone)) "
                + "| \(ReportText.time(r.lastFinish, zone)) | \(ReportText.speed(r.averageSpeed)) | \(ReportText.speed(r.peakSpeed)) "
                + "| \(r.consistencyCheck.map(tcode) ?? "-") |")
        if !r.failedByCode.isEmpty {
            lines.append("")
            lines.append("Failed by code: " + r.failedByCode.map { "\(code($0.code)) \($0.count)" + ($0.accepted > 0 ? " (\($0.accepted) accepted)" : "") }.joined(separator: ", ") + ".")
        }
        if let note = r.failedObjectsNote { lines += ["", "Failed objects: \(text(note))."] }
        let places = ReportText.lists(r.lists)
        if !places.isEmpty {
            lines.append("")
            lines.append("OMS's lists: " + places.map { "\($0.name) \(code($0.place))" }.joined(separator: "; ") + ".")
        }
        return lines
    }

    private func failedObjects(_ report: MigrationReport) -> [String] {
        var lines = ["", "## Failed objects", ""]
        guard !report.failedObjects.isEmpty else { return lines + ["None read from OMS's failed lists."] }
        lines.append("| resource | key | code | reason | accepted by |")
        lines.append("|---|---|---|---|---|")
        for o in report.failedObjects.prefix(ReportText.failedObjectsShown) {
            lines.append("| \(tcode(o.address)) | \(tcode(o.key)) | \(tcode(o.code)) | \(cell(o.reason)) | \(o.acceptedBy.map(cell) ?? "-") |")
        }
        let more = report.failedObjects.count - ReportText.failedObjectsShown
        if more > 0 { lines += ["", "… and \(more) more: `oms-plan report --output csv` lists every one."] }
        return lines
    }

    private func text(_ s: String) -> String { MarkdownReportRenderer.text(ReportText.visible(s)) }
    private func cell(_ s: String) -> String { text(s) }
    private func tcode(_ s: String) -> String { code(s, inTable: true) }
    private func code(_ s: String, inTable: Bool = false) -> String { MarkdownReportRenderer.code(ReportText.visible(s), inTable: inTable) }
}
