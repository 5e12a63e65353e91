import Foundation
import Hummingbird
import OMSModels

/// Test and benchmark controls, mounted only with `--control`: clock, faults, buckets, engine.
struct ControlRoutes {
    let clock: SandboxClock
    let faults: FaultInjector
    let stats: SandboxStats
    let buckets: LocalBuckets
    let engine: MigrationEngine

    struct Advance: Codable { var seconds: Double }
    struct Seed: Codable {
        var cloudType: String
        var region: String
        var bucket: String
        var prefix: String?
        var objects: Int?
        var objectSize: Int?
        var keys: [String]?
        /// The bucket's archive-class keys (`<bucket>.archive`): keys, or prefixes ending in `*`.
        var archived: [String]?
    }
    struct Clock: Codable {
        var now: String
        var timeScale: Double
    }

    func register(on router: Router<BasicRequestContext>) {
        let control = router.group("control")
        let clock = self.clock
        let faults = self.faults
        let stats = self.stats
        let buckets = self.buckets
        let engine = self.engine
        control.get("clock") { _, _ in HTTP.json(Self.describe(clock)) }
        control.post("clock/advance") { request, _ in
            guard let advance = try? JSONDecoder().decode(Advance.self, from: await HTTP.body(request)) else { throw SandboxError.notJSON() }
            clock.advance(by: advance.seconds)
            return HTTP.json(Self.describe(clock))
        }
        control.post("faults") { request, _ in
            guard let rule = try? JSONDecoder().decode(FaultInjector.Rule.self, from: await HTTP.body(request)) else {
                throw SandboxError.notJSON()
            }
            faults.add(rule)
            return HTTP.empty()
        }
        control.delete("faults") { _, _ in
            faults.clear()
            return HTTP.empty()
        }
        control.post("buckets") { request, _ in
            guard let seed = try? JSONDecoder().decode(Seed.self, from: await HTTP.body(request)) else { throw SandboxError.notJSON() }
            try Self.check(seed)
            do {
                try buckets.seed(
                    cloud: CloudType(rawValue: seed.cloudType), region: seed.region, bucket: seed.bucket, prefix: seed.prefix ?? "",
                    objects: seed.objects ?? 0, objectSize: seed.objectSize ?? 1024, keys: seed.keys)
                if let archived = seed.archived {
                    try buckets.writeArchiveClass(cloud: CloudType(rawValue: seed.cloudType), region: seed.region, bucket: seed.bucket, lines: archived)
                }
                return HTTP.empty()
            } catch {
                if case LocalBuckets.Failure.invalidLocation(let problem)? = error as? LocalBuckets.Failure {
                    throw SandboxError.invalidLocation(RequestValidator.Location.parameterCode, "bucket", problem)
                }
                throw SandboxError(500, .internalError, "Seeding failed: \(error)")
            }
        }
        control.post("engine/run") { request, _ in
            let seconds = (try? JSONDecoder().decode(Advance.self, from: await HTTP.body(request)))?.seconds ?? 0
            do {
                try await engine.run(forSandboxSeconds: seconds)
                return HTTP.json(Self.describe(clock))
            } catch {
                throw SandboxError(500, .internalError, "The engine failed: \(error)")
            }
        }
        ObjectFailureRoutes(store: engine.store).register(on: control)
        control.get("stats") { _, _ in HTTP.json(stats.snapshot) }
        control.delete("stats") { _, _ in
            stats.reset()
            return HTTP.empty()
        }
    }

    /// Seeding writes files: the names must be valid and the sizes bounded.
    static func check(_ seed: Seed) throws(SandboxError) {
        typealias Location = RequestValidator.Location
        try Location.cloud("cloud_type", CloudType(rawValue: seed.cloudType))
        try Location.region("region", seed.region)
        try Location.bucket("bucket", seed.bucket)
        try Location.key("prefix", seed.prefix ?? "", allowEmpty: true)
        guard (0...100_000).contains(seed.objects ?? 0) else { throw .outOfRange("objects", "0 to 100000") }
        guard (0...(64 << 20)).contains(seed.objectSize ?? 1024) else { throw .outOfRange("object_size", "0 to 64 MiB") }
        guard (seed.keys ?? []).allSatisfy({ !$0.contains(where: \.isNewline) }) else { throw .outOfRange("keys", "one AK:SK per entry") }
    }

    static func describe(_ clock: SandboxClock) -> Clock {
        let formatter = ISO8601DateFormatter()
        return Clock(now: formatter.string(from: clock.now), timeScale: clock.timeScale)
    }
}
