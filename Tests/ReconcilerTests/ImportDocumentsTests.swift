import Foundation
import MigrationPlan
import OMSModels
import Reconciler
import Testing

/// Issue 23, part 4: a task no stack owns, written by `ImportDocuments` into a plan that has no
/// credentials for its clouds, loads as written and is adopted with nothing to change.
@Suite("import documents")
struct ImportDocumentsTests {
    static let stack = """
        apiVersion: oms-plan/v1
        kind: Stack
        metadata: {name: importer}
        spec:
          region: cn-north-4
          defaults: {bandwidth: [{start: "00:00", end: "06:00", limit: 50MB/s}], options: {enableFailedObjectRecording: false}}

        """

    static func load(_ files: [String: String], variables: [String: String] = [:]) throws -> DesiredState {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("import-docs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let result = PlanLoader.load(
            paths: [folder.path],
            options: LoadOptions(environment: PlanEnvironment(variables: variables, fileSystem: LocalFileSystem()), evaluationDate: Fixtures.evaluatedAt))
        guard let desired = result.desiredState else {
            throw Fixtures.LoadFailure(description: result.diagnostics.map(\.rendered).joined(separator: "\n"))
        }
        return desired
    }

    @Test func aTaskOfACloudThePlanHasNoCredentialsForGetsReferencesAndIsAdopted() throws {
        // The live task: what a person made at the console (no marker), in the shape OMS answers.
        let made = try Self.load(["plan.yaml": """
            apiVersion: oms-plan/v1
            kind: Stack
            metadata: {name: elsewhere}
            spec: {region: cn-north-4}
            ---
            apiVersion: oms-plan/v1
            kind: Credentials
            metadata: {name: tx}
            spec: {accessKey: "${env:TX_AK}", secretKey: "${env:TX_SK}"}
            ---
            apiVersion: oms-plan/v1
            kind: MigrationTask
            metadata: {name: media}
            spec:
              type: prefix
              source: {cloud: Tencent, region: ap-guangzhou, bucket: media-1254563210, appId: "1254563210", credentials: tx, prefixes: ["v/"]}
              destination: {bucket: dst, credentials: tx, savePrefix: "m/"}
              options: {consistencyCheck: crc64, dstStoragePolicy: IA}

            """], variables: ["TX_AK": "FAKE-AK-1", "TX_SK": "FAKE-SK-1"])
        var live = try Fixtures.live(try #require(made.tasks.first), id: 4242, status: .paused)
        live.description = "by hand"
        let state = LiveState(tasks: [live], groups: [], readAt: Fixtures.evaluatedAt)

        let plan = try Self.load(["stack.yaml": Self.stack])
        #expect(UnownedResources.find(live: state, desired: plan).map(\.id) == ["4242"])
        let output = ImportDocuments.build(ids: ["4242"], live: state, desired: plan)
        #expect(output.addresses.map(\.description) == ["MigrationTask/task-4242", "Credentials/imported-tencent", "Credentials/imported-huaweicloud"])
        #expect(output.yaml.contains("accessKey: \"${env:IMPORTED_TENCENT_AK}\""))
        #expect(output.yaml.contains("secretKey: \"${env:IMPORTED_HUAWEICLOUD_SK}\""))
        #expect(!output.yaml.contains("FAKE-"))

        let variables = ["IMPORTED_TENCENT_AK": "a", "IMPORTED_TENCENT_SK": "b", "IMPORTED_HUAWEICLOUD_AK": "c", "IMPORTED_HUAWEICLOUD_SK": "d"]
        let adopted = try Self.load(["stack.yaml": Self.stack, "imported.yaml": output.yaml], variables: variables)
        let report = ChangePlanner.plan(desired: adopted, live: state, now: Fixtures.evaluatedAt).report
        let change = try #require(report.changes.first { $0.address.description == "MigrationTask/task-4242" })
        // The stack's default bandwidth and option did not reach it: nothing to change.
        #expect(change.action == .noop, "\(change)")
        #expect(change.fields.isEmpty, "\(change.fields)")
        #expect(report.unowned?.tasks == 0)
        #expect(UnownedResources.find(live: state, desired: adopted).isEmpty)
    }
}
