import MigrationPlan

/// A failed object as acceptances see it: its key (as OMS's failed list names it) and the
/// error code it failed with.
public protocol AcceptableFailure {
    var key: String { get }
    var code: String { get }
}

/// What a resource's `acceptFailures` make of its failed objects: which are accepted (and by
/// which entry), which remain, and which entries matched nothing (stale: the failure they
/// explained is gone, or they never matched; a reviewer should remove or fix them).
public struct AcceptanceOutcome<Failure: Sendable>: Sendable {
    public struct Accepted: Sendable {
        public var failure: Failure
        /// The first entry (in plan order) that matches it.
        public var entry: Int
    }

    public var accepted: [Accepted] = []
    /// Failures no entry matches, in the order given.
    public var remaining: [Failure] = []
    /// Per entry, how many failures it matches (an object two entries match counts for both).
    public var matchesPerEntry: [Int] = []
    /// Entries that match no failure, in plan order.
    public var stale: [Int] { matchesPerEntry.indices.filter { matchesPerEntry[$0] == 0 } }
    /// Every failure is accepted (true, vacuously, when there are none).
    public var allAccepted: Bool { remaining.isEmpty }
}

/// Matches failed objects against acceptances: a pure function of its arguments, so that
/// status, diff, apply and the report conclude alike.
public enum AcceptanceMatcher {
    /// Each failure is accepted by the first entry whose matchers all match it (see
    /// `FailureAcceptance`); keys, prefixes and codes are compared as UTF-8 bytes.
    ///
    /// Entries are prepared once (keys and codes hashed as bytes), so that a failed list of
    /// 100,000 objects against an entry of 10,000 keys is 100,000 look-ups, not a billion
    /// comparisons.
    public static func match<Failure: AcceptableFailure & Sendable>(
        _ failures: [Failure], against acceptances: [FailureAcceptance]
    ) -> AcceptanceOutcome<Failure> {
        let prepared = acceptances.map(Prepared.init)
        var outcome = AcceptanceOutcome<Failure>(matchesPerEntry: Array(repeating: 0, count: acceptances.count))
        for failure in failures {
            let key = Array(failure.key.utf8), code = Array(failure.code.utf8)
            var first: Int?
            for (index, entry) in prepared.enumerated() where entry.matches(key: key, code: code) {
                outcome.matchesPerEntry[index] += 1
                if first == nil { first = index }
            }
            if let first {
                outcome.accepted.append(.init(failure: failure, entry: first))
            } else {
                outcome.remaining.append(failure)
            }
        }
        return outcome
    }

    /// One entry with its matchers as bytes.
    struct Prepared {
        var keys: Set<[UInt8]>?
        var prefix: [UInt8]?
        var codes: Set<[UInt8]>?

        init(_ entry: FailureAcceptance) {
            keys = entry.keys.isEmpty ? nil : Set(entry.keys.map { Array($0.utf8) })
            prefix = entry.prefix.map { Array($0.utf8) }
            codes = entry.codes.isEmpty ? nil : Set(entry.codes.map { Array($0.utf8) })
        }

        func matches(key: [UInt8], code: [UInt8]) -> Bool {
            guard keys != nil || prefix != nil || codes != nil else { return false }
            if let keys, !keys.contains(key) { return false }
            if let prefix, !key.starts(with: prefix) { return false }
            if let codes, !codes.contains(code) { return false }
            return true
        }
    }
}
