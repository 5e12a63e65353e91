import Foundation
import OMSModels

extension FailedObjectsSummary {
    /// For `status` text: indented lines under the resource's line. Per code (most first): how
    /// many, what it means and what to do; then the first keys; notes last.
    public func textLines(indent: String = "    ") -> [String] {
        var lines = acceptanceLines(indent: indent)
        // A finished resource's stale acceptances: there is no list to describe.
        if count == 0 && listFile.isEmpty && note == nil { return lines }
        let acceptedText = accepted > 0 ? ", \(accepted) accepted" : ""
        lines.append("\(indent)\(count) failed \(count == 1 ? "object" : "objects")\(acceptedText) (list: \(FailedListReader.escaped(Array(listFile.utf8))))")
        for (code, number) in codesByCount {
            let explanation = explanations[code] ?? FailedObjectCodes.builtIn.explain(code)
            lines.append("\(indent)  \(code) x\(number): \(explanation.title): \(explanation.meaning)")
            lines.append("\(indent)    what to do: \(explanation.advice)")
        }
        for object in sample {
            lines.append("\(indent)  - \(object.key) (\(object.code))")
        }
        if count > sample.count { lines.append("\(indent)  ... and \(count - sample.count) more in the list") }
        if unreadableLines > 0 {
            lines.append("\(indent)  \(unreadableLines) \(unreadableLines == 1 ? "line" : "lines") of another shape, kept as written:")
            for raw in unreadableSample { lines.append("\(indent)    \(raw)") }
        }
        if let note { lines.append("\(indent)  note: \(note)") }
        return lines
    }

    /// `Succeeded with N accepted failures (reasons)` for a settled resource, then one line for
    /// the unaccepted objects (how many, the first keys) and one per stale acceptance. Reasons
    /// are the plan's and keys OMS's: both escaped like the list's key (masking is `Console`'s).
    public func acceptanceLines(indent: String = "    ") -> [String] {
        func esc(_ text: String) -> String { FailedListReader.escaped(Array(text.utf8)) }
        var lines: [String] = []
        if settled == true {
            let reasons = (acceptedReasons ?? []).map(esc).joined(separator: "; ")
            lines.append("\(indent)Succeeded with \(accepted) accepted \(accepted == 1 ? "failure" : "failures") (\(reasons))")
        }
        if let unaccepted, unaccepted > 0 {
            let keys = sample.prefix(unaccepted).map { esc($0.key) }.joined(separator: ", ")
            lines.append("\(indent)\(unaccepted) unaccepted failed \(unaccepted == 1 ? "object" : "objects"): \(keys)\(unaccepted > sample.count ? ", ..." : "")")
        }
        for stale in staleAcceptances ?? [] {
            lines.append("\(indent)stale acceptance: acceptFailures[\(stale.index)] (\(esc(stale.reason))) matches no failed object; remove or fix it")
        }
        return lines
    }

    /// For the status page: a `<details>` with the same, every text HTML-escaped scalar by
    /// scalar (keys and reasons come from OMS's list, so from whoever named the objects).
    public var htmlDetails: String {
        func e(_ text: String) -> String { TextEscaping.html(text) }
        var out = acceptanceLines(indent: "").map { "<p class=\"acceptance\">\(e($0))</p>" }.joined()
        if count == 0 && listFile.isEmpty && note == nil { return out }
        out += "<details class=\"failed-objects\"><summary>\(count) in the list"
        if accepted > 0 { out += ", \(accepted) accepted" }
        out += "</summary><dl>"
        for (code, number) in codesByCount {
            let explanation = explanations[code] ?? FailedObjectCodes.builtIn.explain(code)
            out += "<dt><code>\(e(code))</code> × \(number): \(e(explanation.title))</dt>"
            out += "<dd>\(e(explanation.meaning)). <strong>What to do:</strong> \(e(explanation.advice))</dd>"
        }
        out += "</dl>"
        if !sample.isEmpty {
            out += "<ul>" + sample.map { "<li><code>\(e($0.key))</code> (\(e($0.code)))</li>" }.joined() + "</ul>"
        }
        out += "<small>list: <code>\(e(listFile))</code>"
        if unreadableLines > 0 { out += "; \(unreadableLines) lines of another shape" }
        if let note { out += "; \(e(note))" }
        return out + "</small></details>"
    }
}
