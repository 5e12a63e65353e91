import OMSModels

/// `spec.options`: OMS knobs with the API reference's names, defaults and enums. The switches
/// of `MigrationOptions` are read from one table, straight into the typed value the bodies take.
struct OptionsDecoder {
    let ctx: DecodeContext

    /// `MigrationOptions`' flags by plan key (the plan spells them as the model does).
    private static let flags: [(String, any WritableKeyPath<MigrationOptions, Bool?> & Sendable)] = [
        ("enableKms", \.enableKms), ("enableMetadataMigration", \.enableMetadataMigration), ("enableRestore", \.enableRestore),
        ("enableFailedObjectRecording", \.enableFailedObjectRecording), ("enableRequesterPays", \.enableRequesterPays),
    ]

    func decode(_ spec: Fields, _ rules: any PlanKind, locations: inout [String: Loc]) -> OptionsDraft {
        var o = OptionsDraft()
        guard let f = spec.mapping("options", allowed: rules.optionFields, explain: { rules.refusal($0, in: .options) }) else { return o }
        for key in f.keys { if let l = f.value(key)?.loc { locations["options.\(key)"] = l } }
        for (key, path) in Self.flags { o.migration[keyPath: path] = f.bool(key)?.value }
        o.migration.objectOverwriteMode = choice(f, "objectOverwriteMode")
        o.migration.consistencyCheck = choice(f, "consistencyCheck")
        o.migration.dstStoragePolicy = choice(f, "dstStoragePolicy")
        if rules.optionFields.contains("priority") { o.priority = choice(f, "priority") }
        if let v = f.value("migrateSince") {            if case .scalar(let s) = v.value, s.type == .int, let n = Int64(s.text), n >= 0 {
                o.migrateSince = n
            } else if let s = f.string("migrateSince") {
                if let seconds = RFC3339.seconds(s.value), seconds >= 0 {
                    o.migrateSince = seconds
                } else {
                    ctx.error("`spec.options.migrateSince` must be an RFC 3339 time such as 2024-01-01T00:00:00Z, found `\(s.value)`",
                              at: s.loc)
                }
            }
        }
        if let n = f.mapping("notifications", allowed: SpecFields.notifications) {
            let topic = n.string("topicUrn", required: true)
            let language = n.choice("language", SmnLanguage.documented.map(\.rawValue))
            let template = n.string("messageTemplateName")
            var conditions: [SmnTriggerCondition] = []
            if let list = n.stringList("triggerConditions") {
                let allowed = SmnTriggerCondition.documented.map(\.rawValue)
                for c in list.value {
                    if allowed.contains(c.value) { conditions.append(SmnTriggerCondition(rawValue: c.value)) } else {
                        ctx.error("trigger condition must be `SUCCESS` or `FAILURE`, found `\(c.value)`", at: c.loc,
                                  hint: Suggestion.hint(for: c.value, in: allowed))
                    }
                }
                if list.value.isEmpty { ctx.error("`triggerConditions` is empty", at: list.loc) }
            } else if !n.has("triggerConditions") {
                n.missing("triggerConditions")
            }
            if let topic, !topic.value.hasPrefix("urn:smn:") {
                ctx.error("`topicUrn` must be an SMN topic URN (urn:smn:...), found `\(topic.value)`", at: topic.loc)
            }
            if let topic {
                o.notifications = SmnConfig(topicUrn: topic.value, triggerConditions: conditions,
                                            language: language.map { SmnLanguage(rawValue: $0.value) },
                                            messageTemplateName: template?.value)
            }
        }
        return o
    }

    /// One of an open enum's documented values (reported otherwise).
    private func choice<E: OpenStringEnum>(_ f: Fields, _ key: String) -> E? {
        f.choice(key, E.documented.map(\.rawValue)).map { E(rawValue: $0.value) }
    }
}

/// RFC 3339 timestamps to Unix seconds without a formatter (pure and fast):
/// `2024-01-01T00:00:00Z`, `2024-01-01T08:00:00+08:00`, fractions ignored, or a bare date.
enum RFC3339 {
    static func seconds(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func num(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= b.count, r.allSatisfy({ b[$0] >= 48 && b[$0] <= 57 }) else { return nil }
            return r.reduce(0) { $0 * 10 + Int(b[$1] - 48) }
        }
        guard b.count >= 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), (1...12).contains(mo), (1...31).contains(d)
        else { return nil }
        var h = 0, mi = 0, s = 0, offset = 0
        if b.count > 10 {
            guard b.count >= 20, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
                b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
                let hh = num(11..<13), let mm = num(14..<16), let ss = num(17..<19), hh < 24, mm < 60, ss < 61
            else { return nil }
            (h, mi, s) = (hh, mm, ss)
            var i = 19
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            }
            guard i < b.count else { return nil }
            if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                guard i + 1 == b.count else { return nil }
            } else {
                guard i + 6 == b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), b[i + 3] == UInt8(ascii: ":"),
                    let oh = num(i + 1..<i + 3), let om = num(i + 4..<i + 6), oh < 24, om < 60
                else { return nil }
                offset = (b[i] == UInt8(ascii: "-") ? -1 : 1) * (oh * 3600 + om * 60)
            }
        }
        return Int64(daysFromCivil(y, mo, d)) * 86_400 + Int64(h * 3600 + mi * 60 + s - offset)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
