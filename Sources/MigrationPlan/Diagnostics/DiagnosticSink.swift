/// Compact position used inside the loader: a file index into `FileTable`, line and column.
/// Every YAML node carries one, so it is kept to 12 bytes instead of a String per node.
struct Loc: Hashable, Sendable, Comparable {
    var file: Int32
    var line: Int32
    var column: Int32

    init(file: Int32, line: Int, column: Int) {
        self.file = file
        self.line = Int32(clamping: line)
        self.column = Int32(clamping: column)
    }

    static func < (a: Loc, b: Loc) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// The files of one load, in the order they were found; `Loc.file` indexes into it.
struct FileTable: Sendable {
    private(set) var paths: [String] = []

    mutating func add(_ path: String) -> Int32 {
        paths.append(path)
        return Int32(paths.count - 1)
    }

    func path(_ id: Int32) -> String { paths[Int(id)] }

    func location(_ loc: Loc) -> SourceLocation {
        SourceLocation(file: path(loc.file), line: Int(loc.line), column: Int(loc.column))
    }
}

/// Collects diagnostics instead of stopping at the first: users fix a plan in one round trip.
/// A reference type because every stage of the loader appends to the same list.
final class DiagnosticSink {
    var files: FileTable
    private(set) var diagnostics: [Diagnostic] = []
    private(set) var errorCount = 0

    init(files: FileTable) { self.files = files }

    func error(_ message: String, at loc: Loc, hint: String? = nil) {
        add(Diagnostic(.error, at: files.location(loc), message, hint: hint))
    }

    func warning(_ message: String, at loc: Loc, hint: String? = nil) {
        add(Diagnostic(.warning, at: files.location(loc), message, hint: hint))
    }

    func add(_ diagnostic: Diagnostic) {
        if diagnostic.severity == .error { errorCount += 1 }
        diagnostics.append(diagnostic)
    }

    /// Sorted by file and position, duplicates (the same message at the same place, which
    /// shared defaults can produce once per task) removed.
    func sorted() -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.filter { seen.insert($0).inserted }.sorted(by: Diagnostic.ordered)
    }
}
