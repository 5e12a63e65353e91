import OMSModels

/// `BandwidthSchedule` specs and inline `bandwidth:` window lists.
struct ScheduleDecoder {
    let ctx: DecodeContext

    /// A `BandwidthSchedule` document's spec.
    func decodeSchedule(_ spec: PNode, owner: Loc, path: String = "spec") -> InlineSchedule? {
        guard let f = Fields(spec, path: path, owner: owner, allowed: SpecFields.schedule, ctx: ctx) else { return nil }
        var zone: ScheduleTimeZone?
        var ok = true
        if let tz = f.string("timezone") {
            zone = ScheduleTimeZone(tz.value)
            if zone == nil {
                ok = false
                ctx.error("unknown time zone `\(tz.value)`", at: tz.loc,
                          hint: "use an IANA name such as `Europe/Berlin` or an offset such as `+08:00`")
            }
        }
        guard let list = f.list("windows") else {
            if !f.has("windows") { f.missing("windows") }
            return nil
        }
        guard let windows = decodeWindows(list.value, at: list.loc, path: "\(path).windows"), ok else { return nil }
        return InlineSchedule(definition: BandwidthScheduleDefinition(timezone: zone, windows: windows.0),
                              windowLocs: windows.1, limitLocs: windows.2, loc: list.loc)
    }

    /// Windows of a list; nil if any is invalid (each problem reported).
    func decodeWindows(_ items: [PNode], at loc: Loc, path: String) -> ([BandwidthWindow], [Loc], [Loc])? {
        var windows: [BandwidthWindow] = []
        var locs: [Loc] = []
        var limitLocs: [Loc] = []
        var ok = true
        for (i, item) in items.enumerated() {
            guard let w = decodeWindow(item, path: "\(path)[\(i)]") else {
                ok = false
                continue
            }
            windows.append(w.0)
            locs.append(item.loc)
            limitLocs.append(w.1)
        }
        return ok ? (windows, locs, limitLocs) : nil
    }

    private func decodeWindow(_ node: PNode, path: String) -> (BandwidthWindow, Loc)? {
        guard let f = Fields(node, path: path, allowed: SpecFields.window, ctx: ctx) else { return nil }
        var ok = true
        func time(_ key: String, allow24: Bool) -> Int? {
            guard let s = f.string(key, required: true) else { ok = false; return nil }
            guard let m = BandwidthFormat.parseTime(s.value, allow24: allow24) else {
                ok = false
                ctx.error("`\(path).\(key)` must be a time `HH:MM`\(allow24 ? " (or `24:00`)" : ""), found `\(s.value)`", at: s.loc,
                          hint: s.value == "24:00" ? "`24:00` can only end a window" : nil)
                return nil
            }
            return m
        }
        let start = time("start", allow24: false)
        let end = time("end", allow24: true)
        var limit: Int64?
        var limitLoc = f.owner
        if let v = f.value("limit") {
            limitLoc = v.loc
            if case .scalar(let s) = v.value, s.type == .int {
                limit = Int64(s.text)
                if limit == nil { ctx.error("bandwidth `\(s.text)` is far too large", at: v.loc); ok = false }
            } else if let s = f.string("limit") {
                switch BandwidthFormat.parseLimit(s.value) {
                case .success(let b): limit = b
                case .failure(let e):
                    ok = false
                    ctx.error(e.message, at: s.loc, hint: e.hint)
                }
            } else {
                ok = false
            }
            if let l = limit, !BandwidthPolicy.allowedBandwidth.contains(l) {
                ok = false
                ctx.error("bandwidth limit \(BandwidthFormat.limit(l)) (\(l) bytes/s) is outside what OMS accepts", at: v.loc,
                          hint: "OMS accepts 1,048,576..209,715,200 bytes/s (1 MiB/s to 200 MiB/s)")
            }
        } else {
            f.missing("limit")
            ok = false
        }
        let days = self.days(f, path: path, ok: &ok)
        if let s = start, let e = end, s == e {
            ok = false
            ctx.error("a window cannot start and end at the same time", at: f.value("end")?.loc ?? node.loc,
                      hint: "use start `00:00` and end `24:00` for the whole day")
        }
        guard ok, let s = start, let e = end, let l = limit else { return nil }
        return (BandwidthWindow(startMinute: s, endMinute: e, limit: l, days: days), limitLoc)
    }

    /// A window's `days` (bandwidth windows, weekly change freezes): nil for every day; `ok`
    /// turns false after a problem is reported.
    func days(_ f: Fields, path: String, ok: inout Bool) -> Set<Weekday>? {
        guard let list = f.stringList("days") else {
            if f.has("days") { ok = false }
            return nil
        }
        var set = Set<Weekday>()
        if list.value.isEmpty {
            ok = false
            ctx.error("`\(path).days` is empty; leave it out for every day", at: list.loc)
        }
        for d in list.value {
            guard let day = Weekday(rawValue: d.value) else {
                ok = false
                ctx.error("`\(d.value)` is not a day", at: d.loc,
                          hint: Suggestion.hint(for: d.value, in: Weekday.allCases.map(\.rawValue))
                            ?? "days are mon, tue, wed, thu, fri, sat, sun")
                continue
            }
            if !set.insert(day).inserted {
                ok = false
                ctx.error("`\(d.value)` is listed twice in `\(path).days`", at: d.loc)
            }
        }
        return set
    }
}
