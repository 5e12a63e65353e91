import Foundation
import OMSModels
import Testing
@testable import MigrationPlan

@Suite struct PlanLoaderTests {
    /// The quickstart's credential variables, as a run against a real OMS would set them.
    static let quickstartKeys = Dictionary(uniqueKeysWithValues: ["ALIYUN", "TENCENT", "AWS", "OBS"].flatMap { cloud in
        [("QUICKSTART_\(cloud)_AK", "\(cloud.lowercased())-access-key"), ("QUICKSTART_\(cloud)_SK", "\(cloud.lowercased())-secret-key")]
    })

    func quickstart(_ date: Date = TestSupport.tuesday, env: [String: String] = Self.quickstartKeys) -> LoadResult {
        PlanLoader.load(paths: [TestSupport.root + "/examples/quickstart"],
                        options: LoadOptions(environment: PlanEnvironment(variables: env, fileSystem: LocalFileSystem()),
                                             evaluationDate: date))
    }

    @Test func quickstartIsValid() throws {
        let result = quickstart()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.rendered))")
        let state = try #require(result.desiredState)
        #expect(state.stack.name == "quickstart")
        #expect(state.stack.region == "cn-north-4")
        #expect(state.stack.evaluationDay == "2026-11-24")
        #expect(state.stack.evaluationWeekday == .tue)
        let names = state.tasks.map(\.address.name)
        #expect(names == ["docs", "logs-api", "logs-batch", "logs-web", "media-videos", "photos-2023", "photos-2024",
                          "photos-selected", "web-assets"])
        #expect(state.taskGroups.map(\.address.name) == ["archive"])
        #expect(state.taskSets[ResourceAddress(.migrationTaskSet, "logs")]?.map(\.name) == ["logs-web", "logs-api", "logs-batch"])
        // dependsOn: photos-2023 before photos-2024 in the topological order.
        let order = state.order.map(\.name)
        #expect(order.firstIndex(of: "photos-2023")! < order.firstIndex(of: "photos-2024")!)
        #expect(state.dependencies(of: ResourceAddress(.migrationTask, "photos-2024")) == [ResourceAddress(.migrationTask, "photos-2023")])
    }

    @Test func resolvedRequestBodies() throws {
        let state = try #require(quickstart().desiredState)
        guard case .task(let photos)? = state[ResourceAddress(.migrationTask, "photos-2024")] else { Issue.record("no task"); return }
        let r = photos.request
        #expect(r.taskType == .prefix)
        #expect(r.srcNode.cloudType == .aliyun)
        #expect(r.srcNode.bucket == "photos")
        #expect(r.srcNode.objectKey == ["2024/"])
        #expect(r.srcNode.ak == nil && r.srcNode.sk == nil && r.dstNode.ak == nil)
        #expect(r.dstNode.bucket == "quickstart-obs")  // from Stack.spec.defaults via ${var:dst}
        #expect(r.dstNode.region == "cn-north-4")
        #expect(r.dstNode.savePrefix == "photos/")
        #expect(r.migrateSince == 1_704_067_200)
        #expect(r.taskPriority == .high)
        #expect(r.enableFailedObjectRecording == true)
        #expect(r.description == "Photos taken in 2024 oms-plan:quickstart:MigrationTask/photos-2024#\(photos.fingerprint)")
        #expect(photos.bandwidth == .schedule("office-hours"))
        #expect(photos.bandwidthPolicy == [
            BandwidthPolicy(start: "00:00", end: "08:00", maxBandwidth: 209_715_200),
            BandwidthPolicy(start: "08:00", end: "19:00", maxBandwidth: 20_971_520),
            BandwidthPolicy(start: "19:00", end: "23:59", maxBandwidth: 209_715_200),
        ])
        #expect(photos.onFailure == FailurePolicy(action: .retryFailedObjects, maxAttempts: 3))
        let full = try photos.requestWithSecrets()
        #expect(full.srcNode.ak == "aliyun-access-key")
        #expect(full.dstNode.sk == "obs-secret-key")
        var keys = Self.quickstartKeys
        keys["QUICKSTART_ALIYUN_SK"] = "s3cr3t-value"
        let withEnv = try #require(quickstart(env: keys).desiredState?.tasks.first)
        #expect(try withEnv.requestWithSecrets().srcNode.sk == "s3cr3t-value")
        for text in ["\(withEnv.secrets)", String(reflecting: withEnv.secrets), "\(withEnv)", String(reflecting: withEnv)] {
            #expect(!text.contains("s3cr3t-value"))
        }

        guard case .taskGroup(let archive)? = state[ResourceAddress(.migrationTaskGroup, "archive")] else { Issue.record("no group"); return }
        #expect(archive.request.taskType == .prefix)
        #expect(archive.request.taskType?.rawValue == "PREFIX")
        #expect(archive.request.srcNode.objectKey == [""])
        #expect(archive.request.dstStoragePolicy == .archive)

        guard case .task(let web)? = state[ResourceAddress(.migrationTask, "web-assets")] else { Issue.record("no task"); return }
        #expect(web.secrets.source == nil)
        #expect(web.request.srcNode.cloudType == .urlSource)
        #expect(web.request.srcNode.listFile == ListFile(listFileKey: "urls.txt", obsBucket: "quickstart-lists"))
    }

    @Test func weekendRulesDependOnTheDay() throws {
        let tue = try #require(quickstart(TestSupport.tuesday).desiredState)
        let sat = try #require(quickstart(TestSupport.saturday).desiredState)
        guard case .task(let docsTue)? = tue[ResourceAddress(.migrationTask, "docs")],
            case .task(let docsSat)? = sat[ResourceAddress(.migrationTask, "docs")]
        else { Issue.record("no docs"); return }
        // Berlin is UTC+1 in November: +08:00 is 7 hours ahead.
        #expect(docsTue.bandwidthPolicy == [
            BandwidthPolicy(start: "00:00", end: "01:00", maxBandwidth: 10_485_760),
            BandwidthPolicy(start: "16:00", end: "23:59", maxBandwidth: 10_485_760),
        ])
        #expect(docsSat.bandwidthPolicy == [
            BandwidthPolicy(start: "00:00", end: "01:00", maxBandwidth: 10_485_760),
            BandwidthPolicy(start: "07:00", end: "23:59", maxBandwidth: 104_857_600),
        ])
        // Bandwidth is changed in place: the fingerprint does not move with the day.
        #expect(docsTue.fingerprint == docsSat.fingerprint)
        #expect(docsTue.canonicalJSON != docsSat.canonicalJSON)
    }

    @Test func fingerprintIgnoresInPlaceFieldsAndSecrets() throws {
        let base = TestSupport.load(["s.yaml": TestSupport.stack + "---\n" + TestSupport.credentials,
                                     "t.yaml": TestSupport.task("a")], env: TestSupport.env)
        let changedInPlace = TestSupport.load(["s.yaml": TestSupport.stack + "---\n" + TestSupport.credentials,
                                               "t.yaml": TestSupport.task("a", extra: """
                                                 state: paused
                                                 onFailure: {action: restart}
                                                 bandwidth: [{start: "00:00", end: "24:00", limit: 5MiB/s}]
                                                 options: {priority: LOW, enableKms: false}
                                               """)], env: ["AK": "other", "SK": "other", "OBS_AK": "x", "OBS_SK": "y"])
        let changedBody = TestSupport.load(["s.yaml": TestSupport.stack + "---\n" + TestSupport.credentials,
                                            "t.yaml": TestSupport.task("a", extra: "  options: {enableKms: true}")], env: TestSupport.env)
        func fp(_ r: LoadResult) throws -> String {
            #expect(!r.hasErrors, "\(r.diagnostics.map(\.rendered))")
            return try #require(r.desiredState?.tasks.first?.fingerprint)
        }
        #expect(try fp(base) == fp(changedInPlace))
        #expect(try fp(base) != fp(changedBody))
        #expect(try fp(base).count == 8)
    }

    @Test func unsetSecretIsWarningForValidateAndErrorForApply() throws {
        let files = ["s.yaml": TestSupport.stack + "---\n" + TestSupport.credentials, "t.yaml": TestSupport.task("a")]
        // Keys of a realistic length: shorter ones are warned about as unsafe to mask.
        let keys = ["AK": "src-ak-0123456789", "SK": "src-sk-0123456789", "OBS_AK": "obs-ak-0123456789"]
        let validate = TestSupport.load(files, env: keys)
        #expect(!validate.hasErrors)
        #expect(validate.diagnostics.warnings.count == 1)
        #expect(validate.diagnostics.first?.message.contains("OBS_SK") == true)
        let task = try #require(validate.desiredState?.tasks.first)
        #expect(throws: MissingSecretsError.self) { try task.requestWithSecrets() }
        let apply = TestSupport.load(files, env: keys, secretsRequired: true)
        #expect(apply.hasErrors)
        #expect(apply.desiredState == nil)
    }

    @Test func fileReferencesAreRelativeToTheirFile() throws {
        let r = TestSupport.load([
            "s.yaml": TestSupport.stack,
            "sub/c.yaml": """
                apiVersion: oms-plan/v1
                kind: Credentials
                metadata: {name: src}
                spec: {accessKey: "${file:keys/ak}", secretKey: "${file:../top.sk}"}
                ---
                apiVersion: oms-plan/v1
                kind: Credentials
                metadata: {name: obs}
                spec: {accessKey: "${env:X}", secretKey: "${env:Y}"}
                """,
            "sub/keys/ak": "file-ak\n", "top.sk": "file-sk\n",
            "t.yaml": TestSupport.task("a"),
        ], env: ["X": "env-ak", "Y": "env-sk"])
        #expect(!r.hasErrors, "\(r.diagnostics.map(\.rendered))")
        let full = try #require(r.desiredState?.tasks.first).requestWithSecrets()
        #expect(full.srcNode.ak == "file-ak")
        #expect(full.srcNode.sk == "file-sk")
        #expect(full.dstNode.ak == "env-ak")
    }

    @Test func diagnosticsAreSortedAndCollected() {
        let r = TestSupport.load([
            "a.yaml": TestSupport.stack + "---\n" + TestSupport.credentials,
            "b.yaml": TestSupport.task("x", extra: "  descripton: hi\n  state: stopped"),
            "c.yaml": TestSupport.task("Bad_Name"),
        ], env: TestSupport.env)
        let errors = r.diagnostics.errors
        #expect(errors.count == 3, "\(errors.map(\.rendered))")
        #expect(errors.map(\.file) == ["plan/b.yaml", "plan/b.yaml", "plan/c.yaml"])
        #expect(errors[0].hint == "did you mean `description`?")
        #expect(errors[0].rendered.hasPrefix("plan/b.yaml:8:3: error: unknown field `descripton`"))
    }
}

@Suite struct EmptySecretTests {
    /// CI passes a missing secret as an empty string: `:-` falls back, and an empty key is no key.
    @Test func emptyVariablesUseTheDefaultAndEmptyKeysAreMissing() throws {
        let files = ["s.yaml": TestSupport.stack + "---\n" + TestSupport.credentials, "t.yaml": TestSupport.task("a")]
        let empty = TestSupport.load(files, env: ["AK": "a", "SK": "", "OBS_AK": "c", "OBS_SK": "d"])
        let task = try #require(empty.desiredState?.tasks.first)
        #expect(throws: MissingSecretsError.self) { try task.requestWithSecrets() }
        let apply = TestSupport.load(files, env: ["AK": "a", "SK": "", "OBS_AK": "c", "OBS_SK": "d"], secretsRequired: true)
        #expect(apply.hasErrors || (try? apply.desiredState?.tasks.first?.requestWithSecrets()) == nil)
    }
}
