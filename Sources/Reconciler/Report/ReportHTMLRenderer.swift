import Crypto
import Foundation
import OMSModels

/// `report --output html`: the report as one self-contained HTML file to attach to a sign-off:
/// inline CSS only, no script, no font or image from elsewhere, and a Content-Security-Policy
/// that lets nothing load or run but its own stylesheet (named by its digest), so that text
/// that slipped past escaping still could not run. Every value is escaped scalar by scalar
/// (`TextEscaping.html`) after control characters are made visible; the command masks secrets
/// last, on the final text, as for the status page.
public struct ReportHTMLRenderer: Sendable {
    public init() {}

    public func render(_ report: MigrationReport) -> String {
        let zone = report.timezone
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(Self.contentSecurityPolicy)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Migration report: \(e(report.stack))</title>
            <style>\(Self.style)</style></head><body>
            <h1>Migration report <span class="stack">\(e(report.stack))</span></h1>
            <p class="read">Region <code>\(e(report.region))</code>, read from OMS at \(e(ReportText.time(report.readAt, zone))). Times in \(e(zone ?? "UTC")).</p>

            """
        html += totals(report)
        html += "<section id=\"resources\"><h2>Resources</h2>\n"
        for r in report.resources { html += resource(r, zone) }
        html += "</section>\n"
        html += acceptances(report)
        html += failedObjects(report)
        html += "<footer>Made by oms-plan report. Every failed object: <code>oms-plan report --output csv</code>.</footer>\n</body></html>\n"
        return html
    }

    private func totals(_ report: MigrationReport) -> String {
        let t = report.totals
        var out = "<section id=\"totals\" data-objects-listed=\"\(t.objectsListed)\" data-objects-copied=\"\(t.objectsCopied)\" "
        out += "data-objects-skipped=\"\(t.objectsSkipped)\" data-objects-failed=\"\(t.objectsFailed)\" data-bytes-copied=\"\(t.bytesCopied)\">\n"
        out += "<h2>Totals</h2>\n<table><tr><th>resources</th><th>objects listed</th><th>copied</th><th>skipped</th><th>failed</th>"
        out += "<th>bytes copied</th><th>first start</th><th>last finish</th><th>average speed</th><th>peak speed</th></tr>\n"
        out += "<tr><td>\(t.resources)</td><td>\(t.objectsListed)</td><td>\(t.objectsCopied)</td><td>\(t.objectsSkipped)</td>"
        out += "<td class=\"\(t.objectsFailed > t.objectsFailedAccepted ? "bad" : "good")\">\(e(ReportText.failed(t.objectsFailed, accepted: t.objectsFailedAccepted)))</td>"
        out += "<td>\(e(ReportText.bytes(t.bytesCopied))) of \(e(ReportText.bytes(t.bytesTotal)))</td><td>\(e(ReportText.time(t.firstStart, report.timezone)))</td>"
        out += "<td>\(e(ReportText.time(t.lastFinish, report.timezone)))</td><td>\(e(ReportText.speed(t.averageSpeed)))</td><td>\(e(ReportText.speed(t.peakSpeed)))</td></tr></table>\n"
        out += codes(t.failedByCode)
        if !t.failedByCode.isEmpty {
            out += "<dl class=\"code-advice\">"
            for c in t.failedByCode {
                let explained = FailedObjectCodes.builtIn.explain(c.code)
                out += "<dt><code>\(e(c.code))</code>: \(e(explained.title))</dt>"
                out += "<dd>\(e(explained.meaning)). <strong>What to do:</strong> \(e(explained.advice))</dd>"
            }
            out += "</dl>\n"
        }
        return out + "</section>\n"
    }

    private func resource(_ r: MigrationReport.Resource, _ zone: String?) -> String {
        var out = "<article class=\"resource\" data-address=\"\(e(r.address))\" data-objects-failed=\"\(r.objectsFailed)\">\n"
        out += "<h3><code>\(e(r.address))</code> <span class=\"status\">\(e(r.status))</span></h3>\n"
        let month = r.figuresAre == "month" ? " (this month)" : ""
        out += "<table><tr><th>objects listed\(month)</th><th>copied</th><th>skipped</th><th>failed</th><th>bytes copied</th><th>first start</th>"
        out += "<th>last finish</th><th>average speed</th><th>peak speed</th><th>consistency check</th></tr>\n"
        out += "<tr><td>\(r.objectsListed)</td><td>\(r.objectsCopied)</td><td>\(r.objectsSkipped)</td>"
        out += "<td>\(e(ReportText.failed(r.objectsFailed, accepted: r.objectsFailedAccepted)))</td>"
        out += "<td>\(e(ReportText.bytes(r.bytesCopied))) of \(e(ReportText.bytes(r.bytesTotal)))</td><td>\(e(ReportText.time(r.firstStart, zone)))</td>"
        out += "<td>\(e(ReportText.time(r.lastFinish, zone)))</td><td>\(e(ReportText.speed(r.averageSpeed)))</td><td>\(e(ReportText.speed(r.peakSpeed)))</td>"
        out += "<td>\(e(r.consistencyCheck ?? "-"))</td></tr></table>\n"
        out += codes(r.failedByCode)
        if let note = r.failedObjectsNote { out += "<p class=\"note\">Failed objects: \(e(note)).</p>\n" }
        let places = ReportText.lists(r.lists)
        if !places.isEmpty {
            out += "<ul class=\"lists\">" + places.map { "<li>\(e($0.name)): <code>\(e($0.place))</code></li>" }.joined() + "</ul>\n"
        }
        return out + "</article>\n"
    }

    private func codes(_ codes: [MigrationReport.CodeCount]) -> String {
        guard !codes.isEmpty else { return "" }
        let items = codes.map { c in
            "<li data-code=\"\(e(c.code))\" data-count=\"\(c.count)\"><code>\(e(c.code))</code> \(c.count)\(c.accepted > 0 ? " (\(c.accepted) accepted)" : "")</li>"
        }
        return "<ul class=\"codes\">" + items.joined() + "</ul>\n"
    }

    private func acceptances(_ report: MigrationReport) -> String {
        var out = "<section id=\"acceptances\"><h2>Acceptances</h2>\n"
        guard !report.acceptances.isEmpty else { return out + "<p>None: the plan accepts no failed objects.</p></section>\n" }
        out += "<table><tr><th>resource</th><th>reason</th><th>matches</th><th>failed objects matched</th></tr>\n"
        for a in report.acceptances {
            out += "<tr><td><code>\(e(a.address))</code></td><td>\(e(a.reason))</td><td>\(e(a.matches))</td>"
            out += "<td>\(a.matched)\(a.matched == 0 ? " (stale)" : "")</td></tr>\n"
        }
        return out + "</table></section>\n"
    }

    private func failedObjects(_ report: MigrationReport) -> String {
        var out = "<section id=\"failed-objects\" data-count=\"\(report.failedObjects.count)\"><h2>Failed objects</h2>\n"
        guard !report.failedObjects.isEmpty else { return out + "<p>None read from OMS's failed lists.</p></section>\n" }
        out += "<table><tr><th>resource</th><th>key</th><th>code</th><th>reason</th><th>accepted by</th></tr>\n"
        for o in report.failedObjects.prefix(ReportText.failedObjectsShown) {
            out += "<tr class=\"failed-object\"><td><code>\(e(o.address))</code></td><td class=\"key\"><code>\(e(o.key))</code></td>"
            out += "<td><code>\(e(o.code))</code></td><td>\(e(o.reason))</td><td>\(e(o.acceptedBy ?? "-"))</td></tr>\n"
        }
        out += "</table>\n"
        let more = report.failedObjects.count - ReportText.failedObjectsShown
        if more > 0 { out += "<p>… and \(more) more: <code>oms-plan report --output csv</code> lists every one.</p>\n" }
        return out + "</section>\n"
    }

    /// Visible control characters, then HTML escaping decided per scalar.
    private func e(_ text: String) -> String { TextEscaping.html(ReportText.visible(text)) }

    public static let contentSecurityPolicy: String = {
        let digest = Data(SHA256.hash(data: Data(style.utf8))).base64EncodedString()
        return "default-src 'none'; style-src 'sha256-\(digest)'; img-src 'none'; base-uri 'none'; form-action 'none'"
    }()

    static let style = """
        body{font:14px system-ui,sans-serif;margin:1.5em;color:#1b1f24}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}\
        h3{font-size:1em;margin:1.2em 0 .4em}table{border-collapse:collapse;width:100%}\
        td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}\
        code{font:12px ui-monospace,monospace;overflow-wrap:anywhere}.good{color:#1a7f37}.bad{color:#cf222e}\
        .note{color:#9a6700}ul.codes,ul.lists{padding-left:1.2em}footer{margin-top:2em;color:#57606a}\
        @media print{body{margin:0}article{break-inside:avoid}}
        """
}
