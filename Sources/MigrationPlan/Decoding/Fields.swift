/// Typed, located access to the fields of one YAML mapping. Unknown keys are reported when
/// the reader is made (with a "did you mean" hint), type mismatches and missing required
/// fields when a field is read. Accessors return nil after reporting, so callers just skip.
struct Fields {
    let ctx: DecodeContext
    let node: PNode
    /// Where "missing field" problems point: the key that holds this mapping.
    let owner: Loc
    /// `spec.source`, for messages.
    let path: String
    private let pairs: [Pair]

    /// nil (after reporting) when `node` is not a mapping.
    init?(_ node: PNode, path: String, owner: Loc? = nil, allowed: Set<String>, ctx: DecodeContext,
          explain: (String) -> String? = { _ in nil }) {
        self.ctx = ctx
        self.node = node
        self.owner = owner ?? node.loc
        self.path = path
        guard let pairs = node.pairs else {
            ctx.error("`\(path)` must be a mapping, found \(node.kindDescription)", at: node.loc)
            return nil
        }
        self.pairs = pairs
        // By index: a `for pair in pairs` copies every pair (key, position and value tree).
        for index in pairs.indices where !allowed.contains(pairs[index].key) {
            let pair = pairs[index]
            if let reason = explain(pair.key) {
                ctx.error(reason, at: pair.keyLoc)
            } else {
                ctx.error("unknown field `\(pair.key)` in `\(path)`", at: pair.keyLoc,
                          hint: Suggestion.hint(for: pair.key, in: allowed.sorted()))
            }
        }
    }

    var keys: [String] { pairs.map(\.key) }

    func has(_ key: String) -> Bool { pairs.contains { $0.key == key } }

    func pair(_ key: String) -> Pair? { pairs.first { $0.key == key } }

    func value(_ key: String) -> PNode? { pair(key)?.value }

    func keyLoc(_ key: String) -> Loc? { pair(key)?.keyLoc }

    func missing(_ key: String, hint: String? = nil) {
        ctx.error("missing required field `\(key)` in `\(path)`", at: owner, hint: hint)
    }

    private func mismatch(_ key: String, _ node: PNode, expected: String, hint: String? = nil) {
        var hint = hint
        if hint == nil, expected == "a string", case .scalar(let s) = node.value, s.type != .string, s.type != .null {
            hint = "quote it: \"\(s.text)\""
        }
        if hint == nil, expected == "a boolean", let s = node.stringValue, ["yes", "no", "on", "off", "y", "n"].contains(s.lowercased()) {
            hint = "YAML 1.2 booleans are `true` and `false`"
        }
        ctx.error("`\(path).\(key)` must be \(expected), found \(node.kindDescription)", at: node.loc, hint: hint)
    }

    // MARK: Scalars

    /// A string with references resolved. Reports a non-string value.
    func string(_ key: String, required: Bool = false, interpolate: Bool = true) -> Located<String>? {
        guard let v = value(key) else {
            if required { missing(key) }
            return nil
        }
        return Fields.string(v, key: key, fields: self, interpolate: interpolate)
    }

    static func string(_ v: PNode, key: String, fields: Fields, interpolate: Bool = true) -> Located<String>? {
        guard let s = v.stringValue else {
            fields.mismatch(key, v, expected: "a string")
            return nil
        }
        if !interpolate { return Located(value: s, loc: v.loc) }
        guard let r = fields.ctx.interpolate(s, at: v.loc) else { return nil }
        return Located(value: r, loc: v.loc)
    }

    /// A string, or a YAML scalar of any type taken as its text (ids and counts, which users
    /// write both ways).
    func text(_ key: String, expected: String) -> Located<String>? {
        guard let v = value(key) else { return nil }
        guard case .scalar(let s) = v.value, s.type == .string || s.type == .int else {
            mismatch(key, v, expected: expected)
            return nil
        }
        if s.type == .int { return Located(value: s.text, loc: v.loc) }
        guard let r = ctx.interpolate(s.text, at: v.loc) else { return nil }
        return Located(value: r, loc: v.loc)
    }

    /// A boolean; a string value is accepted when it holds a reference that resolves to
    /// `true` or `false`.
    func bool(_ key: String) -> Located<Bool>? {
        guard let v = value(key) else { return nil }
        if case .scalar(let s) = v.value {
            if s.type == .bool { return Located(value: s.text.lowercased() == "true", loc: v.loc) }
            if s.type == .string, Interpolation.mayContainReference(s.text), s.text.contains("${") {
                guard let r = ctx.interpolate(s.text, at: v.loc) else { return nil }
                if r == "true" || r == "false" { return Located(value: r == "true", loc: v.loc) }
                ctx.error("`\(path).\(key)` must be true or false, `\(s.text)` gave `\(r)`", at: v.loc)
                return nil
            }
        }
        mismatch(key, v, expected: "a boolean")
        return nil
    }

    /// An integer within `range`, or a reference resolving to one.
    func int(_ key: String, in range: ClosedRange<Int>) -> Located<Int>? {
        guard let v = value(key) else { return nil }
        var text: String?
        if case .scalar(let s) = v.value {
            if s.type == .int { text = s.text }
            if s.type == .string, s.text.contains("${") { text = ctx.interpolate(s.text, at: v.loc) ?? "" }
        }
        guard let text else {
            mismatch(key, v, expected: "an integer")
            return nil
        }
        guard let n = Int(text), range.contains(n) else {
            ctx.error("`\(path).\(key)` must be an integer from \(range.lowerBound) to \(range.upperBound), found `\(text)`",
                      at: v.loc)
            return nil
        }
        return Located(value: n, loc: v.loc)
    }

    /// One of `allowed` (after resolving references), with a "did you mean" on a miss.
    func choice(_ key: String, _ allowed: [String], required: Bool = false) -> Located<String>? {
        guard let s = string(key, required: required) else { return nil }
        guard allowed.contains(s.value) else {
            ctx.error("`\(path).\(key)` must be one of \(allowed.map { "`\($0)`" }.joined(separator: ", ")), found `\(s.value)`",
                      at: s.loc, hint: Suggestion.hint(for: s.value, in: allowed))
            return nil
        }
        return s
    }

    // MARK: Collections

    func list(_ key: String) -> Located<[PNode]>? {
        guard let v = value(key) else { return nil }
        guard let items = v.items else {
            mismatch(key, v, expected: "a list")
            return nil
        }
        return Located(value: items, loc: v.loc)
    }

    /// A list of strings; bad items are reported and left out.
    func stringList(_ key: String) -> Located<[Located<String>]>? {
        guard let list = list(key) else { return nil }
        var out: [Located<String>] = []
        out.reserveCapacity(list.value.count)
        for (i, item) in list.value.enumerated() {
            if let s = Fields.string(item, key: "\(key)[\(i)]", fields: self) { out.append(s) }
        }
        return Located(value: out, loc: list.loc)
    }

    func mapping(_ key: String, allowed: Set<String>, required: Bool = false,
                 explain: (String) -> String? = { _ in nil }) -> Fields? {
        guard let p = pair(key) else {
            if required { missing(key) }
            return nil
        }
        return Fields(p.value, path: "\(path).\(key)", owner: p.keyLoc, allowed: allowed, ctx: ctx, explain: explain)
    }
}
