import Foundation
import Hummingbird
import OMSModels

/// `/control/object-failures`: make source objects fail on demand (docs/sandbox-objects.md).
/// The rules live in the store, so the process that holds the engine lease applies them
/// whichever process was asked.
struct ObjectFailureRoutes {
    let store: SandboxStore

    /// The body of `POST /control/object-failures`.
    struct Request: Codable {
        var cloudType: String
        var region: String
        var bucket: String
        var keyPrefix: String?
        var errorCode: String
        var times: Int?
    }

    struct Cleared: Codable { var cleared: Int }

    func register(on control: RouterGroup<BasicRequestContext>) {
        let store = self.store
        control.post("object-failures") { request, _ in
            guard let body = try? JSONDecoder().decode(Request.self, from: await HTTP.body(request)) else { throw SandboxError.notJSON() }
            let rule = try Self.rule(body)
            let added = try await SandboxService.storeFailures { try await store.pool.write { db in try ObjectFailureRules.add(rule, store, db: db) } }
            guard let added else {
                throw SandboxError.outOfRange("object-failures", "at most \(ObjectFailureRules.maximumRules) rules; DELETE /control/object-failures first")
            }
            return HTTP.json(added)
        }
        control.get("object-failures") { _, _ in
            let rules = try await SandboxService.storeFailures { try await store.pool.read { db in try ObjectFailureRules.load(store, db: db) } }
            return HTTP.json(rules.rules)
        }
        control.delete("object-failures") { request, _ in
            let code = HTTP.query(request)["errorCode"]
            let cleared = try await SandboxService.storeFailures {
                try await store.pool.write { db in try ObjectFailureRules.clear(code: code, store, db: db) }
            }
            return HTTP.json(Cleared(cleared: cleared))
        }
    }

    /// A rule from a request whose every field is checked: names as the buckets take them, a
    /// code that can go verbatim into a list line, `times` from 0 (always) to 1,000,000.
    static func rule(_ body: Request) throws(SandboxError) -> ObjectFailureRule {
        typealias Location = RequestValidator.Location
        try Location.cloud("cloudType", CloudType(rawValue: body.cloudType))
        try Location.region("region", body.region)
        try Location.bucket("bucket", body.bucket)
        try Location.key("keyPrefix", body.keyPrefix ?? "", allowEmpty: true)
        if let problem = ObjectFailureRule.codeProblem(body.errorCode) { throw .outOfRange("errorCode", problem) }
        let times = body.times ?? 0
        guard (0...1_000_000).contains(times) else { throw .outOfRange("times", "0 (always) to 1000000") }
        return ObjectFailureRule(
            id: 0, cloudType: body.cloudType, region: body.region, bucket: body.bucket, keyPrefix: body.keyPrefix ?? "",
            errorCode: body.errorCode, times: times)
    }
}
