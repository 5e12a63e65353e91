import Foundation
import Testing
@testable import MigrationPlan

/// Every case under Corpus/ is a small plan with exactly one problem; expect.json says
/// where (file:line:column) and a fragment of the message.
@Suite struct CorpusTests {
    struct Expectation: Decodable {
        var file: String
        var line: Int
        var column: Int
        var message: String
        var schemaExpressible: Bool
    }

    static let corpus = TestSupport.root + "/Tests/MigrationPlanTests/Corpus"

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test func corpusIsLargeEnough() {
        #expect(Self.cases.count >= 80)
    }

    @Test(arguments: cases)
    func invalidPlan(_ name: String) throws {
        let dir = Self.corpus + "/" + name
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/expect.json"))
        let expect = try JSONDecoder().decode(Expectation.self, from: data)
        let result = PlanLoader.load(paths: [dir], options: LoadOptions(
            environment: PlanEnvironment(variables: [:], fileSystem: LocalFileSystem()),
            evaluationDate: TestSupport.tuesday))
        let errors = result.diagnostics.errors
        #expect(errors.count == 1, "\(name): expected one error, got \(errors.map(\.rendered))")
        let first = try #require(errors.first, "\(name): no error")
        #expect(first.file == dir + "/" + expect.file, "\(name): \(first.rendered)")
        #expect(first.line == expect.line && first.column == expect.column,
                "\(name): expected \(expect.line):\(expect.column), got \(first.rendered)")
        #expect(first.message.contains(expect.message) || (first.hint ?? "").contains(expect.message),
                "\(name): expected `\(expect.message)` in \(first.rendered)")
        #expect(result.desiredState == nil)
    }
}
