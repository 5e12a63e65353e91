import Foundation
import Testing

@testable import MigrationPlan

/// The event reader (`YAMLReader`) reads every text as the Yams-composed reader it replaced
/// (`YamsReferenceReader`): the same trees, positions included, and the same problems, in
/// the same order, for the corpus and the examples, for generated plans full of anchors,
/// aliases, merge keys, tags and styles, and for all of them damaged at random.
@Suite struct YAMLReaderAgreementTests {
    static func sameNode(_ a: PNode, _ b: PNode) -> Bool {
        guard a.loc == b.loc else { return false }
        switch (a.value, b.value) {
        case (.scalar(let x), .scalar(let y)): return x == y
        case (.sequence(let x), .sequence(let y)): return x.count == y.count && zip(x, y).allSatisfy { sameNode($0, $1) }
        case (.mapping(let x), .mapping(let y)):
            return x.count == y.count
                && zip(x, y).allSatisfy { $0.key == $1.key && $0.keyLoc == $1.keyLoc && sameNode($0.value, $1.value) }
        default: return false
        }
    }

    /// Reads `text` both ways; nil when they agree, else what differs.
    static func disagreement(_ text: String) -> String? {
        let new = YAMLReader(file: 0).parse(text)
        let old = YamsReferenceReader(file: 0).parse(text)
        let problems = { (p: [ReadProblem]) in p.map { "\($0.loc.line):\($0.loc.column) \($0.message) | \($0.hint ?? "")" } }
        if problems(new.problems) != problems(old.problems) {
            return "problems differ:\n  events: \(problems(new.problems))\n  Yams:   \(problems(old.problems))"
        }
        if new.documents.count != old.documents.count {
            return "\(new.documents.count) documents vs \(old.documents.count)"
        }
        for (i, (a, b)) in zip(new.documents, old.documents).enumerated() where !sameNode(a, b) {
            return "document \(i) differs:\n  events: \(a)\n  Yams:   \(b)"
        }
        return nil
    }

    static func planTexts() throws -> [String] {
        var texts: [String] = []
        for folder in ["/Tests/MigrationPlanTests/Corpus", "/examples", "/Tests/MigrationPlanTests/Identity"] {
            let root = URL(fileURLWithPath: TestSupport.root + folder)
            let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
            for case let url as URL in files where ["yaml", "yml"].contains(url.pathExtension) {
                // (A few corpus cases are not UTF-8 on purpose: the loader refuses them before reading.)
                if let text = String(data: try Data(contentsOf: url), encoding: .utf8) { texts.append(text) }
            }
        }
        return texts
    }

    @Test func corpusAndExamplesReadAlike() throws {
        let texts = try Self.planTexts()
        #expect(texts.count > 600)
        for text in texts {
            let difference = Self.disagreement(text)
            #expect(difference == nil, "\(difference ?? "")\n--- text:\n\(text)")
        }
    }

    /// Small YAML documents from a grammar that mixes everything the composer handles.
    struct Generator {
        var rng: SeededGenerator
        var anchors: [String] = []

        mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &rng)! }
        mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

        mutating func scalar() -> String {
            pick(["a", "b", "name", "1", "0x1F", "1.5", "true", "null", "~", "''", "\"q\"", "'s s'", "!!int 3", "!!str 4",
                  "! x", "!!bool yes", "!custom z", "\"esc\\n\"", "<<", "-1e3", "yes", ".inf", "\"\\u00e9\""])
        }

        /// Scalar keys only: see `collectionKeysAreRefusedByBoth` and `aliasKeysAreRefusedOrReadByBoth`.
        mutating func key() -> String {
            pick(["a", "b", "c", "name", "<<", "'a'", "\"b\"", "1", "!!str a", "! b", "&k1 kk"])
        }

        mutating func value(_ indent: Int, depth: Int) -> String {
            let pad = String(repeating: " ", count: indent)
            var anchor = ""
            if chance(0.15) {
                let name = "n\(anchors.count % 4)"
                anchors.append(name)
                anchor = "&\(name) "
            }
            if !anchors.isEmpty, chance(0.12) { return " *\(pick(anchors))\n" }
            if depth > 3 || chance(0.4) { return " \(anchor)\(scalar())\n" }
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                return " \(anchor)[\((0..<Int.random(in: 0...3, using: &rng)).map { _ in scalar() }.joined(separator: ", "))]\n"
            case 1:
                return " \(anchor){\((0..<Int.random(in: 0...3, using: &rng)).map { _ in "\(key()): \(scalar())" }.joined(separator: ", "))}\n"
            case 2:
                var out = " \(anchor)\n"
                for _ in 0..<Int.random(in: 1...3, using: &rng) { out += "\(pad)-" + value(indent + 2, depth: depth + 1) }
                return out
            default:
                var out = " \(anchor)\n"
                for _ in 0..<Int.random(in: 1...4, using: &rng) { out += "\(pad)\(key()):" + value(indent + 2, depth: depth + 1) }
                return out
            }
        }

        mutating func document() -> String {
            anchors = []
            var out = ""
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                out += chance(0.3) ? "---\n" : ""
                for _ in 0..<Int.random(in: 1...5, using: &rng) { out += "\(key()):" + value(2, depth: 0) }
            }
            return out
        }
    }

    @Test func generatedDocumentsReadAlike() {
        var generator = Generator(rng: SeededGenerator(seed: 0x59A3_1001))
        var parsedWithoutProblems = 0
        for round in 0..<3_000 {
            let text = generator.document()
            let difference = Self.disagreement(text)
            #expect(difference == nil, "\(generator.rng), document \(round): \(difference ?? "")\n--- text:\n\(text)")
            if YAMLReader(file: 0).parse(text).problems.isEmpty { parsedWithoutProblems += 1 }
        }
        // The generator must reach real trees, not only errors.
        #expect(parsedWithoutProblems > 150, "\(generator.rng)")
    }

    @Test func damagedTextReadsAlike() throws {
        // Sorted: the folders list their files in the file system's order, and a seed must
        // pick the same texts on every machine.
        let texts = try Self.planTexts().sorted()
        var rng = SeededGenerator(seed: 0x59A3_1002)
        let alphabet = Array(" \n\t-:?[]{},&*!|>'\"#%@`<a1".utf8)
        for round in 0..<3_000 {
            guard let text = YAMLDamage.damaged(texts.randomElement(using: &rng)!, alphabet: alphabet, using: &rng) else { continue }
            let difference = Self.disagreement(text)
            #expect(difference == nil, "\(rng), damage \(round): \(difference ?? "")\n--- text:\n\(text)")
        }
    }

    /// Mappings and lists as keys are where the two differ on purpose: Yams compared such keys
    /// structurally and could name a repeated one `<uncovertable>`, the event reader refuses
    /// each one ("mapping keys must be plain strings"). Either way the file does not load.
    @Test func collectionKeysAreRefusedByBoth() {
        for text in ["[k]: 1\n[k]: 2\n", "? {a: 1}\n: x\n", "a: {[k]: 1}\n"] {
            #expect(!YAMLReader(file: 0).parse(text).problems.isEmpty)
            #expect(!YamsReferenceReader(file: 0).parse(text).problems.isEmpty)
        }
    }

    /// Aliases as keys are the other place: Yams resolved a key's tag in place while it checked
    /// for repeated keys, so the anchored value it shares could change type afterwards. Plans
    /// never use aliases as keys; both readers read such files without crashing.
    @Test func aliasKeysAreReadByBoth() {
        let text = "c:\n  - &n0 .inf\n1:\n  *n0 : *n0\n"
        #expect(YAMLReader(file: 0).parse(text).documents.count == 1)
        #expect(YamsReferenceReader(file: 0).parse(text).documents.count == 1)
    }

    /// Bombs spend the shared budget the same way and stop with the same problem.
    @Test func aliasBombsStopAlike() {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 { bomb += "\(Character(UnicodeScalar(UInt8(97 + level)))): &\(Character(UnicodeScalar(UInt8(97 + level)))) [" + Array(repeating: "*\(Character(UnicodeScalar(UInt8(96 + level))))", count: 10).joined(separator: ", ") + "]\n" }
        #expect(Self.disagreement(bomb) == nil)
        #expect(YAMLReader(file: 0).parse(bomb).problems.contains { $0.message.contains("expand to more than") })
        let merge = "base: &b {k1: 1, k2: 2}\n" + (0..<50).map { "m\($0): {<<: [*b, *b], own: \($0)}" }.joined(separator: "\n")
        #expect(Self.disagreement(merge) == nil)
    }
}
