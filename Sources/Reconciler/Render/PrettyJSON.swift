import Foundation
import OMSModels

/// Pretty JSON text of a `JSONValue`, written here rather than by `JSONEncoder` because the
/// bytes are a contract: Foundation's pretty printer differs between platforms and releases
/// (`"key" : value`, empty arrays spread over three lines). This writes what `jq .` writes:
/// two-space indent, `"key": value`, keys sorted by code point, `[]` and `{}` when empty,
/// integral numbers without a fraction, slashes and non-ASCII text unescaped.
public enum PrettyJSON {
    /// Any Encodable value (dates as RFC 3339), in the same bytes as the reports.
    public static func render<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return write(try JSONDecoder().decode(JSONValue.self, from: encoder.encode(value))) + "\n"
    }

    static func write(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, indent: Int, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += number(n)
        case .string(let s): string(s, into: &out)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad(indent + 1)
                write(item, indent: indent + 1, into: &out)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += pad(indent) + "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{\n"
            // Code-point order, the order `JSONEncoder.sortedKeys` and `jq -S` use for ASCII keys.
            let keys = members.keys.sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }
            for (i, key) in keys.enumerated() {
                out += pad(indent + 1)
                string(key, into: &out)
                out += ": "
                write(members[key]!, indent: indent + 1, into: &out)
                out += i == keys.count - 1 ? "\n" : ",\n"
            }
            out += pad(indent) + "}"
        }
    }

    private static func pad(_ level: Int) -> String { String(repeating: "  ", count: level) }

    /// Integers as integers (byte counts, bandwidth); other values in Swift's shortest
    /// round-trip form; non-finite values, which JSON cannot hold, as null.
    private static func number(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 9e15 { return String(Int64(n)) }
        return "\(n)"
    }

    /// Control characters escaped, and U+2028/2029 too, for JavaScript consumers.
    private static func string(_ s: String, into out: inout String) {
        out += "\""
        out += TextEscaping.json(s)
        out += "\""
    }
}
