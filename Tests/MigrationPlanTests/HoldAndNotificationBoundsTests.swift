import Foundation
import Testing

@testable import MigrationPlan

/// Review of issue 26's plan language: what a suspend or freeze reason may hold, and the bounds
/// of a Stack's freezes and of a Notification's lists and durations.
@Suite struct HoldAndNotificationBoundsTests {
    func load(_ files: [String: String], stackExtra: String = "") -> LoadResult {
        var all = ["s.yaml": TestSupport.stack + stackExtra + "---\n" + TestSupport.credentials]
        all.merge(files) { $1 }
        return TestSupport.load(all, env: TestSupport.env.merging(["HOOK_URL": "https://chat.example.com/hooks/review-7x"]) { $1 })
    }

    func errors(_ r: LoadResult) -> [String] { r.diagnostics.filter { $0.severity == .error }.map(\.rendered) }

    func notification(_ extra: String) -> String {
        """
        apiVersion: oms-plan/v1
        kind: Notification
        metadata: {name: chat}
        spec:
          provider: slack
          url: ${env:HOOK_URL}
        \(extra)
        """
    }

    /// The Arabic letter mark (U+061C) reorders text like LRM and RLM do, and the line and
    /// paragraph separators (U+2028, U+2029) break the "one line" a reason must be.
    @Test func theArabicLetterMarkAndLineSeparatorsAreRefusedInAReason() {
        // Also the tag characters and interlinear annotations: invisible, yet they carry text.
        for bad in ["a\\u061Cb", "a\\u2028b", "a\\u2029b", "a\\U000E0041b", "a\\uFFF9b\\uFFFBc"] {
            let r = load(["t.yaml": TestSupport.task("a", extra: "  suspend: {reason: \"\(bad)\"}")])
            #expect(errors(r).contains { $0.contains("must be one line without control characters or text-direction marks") }, "\(bad): \(errors(r))")
        }
    }

    /// Every freeze is looked at for every plan and status, several times over: a Stack takes
    /// at most 100 of them.
    @Test func aStackTakesAtMostAHundredFreezes() {
        func freezes(_ count: Int) -> String {
            "  freezes:\n" + (0..<count).map { "    - {start: \"18:00\", end: \"19:00\", reason: \"f\($0)\"}\n" }.joined()
        }
        #expect(errors(load([:], stackExtra: freezes(100))).isEmpty)
        let r = load([:], stackExtra: freezes(101))
        #expect(errors(r).contains { $0.contains("at most 100") }, "\(errors(r))")
    }

    /// `minInterval` is read like every other duration of the plan (`PlanDuration`): each unit
    /// once, in the order d, h, m, s.
    @Test func minIntervalIsAPlanDuration() throws {
        for fine in ["1m", "1h30m", "2d", "30d"] {
            let r = load(["n.yaml": notification("  events: [failed]\n  minInterval: \"\(fine)\"")])
            #expect(errors(r).isEmpty, "\(fine): \(errors(r))")
        }
        for bad in ["1m1m", "30m1h", "59s", "31d", "99999999d", "1h 30m"] {
            let r = load(["n.yaml": notification("  events: [failed]\n  minInterval: \"\(bad)\"")])
            #expect(errors(r).contains { $0.contains("`spec.minInterval` must be a duration from 1m to 30d") }, "\(bad): \(errors(r))")
        }
    }

    /// An event named twice is a warning and kept once; a list longer than 64 entries is refused.
    @Test func eventsAreKeptOnceAndTheListIsBounded() throws {
        let r = load(["n.yaml": notification("  events: [failed, blocked, failed, failed]")])
        #expect(errors(r).isEmpty, "\(errors(r))")
        #expect(r.diagnostics.filter { $0.severity == .warning && $0.rendered.contains("listed twice") }.count == 2)
        #expect(try #require(r.desiredState?.notifications.first?.events) == [.failed, .blocked])
        let list = Array(repeating: "failed", count: 2_000) + Array(repeating: "blocked", count: 2_000)
        let long = load(["n.yaml": notification("  events: [\(list.joined(separator: ", "))]")])
        #expect(errors(long).contains { $0.contains("at most 64") }, "\(errors(long))")
    }

    /// A selector names a few labels, at most 64 (each is checked against every resource).
    @Test func aSelectorTakesAtMostSixtyFourLabels() {
        func selector(_ count: Int) -> String {
            "  events: [failed]\n  selector: {" + (0..<count).map { "k\($0): v" }.joined(separator: ", ") + "}"
        }
        #expect(errors(load(["n.yaml": notification(selector(64))])).isEmpty)
        let r = load(["n.yaml": notification(selector(65))])
        #expect(errors(r).contains { $0.contains("at most 64") }, "\(errors(r))")
    }
}
