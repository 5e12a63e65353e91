import Foundation
import Testing

@testable import OMSModels

/// Issue 21: masking on bytes, after every escaping, in one pass whatever the number of
/// secrets, and JSON kept JSON. Each case here printed a secret (or broke JSON) before.
@Suite struct MaskingTests {
    static func redactor(_ secrets: [String]) -> SecretRedactor {
        let redactor = SecretRedactor()
        redactor.register(secrets)
        return redactor
    }

    @Test func aCombiningMarkAfterASecretDoesNotHideIt() {
        let secret = "T0pSecretValue42"
        let redactor = Self.redactor([secret])
        for text in ["x \(secret)\u{0301} y", "\u{0600}\(secret)", "\(secret)\u{200D}\u{FE0F}", "a/\(secret)/\u{0941}"] {
            let masked = redactor.redact(text)
            #expect(!masked.utf8.elementsEqual(text.utf8) && !masked.contains("T0pSecret"), "\(masked.debugDescription)")
            #expect(!Array(masked.utf8).containsSubsequence(Array(secret.utf8)), "\(masked.debugDescription)")
        }
    }

    @Test func everyEscapedFormIsMasked() {
        let secret = "p|a_s*s~w[o]r\\d<&\"'/\u{2028}é"
        let redactor = Self.redactor([secret])
        var forms = [
            secret, TextEscaping.markdownProse(secret), TextEscaping.markdownCode(secret, inTable: true), TextEscaping.html(secret),
            TextEscaping.html(secret, apostrophe: false), TextEscaping.percent(secret), TextEscaping.percent(secret, uppercaseHex: false),
        ]
        forms += TextEscaping.JSONStyle.all.map { TextEscaping.json(secret, style: $0) }
        let encoded = String(decoding: try! JSONEncoder().encode([secret]), as: UTF8.self)
        forms.append(String(encoded.dropFirst(2).dropLast(2)))
        for form in forms {
            #expect(redactor.redact("before \(form) after") == "before (secret) after", "\(form.debugDescription)")
        }
        // The JSON forms of U+2028 that writers use.
        #expect(TextEscaping.json("a\u{2028}b") == "a\\u2028b")
        #expect(TextEscaping.json("é", style: .init(asciiOnly: true)) == "\\u00e9")
        #expect(TextEscaping.json("😀", style: .init(asciiOnly: true, uppercaseHex: true)) == "\\uD83D\\uDE00")
    }

    @Test func jsonStaysJSONWhenASecretIsAWord() throws {
        let redactor = Self.redactor(["true", "1234"])
        let text = #"{"settled": true, "count": 1234, "note": "it is true", "list": ["1234", "x\"true"]}"#
        let masked = redactor.redactJSON(text)
        #expect(masked == #"{"settled": true, "count": 1234, "note": "it is (secret)", "list": ["(secret)", "x\"(secret)"]}"#)
        _ = try JSONSerialization.jsonObject(with: Data(masked.utf8))
        // Text outputs are masked everywhere.
        #expect(redactor.redact("settled: true") == "settled: (secret)")
    }

    @Test func weakSecretsAreNamed() {
        #expect(SecretRedactor.weakness(of: "abc")?.contains("cannot be masked") == true)
        #expect(SecretRedactor.weakness(of: "TRUE")?.contains("common word") == true)
        #expect(SecretRedactor.weakness(of: "12345678901")?.contains("only digits") == true)
        #expect(SecretRedactor.weakness(of: "abc123")?.contains("shorter than 8") == true)
        #expect(SecretRedactor.weakness(of: "a-real-key-0123") == nil)
    }

    /// The automaton against the obvious search, on generated secrets and texts: every
    /// occurrence of every secret is covered, and nothing else is.
    @Test func oneMatcherPassMasksWhatTheObviousSearchMasks() {
        var generator = SeededGenerator(seed: 0x3A5C_0001)
        let alphabet = Array("ab/|\u{0301}é_".unicodeScalars)
        func word(_ length: Int) -> String {
            String(String.UnicodeScalarView((0..<length).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for _ in 0..<300 {
            let secrets = (0..<Int.random(in: 1...6, using: &generator)).map { _ in word(Int.random(in: 4...7, using: &generator)) }
            let text = word(Int.random(in: 0...60, using: &generator))
            let matcher = ByteMatcher(patterns: secrets.map { Array($0.utf8) })
            let fast = SecretRedactor.mask(text, matcher: matcher, insideJSONStrings: false)
            #expect(fast == Self.obviousMask(text, secrets), "\(generator): \(secrets.debugDescription) in \(text.debugDescription)")
            let anywhere = secrets.contains { !$0.isEmpty && Array(text.utf8).containsSubsequence(Array($0.utf8)) }
            #expect(matcher.occurs(in: text) == anywhere, "\(generator): \(secrets.debugDescription) in \(text.debugDescription)")
        }
    }

    /// Every occurrence of every secret, overlapping ones merged, one mask per merged run.
    static func obviousMask(_ text: String, _ secrets: [String]) -> String {
        let bytes = Array(text.utf8)
        var runs: [(Int, Int)] = []
        for secret in secrets {
            let pattern = Array(secret.utf8)
            guard pattern.count <= bytes.count else { continue }
            for start in 0...(bytes.count - pattern.count) where Array(bytes[start..<(start + pattern.count)]) == pattern {
                runs.append((start, start + pattern.count))
            }
        }
        // Overlapping runs merge; runs that only touch stay two masks.
        runs.sort { $0.0 < $1.0 }
        var merged: [(Int, Int)] = []
        for run in runs {
            if let last = merged.last, run.0 < last.1 { merged[merged.count - 1].1 = max(last.1, run.1) } else { merged.append(run) }
        }
        var out: [UInt8] = []
        var position = 0
        for (start, end) in merged {
            out += bytes[position..<start]
            out += Array(SecretRedactor.mask.utf8)
            position = end
        }
        out += bytes[position...]
        return String(decoding: out, as: UTF8.self)
    }

    /// 3,000 secrets are masked as one is: each of them, in one pass.
    @Test func thousandsOfSecretsAreEachMasked() {
        let secrets = (0..<3000).map { "SK-\($0)-" + String(repeating: "x", count: $0 % 17) + "-end" }
        let redactor = Self.redactor(secrets)
        let text = secrets.enumerated().filter { $0.offset % 7 == 0 }.map { "k=\($0.element);" }.joined()
        let masked = redactor.redact(text)
        #expect(!masked.contains("SK-"))
        #expect(masked.components(separatedBy: "(secret)").count - 1 == (3000 + 6) / 7)
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { Array(self[$0..<($0 + needle.count)]) == needle }
    }
}
