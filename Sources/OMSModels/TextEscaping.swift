/// The escapings oms-plan's outputs apply to text, in one place: the renderers call them to
/// write, and `SecretRedactor` calls them to know every form a secret can take in the final
/// bytes (a secret is masked after escaping, so it must be looked for as escaped).
///
/// Each works scalar by scalar: a `<` or `|` after a combining or prepended mark is one Swift
/// `Character` with it, but a browser or a Markdown renderer still reads the `<` or `|`.
public enum TextEscaping {
    /// How a JSON string's characters are written (between the quotes).
    public struct JSONStyle: Sendable, Hashable {
        /// `/` written `\/` (Foundation's `JSONEncoder` does so by default).
        public var escapesSlash = false
        /// U+2028 and U+2029 written `\u2028`, `\u2029` (oms-plan's own JSON does, for
        /// JavaScript readers).
        public var escapesLineSeparators = true
        /// Every non-ASCII scalar written `\uXXXX` (UTF-16, surrogate pairs beyond the BMP).
        public var asciiOnly = false
        public var uppercaseHex = false

        public init(escapesSlash: Bool = false, escapesLineSeparators: Bool = true, asciiOnly: Bool = false, uppercaseHex: Bool = false) {
            self.escapesSlash = escapesSlash
            self.escapesLineSeparators = escapesLineSeparators
            self.asciiOnly = asciiOnly
            self.uppercaseHex = uppercaseHex
        }

        /// The styles JSON writers in and around oms-plan use: its own, Foundation's (with
        /// and without `\/`), and ASCII-only writers (Python's default) in both cases of hex.
        public static let all: [JSONStyle] = [
            JSONStyle(), JSONStyle(escapesLineSeparators: false), JSONStyle(escapesSlash: true, escapesLineSeparators: false),
            JSONStyle(escapesSlash: true), JSONStyle(asciiOnly: true), JSONStyle(asciiOnly: true, uppercaseHex: true),
            JSONStyle(escapesSlash: true, asciiOnly: true), JSONStyle(escapesSlash: true, asciiOnly: true, uppercaseHex: true),
        ]
    }

    /// `text` with each scalar for which `replacement` answers written as that answer: the one
    /// loop of every escaping below but percent-encoding (which works on UTF-8 bytes).
    static func replacingScalars(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if let replaced = replacement(scalar) { out.append(contentsOf: replaced.unicodeScalars) } else { out.append(scalar) }
        }
        return String(out)
    }

    /// The body of a JSON string holding `text` (no quotes around it).
    public static func json(_ text: String, style: JSONStyle = JSONStyle()) -> String {
        func hex(_ unit: UInt16) -> String {
            let digits = String(unit, radix: 16, uppercase: style.uppercaseHex)
            return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
        }
        return replacingScalars(text) { scalar -> String? in
            switch scalar {
            case "\"": "\\\""
            case "\\": "\\\\"
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            case "\u{08}": "\\b"
            case "\u{0C}": "\\f"
            case "/" where style.escapesSlash: "\\/"
            case _ where scalar.value < 0x20: hex(UInt16(scalar.value))
            case _ where (scalar.value == 0x2028 || scalar.value == 0x2029) && (style.escapesLineSeparators || style.asciiOnly):
                hex(UInt16(scalar.value))
            case _ where style.asciiOnly && !scalar.isASCII: String(scalar).utf16.map(hex).joined()
            default: nil
            }
        }
    }

    /// Markdown prose: a backslash before what GitHub would read as emphasis, links, code,
    /// HTML or table cells, and newlines as spaces.
    public static func markdownProse(_ text: String) -> String {
        replacingScalars(text) { scalar in
            scalar == "\n" ? " " : markdownSpecials.contains(scalar) ? "\\" + String(scalar) : nil
        }
    }

    static let markdownSpecials: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~"]

    /// The text of a Markdown code span: newlines as spaces, and inside table cells `\|`
    /// (GitHub splits cells on `|` before it reads code spans).
    public static func markdownCode(_ text: String, inTable: Bool) -> String {
        replacingScalars(text) { scalar in
            scalar == "\n" ? " " : scalar == "|" && inTable ? "\\|" : nil
        }
    }

    /// HTML text and attribute values. `apostrophe`: also `'` (as `&#39;`), for attributes
    /// quoted with it.
    public static func html(_ text: String, apostrophe: Bool = true) -> String {
        replacingScalars(text) { scalar -> String? in
            switch scalar {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\"": "&quot;"
            case "'" where apostrophe: "&#39;"
            default: nil
            }
        }
    }

    /// Percent-encoding of everything but RFC 3986's unreserved bytes, as URLs and query
    /// strings carry text.
    public static func percent(_ text: String, uppercaseHex: Bool = true) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = String(byte, radix: 16, uppercase: uppercaseHex)
                out += "%" + (digits.count == 1 ? "0" : "") + digits
            }
        }
        return out
    }
}
