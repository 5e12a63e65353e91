import Foundation
import MigrationPlan
import OMSClient
import Reconciler
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@testable import OMSSandbox

/// Issue 24, part 3: `status` reads the failed lists the sandbox writes into the destination
/// bucket, over its OBS API, signed with the plan's destination keys.
@Suite("failed objects end to end", .serialized)
struct FailedObjectsEndToEndTests {
    /// The sandbox's OBS API on a free port of its own, beside the fixture's OMS API.
    static func startOBS(_ e2e: EndToEnd) async throws -> (endpoint: String, task: Task<Void, any Error>) {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = e2e.server.obsApplication(host: "127.0.0.1", port: 0) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let task = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw EndToEnd.SetupFailure(description: "the OBS API did not start") }
        return ("http://127.0.0.1:\(port)", task)
    }

    /// `/control/object-failures` over plain HTTP, as a person or the CLI suite would.
    static func control(_ e2e: EndToEnd, _ method: String, _ path: String, _ body: String? = nil) async throws -> Int {
        var request = URLRequest(url: URL(string: e2e.client.configuration.endpoint + path)!)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    static func fail(_ e2e: EndToEnd, prefix: String, code: String) async throws {
        let body = #"{"cloudType": "Aliyun", "region": "cn-hangzhou", "bucket": "src", "keyPrefix": "\#(prefix)", "errorCode": "\#(code)", "times": 0}"#
        #expect(try await control(e2e, "POST", "/control/object-failures", body) == 200)
    }

    func reconciler(_ e2e: EndToEnd, obs: String, ledger: MemoryAttemptLedger, keys: FailedObjectAccess.Keys = .destinationCredentials) -> StackReconciler {
        var reconciler = e2e.reconciler(ledger: ledger)
        reconciler.failedObjects = FailedObjectAccess(endpoint: .fixed(ObjectStorageEndpoint.given(obs)!), keys: keys, parallelism: 2)
        return reconciler
    }

    @Test func statusShowsFailedObjectsByCodeAndGaveUpNamesTheCodesLeft() async throws {
        try await withEndToEnd { e2e in
            let (obs, obsTask) = try await Self.startOBS(e2e)
            defer { obsTask.cancel() }
            try e2e.seedSource(prefix: "f/", objects: 5)
            try e2e.writePlan([PlanText.task("f", extra: ["  onFailure: {action: retryFailedObjects, maxAttempts: 1}"])])
            let desired = try e2e.load()
            try await Self.fail(e2e, prefix: "f/object-00001", code: "InvalidObjectState")
            try await Self.fail(e2e, prefix: "f/object-00002", code: "NoSuchKey")
            try await Self.fail(e2e, prefix: "f/object-00003", code: "NoSuchKey")
            let ledger = MemoryAttemptLedger()
            let reconciler = reconciler(e2e, obs: obs, ledger: ledger)
            let created = try await reconciler.apply(desired, options: .init(apply: ApplyOptions(pollInterval: .milliseconds(20))))
            #expect(!created.failed, "\(created.report.digest)")
            try await e2e.runEngine(until: "f", is: .failed)

            var history = ObservationHistory()
            let status = try await reconciler.status(of: desired, history: &history)
            let entry = try #require(status.entries.first { $0.address == "MigrationTask/f" })
            let failed = try #require(entry.failedObjects, "no failedObjects in \(entry)")
            #expect(failed.note == nil, "\(failed.note ?? "")")
            #expect(failed.count == 3)
            #expect(failed.byCode == ["NoSuchKey": 2, "InvalidObjectState": 1])
            #expect(Set(failed.sample.map(\.key)) == ["f/object-00001.bin", "f/object-00002.bin", "f/object-00003.bin"])
            #expect(failed.accepted == 0)
            #expect(failed.listFile.hasPrefix("oms/task/") && failed.listFile.hasSuffix(".failed_list.txt"), "\(failed.listFile)")
            #expect(failed.explanations["InvalidObjectState"]?.advice.contains("options.enableRestore") == true)
            #expect(failed.explanations["NoSuchKey"]?.advice.contains("acceptFailures") == true)

            // The JSON `status --output json` prints.
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(PrettyJSON.render(status).utf8)) as? [String: Any])
            let entries = try #require(json["entries"] as? [[String: Any]])
            let object = try #require(entries.first { $0["address"] as? String == "MigrationTask/f" }?["failedObjects"] as? [String: Any])
            #expect(object["count"] as? Int == 3)
            #expect(object["byCode"] as? [String: Int] == ["NoSuchKey": 2, "InvalidObjectState": 1])
            #expect(object["accepted"] as? Int == 0)
            #expect((object["listFile"] as? String)?.hasPrefix("oms/task/") == true)
            let sample = try #require(object["sample"] as? [[String: String]])
            #expect(sample.allSatisfy { $0["key"] != nil && $0["code"] != nil && $0["reason"] != nil })
            // Text: each code with what to do, and the keys.
            let text = StatusTextRenderer(color: false, bars: false).render(status)
            #expect(text.contains("3 failed objects"), "\(text)")
            #expect(text.contains("NoSuchKey x2") && text.contains("InvalidObjectState x1") && text.contains("f/object-00002.bin"), "\(text)")

            // The metric, per code.
            let metrics = ReconcileMetrics()
            metrics.record(status: status)
            #expect(metrics.exposition.contains(#"oms_plan_failed_objects{stack="e2e",address="MigrationTask/f",code="NoSuchKey"} 2"#), "\(metrics.exposition)")
            #expect(metrics.exposition.contains(#"oms_plan_failed_objects{stack="e2e",address="MigrationTask/f",code="InvalidObjectState"} 1"#))

            // One cause cleared; retryFailedObjects moves it, the other stays, and the "gave up"
            // sentence names only the code that remains.
            #expect(try await Self.control(e2e, "DELETE", "/control/object-failures?errorCode=InvalidObjectState") == 200)
            let retried = try await reconciler.apply(desired, options: .init(apply: ApplyOptions(pollInterval: .milliseconds(20))))
            #expect(try retried.report.change("f").action == .retry, "\(retried.report.digest)")
            try await e2e.runEngine(until: "f", is: .failed)
            let after = try await reconciler.status(of: desired, history: &history)
            let left = try #require(after.entries.first { $0.address == "MigrationTask/f" }?.failedObjects)
            #expect(left.byCode == ["NoSuchKey": 2], "\(left)")
            metrics.record(status: after)
            #expect(!metrics.exposition.contains("InvalidObjectState") && metrics.exposition.contains(#"code="NoSuchKey"} 2"#))
            let plan = try await reconciler.plan(desired)
            let gaveUp = try plan.report.change("f")
            #expect(gaveUp.action == .blocked, "\(plan.report.digest)")
            let sentence = gaveUp.reasons.map(\.description).joined(separator: "; ")
            #expect(sentence.contains("gave up after 1 of 1") && sentence.contains("NoSuchKey x2"), "\(sentence)")
            #expect(!sentence.contains("InvalidObjectState"), "\(sentence)")
        }
    }

    /// A group's record names its folder; the lists are its failed tasks' own.
    @Test func aGroupShowsTheFailedObjectsOfItsTasks() async throws {
        try await withEndToEnd { e2e in
            let (obs, obsTask) = try await Self.startOBS(e2e)
            defer { obsTask.cancel() }
            try e2e.seedSource(prefix: "h/", objects: 3)
            try e2e.writePlan([
                """
                apiVersion: oms-plan/v1
                kind: MigrationTaskGroup
                metadata: {name: h}
                spec:
                  type: prefix
                  source: {cloud: Aliyun, region: cn-hangzhou, bucket: src, credentials: aliyun, prefixes: ["h/"]}
                  destination: {savePrefix: h/}

                """
            ])
            let desired = try e2e.load()
            try await Self.fail(e2e, prefix: "h/object-00001", code: "ConsistencyCheckFailed")
            let reconciler = reconciler(e2e, obs: obs, ledger: MemoryAttemptLedger())
            _ = try await reconciler.apply(desired, options: .init(apply: ApplyOptions(pollInterval: .milliseconds(20))))
            var history = ObservationHistory()
            var entry: StatusReport.Entry?
            for _ in 0..<120 {
                try await e2e.runEngine(1)
                entry = try await reconciler.status(of: desired, history: &history).entries.first { $0.address == "MigrationTaskGroup/h" }
                if entry?.phase == .failed { break }
            }
            #expect(entry?.phase == .failed, "\(String(describing: entry))")
            let failed = try #require(entry?.failedObjects, "\(String(describing: entry))")
            #expect(failed.note == nil, "\(failed.note ?? "")")
            #expect(failed.listFile.hasPrefix("oms/task_group/"), "\(failed.listFile)")
            #expect(failed.byCode == ["ConsistencyCheckFailed": 1] && failed.sample.map(\.key) == ["h/object-00001.bin"], "\(failed)")
            #expect(failed.explanations["ConsistencyCheckFailed"]?.title == "changed during the copy")
            // The client's listing, a page per request, against the same API.
            let client = ObjectStorageClient(
                endpoint: ObjectStorageEndpoint.given(obs)!, signer: ObjectStorageSigner(accessKey: "e2e-obs-ak", secretKey: "e2e-obs-sk", region: "cn-north-4"))
            let page = try await client.listObjects(bucket: "dst", prefix: "oms/", maxKeys: 1)
            #expect(page.keys.count == 1 && page.nextContinuationToken != nil)
            let all = try await client.listAllKeys(bucket: "dst", prefix: "oms/")
            #expect(all.count >= 2 && all.contains { $0.hasPrefix("oms/task_group/") && $0.hasSuffix(".failed_list.txt") }, "\(all)")
        }
    }

    @Test func keysThatDoNotOpenTheBucketAreANoteNotAFailure() async throws {
        try await withEndToEnd { e2e in
            let (obs, obsTask) = try await Self.startOBS(e2e)
            defer { obsTask.cancel() }
            try e2e.seedSource(prefix: "g/", objects: 2)
            try e2e.writePlan([PlanText.task("g")])
            let desired = try e2e.load()
            try await Self.fail(e2e, prefix: "g/object-00001", code: "AccessDenied")
            let secret = "not-the-bucket-secret-4711"
            let wrong = reconciler(e2e, obs: obs, ledger: MemoryAttemptLedger(), keys: .fixed(accessKey: "WRONGKEY0001", secretKey: secret))
            _ = try await wrong.apply(desired, options: .init(apply: ApplyOptions(pollInterval: .milliseconds(20))))
            try await e2e.runEngine(until: "g", is: .failed)
            var history = ObservationHistory()
            let status = try await wrong.status(of: desired, history: &history)
            let failed = try #require(status.entries.first { $0.address == "MigrationTask/g" }?.failedObjects)
            let note = try #require(failed.note)
            #expect(failed.count == 0 && note.contains("refused") && note.contains("WRONGKEY0001"), "\(note)")
            let everything = try PrettyJSON.render(status) + StatusTextRenderer(color: false, bars: false).render(status)
            #expect(!everything.contains(secret))
            #expect(!everything.contains("Signature="))
            // No access configured: no failed objects are read at all.
            let plain = try await e2e.reconciler(ledger: MemoryAttemptLedger()).status(of: desired, history: &history)
            #expect(plain.entries.allSatisfy { $0.failedObjects == nil })
        }
    }
}
