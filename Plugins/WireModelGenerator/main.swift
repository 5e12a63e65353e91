// Writes the Swift of one wire table (`Sources/OMSModels/Wire/<Area>.json`) for the
// `WireModels` build-tool plugin: `WireModelGenerator <table.json> <output.swift>`.
//
// The tables are the OMS models' data (fields, wire keys, initialisers, open enum values);
// this turns them into the same declarations a person would write, at every build, so the
// public API and the bytes on the wire are the table's and nothing is repeated by hand.
// Foundation only: it runs on the build machine before any package is compiled.
import Foundation

/// One table file: its types in the order they are declared.
struct Table: Decodable {
    var types: [WireType]
}

/// A plain struct (`kind` absent), an open string enum or an open integer enum.
struct WireType: Decodable {
    var kind: String?
    var name: String
    var doc: [String]?
    // Structs.
    var conformances: [String]?
    var fields: [Field]?
    /// Absent: no initialiser is written (Swift's own, internal to the module, serves);
    /// empty: `public init() {}`; otherwise the public initialiser's parameters in order.
    var `init`: [Parameter]?
    var nested: [WireType]?
    // Open enums.
    var rawValueLet: Bool?
    var cases: [Case]?
    var documented: [String]?
    var all: [String]?
}

struct Field: Decodable {
    var name: String
    var type: String
    /// The reference's JSON name (`CodingKeys` raw value); required for `Codable` structs.
    var key: String?
    var `let`: Bool?
    var doc: [String]?
}

struct Parameter: Decodable {
    /// A field's name, which is also the label.
    var name: String
    /// The parameter's type when it differs from the field's (a non-optional argument for an
    /// optional field).
    var type: String?
    /// A Swift expression, written as is (`nil`, `""`, `100`, `.none`).
    var `default`: String?
}

struct Case: Decodable {
    var name: String
    /// A string (open string enums) or an integer (open integer enums).
    var value: CaseValue
    /// The state's name (`OpenIntEnum.name`).
    var label: String?
    var doc: [String]?
}

enum CaseValue: Decodable {
    case string(String), int(Int)
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) { self = .int(i) } else { self = .string(try c.decode(String.self)) }
    }
}

struct TableError: Error, CustomStringConvertible {
    var description: String
}

/// Names that must be written in backticks where they are declared or passed.
let keywords: Set<String> = [
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
    "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows", "static",
    "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default", "defer", "do", "else",
    "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while", "Any", "as",
    "false", "is", "nil", "self", "Self", "super", "throws", "true", "try",
]

func identifier(_ name: String) -> String { keywords.contains(name) ? "`\(name)`" : name }

