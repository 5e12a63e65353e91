/// The loader's own YAML tree: every node keeps its position, mapping keys keep theirs, and
/// scalars carry the type YAML 1.2's core schema gives them (as yaml-language-server does),
/// so that `prune: yes` is the string "yes", not a boolean.
struct PNode: Sendable {
    enum Value: Sendable {
        case scalar(Scalar)
        case mapping([Pair])
        case sequence([PNode])
    }

    var value: Value
    var loc: Loc

    init(_ value: Value, at loc: Loc) {
        self.value = value
        self.loc = loc
    }

    static func string(_ text: String, at loc: Loc) -> PNode {
        PNode(.scalar(Scalar(text: text, type: .string)), at: loc)
    }

    static func null(at loc: Loc) -> PNode { PNode(.scalar(Scalar(text: "", type: .null)), at: loc) }

    var scalar: Scalar? {
        if case .scalar(let s) = value { return s }
        return nil
    }

    var pairs: [Pair]? {
        if case .mapping(let p) = value { return p }
        return nil
    }

    var items: [PNode]? {
        if case .sequence(let i) = value { return i }
        return nil
    }

    /// The string of a string-typed scalar.
    var stringValue: String? {
        if case .scalar(let s) = value, s.type == .string { return s.text }
        return nil
    }

    /// "a string", "a mapping", ... for type-mismatch messages.
    var kindDescription: String {
        switch value {
        case .scalar(let s): return s.type.description
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    /// The value under `key` in a mapping.
    subscript(key: String) -> PNode? {
        pairs?.first { $0.key == key }?.value
    }

    /// The pair for `key` in a mapping (for the key's own position).
    func pair(_ key: String) -> Pair? {
        pairs?.first { $0.key == key }
    }
}

struct Scalar: Sendable, Hashable {
    var text: String
    var type: ScalarType
}

enum ScalarType: Sendable, Hashable, CustomStringConvertible {
    case string, int, float, bool, null

    var description: String {
        switch self {
        case .string: "a string"
        case .int: "an integer"
        case .float: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

struct Pair: Sendable {
    var key: String
    var keyLoc: Loc
    var value: PNode
}

/// YAML 1.2 core-schema resolution of plain scalars, written out by hand: Yams' resolver
/// runs NSRegularExpressions per scalar, which costs seconds on a 10,000-task plan.
enum CoreSchema {
    static func type(ofPlain text: String) -> ScalarType {
        // Every null, bool, int and float spelling starts with one of these bytes; most plain
        // scalars (names, regions, prefixes) are told apart here, before 26 comparisons.
        guard let first = text.utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"),
            UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            break
        default:
            return .string
        }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE", "false", "False", "FALSE": return .bool
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN":
            return .float
        default: break
        }
        let b = Array(text.utf8)
        guard let first = b.first else { return .null }
        // Cheap reject: numbers start with a sign, a digit or a dot.
        guard first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
            || isDigit(first)
        else { return .string }
        if b.count > 2, b[0] == UInt8(ascii: "0"), b[1] == UInt8(ascii: "o") {
            return b[2...].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") } ? .int : .string
        }
        if b.count > 2, b[0] == UInt8(ascii: "0"), b[1] == UInt8(ascii: "x") {
            return b[2...].allSatisfy(isHex) ? .int : .string
        }
        var i = 0
        if b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
        let intStart = i
        while i < b.count, isDigit(b[i]) { i += 1 }
        let intDigits = i - intStart
        if i == b.count { return intDigits > 0 ? .int : .string }
        var fracDigits = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let s = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            fracDigits = i - s
        }
        if intDigits == 0 && fracDigits == 0 { return .string }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
            let s = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            if i == s { return .string }
        }
        return i == b.count ? .float : .string
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    private static func isHex(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F"))
    }
}
