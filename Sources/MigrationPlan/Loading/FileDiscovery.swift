import Foundation

/// Finds the plan files under the paths given on the command line: directories recursively,
/// `*.yaml` and `*.yml`, skipping names that start with `.` or `_`, in a stable order.
/// A file named explicitly is read whatever its name.
///
/// Plan files are regular files (issue 21, item 8): a FIFO, a device or a socket, or a link to
/// one (`/dev/stdin`, `/proc/self/fd/1`), is refused, never opened. A file named on the command
/// line may be a link to a regular file anywhere (the user chose it); inside a folder walk,
/// links are followed only to files and folders inside that folder's tree, so that a link
/// committed to a plan repository cannot make the validator read the runner's files.
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
            case .other(let special):
                out.problems.append(Self.notRegular(path, special))
            case .directory:
                let tree = fileSystem.resolvedPath(path) ?? PathUtil.normalize(path)
                walk(path, depth: 0, tree: tree, into: &out, seen: &seen, visited: &visited)
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
    /// `tree`: the resolved folder named on the command line, which links may not leave.
    private func walk(_ dir: String, depth: Int, tree: String, into out: inout Outcome, seen: inout Set<String>,
                      visited: inout Set<String>) {
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
            let isPlanName = name.hasSuffix(".yaml") || name.hasSuffix(".yml")
            let kind = fileSystem.kind(of: path)
            // A link to a file or folder must stay in the tree (one that cannot be resolved
            // is refused too); a link to anything else is refused below as not regular.
            if kind == .directory || (kind == .file && isPlanName), fileSystem.isLink(path) {
                let target = fileSystem.resolvedPath(path)
                if target.map({ !PathUtil.isInside($0, root: tree) }) ?? true {
                    out.problems.append(Diagnostic(
                        .error, at: SourceLocation(file: path, line: 1, column: 1),
                        "is a symbolic link to \(target ?? "a path that cannot be resolved"), outside the plan folder \(tree)",
                        hint: "copy the file into the plan folder, or name it on the command line"))
                    continue
                }
            }
            switch kind {
            case .directory: walk(path, depth: depth + 1, tree: tree, into: &out, seen: &seen, visited: &visited)
            case .file:
                if isPlanName, seen.insert(PathUtil.normalize(path)).inserted { out.files.append(path) }
            case .other(let special):
                if isPlanName { out.problems.append(Self.notRegular(path, special)) }
            case nil: break
            }
        }
    }

    private static func notRegular(_ path: String, _ special: PlanFileKind.Special) -> Diagnostic {
        Diagnostic(.error, at: SourceLocation(file: path, line: 1, column: 1),
                   NotRegularFile(path: path, kind: special).description,
                   hint: "plan files must be regular files (links are followed only to regular files)")
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
