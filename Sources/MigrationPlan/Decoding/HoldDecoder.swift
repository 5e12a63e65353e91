import Foundation

/// `spec.suspend` (the Stack, a task, group, task set or synchronization task) and
/// `Stack.spec.freezes`. Both say when oms-plan may act, never what OMS holds: nothing here is
/// identity or sent to OMS.
struct HoldDecoder {
    let ctx: DecodeContext

    static let suspendFields: Set<String> = ["reason", "until"]
    static let freezeFields: Set<String> = ["start", "end", "timezone", "days", "reason"]
    /// Long enough for a sentence and a ticket; a reason is shown on every line about the resource.
    static let maximumReasonLength = 500
    /// Every freeze is looked at several times for each plan, status and pass.
    static let maximumFreezes = 100

    /// `spec.suspend: {reason, until}` of the mapping `f` (whose path is `f.path`); nil when
    /// absent or wrong (reported where it was written).
    func suspension(_ f: Fields) -> Suspension? {
        guard let node = f.value("suspend") else { return nil }
        let path = "\(f.path).suspend"
        if case .scalar(let s) = node.value, s.type == .bool {
            // Flux writes `suspend: true`; here a suspension always says why.
            ctx.error("`\(path)` must be a mapping with a `reason`, found \(node.kindDescription)", at: node.loc,
                      hint: "write `suspend: {reason: \"why, and who to ask\"}`, with `until: <RFC 3339 time>` to end it by itself")
            return nil
        }
        guard let s = f.mapping("suspend", allowed: Self.suspendFields) else { return nil }
        let reason = self.reason(s, path: path)
        var until: Date?
        var ok = true
        if let text = s.string("until") {
            if let date = Self.instant(text.value) {
                until = date
            } else {
                ok = false
                ctx.error("`\(path).until` must be an RFC 3339 date and time with an offset, such as 2027-01-10T00:00:00Z, found `\(text.value)`",
                          at: text.loc)
            }
        } else if s.has("until") {
            ok = false
        }
        guard ok, let reason else { return nil }
        return Suspension(reason: reason, until: until)
    }

    /// `Stack.spec.freezes`: each entry a weekly window (`start`/`end` as `HH:MM`, with
    /// `days` and `timezone` as bandwidth windows take them; the zone defaults to the service
    /// zone) or a span given once (`start`/`end` as RFC 3339 times). Bad entries are reported
    /// and left out.
    func freezes(_ f: Fields, serviceZone: ScheduleTimeZone) -> [ChangeFreeze] {
        guard let list = f.list("freezes") else { return [] }
        if list.value.count > Self.maximumFreezes {
            ctx.error("`\(f.path).freezes` has \(list.value.count) entries; at most \(Self.maximumFreezes)", at: list.loc,
                      hint: "a weekly freeze covers every week: write one per window, not one per date")
            return []
        }
        var freezes: [ChangeFreeze] = []
        for (index, item) in list.value.enumerated() {
            if let freeze = freeze(item, path: "\(f.path).freezes[\(index)]", serviceZone: serviceZone) { freezes.append(freeze) }
        }
        return freezes
    }

    private func freeze(_ node: PNode, path: String, serviceZone: ScheduleTimeZone) -> ChangeFreeze? {
        guard let f = Fields(node, path: path, allowed: Self.freezeFields, ctx: ctx) else { return nil }
        let reason = self.reason(f, path: path)
        let (start, end) = (f.string("start", required: true), f.string("end", required: true))
        guard let start, let end else { return nil }
        var ok = true
        let span: ChangeFreeze.Span?
        if let startMinute = BandwidthFormat.parseTime(start.value, allow24: false) {
            span = weekly(f, path: path, startMinute: startMinute, end: end, serviceZone: serviceZone, ok: &ok)
        } else if let from = Self.instant(start.value) {
            span = once(f, path: path, start: from, end: end, ok: &ok)
        } else {
            ctx.error("`\(path).start` must be a time `HH:MM` (a weekly freeze) or an RFC 3339 date and time with an offset (a freeze once), found `\(start.value)`",
                      at: start.loc, hint: "for example `start: \"18:00\"` with `days: [fri]`, or `start: 2026-12-24T00:00:00+08:00`")
            return nil
        }
        guard ok, let span, let reason else { return nil }
        return ChangeFreeze(span: span, reason: reason)
    }

