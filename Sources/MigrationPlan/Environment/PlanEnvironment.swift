import Foundation

public enum PlanFileKind: Sendable, Hashable {
    /// A regular file (links followed).
    case file
    case directory
    /// Anything else: a FIFO, a device, a socket. Never opened: reading one can block forever
    /// (`/dev/stdin`, `/proc/self/fd/1`, a FIFO) or never end (`/dev/zero`).
    case other(Special)

    public enum Special: String, Sendable {
        case fifo = "a FIFO"
        case characterDevice = "a character device"
        case blockDevice = "a block device"
        case socket = "a socket"
        case unknown = "neither a file nor a directory"
    }
}

/// Everything the loader reads from outside the plan text goes through this, so that tests
/// are hermetic and the library stays pure (no clock, no network).
public protocol PlanFileSystem: Sendable {
    func kind(of path: String) -> PlanFileKind?
    /// Entry names (not paths) of a directory.
    func contentsOfDirectory(_ path: String) throws -> [String]
    /// The bytes of a regular file (links followed), at most `PlanLoader.maximumFileBytes + 1`
    /// of them; anything else throws `NotRegularFile` without blocking.
    func readFile(_ path: String) throws -> Data
    /// Whether `path` itself is a symbolic link (not followed).
    func isLink(_ path: String) -> Bool
    /// The path made absolute and normalized by its text (`a/../b` -> `b`), existing or not.
    func lexicalPath(_ path: String) -> String
    /// The path with links and `..` resolved (absolute for real files), nil when it does not exist.
    func resolvedPath(_ path: String) -> String?
}

extension PlanFileSystem {
    public func resolvedPath(_ path: String) -> String? {
        kind(of: path) == nil ? nil : PathUtil.normalize(path)
    }

    /// The path made absolute (where the file system has a working directory) and normalized
    /// by text alone: where a path that does not exist would point.
    public func lexicalPath(_ path: String) -> String { PathUtil.normalize(path) }

    public func isLink(_ path: String) -> Bool { false }
}

/// A plan path that is not a regular file (`readFile`, or a file found by a folder walk).
public struct NotRegularFile: Error, CustomStringConvertible {
    public var path: String
    public var kind: PlanFileKind.Special

    /// "is not a regular file (a FIFO)": what the loader reports at the file.
    public var description: String { "is not a regular file (\(kind.rawValue))" }
}

/// Environment variables and files: the inputs of `${env:}` and `${file:}` references and
/// of the plan directories themselves.
public struct PlanEnvironment: Sendable {
    public var variables: [String: String]
    public var fileSystem: any PlanFileSystem
    /// `${file:}` may read files outside the plan's repository (a command-line opt-in).
    public var allowFilesOutsideRepository: Bool
    /// Folders `${file:}` may read from (resolved), set by the loader from the plan paths.
    var fileReferenceRoots: [String] = []

    public init(variables: [String: String], fileSystem: any PlanFileSystem, allowFilesOutsideRepository: Bool = false) {
        self.variables = variables
        self.fileSystem = fileSystem
        self.allowFilesOutsideRepository = allowFilesOutsideRepository
    }

    /// The repository a plan path belongs to: the nearest enclosing folder that has `.git`,
    /// or the plan folder itself (a file's folder) when there is none.
    func repositoryRoot(of planPath: String) -> String? {
        guard let resolved = fileSystem.resolvedPath(planPath) else { return nil }
        let folder = fileSystem.kind(of: resolved) == .directory ? resolved : PathUtil.parent(resolved)
        var candidate = folder
        while true {
            if fileSystem.kind(of: PathUtil.join(candidate, ".git")) != nil { return candidate }
            let parent = PathUtil.parent(candidate)
            if parent == candidate || candidate == "." || candidate == "/" { return folder }
            candidate = parent
        }
    }

    /// Whether `${file:}` may read `resolvedPath`.
    func mayRead(_ resolvedPath: String) -> Bool {
        allowFilesOutsideRepository || fileReferenceRoots.contains { PathUtil.isInside(resolvedPath, root: $0) }
    }

    /// The process environment and the real file system.
    public static var live: PlanEnvironment {
        PlanEnvironment(variables: ProcessInfo.processInfo.environment, fileSystem: LocalFileSystem())
    }

    /// An in-memory tree (`path -> contents`); directories are implied by the paths.
    public static func inMemory(files: [String: String], variables: [String: String] = [:]) -> PlanEnvironment {
        PlanEnvironment(variables: variables, fileSystem: InMemoryFileSystem(files: files.mapValues { Data($0.utf8) }))
    }
}

