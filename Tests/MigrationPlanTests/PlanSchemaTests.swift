import Foundation
import Testing
@testable import MigrationPlan

@Suite struct PlanSchemaTests {
    @Test func embeddedSchemaIsTheFile() throws {
        let file = try String(contentsOfFile: TestSupport.root + "/schemas/plan.schema.json", encoding: .utf8)
        #expect(PlanSchema.json == file)
    }

    @Test func schemaIsJSONAndNamesEveryKind() throws {
        let object = try JSONSerialization.jsonObject(with: Data(PlanSchema.json.utf8)) as? [String: Any]
        #expect(object?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        let kinds = ((object?["properties"] as? [String: Any])?["kind"] as? [String: Any])?["enum"] as? [String]
        #expect(kinds == ResourceKind.allCases.map(\.rawValue))
    }

    @Test func schemaKnowsTheSwiftFieldNames() throws {
        // The decoders and the schema list the same fields: every field the Swift side
        // accepts appears in the schema text.
        for field in SpecFields.task.union(SpecFields.source).union(SpecFields.options).union(SpecFields.stack)
            .union(SpecFields.credentials).union(SpecFields.window).union(SpecFields.taskSet).union(SpecFields.cdn) {
            #expect(PlanSchema.json.contains("\"\(field)\":"), "\(field)")
        }
    }
}
