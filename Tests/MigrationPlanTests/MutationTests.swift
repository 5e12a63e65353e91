import Foundation
import Testing
@testable import MigrationPlan

/// Thousands of random edits of the valid examples: the loader must never crash or hang,
/// and every diagnostic must carry a file, a line and a column.
@Suite struct MutationTests {
    /// SplitMix64: a fixed seed gives the same edits on every machine.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
        mutating func pick<T>(_ a: [T]) -> T { a[int(a.count)] }
    }

    static let examples: [String: String] = {
        let dir = TestSupport.root + "/examples/quickstart"
        var files: [String: String] = [:]
        let e = FileManager.default.enumerator(atPath: dir)
        while let p = e?.nextObject() as? String {
            if p.hasSuffix(".yaml"), let text = try? String(contentsOfFile: dir + "/" + p, encoding: .utf8) { files[p] = text }
        }
        return files
    }()

    static let strays = ["{", "}", "[", "]", ":", "- ", "\t", "\"", "'", "&a ", "*a", "!", "%", "@", "`", "|", ">", "#",
                         "\u{0}", "é", "\r", "${", "${env:", "$${", "?", ",", "<<: ", "---\n", "\u{FEFF}", "\u{1F600}"]
    static let values = ["[]", "{}", "42", "-1", "true", "null", "~", "\"x\"", "- a", "1.5", "0x10", "&x y", "*x", "[[[[", "{a: {b: {c: d}}}",
                         "\"${env:NOPE}\"", "${var:nope}", "${file:/nonexistent}", "\"${item.x}\"", "24:00", "99999999999999999999"]

    static func mutate(_ text: String, _ r: inout Random) -> String {
        var lines = text.components(separatedBy: "\n")
        let i = r.int(lines.count)
        switch r.int(12) {
        case 0: lines.remove(at: i)
        case 1: lines.insert(lines[i], at: i)
        case 2:  // swap a value for another type
            if let colon = lines[i].range(of: ": ") { lines[i] = String(lines[i][..<colon.upperBound]) + r.pick(values) }
        case 3: return String(text.prefix(r.int(text.count)))
        case 4:
            let chars = Array(text)
            let at = r.int(chars.count)
            return String(chars[..<at]) + r.pick(strays) + String(chars[at...])
        case 5:  // huge values
            if let colon = lines[i].range(of: ": ") {
                let huge = r.int(2) == 0 ? String(repeating: "x", count: 64_000) : String(repeating: "9", count: 20_000)
                lines[i] = String(lines[i][..<colon.upperBound]) + huge
            }
        case 6:  // deep nesting
            let depth = r.pick([70, 500, 5_000, 20_000])
            lines.insert("deep: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth), at: i)
        case 7:
            var nested = ""
            for d in 0..<r.pick([20, 80, 300]) { nested += String(repeating: " ", count: d) + "k\(d):\n" }
            lines.insert(nested + "x", at: i)
        case 8: lines[i] = r.int(2) == 0 ? "  " + lines[i] : String(lines[i].drop { $0 == " " })
        case 9:
            let j = r.int(lines.count)
            lines.swapAt(i, j)
        case 10:  // misspell a key
            if let colon = lines[i].firstIndex(of: ":"), colon > lines[i].startIndex {
                var key = Array(lines[i][..<colon])
                key[r.int(key.count)] = r.pick(["x", "_", "Z", " "])
                lines[i] = String(key) + lines[i][colon...]
            }
        default: lines.insert(r.pick(["---", "...", "%YAML 1.2", "- item", "? complex", "  - ", "&anchor", "!!binary x"]), at: i)
        }
        return lines.joined(separator: "\n")
    }

    @Test(arguments: 0..<4)
    func randomEditsNeverCrashAndAlwaysLocate(seed: Int) {
        var r = Random(state: UInt64(0xC0FFEE + seed))
        let names = Self.examples.keys.sorted()
        #expect(names.count >= 5)
        let start = Date()
        var withErrors = 0
        for round in 0..<750 {
            var files = Self.examples
            let edits = 1 + r.int(3)
            for _ in 0..<edits {
                let name = r.pick(names)
                files[name] = Self.mutate(files[name]!, &r)
            }
            let result = TestSupport.load(files, date: TestSupport.saturday)
            if result.hasErrors { withErrors += 1 }
            for d in result.diagnostics {
                let ok = d.line >= 1 && d.column >= 1 && d.file.hasPrefix("plan/") && !d.message.isEmpty
                if !ok {
                    Issue.record("seed \(seed) round \(round): unlocated diagnostic \(d.rendered)")
                    return
                }
            }
            if result.hasErrors == (result.desiredState != nil) {
                Issue.record("seed \(seed) round \(round): errors and a desired state")
                return
            }
        }
        #expect(withErrors > 300)
        #expect(Date().timeIntervalSince(start) < 120)
    }
}
