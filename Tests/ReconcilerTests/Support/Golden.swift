import Foundation
import Testing

/// Byte-for-byte comparison with files under `Tests/ReconcilerTests/Golden/`.
/// `UPDATE_GOLDEN=1 swift test --filter ReconcilerTests` rewrites them; review the git diff.
enum Golden {
    /// The source tree's copy: the one a reviewer reads and `UPDATE_GOLDEN` writes. The
    /// bundled copy (`resources: [.copy("Golden")]`) is the fallback when the tests run away
    /// from the checkout.
    static let sourceDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Golden")

    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    static func read(_ name: String) -> String? {
        let source = sourceDirectory.appendingPathComponent(name)
        if let data = try? Data(contentsOf: source) { return String(decoding: data, as: UTF8.self) }
        guard let bundled = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Golden") else { return nil }
        return (try? Data(contentsOf: bundled)).map { String(decoding: $0, as: UTF8.self) }
    }

    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if updating {
            try FileManager.default.createDirectory(at: sourceDirectory, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: sourceDirectory.appendingPathComponent(name), options: .atomic)
            return
        }
        guard let expected = read(name) else {
            Issue.record("missing golden file \(name); run UPDATE_GOLDEN=1 swift test --filter ReconcilerTests", sourceLocation: sourceLocation)
            return
        }
        guard actual != expected else { return }
        // Point at the first differing line: a whole-document mismatch is unreadable.
        let a = actual.components(separatedBy: "\n"), e = expected.components(separatedBy: "\n")
        let line = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
        let got = line < a.count ? a[line] : "<end of output>"
        let want = line < e.count ? e[line] : "<end of file>"
        Issue.record(
            """
            \(name) differs at line \(line + 1):
              expected: \(want)
              actual:   \(got)
            (UPDATE_GOLDEN=1 swift test --filter ReconcilerTests rewrites the golden files)
            """, sourceLocation: sourceLocation)
    }
}
