/// One entry of a task's, group's or task set's `acceptFailures`: failed objects the plan's
/// reviewers have explained, so that they no longer keep the resource from being done.
///
/// The matchers an entry gives must all match (keys, prefix and codes are a conjunction): an
/// entry `{prefix: "tmp/", codes: [NoSuchKey]}` accepts objects under `tmp/` that failed with
/// `NoSuchKey`, and nothing else. An entry with no matcher is refused by the loader.
///
/// Keys, prefixes and codes are compared as UTF-8 bytes, never as Swift `String`s or
/// `Character`s: `String ==` treats a precomposed `é` and `e` + U+0301 as equal, but they are
/// different object keys, and accepting one must not accept the other.
///
/// Not part of a resource's identity (never fingerprinted, never sent to OMS): adding or
/// removing an acceptance changes what oms-plan concludes, not what OMS holds.
public struct FailureAcceptance: Hashable, Sendable, Codable {
    /// Why these failures are acceptable (required, non-empty): shown wherever it matches.
    public var reason: String
    /// Exact keys, as the failed list names them; empty when the entry does not name keys.
    public var keys: [String]
    /// Keys starting with these bytes; nil when the entry gives no prefix.
    public var prefix: String?
    /// The failure's error codes (`NoSuchKey`, `OMS.0402`); empty when the entry gives none.
    public var codes: [String]
    /// Where the entry is written: stale acceptances and matches are reported there.
    public var declaredAt: SourceLocation

    public init(reason: String, keys: [String] = [], prefix: String? = nil, codes: [String] = [],
                declaredAt: SourceLocation = SourceLocation(file: "", line: 0, column: 0)) {
        self.reason = reason
        self.keys = keys
        self.prefix = prefix
        self.codes = codes
        self.declaredAt = declaredAt
    }

    /// Whether the entry names at least one matcher (the loader refuses one that does not).
    public var hasMatcher: Bool { !keys.isEmpty || prefix != nil || !codes.isEmpty }

    /// Whether a failed object with `key` and error `code` is accepted by this entry: every
    /// matcher the entry gives matches, byte for byte. An entry without matchers accepts nothing.
    public func matches(key: String, code: String) -> Bool {
        guard hasMatcher else { return false }
        if !keys.isEmpty, !keys.contains(where: { $0.utf8.elementsEqual(key.utf8) }) { return false }
        if let prefix, !key.utf8.starts(with: prefix.utf8) { return false }
        if !codes.isEmpty, !codes.contains(where: { $0.utf8.elementsEqual(code.utf8) }) { return false }
        return true
    }

    /// What the entry matches, in the plan's words: `keys photos/a.jpg, prefix tmp/, codes NoSuchKey`.
    public var matcherSummary: String {
        var parts: [String] = []
        if !keys.isEmpty {
            let shown = keys.prefix(3).joined(separator: ", ")
            parts.append(keys.count > 3 ? "keys \(shown) and \(keys.count - 3) more" : (keys.count == 1 ? "key \(shown)" : "keys \(shown)"))
        }
        if let prefix { parts.append("prefix \(prefix)") }
        if !codes.isEmpty { parts.append((codes.count == 1 ? "code " : "codes ") + codes.joined(separator: ", ")) }
        return parts.joined(separator: ", ")
    }
}
