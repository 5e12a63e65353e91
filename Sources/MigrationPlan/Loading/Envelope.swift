/// One document after its envelope (apiVersion, kind, metadata) was checked.
struct RawDocument: Sendable {
    var address: ResourceAddress
    var nameLoc: Loc
    var docLoc: Loc
    var labels: [String: String]
    var spec: PNode?
    /// The `spec:` key, where "missing field" problems of the spec point.
    var specOwner: Loc
}

enum Envelope {
    static let apiVersion = "oms-plan/v1"
    static let fields: Set<String> = ["apiVersion", "kind", "metadata", "spec"]
    static let metadataFields: Set<String> = ["name", "labels", "annotations"]

    /// nil for an empty document (a stray `---`) and, after reporting, for a broken envelope.
    static func decode(_ doc: PNode, ctx: DecodeContext) -> RawDocument? {
        if case .scalar(let s) = doc.value, s.type == .null { return nil }
        guard doc.pairs != nil else {
            ctx.error("a plan document must be a mapping with `apiVersion`, `kind`, `metadata` and `spec`, found \(doc.kindDescription)",
                      at: doc.loc)
            return nil
        }
        guard let f = Fields(doc, path: "document", allowed: fields, ctx: ctx) else { return nil }
        var ok = true
        if let v = f.string("apiVersion", required: true, interpolate: false) {
            if v.value != apiVersion {
                ok = false
                ctx.error("unsupported apiVersion `\(v.value)`", at: v.loc, hint: "this oms-plan reads `apiVersion: \(apiVersion)`")
            }
        } else { ok = false }
        var kind: ResourceKind?
        // What an unknown kind may have meant: references to that address are not reported
        // as undeclared (one error for one typo); with no likely kind, any kind of this name.
        var meant: [ResourceKind] = []
        if let k = f.string("kind", required: true, interpolate: false) {
            kind = ResourceKind(rawValue: k.value)
            if kind == nil {
                let names = ResourceKind.allCases.map(\.rawValue)
                let likely = Suggestion.kinds(for: k.value)
                meant = likely.isEmpty ? ResourceKind.allCases : likely
                ctx.error("unknown kind `\(k.value)`", at: k.loc,
                          hint: Suggestion.hint(forKinds: likely) ?? "kinds: \(names.joined(separator: ", "))")
            }
        }
        guard let meta = f.mapping("metadata", allowed: metadataFields, required: true) else { return nil }
        let quiet = Fields(meta.node, path: "metadata", allowed: metadataFields.union(meta.keys), ctx: ctx)
        var name: Located<String>?
        if let n = meta.string("name", required: true, interpolate: false) {
            if ResourceName.isValid(n.value) { name = n } else {
                ctx.error("invalid name `\(n.value)`: it \(ResourceName.problem(n.value))", at: n.loc,
                          hint: "names are lower-case DNS labels: ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
            }
        }
        let labels = stringMap(meta, "labels", ctx: ctx, checkLabels: true)
        _ = stringMap(meta, "annotations", ctx: ctx, checkLabels: false)
        let spec = f.value("spec")
        if spec == nil { f.missing("spec") }
        guard ok, let kind, let name, let labels else {
            if let n = quiet?.value("name")?.stringValue {
                for k in kind.map({ [$0] }) ?? meant { ctx.brokenDocuments.insert(ResourceAddress(k, n)) }
            }
            return nil
        }
        return RawDocument(address: ResourceAddress(kind, name.value), nameLoc: name.loc, docLoc: doc.loc, labels: labels,
                           spec: spec, specOwner: f.keyLoc("spec") ?? doc.loc)
    }

    private static func stringMap(_ meta: Fields, _ key: String, ctx: DecodeContext, checkLabels: Bool) -> [String: String]? {
        guard let node = meta.value(key) else { return [:] }
        guard let pairs = node.pairs else {
            ctx.error("`metadata.\(key)` must be a mapping, found \(node.kindDescription)", at: node.loc)
            return nil
        }
        var out: [String: String] = [:]
        var ok = true
        for p in pairs {
            guard let v = p.value.stringValue else {
                ok = false
                ctx.error("`metadata.\(key).\(p.key)` must be a string, found \(p.value.kindDescription)", at: p.value.loc,
                          hint: p.value.scalar.map { "quote it: \"\($0.text)\"" })
                continue
            }
            if checkLabels {
                if !LabelSyntax.isValidKey(p.key) {
                    ok = false
                    ctx.error("invalid label key `\(p.key)`", at: p.keyLoc,
                              hint: "label keys are an optional DNS prefix and `/`, then up to 63 of A-Z a-z 0-9 - _ .")
                }
                if !LabelSyntax.isValidValue(v) {
                    ok = false
                    ctx.error("invalid label value `\(v)`", at: p.value.loc,
                              hint: "label values are up to 63 of A-Z a-z 0-9 - _ ., starting and ending alphanumeric")
                }
            }
            out[p.key] = v
        }
        return ok ? out : nil
    }
}

/// Kubernetes label syntax, so that selectors behave as kubectl users expect.
enum LabelSyntax {
    static func isNameSegment(_ s: Substring, max: Int, extra: Set<Character>) -> Bool {
        guard (1...max).contains(s.count), let f = s.first, let l = s.last,
            f.isASCII && (f.isLetter || f.isNumber), l.isASCII && (l.isLetter || l.isNumber)
        else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || extra.contains($0)) }
    }

    static func isValidKey(_ key: String) -> Bool {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return isNameSegment(parts[0], max: 63, extra: ["-", "_", "."])
        case 2:
            return isNameSegment(parts[0], max: 253, extra: ["-", "."]) && parts[0] == parts[0].lowercased()[...]
                && isNameSegment(parts[1], max: 63, extra: ["-", "_", "."])
        default: return false
        }
    }

    static func isValidValue(_ value: String) -> Bool {
        value.isEmpty || isNameSegment(value[...], max: 63, extra: ["-", "_", "."])
    }
}
