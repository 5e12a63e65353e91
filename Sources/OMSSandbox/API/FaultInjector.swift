import Foundation
import Synchronization

/// Faults the control endpoint switches on: busy answers, added latency, dropped answers.
final class FaultInjector: Sendable {
    enum Kind: String, Codable, Sendable {
        /// `503 OMS.2004` before the request is handled.
        case busy
        /// The answer is delayed by `latencyMs`.
        case latency
        /// The request is handled, then the connection closes before the answer is complete.
        case drop
    }

    struct Rule: Codable, Sendable {
        var kind: Kind
        /// Share of matching requests hit (0...1); ignored when `count` is set.
        var fraction: Double?
        /// Hit the next `count` matching requests, then stop.
        var count: Int?
        var latencyMs: Int?
        var pathPrefix: String?
    }

    private let rules = Mutex<[Rule]>([])

    func add(_ rule: Rule) { rules.withLock { $0.append(rule) } }
    func clear() { rules.withLock { $0.removeAll() } }

    /// The faults that apply to one request (consumes `count`-limited rules).
    func faults(forPath path: String, random: () -> Double = { Double.random(in: 0..<1) }) -> [Rule] {
        rules.withLock { rules in
            var hit: [Rule] = []
            for index in rules.indices {
                let rule = rules[index]
                guard path.hasPrefix(rule.pathPrefix ?? "/") else { continue }
                if let count = rule.count {
                    guard count > 0 else { continue }
                    rules[index].count = count - 1
                    hit.append(rule)
                } else if random() < (rule.fraction ?? 1) {
                    hit.append(rule)
                }
            }
            rules.removeAll { $0.count == 0 }
            return hit
        }
    }
}
