import Foundation
import MigrationPlan
import Reconciler
import Testing

/// Issue 23, part 4: what `oms-plan import` writes reads back through the plan loader as
/// exactly the text OMS returned, whatever it holds.
@Suite("plan YAML writer")
struct PlanYAMLWriterTests {
    /// Quotes, backslashes, `#`, `: `, a flow bracket, a reference the loader would resolve,
    /// its escaped form, a BOM, non-ASCII and a combining mark (the loader refuses control
    /// characters in keys; `quotingLooksAtScalars` covers those).
    static let hostile = "a\"b\\c'd # g: [h] ${env:OBS_SK} $${x} - &x *y !t \u{FEFF}é\u{301}😀/"

    @Test func everyStringReadsBackAsWritten() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("yaml-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let stack = """
            apiVersion: oms-plan/v1
            kind: Stack
            metadata: {name: escaping}
            spec: {region: cn-north-4}
            ---
            apiVersion: oms-plan/v1
            kind: Credentials
            metadata: {name: obs}
            spec: {accessKey: "${env:OBS_AK}", secretKey: "${env:OBS_SK}"}

            """
        let task: [PlanYAMLEntry] = [
            PlanYAMLEntry("apiVersion", .string("oms-plan/v1")), PlanYAMLEntry("kind", .string("MigrationTask")),
            PlanYAMLEntry("metadata", .map([PlanYAMLEntry("name", .string("t"))])),
            PlanYAMLEntry("spec", .map([
                PlanYAMLEntry("adopt", .map([PlanYAMLEntry("id", .string("42"))])),
                PlanYAMLEntry("type", .string("prefix")),
                PlanYAMLEntry("source", .map([
                    PlanYAMLEntry("cloud", .string("Aliyun")), PlanYAMLEntry("region", .string("cn-hangzhou")),
                    PlanYAMLEntry("bucket", .string("src")), PlanYAMLEntry("credentials", .string("obs")),
                    PlanYAMLEntry("prefixes", .list([.string(Self.hostile), .string("plain/")])),
                ])),
                PlanYAMLEntry("destination", .map([
                    PlanYAMLEntry("bucket", .string("dst")), PlanYAMLEntry("credentials", .string("obs")),
                    PlanYAMLEntry("savePrefix", .string(Self.hostile)),
                ])),
                PlanYAMLEntry("bandwidth", .list([])),
            ])),
        ]
        let text = PlanYAMLWriter.render(documents: [task], header: ["a header\nwith a line break"])
        // One line per entry: nothing from the text broke out of its scalar or the comment.
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == 21)
        try stack.write(to: folder.appendingPathComponent("stack.yaml"), atomically: true, encoding: .utf8)
        try text.write(to: folder.appendingPathComponent("imported.yaml"), atomically: true, encoding: .utf8)
        let result = PlanLoader.load(
            paths: [folder.path],
            options: LoadOptions(
                environment: PlanEnvironment(variables: ["OBS_AK": "FAKE-AK-1", "OBS_SK": "FAKE-SK-1"], fileSystem: LocalFileSystem()),
                evaluationDate: Date(timeIntervalSince1970: 1_780_000_000)))
        let desired = try #require(result.desiredState, "\(result.diagnostics.map(\.rendered))")
        let loaded = try #require(desired.tasks.first)
        #expect(loaded.adoptID == "42")
        #expect(loaded.request.srcNode.objectKey?.sorted() == [Self.hostile, "plain/"].sorted())
        #expect(loaded.request.dstNode.savePrefix == Self.hostile)
        #expect(!text.contains("FAKE-SK-1"))
    }

    @Test func quotingLooksAtScalars() {
        #expect(PlanYAMLWriter.quoted("${env:X}") == "\"$${env:X}\"")
        #expect(PlanYAMLWriter.quoted("a\u{2028}b\u{85}c\nd\te\u{7F}") == "\"a\\u2028b\\u0085c\\u000Ad\\u0009e\\u007F\"")
        // "é" as e + combining acute is one Character but two scalars: both kept, neither escaped.
        #expect(PlanYAMLWriter.quoted("e\u{301}") == "\"e\u{301}\"")
    }
}
