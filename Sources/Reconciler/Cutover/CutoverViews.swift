import Foundation
import Prometheus

extension CutoverStatus {
    private enum Keys: String, CodingKey {
        case name, state, at, predictedFinalPass, predictionReason, maxFinalPass, reasons, warnings
    }

    /// `status --output json`'s `cutovers[]`: `predictedFinalPass` is always there (seconds, or
    /// null when it cannot be predicted, `predictionReason` saying why); `at` null without one.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(name, forKey: .name)
        try c.encode(state, forKey: .state)
        try c.encode(at, forKey: .at)
        try c.encode(predictedFinalPass.map { $0.rounded() }, forKey: .predictedFinalPass)
        try c.encodeIfPresent(predictionReason, forKey: .predictionReason)
        try c.encodeIfPresent(maxFinalPass, forKey: .maxFinalPass)
        try c.encode(reasons, forKey: .reasons)
        try c.encode(warnings, forKey: .warnings)
    }

    /// `Cutover/go-live: ready -> running: MigrationTask/photos's final pass is asked for`: what
    /// reconcile logs when a step changed the state; nil when it did not.
    public var transitionLine: String? {
        guard let previousState else { return nil }
        return "Cutover/\(name): \(previousState.rawValue) -> \(state.rawValue)" + (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; "))
    }

    /// `cutover go-live: ready; at 2027-01-15 02:00 +08:00; final pass predicted 5m0s`, then
    /// one indented line per reason and warning (status text, `oms-plan cutover`).
    public func textLines(zone: String?) -> [String] {
        var head = "cutover \(name): \(state.rawValue)"
        if let at { head += "; at " + StatusTextRenderer.clock(at, zone) } else { head += "; no `at`: starts with `oms-plan cutover --now`" }
        if let seconds = predictedFinalPass {
            head += "; final pass predicted " + StatusTextRenderer.duration(Int64(seconds.rounded()))
        }
        var lines = [head]
        if let why = predictionReason { lines.append("  prediction: " + why) }
        lines += reasons.map { "  - " + $0 }
        lines += warnings.map { "  warning: " + $0 }
        return lines
    }
}

extension CutoverStatus {
    /// The diff document's `cutovers[]` item: the same keys as `status --output json`.
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "state": .string(state.rawValue), "at": at.map { .string(ValueFormat.rfc3339($0)) } ?? .null,
            "predictedFinalPass": predictedFinalPass.map { .number($0.rounded()) } ?? .null,
            "reasons": .array(reasons.map(JSONValue.string)), "warnings": .array(warnings.map(JSONValue.string)),
        ]
        if let predictionReason { object["predictionReason"] = .string(predictionReason) }
        if let maxFinalPass { object["maxFinalPass"] = .number(maxFinalPass) }
        return .object(object)
    }
}

/// The Cutovers in `status`'s text and on the live page, and in `diff`.
enum CutoverViews {
    /// `diff` text and Markdown: each Cutover's line, and its warnings (a predicted final pass
    /// longer than `require.maxFinalPass`) where a reviewer sees them.
    static func diffLines(_ report: ChangeReport, zone: String?) -> [String] {
        (report.cutovers ?? []).flatMap { c -> [String] in
            let lines = c.textLines(zone: zone)
            return [lines[0]] + c.warnings.map { "  warning: " + $0 }
        }
    }

    static func statusLines(_ report: StatusReport) -> [String] {
        (report.cutovers ?? []).flatMap { $0.textLines(zone: report.serviceTimezone) }
    }

    /// `diff --output markdown`: a bullet per Cutover, its warnings under it (escaped by `text`).
    static func markdownLines(_ report: ChangeReport, text: (String) -> String) -> [String] {
        guard let cutovers = report.cutovers, !cutovers.isEmpty else { return [] }
        return cutovers.flatMap { c in
            ["- " + text(c.textLines(zone: nil)[0])] + c.warnings.map { "  - warning: " + text($0) }
        } + [""]
    }

    /// The page's section (every text escaped); empty without Cutovers.
    static func page(_ report: StatusReport?, escape: (String) -> String) -> String {
        guard let cutovers = report?.cutovers, !cutovers.isEmpty else { return "" }
        var out = "<section id=\"cutovers\"><h2>Cut-overs</h2>\n<ul>\n"
        for c in cutovers {
            let seconds = c.predictedFinalPass.map { String(Int64($0.rounded())) } ?? ""
            out += "<li data-state=\"\(c.state.rawValue)\" data-predicted-seconds=\"\(seconds)\""
                + (c.warnings.isEmpty ? "" : " class=\"warn\"") + ">"
            let lines = c.textLines(zone: report?.serviceTimezone)
            out += "<strong>\(escape(lines[0]))</strong>"
            for line in lines.dropFirst() { out += "<br>" + escape(line) }
            out += "</li>\n"
        }
        return out + "</ul></section>\n"
    }
}

extension ReconcileMetrics {
    /// `oms_plan_cutover_state{stack,name}` (0 waiting, 1 ready, 2 running, 3 done, 4 failed) and
    /// `oms_plan_cutover_predicted_seconds{stack,name}` (absent when it cannot be predicted).
    func recordCutovers(_ status: StatusReport) {
        let stack = status.stack
        cutoverSeries.withLock { all in
            var gauges = all[stack] ?? [:]
            var seen = Set<String>()
            for c in status.cutovers ?? [] {
                let labels = [("stack", stack), ("name", c.name)]
                let values: [(String, String, Double?)] = [
                    ("oms_plan_cutover_state", "The Cutover's state: 0 waiting, 1 ready, 2 running, 3 done, 4 failed.", Double(c.state.metricValue)),
                    ("oms_plan_cutover_predicted_seconds", "Seconds the Cutover's final pass is predicted to take (absent when it cannot be predicted).",
                     c.predictedFinalPass),
                ]
                for (metric, help, value) in values {
                    let id = metric + "\u{0}" + c.name
                    guard let value else { continue }
                    seen.insert(id)
                    let gauge = gauges[id] ?? registry.makeGauge(name: metric, labels: labels, help: help)
                    gauge.set(value)
                    gauges[id] = gauge
                }
            }
            for (id, gauge) in gauges where !seen.contains(id) {
                registry.unregisterGauge(gauge)
                gauges[id] = nil
            }
            all[stack] = gauges
        }
    }
}
