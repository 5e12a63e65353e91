import MigrationPlan
import Reconciler
import Testing

/// Issue 24, part 4: which failed objects a resource's acceptances settle, which remain, and
/// which acceptances are stale.
@Suite struct AcceptanceMatcherTests {
    struct Failure: AcceptableFailure, Sendable, Equatable {
        var key: String
        var code: String
        var reason = "copy failed"
    }

    let gone = FailureAcceptance(reason: "deleted at the source (OPS-1234)", codes: ["NoSuchKey"])
    let scratch = FailureAcceptance(reason: "scratch files", prefix: "tmp/")
    let broken = FailureAcceptance(reason: "known broken", keys: ["photos/2023/broken.jpg"])

    @Test func eachFailureIsAcceptedByTheFirstEntryThatMatchesIt() {
        let failures = [
            Failure(key: "photos/a.jpg", code: "NoSuchKey"),
            Failure(key: "tmp/b", code: "AccessDenied"),
            Failure(key: "tmp/c", code: "NoSuchKey"),
            Failure(key: "photos/d.jpg", code: "AccessDenied"),
        ]
        let outcome = AcceptanceMatcher.match(failures, against: [gone, scratch, broken])
        #expect(outcome.accepted.map(\.failure.key) == ["photos/a.jpg", "tmp/b", "tmp/c"])
        #expect(outcome.accepted.map(\.entry) == [0, 1, 0])
        #expect(outcome.remaining == [Failure(key: "photos/d.jpg", code: "AccessDenied")])
        #expect(outcome.matchesPerEntry == [2, 2, 0])
        #expect(outcome.stale == [2])
        #expect(!outcome.allAccepted)
    }

    @Test func allAcceptedWhenEveryFailureMatches() {
        let outcome = AcceptanceMatcher.match([Failure(key: "photos/2023/broken.jpg", code: "OMS.0402")], against: [broken, gone])
        #expect(outcome.allAccepted)
        #expect(outcome.stale == [1])
        // No failures: nothing remains, and every entry is stale.
        let none = AcceptanceMatcher.match([Failure](), against: [gone])
        #expect(none.allAccepted && none.stale == [0])
    }

    /// All given matchers must match; an entry without matchers (the loader refuses it) accepts nothing.
    @Test func matchersCombineAsAConjunction() {
        let both = FailureAcceptance(reason: "tmp gone", keys: ["tmp/a", "tmp/b"], prefix: "tmp/", codes: ["NoSuchKey"])
        let outcome = AcceptanceMatcher.match(
            [Failure(key: "tmp/a", code: "NoSuchKey"), Failure(key: "tmp/a", code: "AccessDenied"), Failure(key: "tmp/c", code: "NoSuchKey")],
            against: [both, FailureAcceptance(reason: "empty")])
        #expect(outcome.accepted.map(\.failure.key) == ["tmp/a"])
        #expect(outcome.remaining.count == 2)
        #expect(outcome.stale == [1])
    }

    /// Bytes, not Characters: `é` precomposed and decomposed are different keys.
    @Test func keysAreComparedAsBytes() {
        let entry = FailureAcceptance(reason: "gone", keys: ["caf\u{E9}"])
        let outcome = AcceptanceMatcher.match([Failure(key: "cafe\u{301}", code: "NoSuchKey"), Failure(key: "caf\u{E9}", code: "X")],
                                              against: [entry])
        #expect(outcome.accepted.map(\.failure.code) == ["X"])
        #expect(outcome.remaining.map(\.code) == ["NoSuchKey"])
        // The batch matcher and the single entry's `matches` agree.
        for failure in [Failure(key: "cafe\u{301}", code: "NoSuchKey"), Failure(key: "caf\u{E9}", code: "X")] {
            #expect(entry.matches(key: failure.key, code: failure.code)
                == !AcceptanceMatcher.match([failure], against: [entry]).accepted.isEmpty)
        }
    }

    /// A large list against many keys stays a look-up per failure.
    @Test func manyKeysAndManyFailures() {
        let keys = (0..<20_000).map { "k/\($0)" }
        let failures = (0..<50_000).map { Failure(key: "k/\($0)", code: "NoSuchKey") }
        let outcome = AcceptanceMatcher.match(failures, against: [FailureAcceptance(reason: "known", keys: keys)])
        #expect(outcome.accepted.count == 20_000)
        #expect(outcome.remaining.count == 30_000)
    }
}
