import Foundation
import MigrationPlan
import OMSModels
import Reconciler
import Testing

@testable import OMSSandbox

/// Issue 23, part 7: pre-flight's shared answers (each question once per subject, prefixes
/// through parent listings) give exactly the diagnostics and blocked changes of one request per
/// question per change, on the same sandbox data, in far fewer requests.
@Suite("pre-flight strategies", .serialized)
struct PreflightStrategyTests {
    /// Folders under `big/` (three listing pages and more), a file among them, nested folders,
    /// a wide folder with two missing keys (listing it would cost more than asking), keys at
    /// the bucket root, object tasks, and changes blocked before any key is asked.
    static func seed(_ e2e: EndToEnd) throws {
        func put(_ key: String) throws {
            try e2e.buckets.write(
                cloud: .aliyun, region: "cn-hangzhou", bucket: "src", key: key, data: Data("x".utf8),
                modified: Date(timeIntervalSince1970: 1_700_000_000))
        }
        for n in 0..<250 { try put("big/p-\(String(format: "%03d", n))/object.bin") }
        try put("big/file-007")
        try put("big/p-001/inner/deep/x.bin")
        for n in 0..<450 { try put("wide/w-\(String(format: "%03d", n)).bin") }
        try put("top-a/one.bin")
        try put("top-b/two.bin")
        try put("loose.bin")
        // Another bucket in another region, for a plan that names the wrong one.
        try e2e.seed(cloud: .aliyun, region: "cn-shanghai", bucket: "elsewhere", objects: 1, keys: ["e2e-src-ak:e2e-src-sk"])
    }

    static var documents: [String] {
        var docs: [String] = []
        // Every folder under big/, one task each (the bulk a listing answers).
        for n in 0..<250 { docs.append(PlanText.task("p-\(String(format: "%03d", n))", prefixes: ["big/p-\(String(format: "%03d", n))/"])) }
        docs += [
            // Missing, a file as a prefix, a file as a folder, nested, partial names.
            PlanText.task("missing", prefixes: ["big/missing-1/", "big/zzz"]),
            PlanText.task("file", prefixes: ["big/file-007"]),
            PlanText.task("file-as-folder", prefixes: ["big/file-007/"]),
            PlanText.task("nested", prefixes: ["big/p-001/inner/", "big/p-001/inner/deep/", "big/p-001/inner/nothing/", "big/p-00"]),
            PlanText.task("partial", prefixes: ["big/p-2", "big/p-9", "big/p-"]),
            // Two missing keys under a folder of 450 entries: asked one by one after two pages.
            PlanText.task("wide-missing", prefixes: ["wide/none-1/", "wide/none-2/"]),
            PlanText.task("wide-one", prefixes: ["wide/w-449.bin"]),
            // The bucket root, as a parent.
            PlanText.task("top", prefixes: ["top-a/", "top-b/", "top-c/", "loose"]),
            PlanText.task("objects", type: "object", objects: ["loose.bin", "top-a/one.bin", "nope.bin", "big/file-007"]),
            PlanText.task("same-as-p-003", prefixes: ["big/p-003/"]),
        ]
        docs.append("""
            apiVersion: oms-plan/v1
            kind: MigrationTask
            metadata: {name: wrong-region}
            spec:
              type: prefix
              source: {cloud: Aliyun, region: cn-hangzhou, bucket: elsewhere, credentials: aliyun, prefixes: ["a/"]}
              destination: {savePrefix: wrong-region/}

            """)
        docs.append("""
            apiVersion: oms-plan/v1
            kind: MigrationTask
            metadata: {name: no-destination}
            spec:
              type: prefix
              source: {cloud: Aliyun, region: cn-hangzhou, bucket: src, credentials: aliyun, prefixes: ["top-a/"]}
              destination: {bucket: no-such-dst, savePrefix: x/}

            """)
        return docs
    }

