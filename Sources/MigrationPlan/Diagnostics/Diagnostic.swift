// Diagnostics: every problem found in a plan, located at file:line:column.

/// A position in a plan file. `line` and `column` are 1-based; 0 means "the whole file"
/// (used only for problems with the file itself, such as a path that does not exist).
public struct SourceLocation: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        if a.file != b.file { return a.file < b.file }
        if a.line != b.line { return a.line < b.line }
        return a.column < b.column
    }

    /// `file:line:column`, or just `file` when the position is unknown.
    public var description: String {
        line > 0 ? "\(file):\(line):\(column)" : file
    }
}

public enum Severity: String, Sendable, Codable, Hashable {
    case error
    case warning
}

/// One problem in a plan: a short message at the offending value, with an optional hint
/// ("did you mean `savePrefix`?") rendered on a second line.
public struct Diagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    public var hint: String?

    public init(_ severity: Severity, at location: SourceLocation, _ message: String, hint: String? = nil) {
        self.severity = severity
        self.location = location
        self.message = message
        self.hint = hint
    }

    public var file: String { location.file }
    public var line: Int { location.line }
    public var column: Int { location.column }

    /// `path:line:column: error: message` and, when there is a hint, `  hint: ...` below it:
    /// the form compilers use, so editors and CI annotators can jump to the value.
    public var rendered: String {
        var text = "\(location): \(severity.rawValue): \(message)"
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }

    public var description: String { rendered }

    /// Diagnostics are reported sorted by file and position, then message, so that output
    /// is stable whatever order files were read or checks ran in.
    static func ordered(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        if a.location != b.location { return a.location < b.location }
        if a.severity != b.severity { return a.severity == .error }
        return a.message < b.message
    }
}

extension Array where Element == Diagnostic {
    public var errors: [Diagnostic] { filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { filter { $0.severity == .warning } }
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// One line for the end of `validate`: "2 errors, 1 warning in 14 files".
    public func summary(files: Int, resources: Int? = nil) -> String {
        let e = errors.count, w = warnings.count
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        var text = "\(plural(e, "error")), \(plural(w, "warning")) in \(plural(files, "file"))"
        if let resources, e == 0 { text += " (\(plural(resources, "resource")))" }
        return text
    }
}
