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

    /// The body of a JSON string holding `text` (no quotes around it).
    public static func json(_ text: String, style: JSONStyle = JSONStyle()) -> String {
        var out = String.UnicodeScalarView()
        func hex(_ unit: UInt16) {
            let digits = String(unit, radix: 16, uppercase: style.uppercaseHex)
            out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - digits.count) + digits).unicodeScalars)
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: "\\\"".unicodeScalars)
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case "\u{08}": out.append(contentsOf: "\\b".unicodeScalars)
            case "\u{0C}": out.append(contentsOf: "\\f".unicodeScalars)
            case "/" where style.escapesSlash: out.append(contentsOf: "\\/".unicodeScalars)
            case _ where scalar.value < 0x20:
                hex(UInt16(scalar.value))
            case _ where (scalar.value == 0x2028 || scalar.value == 0x2029) && (style.escapesLineSeparators || style.asciiOnly):
                hex(UInt16(scalar.value))
            case _ where style.asciiOnly && !scalar.isASCII:
                for unit in String(scalar).utf16 { hex(unit) }
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// Markdown prose: a backslash before what GitHub would read as emphasis, links, code,
    /// HTML or table cells, and newlines as spaces.
    public static func markdownProse(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                out.append(" ")
                continue
            }
            if markdownSpecials.contains(scalar) { out.append("\\") }
            out.append(scalar)
        }
        return String(out)
    }

    static let markdownSpecials: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~"]

    /// The text of a Markdown code span: newlines as spaces, and inside table cells `\|`
    /// (GitHub splits cells on `|` before it reads code spans).
    public static func markdownCode(_ text: String, inTable: Bool) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out.append(" ")
            case "|" where inTable: out.append(contentsOf: "\\|".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// HTML text and attribute values. `apostrophe`: also `'` (as `&#39;`), for attributes
    /// quoted with it.
    public static func html(_ text: String, apostrophe: Bool = true) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'" where apostrophe: out.append(contentsOf: "&#39;".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
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