    @Test func sharedAnswersMatchPerChangeChecksInFewerRequests() async throws {
        try await withEndToEnd { e2e in
            try Self.seed(e2e)
            try e2e.writePlan(Self.documents)
            let desired = try e2e.load()
            let unchecked = try await e2e.diff(desired, preflight: false)

            e2e.client.statistics.reset()
            let perChange = await Preflight(client: e2e.client, strategy: .perChange).check(unchecked, desired: desired)
            let perChangeRequests = e2e.client.statistics.byOperation
            e2e.client.statistics.reset()
            let shared = await Preflight(client: e2e.client, strategy: .shared).check(unchecked, desired: desired)
            let sharedRequests = e2e.client.statistics.byOperation

            #expect(shared.report.changes == perChange.report.changes)
            #expect(shared.report.summary == perChange.report.summary)
            #expect(shared.steps == perChange.steps)
            let differing = zip(shared.report.changes, perChange.report.changes).filter { $0 != $1 }
            for (a, b) in differing.prefix(5) { Issue.record("\(a.address): shared \(a.reasons) vs per change \(b.reasons)") }

            // The data says what it should, so that agreement is about something.
            let report = perChange.report
            func reasons(_ name: String) throws -> String { try report.change(name).reasons.map(\.description).joined(separator: " | ") }
            #expect(try report.change("p-042").action == .create)
            #expect(try report.change("p-249").action == .create)
            #expect(try report.change("file").action == .create)
            #expect(try report.change("missing").action == .blocked)
            #expect(try reasons("missing").contains("prefix big/missing-1/ in src: no objects found"))
            #expect(try reasons("missing").contains("prefix big/zzz in src: no objects found"))
            #expect(try reasons("file-as-folder").contains("prefix big/file-007/ in src: no objects found"))
            #expect(try reasons("nested").contains("prefix big/p-001/inner/nothing/ in src"))
            #expect(try !reasons("nested").contains("prefix big/p-001/inner/ in src"))
            #expect(try reasons("partial").contains("prefix big/p-9 in src: no objects found"))
            #expect(try !reasons("partial").contains("prefix big/p-2 in src"))
            #expect(try reasons("wide-missing").contains("prefix wide/none-2/ in src: no objects found"))
            #expect(try reasons("top").contains("prefix top-c/ in src"))
            #expect(try !reasons("top").contains("prefix loose in src"))
            #expect(try reasons("objects").contains("object nope.bin in src: no objects found"))
            #expect(try reasons("wrong-region").contains("source bucket elsewhere is in cn-shanghai, the plan says cn-hangzhou"))
            #expect(try reasons("no-destination").contains("destination bucket no-such-dst cannot be reached"))

            // Regions once per bucket and keys; big/ and the root listed (pages of 100), the
            // two keys under wide/ asked after two pages, the rest asked once each.
            let total = sharedRequests.values.reduce(0, +)
            #expect(sharedRequests["ShowBucketRegion"] == 4, "\(sharedRequests)")
            #expect((sharedRequests["ListBucketObjects"] ?? 0) >= 4, "\(sharedRequests)")
            #expect(total <= 30, "shared answers took \(total) requests: \(sharedRequests)")
            #expect(perChangeRequests.values.reduce(0, +) > 10 * total, "\(perChangeRequests)")
        }
    }

    /// A busy OMS during a listing: the changes it would answer go ahead with "pre-flight
    /// incomplete" (OMS judges them), as they do when single checks meet a busy OMS.
    @Test func busyListingHoldsNothingBack() async throws {
        try await withEndToEnd { e2e in
            try Self.seed(e2e)
            try e2e.writePlan(Array(Self.documents.prefix(20)))
            let desired = try e2e.load()
            let unchecked = try await e2e.diff(desired, preflight: false)
            e2e.server.faults.add(
                .init(kind: .busy, count: 1000, pathPrefix: "/v2/\(e2e.server.configuration.projectId)/objectstorage/buckets/objects"))
            let shared = await Preflight(client: e2e.client, strategy: .shared).check(unchecked, desired: desired)
            e2e.server.faults.clear()
            for change in shared.report.changes {
                #expect(change.action == .create, "\(change.address): \(change.reasons)")
                #expect(change.reasons.contains { $0.description.hasPrefix("pre-flight incomplete") }, "\(change.reasons)")
            }
        }
    }
}
