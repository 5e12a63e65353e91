/// `${env:NAME}`, `${env:NAME:-default}`, `${file:PATH}`, `${var:NAME}` and, in task set
/// templates, `${item}` / `${item.KEY}`. `$${` writes a literal `${`.
enum Reference: Hashable, Sendable {
    case env(name: String, defaultValue: String?)
    case file(path: String)
    case variable(name: String)
    case item(key: String?)

    /// The reference as written, for messages (never the resolved value).
    var text: String {
        switch self {
        case .env(let n, nil): "${env:\(n)}"
        case .env(let n, let d?): "${env:\(n):-\(d)}"
        case .file(let p): "${file:\(p)}"
        case .variable(let n): "${var:\(n)}"
        case .item(nil): "${item}"
        case .item(let k?): "${item.\(k)}"
        }
    }
}

enum TemplatePart: Hashable, Sendable {
    case literal(String)
    case reference(Reference)
}

struct InterpolationError: Error, Sendable {
    var message: String
    var hint: String?
    /// A rule was broken (not just a value missing): an error even where a missing value is
    /// only a warning, as for secrets in validate and diff.
    var isPolicy = false
}

enum Interpolation {
    /// Whether `text` may hold a reference; most values do not, and skip all parsing.
    @inline(__always)
    static func mayContainReference(_ text: String) -> Bool {
        text.utf8.contains(UInt8(ascii: "$"))
    }

    static func isIdentifier(_ s: Substring) -> Bool {
        guard let f = s.first, f == "_" || f.isASCII && f.isLetter else { return false }
        return s.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }

    /// Splits `text` into literals and references.
    static func parse(_ text: String) -> Result<[TemplatePart], InterpolationError> {
        var parts: [TemplatePart] = []
        var literal = ""
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "$" {
                let next = text.index(after: i)
                if text[next...].hasPrefix("${") {  // `$${` -> literal `${`
                    literal += "${"
                    i = text.index(next, offsetBy: 2)
                    continue
                }
                if next < text.endIndex, text[next] == "{" {
                    let bodyStart = text.index(after: next)
                    guard let close = text[bodyStart...].firstIndex(of: "}") else {
                        return .failure(InterpolationError(message: "unterminated reference `\(text[i...].prefix(40))`",
                                                           hint: "close it with `}`, or write `$${` for a literal `${`"))
                    }
                    switch reference(text[bodyStart..<close]) {
                    case .success(let r):
                        if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                        parts.append(.reference(r))
                    case .failure(let e): return .failure(e)
                    }
                    i = text.index(after: close)
                    continue
                }
            }
            literal.append(c)
            i = text.index(after: i)
        }
        if !literal.isEmpty || parts.isEmpty { parts.append(.literal(literal)) }
        return .success(parts)
    }

    private static func reference(_ body: Substring) -> Result<Reference, InterpolationError> {
        if body == "item" { return .success(.item(key: nil)) }
        if body.hasPrefix("item.") {
            let key = body.dropFirst(5)
            guard isIdentifier(key) || key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) && !key.isEmpty
            else { return .failure(InterpolationError(message: "invalid item reference `${\(body)}`")) }
            return .success(.item(key: String(key)))
        }
        guard let colon = body.firstIndex(of: ":") else {
            return .failure(InterpolationError(
                message: "invalid reference `${\(body)}`",
                hint: "references are `${env:NAME}`, `${file:PATH}`, `${var:NAME}` or `${item.KEY}`"))
        }
        let scheme = body[..<colon]
        let rest = body[body.index(after: colon)...]
        switch scheme {
        case "env":
            var name = rest
            var defaultValue: String?
            if let sep = rest.range(of: ":-") {
                name = rest[..<sep.lowerBound]
                defaultValue = String(rest[sep.upperBound...])
            }
            guard isIdentifier(name) else {
                return .failure(InterpolationError(message: "invalid environment variable name `\(name)` in `${\(body)}`"))
            }
            return .success(.env(name: String(name), defaultValue: defaultValue))
        case "file":
            guard !rest.isEmpty else { return .failure(InterpolationError(message: "`${file:}` needs a path")) }
            return .success(.file(path: String(rest)))
        case "var":
            guard isIdentifier(rest) else {
                return .failure(InterpolationError(message: "invalid variable name `\(rest)` in `${\(body)}`"))
            }
            return .success(.variable(name: String(rest)))
        default:
            return .failure(InterpolationError(
                message: "unknown reference kind `\(scheme)` in `${\(body)}`",
                hint: Suggestion.hint(for: String(scheme), in: ["env", "file", "var"]) ?? "use env, file or var"))
        }
    }
}
