import Foundation
import Synchronization

/// Masks secret values wherever they appear in text that leaves the process.
///
/// Secrets are registered when they are resolved (from Credentials, CDN keys, the CLI's
/// credential variables, secret-looking variables); every output path (stdout, stderr,
/// report and metrics files, the status page, log lines) passes its final bytes through
/// `redact`, after every escaping, so a secret interpolated into a description, a prefix or an
/// error message is masked there too. Each secret is looked for in every form an output can
/// give it (`forms(of:)`: JSON, Markdown, HTML and percent escapes), by one byte automaton
/// whose cost does not grow with the number of secrets, and on bytes, so that what follows a
/// secret (a combining mark) cannot hide it.
public final class SecretRedactor: Sendable {
    /// The redactor of this process's outputs.
    public static let shared = SecretRedactor()
    public static let mask = "(secret)"
    /// Shorter values are not masked: they would blank out ordinary words (and are warned about).
    public static let minimumLength = 4
    /// Values shorter than this (in bytes) are masked but warned about: they are guessable,
    /// and masking them also masks the same letters wherever they happen to appear.
    public static let safeLength = 8

    private struct State {
        var secrets: Set<String> = []
        /// Built on the first `redact` after a `register`, so registering many secrets one by
        /// one costs one build.
        var matcher: ByteMatcher?
    }

    private let state = Mutex(State())

    public init() {}

    public func register<S: Sequence>(_ values: S) where S.Element == String {
        let added = values.filter { $0.utf8.count >= Self.minimumLength }
        guard !added.isEmpty else { return }
        state.withLock { state in
            let before = state.secrets.count
            state.secrets.formUnion(added)
            if state.secrets.count != before { state.matcher = nil }
        }
    }

    public func register(_ value: String) { register([value]) }

    public var isEmpty: Bool { state.withLock { $0.secrets.isEmpty } }

    /// Masks every registered secret, in any of its forms, anywhere in `text`.
    public func redact(_ text: String) -> String {
        guard let matcher = currentMatcher() else { return text }
        return Self.mask(text, matcher: matcher, insideJSONStrings: false)
    }

    /// Masks secrets in JSON text inside string values only, so the document stays JSON (a
    /// secret `true` must not turn `"settled": true` into `"settled": (secret)`). Every
    /// secret is a string, so in JSON it can only ever appear inside one.
    public func redactJSON(_ text: String) -> String {
        guard let matcher = currentMatcher() else { return text }
        return Self.mask(text, matcher: matcher, insideJSONStrings: true)
    }

    public func redact(_ data: Data) -> Data {
        guard !isEmpty else { return data }
        return Data(redact(String(decoding: data, as: UTF8.self)).utf8)
    }

    private func currentMatcher() -> ByteMatcher? {
        state.withLock { state in
            if state.secrets.isEmpty { return nil }
            if let matcher = state.matcher { return matcher }
            var patterns = Set<[UInt8]>()
            for secret in state.secrets {
                for form in Self.forms(of: secret) where form.utf8.count >= Self.minimumLength { patterns.insert(Array(form.utf8)) }
            }
            let matcher = ByteMatcher(patterns: patterns)
            state.matcher = matcher
            return matcher
        }
    }

    /// Every form `value` can take in an output: as written, JSON-escaped in each style JSON
    /// writers use, Markdown-escaped (prose and code in tables), HTML-escaped, and
    /// percent-encoded.
    public static func forms(of value: String) -> Set<String> {
        var forms: Set<String> = [value]
        for style in TextEscaping.JSONStyle.all { forms.insert(TextEscaping.json(value, style: style)) }
        forms.insert(TextEscaping.markdownProse(value))
        forms.insert(TextEscaping.markdownCode(value, inTable: true))
        forms.insert(TextEscaping.markdownCode(value, inTable: false))
        forms.insert(TextEscaping.html(value))
        forms.insert(TextEscaping.html(value, apostrophe: false))
        forms.insert(TextEscaping.percent(value))
        forms.insert(TextEscaping.percent(value, uppercaseHex: false))
        return forms
    }

    /// Why `value` cannot be masked safely, or nil: too short, or a word or number that
    /// outputs hold anyway (masking it would blank those out, and it is easy to guess).
    public static func weakness(of value: String) -> String? {
        if value.utf8.count < minimumLength { return "is shorter than \(minimumLength) characters, so it cannot be masked" }
        if commonValues.contains(value.lowercased()) { return "is a common word, so masking it also masks that word everywhere" }
        if value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return "is only digits, so masking it also masks those numbers everywhere" }
        if value.utf8.count < safeLength { return "is shorter than \(safeLength) characters, so it is easy to guess and masks ordinary text" }
        return nil
    }

    static let commonValues: Set<String> = ["true", "false", "null", "none", "nil", "yes", "no", "on", "off", "test", "password", "secret", "changeme", "admin"]

    /// The masking pass over the bytes of `text`: every match is found, overlapping ones are
    /// merged, and each merged run becomes one mask.
    static func mask(_ text: String, matcher: ByteMatcher, insideJSONStrings: Bool) -> String {
        var text = text
        return text.withUTF8 { bytes -> String in
            var runs: [(start: Int, end: Int)] = []
            func add(_ start: Int, _ end: Int) {
                var start = start
                while let last = runs.last, last.end > start {
                    start = min(start, last.start)
                    runs.removeLast()
                }
                runs.append((start, end))
            }
            if insideJSONStrings {
                let strings = JSONStringSpans(bytes)
                matcher.scan(bytes) { start, end in
                    if strings.contains(start, end) { add(start, end) }
                }
            } else {
                matcher.scan(bytes, add)
            }
            guard !runs.isEmpty else { return String(decoding: bytes, as: UTF8.self) }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var position = 0
            for run in runs {
                out.append(contentsOf: bytes[position..<run.start])
                out.append(contentsOf: mask.utf8)
                position = run.end
            }
            out.append(contentsOf: bytes[position..<bytes.count])
            return String(decoding: out, as: UTF8.self)
        }
    }
}

/// Where the string values of a JSON text lie (their contents, without the quotes).
struct JSONStringSpans {
    /// Start (after the opening quote) and end (the closing quote) of each string, in order.
    private var spans: [(start: Int, end: Int)] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\"") else {
                index += 1
                continue
            }
            let start = index + 1
            index = start
            while index < bytes.count && bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            spans.append((start, min(index, bytes.count)))
            index += 1
        }
    }

    /// Whether `start..<end` lies inside one string's contents.
    func contains(_ start: Int, _ end: Int) -> Bool {
        // The last span starting at or before `start`.
        var low = 0, high = spans.count
        while low < high {
            let middle = (low + high) / 2
            if spans[middle].start <= start { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return false }
        return end <= spans[low - 1].end
    }
}
