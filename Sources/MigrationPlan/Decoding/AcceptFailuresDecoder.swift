/// Reads `acceptFailures` of a task, group or task set (issue 24, part 4): a list of entries,
/// each with a non-empty `reason` and at least one matcher (`keys`, `prefix`, `codes`; all the
/// given ones must match, see `FailureAcceptance`). Every problem is reported at the value's
/// position; a bad entry is left out, the others are kept.
struct AcceptFailuresDecoder {
    let ctx: DecodeContext

    static let fields: Set<String> = ["reason", "keys", "prefix", "codes"]
    /// Keys one resource's entries may name together: as many as a failed list could hold in
    /// practice, and a bound on what matching compares (each key is hashed once per check).
    static let maximumKeys = 100_000

    /// The entries of `spec.acceptFailures` (`path` is `spec` or `spec.template`); nil when the
    /// spec has none. Located problems are reported on `ctx`.
    func decode(_ spec: Fields, path: String) -> [FailureAcceptance]? {
        guard let list = spec.list("acceptFailures") else { return nil }
        var out: [FailureAcceptance] = []
        var keyCount = 0
        for (i, item) in list.value.enumerated() {
            let entryPath = "\(path).acceptFailures[\(i)]"
            guard let f = Fields(item, path: entryPath, allowed: Self.fields, ctx: ctx) else { continue }
            if let entry = decodeEntry(f, path: entryPath, at: item.loc) {
                keyCount += entry.keys.count
                if keyCount > Self.maximumKeys {
                    ctx.error("`\(path).acceptFailures` names more than \(Self.maximumKeys) keys", at: item.loc,
                              hint: "accept by `prefix` or `codes` instead of listing every key")
                    return out
                }
                out.append(entry)
            }
        }
        return out
    }

    /// `keys` or `codes`: a list of strings that must not be empty (it would accept nothing);
    /// `accepts` reports an item it refuses. The items it accepts, in order; `ok` turns false
    /// on any problem (a refused item, an item that is not a string, a value that is no list).
    private func matcherList(
        _ name: String, _ f: Fields, path: String, ok: inout Bool, accepts: (Located<String>) -> Bool
    ) -> [String] {
        guard let list = f.stringList(name) else {
            if f.has(name) { ok = false }
            return []
        }
        if list.value.count != f.value(name)?.items?.count { ok = false }
        if list.value.isEmpty {
            ctx.error("`\(path).\(name)` is empty, so it accepts nothing", at: list.loc, hint: "name the \(name), or remove `\(name)`")
            ok = false
        }
        var accepted: [String] = []
        for item in list.value {
            if accepts(item) { accepted.append(item.value) } else { ok = false }
        }
        return accepted
    }

    private func decodeEntry(_ f: Fields, path: String, at loc: Loc) -> FailureAcceptance? {
        var ok = true
        let reason = f.string("reason", required: true)
        if reason == nil { ok = false }
        if let reason, reason.value.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) {
            ctx.error("`\(path).reason` is empty: say why these failures are acceptable", at: reason.loc,
                      hint: "e.g. `deleted at the source before the cut-over (ticket OPS-1234)`")
            ok = false
        }
        let keys = matcherList("keys", f, path: path, ok: &ok) { key in
            guard let problem = Self.textProblem(key.value) else { return true }
            ctx.error("this key \(problem)", at: key.loc, hint: "write the key as OMS's failed list names it")
            return false
        }
        var prefix: String?
        if let p = f.string("prefix") {
            if p.value.isEmpty {
                ctx.error("`\(path).prefix` is empty, which would accept every failed object", at: p.loc,
                          hint: "name a prefix such as `photos/tmp/`, or accept by `codes`")
                ok = false
            } else if let problem = Self.textProblem(p.value) {
                ctx.error("this prefix \(problem)", at: p.loc)
                ok = false
            } else {
                prefix = p.value
            }
        } else if f.has("prefix") { ok = false }
        let codes = matcherList("codes", f, path: path, ok: &ok) { code in
            if Self.isCode(code.value) { return true }
            ctx.error("`\(code.value)` is not an error code: codes are 1 to 64 letters, digits, `.`, `_` or `-`", at: code.loc,
                      hint: "write the code as status shows it, e.g. `NoSuchKey`")
            return false
        }
        // (Not when a field is unknown: that is likely a misspelt matcher, reported already.)
        if !f.has("keys"), !f.has("prefix"), !f.has("codes"), f.keys.allSatisfy(Self.fields.contains) {
            ctx.error("this acceptance names no failed objects: give `keys`, `prefix` or `codes` (all the given ones must match)",
                      at: loc, hint: "e.g. `codes: [NoSuchKey]` for objects deleted at the source")
            ok = false
        }
        // Both given: a key outside the prefix could never match (the matchers must all match).
        if let prefix {
            for key in keys where !key.utf8.starts(with: prefix.utf8) {
                let keyLoc = f.value("keys")?.items?.first { $0.stringValue == key }?.loc ?? loc
                ctx.error("the key `\(key)` does not start with this entry's prefix `\(prefix)`, so it can never match: "
                          + "keys, prefix and codes must all match", at: keyLoc, hint: "put the key in an entry of its own")
                ok = false
            }
        }
        guard ok, let reason else { return nil }
        return FailureAcceptance(reason: reason.value, keys: keys, prefix: prefix, codes: codes,
                                 declaredAt: ctx.sink.files.location(loc))
    }

    /// Keys and prefixes are compared, never used as paths; what no failed list can hold is refused.
    static func textProblem(_ text: String) -> String? {
        if text.isEmpty { return "is empty" }
        if text.utf8.count > 1024 { return "is \(text.utf8.count) bytes long; object keys have at most 1024" }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "contains a control character" }
        return nil
    }

    /// The failed lists' codes: `A-Z a-z 0-9 . _ -`, 1 to 64 bytes.
    static func isCode(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy { b in
                (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) || b == 46 || b == 95 || b == 45
            }
    }
}
