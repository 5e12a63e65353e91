/// Durations as plans write them: `90s`, `15m`, `12h`, `2d`, or combined in that order
/// (`1h30m`); `0` alone (a YAML integer or string) is zero. Whole numbers only: a duration is
/// read by its ASCII bytes, never by `Character`s, so no look-alike digit or unit passes.
enum PlanDuration {
    /// Seconds, or nil when `text` is no duration (or over `maximum` seconds).
    static func seconds(_ text: String, maximum: Int = 366 * 86_400) -> Int? {
        let bytes = Array(text.utf8)
        if bytes == [UInt8(ascii: "0")] { return 0 }
        guard !bytes.isEmpty else { return nil }
        // Each unit at most once and in this order, so `1h30m` reads one way only.
        let units: [(UInt8, Int)] = [(UInt8(ascii: "d"), 86_400), (UInt8(ascii: "h"), 3600), (UInt8(ascii: "m"), 60), (UInt8(ascii: "s"), 1)]
        var next = 0
        var total = 0
        var number = 0
        var digits = 0
        for b in bytes {
            if (48...57).contains(b) {
                digits += 1
                guard digits <= 9 else { return nil }
                number = number * 10 + Int(b - 48)
                continue
            }
            guard digits > 0, let i = units[next...].firstIndex(where: { $0.0 == b }) else { return nil }
            total += number * units[i].1
            guard total <= maximum else { return nil }
            next = i + 1
            number = 0
            digits = 0
        }
        return digits == 0 ? total : nil
    }

    /// `12h`, `1h30m`, `45s`, `0`: how messages write `seconds`.
    static func text(_ seconds: Int) -> String {
        guard seconds > 0 else { return "0" }
        var parts: [String] = []
        var rest = seconds
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            parts.append("\(rest / size)\(unit)")
            rest %= size
        }
        return parts.joined()
    }
}
