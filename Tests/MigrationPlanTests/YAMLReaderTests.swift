import Foundation
import Synchronization
import Testing
@testable import MigrationPlan

@Suite struct YAMLReaderTests {
    /// YAML 1.2 core schema types of plain scalars, spelling by spelling (the first-byte
    /// shortcut must leave each as it was).
    @Test func plainScalarsResolveByTheCoreSchema() {
        let expected: [(String, ScalarType)] = [
            ("", .null), ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null), ("nULL", .string), ("nothing", .string),
            ("true", .bool), ("True", .bool), ("TRUE", .bool), ("false", .bool), ("False", .bool), ("FALSE", .bool),
            ("tRUE", .string), ("trueish", .string), ("Falsey", .string), ("yes", .string), ("on", .string),
            (".inf", .float), ("-.Inf", .float), ("+.INF", .float), (".nan", .float), (".NaN", .float), (".NAN", .float), ("NaN", .string),
            ("0", .int), ("-12", .int), ("+3", .int), ("0o17", .int), ("0o9", .string), ("0x1F", .int), ("0xg", .string),
            ("1.5", .float), (".5", .float), ("5.", .float), ("1e3", .float), ("1.5E-3", .float), ("-2.5e+7", .float),
            ("1e", .string), ("1.2.3", .string), (".", .string), ("-", .string), ("+", .string), ("~x", .string),
            ("cn-hangzhou", .string), ("logs/2024/", .string), ("Aliyun", .string), ("日本", .string), ("10.0.0.1", .string),
        ]
        for (text, type) in expected {
            #expect(CoreSchema.type(ofPlain: text) == type, "\(text.debugDescription)")
        }
    }

    func parse(_ text: String) -> ParsedFile { YAMLReader(file: 0).parse(text) }

    @Test func coreSchemaTypes() throws {
        let doc = try #require(parse("""
            a: yes
            b: true
            c: 19:00
            d: 0x1F
            e: 1.5e3
            f: ~
            g: "12"
            h: 2024-01-01T00:00:00Z
            i: .inf
            j: 08
            k: -12
            l: 1_000
            """).documents.first)
        let types = try #require(doc.pairs).map { ($0.key, $0.value.scalar!.type) }
        let expected: [(String, ScalarType)] = [("a", .string), ("b", .bool), ("c", .string), ("d", .int), ("e", .float), ("f", .null),
                                                ("g", .string), ("h", .string), ("i", .float), ("j", .int), ("k", .int), ("l", .string)]
        #expect(types.map(\.0) == expected.map(\.0))
        #expect(types.map(\.1) == expected.map(\.1))
    }

    @Test func positionsAreOneBased() throws {
        let doc = try #require(parse("# comment\nkind: Stack\nspec:\n  region: cn-north-4\n").documents.first)
        let spec = try #require(doc.pair("spec"))
        #expect(spec.keyLoc.line == 3 && spec.keyLoc.column == 1)
        let region = try #require(spec.value.pair("region"))
        #expect(region.value.loc.line == 4 && region.value.loc.column == 11)
    }

    @Test func mergeKeys() throws {
        let doc = try #require(parse("""
            base: &b {x: 1, y: 2}
            m:
              <<: *b
              y: 3
            """).documents.first)
        let m = try #require(doc["m"]?.pairs)
        #expect(m.map(\.key) == ["x", "y"])
        #expect(m.last?.value.scalar?.text == "3")
    }

    @Test func syntaxErrorsAreLocated() {
        let r = parse("a: [1, 2\nb: 3\n")
        #expect(r.problems.count == 1)
        #expect(r.problems.first.map { $0.loc.line >= 1 && $0.loc.column >= 1 } == true)
        let dup = parse("a: 1\nb: 2\na: 3\n")
        #expect(dup.problems.first?.message.contains("duplicate key `a`") == true)
    }

    @Test func deepFlowNestingIsRefusedWithoutCrashing() {
        let text = "a: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        let r = parse(text)
        #expect(r.documents.isEmpty)
        #expect(r.problems.first?.message.contains("nests deeper") == true)
        #expect(r.problems.first?.loc.line == 1)
    }

    @Test func deepBlockNestingIsCut() {
        var text = ""
        for i in 0..<70 { text += String(repeating: " ", count: i) + "k\(i):\n" }
        text += String(repeating: " ", count: 70) + "leaf: 1\n"
        let r = parse(text)
        #expect(r.problems.contains { $0.message.contains("deeper than 64") })
    }

    @Test func theDeepestNestingTheTextCheckLetsThroughFitsAnOrdinaryStack() async {
        // 195 levels pass the text check: parsed on a 512 KiB thread (the smallest stack a
        // platform gives threads) and on the cooperative pool, neither overflows.
        let text = "a: " + String(repeating: "[", count: 195) + String(repeating: "]", count: 195) + "\n"
        let done = DispatchSemaphore(value: 0)
        let problems = Mutex<[String]>([])
        let thread = Thread {
            problems.withLock { $0 = YAMLReader(file: 0).parse(text).problems.map(\.message) }
            done.signal()
        }
        thread.stackSize = 512 << 10
        thread.start()
        done.wait()
        #expect(problems.withLock { $0 }.contains { $0.contains("deeper than 64") })
        let pooled = await Task.detached { YAMLReader(file: 0).parse(text) }.value
        #expect(pooled.problems.contains { $0.message.contains("deeper than 64") })
        let refused = parse("a: " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "\n")
        #expect(refused.problems.first?.message.contains("nests deeper") == true)
    }

    @Test func aliasBombsStop() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let start = Date()
        let r = parse(text)
        #expect(r.problems.contains { $0.message.contains("expand to more than") })
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func invalidUTF8IsReportedWithItsLine() {
        var data = Data("a: 1\nb: 2\n".utf8)
        data.append(contentsOf: [0x63, 0x3A, 0x20, 0xFF, 0x0A])
        guard case .failure(let bad) = TextDecoding.decode(data) else { Issue.record("decoded"); return }
        #expect(bad.line == 3)
    }
}
