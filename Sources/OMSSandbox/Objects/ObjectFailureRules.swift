import Foundation
import GRDB
import OMSModels

/// Object failures on demand (`POST /control/object-failures`): a source object matching a rule
/// fails with the rule's code, as if the source's SDK had answered it, until the rule is cleared
/// or the object has failed `times` times.
struct ObjectFailureRule: Codable, Sendable, Equatable {
    var id: Int
    var cloudType: String
    var region: String
    var bucket: String
    /// Matches keys that start with it (bytes); empty matches every key.
    var keyPrefix: String
    var errorCode: String
    /// 0: every time; n: each matching object fails n times, then succeeds.
    var times: Int
    /// Failures so far, per source key (counted only when `times` > 0).
    var hits: [String: Int] = [:]

    func matches(cloud: CloudType, region: String, bucket: String, key: String) -> Bool {
        guard let mine = LocalBuckets.folderName(for: CloudType(rawValue: cloudType)), mine == LocalBuckets.folderName(for: cloud) else {
            return false
        }
        return self.region.utf8.elementsEqual(region.utf8) && self.bucket.utf8.elementsEqual(bucket.utf8)
            && key.utf8.starts(with: keyPrefix.utf8)
    }

    /// An error code goes verbatim into list lines and answers: 1 to 64 of `A-Z a-z 0-9 . _ -`.
    static func codeProblem(_ code: String) -> String? {
        guard (1...64).contains(code.utf8.count) else { return "1 to 64 characters" }
        let allowed = code.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        return allowed ? nil : "only letters, digits, '.', '_' and '-'"
    }
}

/// The rules in force, kept in the store (meta `object_failures`) so that the process holding
/// the engine lease sees what another process's control endpoint added; and the failures one
/// engine step spent, to count once the step is saved.
struct ObjectFailureRules: Sendable {
    var rules: [ObjectFailureRule] = []
    /// Failures spent by `times`-limited rules during a step: (rule id, source key).
    var spent: [Spent] = []

    struct Spent: Sendable, Hashable {
        var rule: Int
        var key: String
    }

    static let metaKey = "object_failures"
    static let maximumRules = 100

    /// The code the first matching rule makes this object fail with, or nil. A `times` rule
    /// counts the failure (also against the next look in the same step).
    mutating func failure(cloud: CloudType, region: String, bucket: String, key: String) -> String? {
        for index in rules.indices where rules[index].matches(cloud: cloud, region: region, bucket: bucket, key: key) {
            let rule = rules[index]
            if rule.times == 0 { return rule.errorCode }
            guard rule.hits[key, default: 0] < rule.times else { continue }
            rules[index].hits[key, default: 0] += 1
            spent.append(Spent(rule: rule.id, key: key))
            return rule.errorCode
        }
        return nil
    }

    static func load(_ store: SandboxStore, db: Database) throws -> ObjectFailureRules {
        guard let text = try store.meta(metaKey, db: db), !text.isEmpty else { return ObjectFailureRules() }
        return ObjectFailureRules(rules: try JSONDecoder().decode([ObjectFailureRule].self, from: Data(text.utf8)))
    }

    static func save(_ rules: [ObjectFailureRule], _ store: SandboxStore, db: Database) throws {
        let data = try JSONEncoder().encode(rules)
        try store.setMeta(metaKey, String(decoding: data, as: UTF8.self), db: db)
    }

    /// Adds a rule and returns it with its id.
    static func add(_ rule: ObjectFailureRule, _ store: SandboxStore, db: Database) throws -> ObjectFailureRule? {
        var rules = try load(store, db: db).rules
        guard rules.count < maximumRules else { return nil }
        var added = rule
        added.id = (rules.map(\.id).max() ?? 0) + 1
        added.hits = [:]
        rules.append(added)
        try save(rules, store, db: db)
        return added
    }

    /// Removes every rule, or only those with `code`; returns how many went.
    static func clear(code: String?, _ store: SandboxStore, db: Database) throws -> Int {
        let rules = try load(store, db: db).rules
        let kept = code.map { code in rules.filter { !$0.errorCode.utf8.elementsEqual(code.utf8) } } ?? []
        try save(kept, store, db: db)
        return rules.count - kept.count
    }

    /// Adds a step's spent failures to the stored counts of the rules that still exist.
    static func record(_ spent: [Spent], _ store: SandboxStore, db: Database) throws {
        guard !spent.isEmpty else { return }
        var rules = try load(store, db: db).rules
        for failure in spent {
            guard let index = rules.firstIndex(where: { $0.id == failure.rule }) else { continue }
            rules[index].hits[failure.key, default: 0] += 1
        }
        try save(rules, store, db: db)
    }
}
