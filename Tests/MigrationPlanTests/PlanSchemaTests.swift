import Foundation
import Testing
@testable import MigrationPlan

@Suite struct PlanSchemaTests {
    @Test func embeddedSchemaIsTheFile() throws {
        let file = try String(contentsOfFile: TestSupport.root + "/schemas/plan.schema.json", encoding: .utf8)
        #expect(PlanSchema.json == file, "run python3 scripts/gen_plan_schema.py: the embedded copy and schemas/ differ")
    }

    @Test func schemaIsJSONAndNamesEveryKind() throws {
        let object = try JSONSerialization.jsonObject(with: Data(PlanSchema.json.utf8)) as? [String: Any]
        #expect(object?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        let kinds = ((object?["properties"] as? [String: Any])?["kind"] as? [String: Any])?["enum"] as? [String]
        #expect(kinds == ResourceKind.allCases.map(\.rawValue))
    }

    /// The schema and the decoders list the same fields, object by object, in both directions:
    /// a field added to one and not the other fails here.
    @Test func schemaObjectsAndDecodersAgreeFieldByField() throws {
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(PlanSchema.json.utf8)) as? [String: Any])
        let definitions = try #require(schema["$defs"] as? [String: Any])
        func properties(_ path: [String]) -> Set<String>? {
            var node: Any? = definitions
            for key in path { node = (node as? [String: Any])?[key] }
            return ((node as? [String: Any])?["properties"] as? [String: Any]).map { Set($0.keys) }
        }
        let pairs: [([String], Set<String>)] = [
            (["taskSpec"], SpecFields.task), (["groupSpec"], SpecFields.task), (["defaults"], SpecFields.defaults),
            (["taskSource"], SpecFields.source), (["groupSource"], SpecFields.source.subtracting(["objects"])),
            (["destination"], SpecFields.destination), (["taskOptions"], SpecFields.options),
            (["groupOptions"], SpecFields.options.subtracting(["priority"])), (["window"], SpecFields.window),
            (["scheduleSpec"], SpecFields.schedule), (["credentialsSpec"], SpecFields.credentials),
            (["stackSpec"], SpecFields.stack), (["taskSetSpec"], SpecFields.taskSet),
            (["taskSource", "properties", "listFile"], SpecFields.listFile), (["taskSource", "properties", "cdn"], SpecFields.cdn),
            (["taskSpec", "properties", "onFailure"], SpecFields.onFailure), (["taskSpec", "properties", "adopt"], SpecFields.adopt),
            (["taskOptions", "properties", "notifications"], SpecFields.notifications),
            (["syncSpec"], SpecFields.syncTask), (["syncSpec", "properties", "source"], SpecFields.syncSource),
            (["syncSpec", "properties", "destination"], SpecFields.syncDestination),
            (["syncSpec", "properties", "options"], SpecFields.syncOptions),
            (["syncSpec", "properties", "adopt"], SpecFields.adopt),
            (["cutoverSpec"], CutoverDecoder.fields), (["cutoverSpec", "properties", "require"], CutoverDecoder.requireFields),
        ]
        for (path, decoded) in pairs {
            let inSchema = try #require(properties(path), "no object at $defs/\(path.joined(separator: "/"))")
            #expect(inSchema == decoded, """
                $defs/\(path.joined(separator: "/")): only in the schema \(inSchema.subtracting(decoded).sorted()), \
                only in the decoders \(decoded.subtracting(inSchema).sorted()); change scripts/gen_plan_schema.py or SpecFields
                """)
        }
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
