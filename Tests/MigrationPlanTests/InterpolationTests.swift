import Testing
@testable import MigrationPlan

@Suite struct InterpolationTests {
    func parts(_ s: String) throws -> [TemplatePart] { try Interpolation.parse(s).get() }

    @Test func references() throws {
        #expect(try parts("${env:AK}") == [.reference(.env(name: "AK", defaultValue: nil))])
        #expect(try parts("${env:AK:-x:y}") == [.reference(.env(name: "AK", defaultValue: "x:y"))])
        #expect(try parts("${env:AK:-}") == [.reference(.env(name: "AK", defaultValue: ""))])
        #expect(try parts("a-${var:dst}-b") == [.literal("a-"), .reference(.variable(name: "dst")), .literal("-b")])
        #expect(try parts("${file:../keys/sk.txt}") == [.reference(.file(path: "../keys/sk.txt"))])
        #expect(try parts("${item.bucket}/x") == [.reference(.item(key: "bucket")), .literal("/x")])
        #expect(try parts("cost: $5 and $${env:X}") == [.literal("cost: $5 and ${env:X}")])
        #expect(try parts("") == [.literal("")])
    }

    @Test func errors() {
        for bad in ["${env:AK", "${foo:x}", "${env:}", "${env:1AK}", "${var:a-b}", "${file:}", "${nothing}"] {
            #expect(throws: InterpolationError.self) { try Interpolation.parse(bad).get() }
        }
        guard case .failure(let e) = Interpolation.parse("${evn:X}") else { return }
        #expect(e.hint == "did you mean `env`?")
    }

    @Test func suggestions() {
        #expect(Suggestion.closest(to: "savePrefx", in: ["bucket", "savePrefix", "region"]) == "savePrefix")
        #expect(Suggestion.closest(to: "BUCKET", in: ["bucket"]) == "bucket")
        #expect(Suggestion.closest(to: "zzzzzz", in: ["bucket", "region"]) == nil)
        #expect(Suggestion.distance("ab", "ba", limit: 3) == 1)
    }
}
