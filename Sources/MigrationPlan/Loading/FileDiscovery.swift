import Foundation

/// Finds the plan files under the paths given on the command line: directories recursively,
/// `*.yaml` and `*.yml`, skipping names that start with `.` or `_`, in a stable order.
/// A file named explicitly is read whatever its name.
struct FileDiscovery {
    let fileSystem: any PlanFileSystem

    struct Outcome {
        var files: [String] = []
        var problems: [Diagnostic] = []
    }

    func discover(_ paths: [String]) -> Outcome {
        var out = Outcome()
        var seen = Set<String>()
        var visited = Set<String>()
        for path in paths {
            let before = out.files.count
            switch fileSystem.kind(of: path) {
            case nil:
                out.problems.append(Diagnostic(.error, at: SourceLocation(file: path, line: 0, column: 0), "no such file or directory"))
                continue
            case .file:
                if seen.insert(PathUtil.normalize(path)).inserted { out.files.append(path) }
            case .directory:
                walk(path, depth: 0, into: &out, seen: &seen, visited: &visited)
                if out.files.count == before {
                    out.problems.append(Diagnostic(.error, at: SourceLocation(file: path, line: 0, column: 0),
                                                   "no plan files (*.yaml, *.yml) in this directory"))
                }
            }
        }
        return out
    }

    /// Each real directory is read once: a link back to a parent (a loop) is reported, not
    /// walked again, so two looping links cannot make the walk exponential.
    private func walk(_ dir: String, depth: Int, into out: inout Outcome, seen: inout Set<String>, visited: inout Set<String>) {
        guard depth < 32 else {
            out.problems.append(Diagnostic(.error, at: SourceLocation(file: dir, line: 1, column: 1),
                                           "directories nest more than 32 levels deep"))
            return
        }
        let real = fileSystem.resolvedPath(dir) ?? PathUtil.normalize(dir)
        guard visited.insert(real).inserted else {
            out.problems.append(Diagnostic(.error, at: SourceLocation(file: dir, line: 1, column: 1),
                                           "this directory was already read: a symbolic link loops back to it"))
            return
        }
        let entries: [String]
        do {
            entries = try fileSystem.contentsOfDirectory(dir)
        } catch {
            out.problems.append(Diagnostic(.error, at: SourceLocation(file: dir, line: 1, column: 1), "cannot list this directory"))
            return
        }
        // Byte order, not locale order: the same on every machine.
        for name in entries.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            if name.hasPrefix(".") || name.hasPrefix("_") { continue }
            let path = PathUtil.join(dir, name)
            switch fileSystem.kind(of: path) {
            case .directory: walk(path, depth: depth + 1, into: &out, seen: &seen, visited: &visited)
            case .file:
                if name.hasSuffix(".yaml") || name.hasSuffix(".yml"), seen.insert(PathUtil.normalize(path)).inserted {
                    out.files.append(path)
                }
            case nil: break
            }
        }
    }
}

/// Plan files must be UTF-8; the first bad line is reported.
enum TextDecoding {
    struct BadLine: Error { var line: Int }

    static func decode(_ data: Data) -> Result<String, BadLine> {
        // Editors on Windows start UTF-8 files with a byte-order mark: it is not content.
        var data = data
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data = data.dropFirst(3) }
        if let s = String(validating: data, as: UTF8.self) { return .success(s) }
        var line = 1
        for chunk in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if String(validating: chunk, as: UTF8.self) == nil { return .failure(BadLine(line: line)) }
            line += 1
        }
        return .failure(BadLine(line: line))
    }
}
