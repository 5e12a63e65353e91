import Crypto
import Foundation
import MigrationPlan
import OMSModels

/// The status page of `status --serve` and `reconcile --serve`: one self-contained HTML page
/// (no script, no external file, so it works offline and without JavaScript) that refreshes
/// itself. Each resource with state, progress, bytes, speed, failed objects, forecast and
/// deadline; the stack's throughput over the last hours; today's bandwidth windows with a
/// "now" marker; the last reconcile pass. Elements carry ids and data attributes for tools.
public struct StatusPageRenderer: Sendable {
    public var refreshSeconds: Int
    public var now: Date

    public init(refreshSeconds: Int = 10, now: Date = Date()) {
        self.refreshSeconds = refreshSeconds
        self.now = now
    }

    public func render(_ board: StatusBoard.Snapshot) -> String {
        let stack = board.status?.stack ?? board.desired?.stack.name ?? "oms-plan"
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="refresh" content="\(refreshSeconds)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>oms-plan: \(Self.escape(stack))</title>
            <style>\(Self.style)</style></head><body>
            <h1>oms-plan <span class="stack">\(Self.escape(stack))</span></h1>

            """
        html += summary(board)
        html += throughput(board)
        html += windows(board)
        html += CutoverViews.page(board.status, escape: Self.escape)
        html += resources(board)
        html += lastPass(board)
        html += "<footer>Refreshes every \(refreshSeconds) s. Times in the service zone"
        html += " (\(Self.escape(board.status?.serviceTimezone ?? board.desired?.stack.serviceTimezone ?? "UTC"))).</footer>\n</body></html>\n"
        return html
    }

    // MARK: Sections

    private func summary(_ board: StatusBoard.Snapshot) -> String {
        guard let status = board.status else {
            let why = board.lastError.map { "OMS could not be read: " + Self.escape($0) } ?? "Reading OMS…"
            return "<section id=\"summary\" data-forecast-finish=\"\"><p>\(why)</p></section>\n"
        }
        let zone = status.serviceTimezone
        let finish = status.forecastFinish.map(Self.rfc3339) ?? ""
        var counts: [String: (count: Int, phase: StatusReport.Phase)] = [:]
        for entry in status.entries { counts[entry.shownStatus, default: (0, entry.shownPhase)].count += 1 }
        let done = status.entries.reduce(Int64(0)) { $0 + $1.bytesDone }
        let total = status.entries.reduce(Int64(0)) { $0 + $1.bytesTotal }
        let speed = status.entries.filter { !$0.settled }.reduce(Int64(0)) { $0 + $1.speed }
        var out = "<section id=\"summary\" data-forecast-finish=\"\(finish)\">\n<p class=\"read\">Read at \(Self.clock(status.readAt, zone))"
        if let error = board.lastError { out += " <span class=\"bad\">(the last read failed: \(Self.escape(error)))</span>" }
        out += "</p>\n<ul class=\"counts\">"
        for (state, tally) in counts.sorted(by: { $0.key < $1.key }) {
            out += "<li class=\"\(Self.tone(tally.phase))\">\(tally.count) \(Self.escape(state))</li>"
        }
        out += "</ul>\n<p>\(ByteCount.format(done)) of \(ByteCount.format(total)) copied, \(ByteCount.rate(speed)) now.</p>\n"
        out += "<p class=\"forecast\">Stack finish: "
        if let at = status.forecastFinish {
            out += "<strong>\(Self.clock(at, zone))</strong> (\(Self.escape(status.forecastReason ?? "")))"
        } else {
            out += "no forecast (\(Self.escape(status.forecastReason ?? "not known")))"
        }
        if let deadline = status.deadline {
            out += "; deadline \(Self.clock(deadline, zone))" + Self.slackText(status.deadlineSlack)
        }
        return out + ".</p>\n" + HoldViews.pageFreeze(status, escape: Self.escape) + "</section>\n"
    }

    /// The stack's summed speed over the kept history (a day at most), as a line.
    private func throughput(_ board: StatusBoard.Snapshot) -> String {
        let samples = board.history.stack
        let (width, height) = (900.0, 180.0)
        var out = "<section><h2>Throughput</h2>\n<svg id=\"throughput\" viewBox=\"0 0 \(Int(width)) \(Int(height) + 20)\" role=\"img\" "
        out += "aria-label=\"Throughput of the stack over time\" width=\"100%\">\n"
        guard let first = samples.first, let last = samples.last, samples.count >= 2, last.at > first.at else {
            return out + "<text x=\"10\" y=\"30\">Not enough reads yet: the chart fills as the page stays open.</text></svg></section>\n"
        }
        let span = last.at.timeIntervalSince(first.at)
        let peak = max(1, samples.map(\.speed).max() ?? 1)
        let points = samples.map { s -> String in
            let x = s.at.timeIntervalSince(first.at) / span * width
            let y = height - Double(s.speed) / Double(peak) * (height - 10)
            return String(format: "%.1f,%.1f", x, y)
        }
        out += "<polyline class=\"speed\" fill=\"none\" points=\"\(points.joined(separator: " "))\"/>\n"
        out += "<text x=\"4\" y=\"14\">\(ByteCount.rate(peak)) peak</text>\n"
        out += "<text x=\"4\" y=\"\(Int(height) + 16)\">\(Self.clock(first.at, board.status?.serviceTimezone))</text>\n"
        out += "<text x=\"\(Int(width) - 4)\" y=\"\(Int(height) + 16)\" text-anchor=\"end\">\(Self.clock(last.at, board.status?.serviceTimezone))</text>\n"
        return out + "</svg></section>\n"
    }

    /// Today's compiled rules of each schedule the plan uses, across 24 hours, with "now".
    private func windows(_ board: StatusBoard.Snapshot) -> String {
        var out = "<section><h2>Today's bandwidth windows</h2>\n"
        guard let desired = board.desired else { return out + "<svg id=\"windows\"><line id=\"now-marker\"/></svg></section>\n" }
        let zone = desired.stack.serviceZone
        var schedules: [(String, BandwidthScheduleDefinition)] = []
        var seen = Set<String>()
        for resource in desired.omsResources {
            guard let definition = resource.bandwidthWindows else { continue }
            let name: String = switch resource.bandwidth {
            case .schedule(let n): n
            case .inline: "inline: \(resource.address)"
            case .none: ""
            }
            if seen.insert(name).inserted { schedules.append((name, definition)) }
            if schedules.count >= 20 { break }
        }
        let rowHeight = 26.0, left = 220.0, width = 680.0
        let height = Double(max(1, schedules.count)) * rowHeight + 24
        out += "<svg id=\"windows\" viewBox=\"0 0 \(Int(left + width) + 24) \(Int(height))\" width=\"100%\" role=\"img\" aria-label=\"Bandwidth windows today\">\n"
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone.timeZone
        let dayStart = calendar.startOfDay(for: now)
        let dayLength = (calendar.date(byAdding: .day, value: 1, to: dayStart) ?? dayStart.addingTimeInterval(86_400)).timeIntervalSince(dayStart)
        for (row, (name, definition)) in schedules.enumerated() {
            let y = Double(row) * rowHeight
            out += "<text x=\"0\" y=\"\(Int(y) + 17)\">\(Self.escape(String(name.prefix(32))))</text>\n"
            let profile = FinishForecaster.Profile(schedule: definition, serviceTimezone: zone, capacity: nil)
            for segment in FinishForecaster.segments(on: now, profile: profile, calendar: calendar) {
                let x = left + segment.from.timeIntervalSince(dayStart) / dayLength * width
                let w = segment.to.timeIntervalSince(segment.from) / dayLength * width
                let label = segment.limit.map { "\(segment.span ?? "") \(ByteCount.rate($0))" } ?? "unlimited"
                out += "<rect class=\"\(segment.limit == nil ? "open" : "limited")\" x=\(Self.attr(x)) y=\(Self.attr(y + 4)) "
                out += "width=\(Self.attr(max(0.5, w))) height=\"18\"><title>\(Self.escape(label))</title></rect>\n"
                if let limit = segment.limit, w >= 70 {
                    out += "<text class=\"limit\" x=\(Self.attr(x + 4)) y=\(Self.attr(y + 17))>\(ByteCount.rate(limit))</text>\n"
                }
            }
        }
        if schedules.isEmpty { out += "<text x=\"0\" y=\"17\">No resource has bandwidth windows: OMS moves data unlimited.</text>\n" }
        for hour in stride(from: 0, through: 24, by: 6) {
            let x = left + Double(hour) / 24 * width
            out += "<text x=\(Self.attr(x)) y=\"\(Int(height) - 2)\" text-anchor=\"middle\">\(String(format: "%02d:00", hour))</text>\n"
        }
        let nowX = left + now.timeIntervalSince(dayStart) / dayLength * width
        out += "<line id=\"now-marker\" x1=\(Self.attr(nowX)) x2=\(Self.attr(nowX)) y1=\"0\" y2=\"\(Int(height) - 14)\"><title>now</title></line>\n"
        return out + "</svg></section>\n"
    }

    private func resources(_ board: StatusBoard.Snapshot) -> String {
        var out = "<section><h2>Resources</h2>\n<table id=\"resources\"><thead><tr><th>resource</th><th>state</th><th>progress</th>"
        out += "<th>bytes</th><th>speed</th><th>failed objects</th><th>forecast finish</th><th>deadline</th></tr></thead><tbody>\n"
        let zone = board.status?.serviceTimezone
        for e in board.status?.entries ?? [] {
            out += "<tr class=\"resource\" data-address=\"\(Self.escape(e.address))\" data-state=\"\(Self.escape(e.shownStatus))\">"
            out += "<td class=\"address\">\(Self.escape(e.address))</td>"
            // Settled by acceptFailures: Succeeded for oms-plan, with what was accepted beside it.
            var state = Self.escape(e.shownStatus)
            if e.isSettledByAcceptance, let accepted = e.failedObjects?.accepted {
                state += " <small>with \(accepted) accepted \(accepted == 1 ? "failure" : "failures")</small>"
            }
            if let error = e.error { state += " <small>\(Self.escape(error))</small>" }
            if let status = board.status { state += HoldViews.pageSuspended(e, status, escape: Self.escape) }
            if let passes = e.passesText(zone) { state += " <small class=\"passes\">\(Self.escape(passes))</small>" }
            out += "<td class=\"state \(Self.tone(e.shownPhase))\">\(state)</td>"
            if e.kind == ResourceKind.migrationSyncTask.rawValue {
                if let sync = e.sync {
                    out += "<td class=\"progress\" colspan=\"2\">\(sync.eventsReceived) events this month: \(sync.succeeded) copied, "
                    out += "\(sync.skipped) skipped (\(ByteCount.format(sync.bytesThisMonth)))</td>"
                } else {
                    out += "<td class=\"progress\" colspan=\"2\">\(e.phase == .absent ? "" : "follows its source bucket")</td>"
                }
            } else {
                let percent = String(format: "%.1f%%", e.progress * 100)
                out += "<td class=\"progress\"><meter min=\"0\" max=\"1\" value=\"\(e.progress)\">\(percent)</meter> \(percent)</td>"
                out += "<td class=\"bytes\">\(ByteCount.format(e.bytesDone)) / \(ByteCount.format(e.bytesTotal))</td>"
            }
            out += "<td class=\"speed\">\(e.speed > 0 ? ByteCount.rate(e.speed) : "")</td>"
            out += "<td class=\"failed\">\(e.objectsFailed > 0 ? String(e.objectsFailed) : "")\(e.failedObjects?.htmlDetails ?? "")</td>"
            let finish = e.forecastFinish.map(Self.rfc3339) ?? ""
            var forecast = e.forecastFinish.map { (e.forecastIsLowerBound == true ? "≥ " : "") + Self.clock($0, zone) } ?? ""
            if let reason = e.forecastReason { forecast += forecast.isEmpty ? Self.escape(reason) : " <small>\(Self.escape(reason))</small>" }
            out += "<td class=\"forecast\" data-finish=\"\(finish)\">\(forecast)</td>"
            var deadline = ""
            if let d = e.deadline { deadline = Self.clock(d, zone) + Self.slackText(e.deadlineSlack) }
            out += "<td class=\"deadline\(e.deadlineSlack.map { $0 < 0 ? " bad" : "" } ?? "")\">\(deadline)</td></tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    private func lastPass(_ board: StatusBoard.Snapshot) -> String {
        var out = "<section id=\"last-pass\"><h2>Last reconcile pass</h2>\n"
        guard let report = board.lastPass, let at = board.lastPassAt else {
            return out + "<p>No reconcile pass in this process (status --serve only reads).</p></section>\n"
        }
        let changed = report.changes.filter { $0.action != .noop }
        out += "<p>\(Self.clock(at, board.status?.serviceTimezone)): \(changed.count) \(changed.count == 1 ? "change" : "changes")</p>\n<ul>"
        for change in changed.prefix(200) {
            let outcome = change.outcome.map { " → \($0.status.rawValue)" + ($0.error.map { ": " + $0 } ?? "") } ?? ""
            out += "<li><code>\(Self.escape(change.address.description))</code> \(change.action.rawValue)\(Self.escape(outcome))</li>"
        }
        if changed.count > 200 { out += "<li>… and \(changed.count - 200) more</li>" }
        return out + "</ul></section>\n"
    }

    // MARK: Helpers

    static func slackText(_ slack: Double?) -> String {
        guard let slack else { return "" }
        let text = StatusTextRenderer.duration(Int64(abs(slack)))
        return slack >= 0 ? " (\(text) to spare)" : " <strong class=\"bad\">(forecast misses it by \(text))</strong>"
    }

    static func tone(_ phase: StatusReport.Phase) -> String {
        switch phase {
        case .failed: "bad"
        case .finished, .synchronizing: "good"
        case .paused, .stopped, .absent: "idle"
        case .running, .pausing, .other: "busy"
        }
    }

    static func clock(_ date: Date, _ zone: String?) -> String { StatusTextRenderer.clock(date, zone) }

    static func rfc3339(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static func attr(_ value: Double) -> String { String(format: "\"%.1f\"", value) }

    /// Text for HTML content and attribute values, escaped scalar by scalar: a `<` after a
    /// prepended mark (`\u{0600}<img ...>`) is one `Character` but still a tag opener, so the
    /// decision is never made on `Character`s. Secrets are masked later, on the final bytes
    /// (`MetricsServer`), where the HTML-escaped forms of every secret are registered.
    static func escape(_ text: String) -> String { TextEscaping.html(text) }

    /// The page's Content-Security-Policy: nothing may load or run but its own stylesheet,
    /// named by its digest, so that text that slipped past escaping still could not run.
    public static let contentSecurityPolicy: String = {
        let digest = Data(SHA256.hash(data: Data(style.utf8))).base64EncodedString()
        return "default-src 'none'; style-src 'sha256-\(digest)'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }()

    static let style = """
        body{font:14px system-ui,sans-serif;margin:1.5em;color:#1b1f24}h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}\
        table{border-collapse:collapse;width:100%}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}\
        small{color:#57606a}.good{color:#1a7f37}.bad{color:#cf222e}.busy{color:#9a6700}.idle{color:#57606a}\
        ul.counts{list-style:none;padding:0;display:flex;gap:1.2em}svg text{font-size:12px;fill:#57606a}\
        polyline.speed{stroke:#0969da;stroke-width:2}rect.limited{fill:#d4a72c}rect.open{fill:#c9e7d0}\
        #now-marker{stroke:#cf222e;stroke-width:2}meter{width:6em}footer{margin-top:2em;color:#57606a}\
        td.progress,td.bytes,td.speed{white-space:nowrap}svg text.limit{fill:#1b1f24;font-size:11px}
        """
}
