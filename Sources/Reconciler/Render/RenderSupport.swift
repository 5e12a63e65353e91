import Foundation

/// Vocabulary the three renderers share, so that a symbol or a phrase means the same thing in a
/// terminal, a pull-request comment and a log line.
extension ChangeAction {
    /// Terraform-like marker: `+` create, `~` update, `-/+` replace, `-` delete, `>` start,
    /// `||` pause, `↻` retry, `!` blocked, `=` noop (only shown when asked for), `<-` release
    /// (handed back: left in OMS, no longer managed).
    public var symbol: String {
        switch self {
        case .create: "+"
        case .update: "~"
        case .replace: "-/+"
        case .delete: "-"
        case .start: ">"
        case .pause: "||"
        case .retry: "↻"
        case .blocked: "!"
        case .noop: "="
        case .release: "<-"
        }
    }

    /// What happens to the resource, as the end of a sentence starting with its address.
    var phrase: String {
        switch self {
        case .create: "will be created"
        case .update: "will be updated in place"
        case .replace: "will be replaced"
        case .delete: "will be deleted"
        case .start: "will be started"
        case .pause: "will be paused"
        case .retry: "will be retried"
        case .blocked: "is blocked"
        case .noop: "is unchanged"
        case .release: "will be released"
        }
    }

    /// The summary line's wording (`1 to create`, `0 blocked`, `4 unchanged`).
    var summaryPhrase: String {
        switch self {
        case .blocked: "blocked"
        case .noop: "unchanged"
        default: "to \(rawValue)"
        }
    }
}

/// Value formatting for people (text and Markdown); the JSON document keeps the raw values.
enum ValueFormat {
    /// `2026-11-24T09:00:00Z`: the contract's RFC 3339, UTC, whole seconds. Built by hand from
    /// UTC calendar fields so that no formatter's locale or fractional-second option leaks in.
    static func rfc3339(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        let year = String(c.year ?? 1970)
        return "\(String(repeating: "0", count: max(0, 4 - year.count)))\(year)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))Z"
    }

    /// One line for a field value. Bandwidth rules read `[00:00-08:00 200 MiB/s, ...]`, no
    /// rules read `unlimited` (that is what OMS does without them), everything else is compact
    /// JSON so that strings stay quoted and an empty string stays visible.
    static func compact(_ value: JSONValue, path: String) -> String {
        if let rules = bandwidthRules(value) {
            if rules.isEmpty { return path == "bandwidth" ? "unlimited" : "[]" }
            return "[" + rules.joined(separator: ", ") + "]"
        }
        return value.description
    }

    /// `00:00-23:59 1 MiB/s` per rule when `value` has the shape of bandwidth rules, else nil.
    static func bandwidthRules(_ value: JSONValue) -> [String]? {
        guard case .array(let items) = value else { return nil }
        var rules: [String] = []
        for item in items {
            guard case .object(let o) = item, Set(o.keys) == ["start", "end", "maxBandwidth"],
                case .string(let start)? = o["start"], case .string(let end)? = o["end"],
                case .number(let bytes)? = o["maxBandwidth"]
            else { return nil }
            rules.append("\(start)-\(end) \(rate(bytes))")
        }
        return rules
    }

    /// Bytes per second in binary units, at most two decimals: OMS limits are whole MiB/s in
    /// most plans, and `50MB/s` still reads `47.68 MiB/s` rather than a long fraction.
    static func rate(_ bytesPerSecond: Double) -> String {
        let units: [(String, Double)] = [("GiB/s", 1_073_741_824), ("MiB/s", 1_048_576), ("KiB/s", 1024)]
        for (unit, size) in units where bytesPerSecond >= size {
            return "\(number(bytesPerSecond / size)) \(unit)"
        }
        return "\(number(bytesPerSecond)) B/s"
    }

    private static func number(_ value: Double) -> String {
        if value == value.rounded() { return String(Int64(value)) }
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// The live resource in a few words: `id 1004, Paused`.
    static func live(_ change: ResourceChange) -> String? {
        switch (change.liveId, change.liveStatus) {
        case (let id?, let status?): "id \(id), \(status)"
        case (let id?, nil): "id \(id)"
        case (nil, let status?): status
        case (nil, nil): nil
        }
    }
}

extension ResourceChange {
    /// A live resource the plan no longer declares, left in OMS because `prune` is false:
    /// unchanged, but never hidden among the unchanged (a reviewer must see it stays).
    var isKept: Bool { action == .noop && reasons.contains(.undeclaredKept) }

    /// A live resource the plan adopts (`spec.adopt`) that needs no change: one line each,
    /// never hidden among the unchanged, so that a user sees that an import worked.
    var isAdoptedNoop: Bool {
        action == .noop && !isKept && reasons.contains { if case .adopted = $0 { true } else { false } }
    }
}

extension ChangeReport {
    var keptCount: Int { changes.count(where: \.isKept) }
    var adoptedNoopCount: Int { changes.count(where: \.isAdoptedNoop) }

    /// `, 1 of them kept though no longer declared (prune: false)`, or empty.
    var keptPhrase: String {
        let kept = keptCount
        return kept == 0 ? "" : ", \(kept) of them kept though no longer declared (prune: false)"
    }

    /// What the unchanged count holds that a reader must not miss: kept and adopted resources
    /// (`, 2 of them adopted, nothing to change`), or empty.
    var unchangedDetail: String {
        let adopted = adoptedNoopCount
        return keptPhrase + (adopted == 0 ? "" : ", \(adopted) of them adopted, nothing to change")
    }
}
