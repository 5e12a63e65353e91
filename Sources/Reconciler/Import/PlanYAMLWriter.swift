import Foundation

/// A small YAML tree and its writer, for the plan files `oms-plan import` writes.
///
/// Every string is written double-quoted and escaped scalar by scalar: names, prefixes and
/// descriptions come from OMS and may hold anything (quotes, newlines, `#`, `: `, control
/// characters, a `${env:…}` that the plan loader would otherwise resolve). Keys are ours
/// (fixed field names), so they are written plain.
public indirect enum PlanYAMLValue: Sendable, Hashable {
    case string(String)
    /// A `${env:NAME}` reference of our own making: written quoted, its `${` left as is.
    /// Never built from text OMS returned.
    case reference(String)
    case int(Int64)
    case bool(Bool)
    case list([PlanYAMLValue])
    case map([PlanYAMLEntry])
}

public struct PlanYAMLEntry: Sendable, Hashable {
    public var key: String
    public var value: PlanYAMLValue
    public init(_ key: String, _ value: PlanYAMLValue) {
        self.key = key
        self.value = value
    }
}

public enum PlanYAMLWriter {
    /// Documents separated by `---`, each a mapping, with a comment on top.
    public static func render(documents: [[PlanYAMLEntry]], header: [String] = []) -> String {
        var out = header.map { "# " + commentSafe($0) + "\n" }.joined()
        for (index, document) in documents.enumerated() {
            if index > 0 { out += "---\n" }
            writeMap(document, indent: 0, into: &out)
        }
        return out
    }

    /// A double-quoted YAML scalar that reads back as exactly `text` through the plan loader:
    /// `"` and `\` escaped, every control or invisible line-breaking scalar as `\uXXXX`
    /// (looked at as Unicode scalars, never `Character`s), and `${` written `$${`, the plan
    /// format's literal dollar-brace, so that text from OMS is never taken for a reference.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        var previousDollar = false
        for scalar in text.unicodeScalars {
            defer { previousDollar = scalar == "$" }
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "{" where previousDollar: out += "${"
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || v == 0xFEFF {
                    out += String(format: "\\u%04X", v)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A comment line keeps to one line whatever it quotes.
    static func commentSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : $0 }))
    }

    private static func scalar(_ value: PlanYAMLValue) -> String? {
        switch value {
        case .string(let s): quoted(s)
        case .reference(let name): quoted(name).replacingOccurrences(of: "$${", with: "${")
        case .int(let i): String(i)
        case .bool(let b): b ? "true" : "false"
        case .list(let items) where items.allSatisfy({ scalar($0) != nil }):
            "[" + items.compactMap(scalar).joined(separator: ", ") + "]"
        case .map(let entries) where entries.isEmpty: "{}"
        case .list, .map: nil
        }
    }

    private static func writeMap(_ entries: [PlanYAMLEntry], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for entry in entries {
            if let inline = scalar(entry.value) {
                out += "\(pad)\(entry.key): \(inline)\n"
                continue
            }
            switch entry.value {
            case .map(let inner):
                out += "\(pad)\(entry.key):\n"
                writeMap(inner, indent: indent + 2, into: &out)
            case .list(let items):
                out += "\(pad)\(entry.key):\n"
                for item in items {
                    if case .map(let inner) = item, !inner.isEmpty {
                        var block = ""
                        writeMap(inner, indent: indent + 4, into: &block)
                        // The first line of the item takes the dash in place of its indent.
                        out += pad + "  - " + block.dropFirst(indent + 4)
                    } else {
                        out += "\(pad)  - \(scalar(item) ?? "{}")\n"
                    }
                }
            default: break
            }
        }
    }
}