    private func weekly(_ f: Fields, path: String, startMinute: Int, end: Located<String>, serviceZone: ScheduleTimeZone, ok: inout Bool)
        -> ChangeFreeze.Span?
    {
        let endMinute = BandwidthFormat.parseTime(end.value, allow24: true)
        if endMinute == nil {
            ok = false
            ctx.error("`\(path).end` must be a time `HH:MM` (or `24:00`) like its start, found `\(end.value)`", at: end.loc)
        } else if endMinute == startMinute {
            ok = false
            ctx.error("a freeze cannot start and end at the same time", at: end.loc,
                      hint: "use start `00:00` and end `24:00` for the whole day")
        }
        var zone = serviceZone
        if let tz = f.string("timezone") {
            if let parsed = ScheduleTimeZone(tz.value) { zone = parsed } else {
                ok = false
                ctx.error("unknown time zone `\(tz.value)`", at: tz.loc,
                          hint: "use an IANA name such as `Europe/Berlin` or an offset such as `+08:00`")
            }
        }
        let days = ScheduleDecoder(ctx: ctx).days(f, path: path, ok: &ok)
        guard let endMinute else { return nil }
        return .weekly(startMinute: startMinute, endMinute: endMinute, days: days, zone: zone)
    }

    private func once(_ f: Fields, path: String, start: Date, end: Located<String>, ok: inout Bool) -> ChangeFreeze.Span? {
        for key in ["days", "timezone"] {
            guard let loc = f.keyLoc(key) else { continue }
            ok = false
            ctx.error(key == "days" ? "`\(path).days` belongs to a weekly freeze (`start` and `end` as `HH:MM`), not to one with dates"
                      : "`\(path).timezone` belongs to a weekly freeze; the dates of this one carry their own offset", at: loc)
        }
        guard let until = Self.instant(end.value) else {
            ok = false
            ctx.error("`\(path).end` must be an RFC 3339 date and time with an offset like its start, found `\(end.value)`", at: end.loc)
            return nil
        }
        guard until > start else {
            ok = false
            ctx.error("`\(path).end` must be after its start", at: end.loc)
            return nil
        }
        return .once(start: start, end: until)
    }

    /// A required `reason`: not empty, at most 500 characters, no control characters and no
    /// marks that reorder text (it is printed on terminals, in Markdown, in pull-request comments
    /// and on the status page, where either could make it say something else than it does).
    private func reason(_ f: Fields, path: String) -> String? {
        guard let text = f.string("reason", required: true) else { return nil }
        let value = text.value
        if value.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) {
            ctx.error("`\(path).reason` is empty; say why, and who to ask", at: text.loc)
            return nil
        }
        if value.unicodeScalars.contains(where: Self.refusedInReason) {
            ctx.error("`\(path).reason` must be one line without control characters or text-direction marks", at: text.loc)
            return nil
        }
        if value.unicodeScalars.count > Self.maximumReasonLength {
            ctx.error("`\(path).reason` is \(value.unicodeScalars.count) characters long; at most \(Self.maximumReasonLength)", at: text.loc,
                      hint: "name a ticket and keep the details there")
            return nil
        }
        return value
    }

    /// C0 and C1 controls, DEL, the line and paragraph separators, the bidirectional
    /// formatting marks (ALM, LRM, RLM, the embeddings and overrides, the isolates), and the
    /// invisible text that shows nothing but carries words (the tag characters U+E0000...E007F,
    /// the interlinear annotation marks U+FFF9...FFFB), by scalar value.
    static func refusedInReason(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x061C || v == 0x200E || v == 0x200F || v == 0x2028 || v == 0x2029
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            || (0xE0000...0xE007F).contains(v) || (0xFFF9...0xFFFB).contains(v)
    }

    /// An RFC 3339 date and time with an offset (a bare date is not one: its zone would be a guess).
    static func instant(_ text: String) -> Date? {
        guard text.utf8.count >= 20, let seconds = RFC3339.seconds(text) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