public struct LocalFileSystem: PlanFileSystem {
    public init() {}

    /// By `stat`, links followed: a link is what it points at, and nil when that is missing.
    public func kind(of path: String) -> PlanFileKind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return RegularFile.kind(ofMode: info.st_mode)
    }

    public func isLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    public func contentsOfDirectory(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path)
    }

    /// Regular files only (`RegularFile.contents`): a FIFO, a terminal or a device is refused
    /// without blocking, and a huge file is cut off one byte past the loader's limit.
    public func readFile(_ path: String) throws -> Data {
        try RegularFile.contents(of: path, upTo: PlanLoader.maximumFileBytes + 1)
    }

    public func lexicalPath(_ path: String) -> String {
        PathUtil.normalize(path.hasPrefix("/") ? path : PathUtil.join(FileManager.default.currentDirectoryPath, path))
    }

    public func resolvedPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

public struct InMemoryFileSystem: PlanFileSystem {
    public struct NotFound: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "no such file: \(path)" }
    }

    private let files: [String: Data]
    private let directories: [String: Set<String>]

    public init(files: [String: Data]) {
        var normalized: [String: Data] = [:]
        var dirs: [String: Set<String>] = [:]
        for (path, data) in files {
            let p = PathUtil.normalize(path)
            normalized[p] = data
            var child = p
            while true {
                let parent = PathUtil.parent(child)
                dirs[parent, default: []].insert(PathUtil.lastComponent(child))
                if parent == "." || parent == "/" || parent == child { break }
                child = parent
            }
        }
        self.files = normalized
        self.directories = dirs
    }

    public func kind(of path: String) -> PlanFileKind? {
        let p = PathUtil.normalize(path)
        if files[p] != nil { return .file }
        return directories[p] != nil ? .directory : nil
    }

    public func contentsOfDirectory(_ path: String) throws -> [String] {
        guard let entries = directories[PathUtil.normalize(path)] else { throw NotFound(path: path) }
        return Array(entries)
    }

    public func readFile(_ path: String) throws -> Data {
        guard let data = files[PathUtil.normalize(path)] else { throw NotFound(path: path) }
        return data
    }
}

/// String path arithmetic: plans print paths the way the user typed them, so no URL
/// round trips that would make them absolute.
/// Paths as the file system reads them: split on the `/` byte and compared byte by byte.
/// `String`'s own operations work on `Character`s (a `/` followed by a combining mark is no
/// `/` to them) and treat canonically equivalent spellings as equal (`é` and `e\u{0301}`,
/// two different folders on disk), so none of them decides what is inside what.
enum PathUtil {
    private static let slash = UInt8(ascii: "/")

    static func join(_ base: String, _ name: String) -> String {
        if name.utf8.first == slash { return name }
        if base.isEmpty || base.utf8.elementsEqual(".".utf8) { return name }
        return base.utf8.last == slash ? base + name : base + "/" + name
    }

    static func parent(_ path: String) -> String {
        guard let index = path.utf8.lastIndex(of: slash) else { return "." }
        if index == path.utf8.startIndex { return "/" }
        return String(decoding: path.utf8[..<index], as: UTF8.self)
    }

    static func lastComponent(_ path: String) -> String {
        guard let index = path.utf8.lastIndex(of: slash) else { return path }
        return String(decoding: path.utf8[path.utf8.index(after: index)...], as: UTF8.self)
    }

    /// Whether `path` is `root` or lies under it (both normalized the same way).
    static func isInside(_ path: String, root: String) -> Bool {
        let path = Array(path.utf8), root = Array(root.utf8)
        if root == [UInt8(ascii: ".")] {
            return path.first != slash && path != Array("..".utf8) && !path.starts(with: Array("../".utf8))
        }
        if root == [slash] { return path.first == slash }
        return path == root || (path.count > root.count && path.starts(with: root) && path[root.count] == slash)
    }

    /// Removes `.` components, duplicate and trailing slashes, and resolves `..` where it can.
    static func normalize(_ path: String) -> String {
        let absolute = path.utf8.first == slash
        let dot = Array(".".utf8), dotDot = Array("..".utf8)
        var parts: [[UInt8]] = []
        for segment in path.utf8.split(separator: slash, omittingEmptySubsequences: true) {
            let part = Array(segment)
            if part == dot { continue }
            if part == dotDot, let last = parts.last, last != dotDot { parts.removeLast(); continue }
            if part == dotDot, absolute, parts.isEmpty { continue }
            parts.append(part)
        }
        let joined = String(decoding: Array(parts.joined(separator: [slash])), as: UTF8.self)
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