func stringLiteral(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

struct Writer {
    var lines: [String] = []
    let where_: String

    mutating func doc(_ doc: [String]?, _ indent: String) {
        for line in doc ?? [] { lines.append(line.isEmpty ? "\(indent)///" : "\(indent)/// \(line)") }
    }

    mutating func write(_ type: WireType, indent: String) throws {
        switch type.kind ?? "struct" {
        case "struct": try writeStruct(type, indent: indent)
        case "openString": try writeStringEnum(type, indent: indent)
        case "openInt": try writeIntEnum(type, indent: indent)
        case let other: throw TableError(description: "\(where_): \(type.name): unknown kind \"\(other)\"")
        }
    }

    mutating func writeStruct(_ type: WireType, indent: String) throws {
        let fields = type.fields ?? []
        let conformances = type.conformances ?? []
        let inner = indent + "    "
        doc(type.doc, indent)
        lines.append("\(indent)public struct \(type.name): \(conformances.joined(separator: ", ")) {")
        for field in fields {
            doc(field.doc, inner)
            lines.append("\(inner)public \(field.let == true ? "let" : "var") \(identifier(field.name)): \(field.type)")
        }
        if let parameters = type.`init` {
            let byName = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            var seen = Set<String>()
            let list = try parameters.map { p -> String in
                guard let field = byName[p.name] else {
                    throw TableError(description: "\(where_): \(type.name): init parameter \"\(p.name)\" is not a field")
                }
                guard seen.insert(p.name).inserted else {
                    throw TableError(description: "\(where_): \(type.name): init parameter \"\(p.name)\" is listed twice")
                }
                return "\(identifier(p.name)): \(p.type ?? field.type)" + (p.default.map { " = \($0)" } ?? "")
            }
            lines.append("")
            if list.isEmpty {
                lines.append("\(inner)public init() {}")
            } else {
                lines.append("\(inner)public init(")
                lines.append(list.map { "\(inner)    \($0)" }.joined(separator: ",\n"))
                lines.append("\(inner)) {")
                for p in parameters { lines.append("\(inner)    self.\(identifier(p.name)) = \(identifier(p.name))") }
                lines.append("\(inner)}")
            }
        }
        if conformances.contains("Codable") {
            lines.append("")
            lines.append("\(inner)enum CodingKeys: String, CodingKey {")
            for field in fields {
                guard let key = field.key else {
                    throw TableError(description: "\(where_): \(type.name).\(field.name): a Codable struct's field needs its wire \"key\"")
                }
                lines.append(key == field.name
                    ? "\(inner)    case \(identifier(field.name))"
                    : "\(inner)    case \(identifier(field.name)) = \(stringLiteral(key))")
            }
            lines.append("\(inner)}")
        } else if let keyed = fields.first(where: { $0.key != nil }) {
            throw TableError(description: "\(where_): \(type.name).\(keyed.name) has a wire key but the struct is not Codable")
        }
        for child in type.nested ?? [] {
            lines.append("")
            try write(child, indent: inner)
        }
        lines.append("\(indent)}")
    }

    func caseNames(_ type: WireType, _ list: [String]?, _ what: String) throws -> String {
        let known = Set((type.cases ?? []).map(\.name))
        for name in list ?? [] where !known.contains(name) {
            throw TableError(description: "\(where_): \(type.name): \"\(name)\" in \(what) is not a case")
        }
        return (list ?? []).map { ".\($0)" }.joined(separator: ", ")
    }

    mutating func writeStringEnum(_ type: WireType, indent: String) throws {
        let inner = indent + "    "
        doc(type.doc, indent)
        lines.append("\(indent)public struct \(type.name): OpenStringEnum {")
        lines.append("\(inner)public \(type.rawValueLet == true ? "let" : "var") rawValue: String")
        lines.append("\(inner)public init(rawValue: String) { self.rawValue = rawValue }")
        for c in type.cases ?? [] {
            guard case .string(let value) = c.value else {
                throw TableError(description: "\(where_): \(type.name).\(c.name): an open string enum's value is a string")
            }
            doc(c.doc, inner)
            lines.append("\(inner)public static let \(identifier(c.name)): Self = \(stringLiteral(value))")
        }
        lines.append("\(inner)public static let documented: [Self] = [\(try caseNames(type, type.documented, "documented"))]")
        lines.append("\(indent)}")
    }

    mutating func writeIntEnum(_ type: WireType, indent: String) throws {
        let inner = indent + "    "
        doc(type.doc, indent)
        lines.append("\(indent)public struct \(type.name): OpenIntEnum {")
        lines.append("\(inner)public var rawValue: Int")
        lines.append("\(inner)public init(rawValue: Int) { self.rawValue = rawValue }")
        var names: [String] = []
        for c in type.cases ?? [] {
            guard case .int(let value) = c.value, let label = c.label else {
                throw TableError(description: "\(where_): \(type.name).\(c.name): an open integer enum's case has an integer value and a label")
            }
            doc(c.doc, inner)
            lines.append("\(inner)public static let \(identifier(c.name)) = Self(rawValue: \(value))")
            names.append("\(inner)    case \(value): \(stringLiteral(label))")
        }
        if type.all != nil {
            lines.append("\(inner)public static let all: [Self] = [\(try caseNames(type, type.all, "all"))]")
        }
        lines.append("\(inner)public var name: String? {")
        lines.append("\(inner)    switch rawValue {")
        lines.append(contentsOf: names)
        lines.append("\(inner)    default: nil")
        lines.append("\(inner)    }")
        lines.append("\(inner)}")
        lines.append("\(indent)}")
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: WireModelGenerator <table.json> <output.swift>\n".utf8))
    exit(2)
}
let input = URL(fileURLWithPath: arguments[1])
let area = input.deletingPathExtension().lastPathComponent
do {
    let table = try JSONDecoder().decode(Table.self, from: Data(contentsOf: input))
    var writer = Writer(where_: "Wire/\(area).json")
    writer.lines = [
        "// Generated from Sources/OMSModels/Wire/\(area).json by the WireModels plugin at build time.",
        "// Edit the table, not this file (CONTRIBUTING, \"The wire tables\").",
    ]
    for type in table.types {
        writer.lines.append("")
        try writer.write(type, indent: "")
    }
    let text = writer.lines.joined(separator: "\n") + "\n"
    let output = URL(fileURLWithPath: arguments[2])
    // SwiftPM runs the plugin's commands at every build; rewriting an unchanged file would
    // make OMSModels compile again each time, so the same text is left as it is.
    if (try? Data(contentsOf: output)) != Data(text.utf8) {
        try Data(text.utf8).write(to: output, options: .atomic)
    }
} catch let error as DecodingError {
    FileHandle.standardError.write(Data("error: Wire/\(area).json: not a wire table: \(error)\n".utf8))
    exit(1)
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
