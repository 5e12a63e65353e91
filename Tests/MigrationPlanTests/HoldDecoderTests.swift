import Foundation
import Testing
@testable import MigrationPlan

/// Issue 26, parts 2 and 3: `spec.suspend` on the Stack and on every resource kind, and
/// `Stack.spec.freezes`, read and located; never identity.
@Suite struct HoldDecoderTests {
    func load(_ files: [String: String], stackExtra: String = "") -> LoadResult {
        var all = ["s.yaml": TestSupport.stack + stackExtra + "---\n" + TestSupport.credentials]
        all.merge(files) { $1 }
        return TestSupport.load(all, env: TestSupport.env)
    }

    func errors(_ r: LoadResult) -> [String] { r.diagnostics.filter { $0.severity == .error }.map(\.rendered) }

    static func at(_ text: String) -> Date { Date(timeIntervalSince1970: TimeInterval(RFC3339.seconds(text)!)) }

    let group = """
        apiVersion: oms-plan/v1
        kind: MigrationTaskGroup
        metadata: {name: g}
        spec:
          type: prefix
          source: {cloud: Aliyun, region: cn-hangzhou, bucket: bkt, credentials: src, prefixes: ["x/"]}
          destination: {bucket: dst, credentials: obs}
          suspend: {reason: "group held (NET-7)"}
        """

    let sync = """
        apiVersion: oms-plan/v1
        kind: MigrationSyncTask
        metadata: {name: follow}
        spec:
          source: {cloud: Aliyun, region: cn-hangzhou, bucket: live, credentials: src}
          destination: {bucket: live-obs, credentials: obs}
          suspend: {reason: "sync held", until: "2027-01-10T08:00:00+08:00"}
        """

    let set = """
        apiVersion: oms-plan/v1
        kind: MigrationTaskSet
        metadata: {name: logs}
        spec:
          forEach: [{bucket: web}, {bucket: api}]
          name: "logs-${item.bucket}"
          suspend: {reason: "the set's"}
          template:
            type: prefix
            source: {cloud: Aliyun, region: cn-hangzhou, bucket: "${item.bucket}", credentials: src, prefixes: ["x/"]}
            destination: {bucket: "${item.bucket}-obs", credentials: obs}
        """

    @Test func everyKindAndTheStackCarryTheirSuspension() throws {
        let r = load([
            "t.yaml": TestSupport.task("a", extra: "  suspend: {reason: \"waiting for the network team (NET-42)\", until: \"2027-01-10T00:00:00Z\"}"),
            "g.yaml": group, "sync.yaml": sync, "set.yaml": set,
            "own.yaml": set.replacingOccurrences(of: "name: logs}", with: "name: own}")
                .replacingOccurrences(of: "logs-${item.bucket}", with: "own-${item.bucket}")
                .replacingOccurrences(of: "    type: prefix", with: "    type: prefix\n    suspend: {reason: \"the template's\"}"),
        ], stackExtra: "  suspend: {reason: \"the whole stack\"}\n")
        #expect(errors(r).isEmpty, "\(errors(r))")
        let state = try #require(r.desiredState)
        #expect(state.stack.suspension == Suspension(reason: "the whole stack"))
        func suspension(_ kind: ResourceKind, _ name: String) -> Suspension? { state[ResourceAddress(kind, name)]?.omsResource?.suspension }
        #expect(suspension(.migrationTask, "a") == Suspension(reason: "waiting for the network team (NET-42)", until: Self.at("2027-01-10T00:00:00Z")))
        #expect(suspension(.migrationTaskGroup, "g") == Suspension(reason: "group held (NET-7)"))
        #expect(suspension(.migrationSyncTask, "follow") == Suspension(reason: "sync held", until: Self.at("2027-01-10T00:00:00Z")))
        // A set's suspension is each generated task's, unless the template has its own.
        #expect(suspension(.migrationTask, "logs-web")?.reason == "the set's")
        #expect(suspension(.migrationTask, "own-api")?.reason == "the template's")
        // Where it was written, for messages.
        let task = try #require(state[ResourceAddress(.migrationTask, "a")]?.omsResource)
        #expect(task.location(of: "suspend").line == 8)
    }

    @Test func anUntilInThePastHoldsNothing() {
        let s = Suspension(reason: "r", until: Self.at("2026-01-01T00:00:00Z"))
        #expect(!s.isActive(at: Self.at("2026-01-01T00:00:00Z")))
        #expect(s.isActive(at: Self.at("2025-12-31T23:59:59Z")))
        #expect(Suspension(reason: "r").isActive(at: .distantFuture))
    }

    /// Identity: suspending changes no fingerprint, marker or canonical form (no update and
    /// no replacement when the suspension is added or lifted).
    @Test func suspendingIsNeverIdentity() throws {
        let plain = try #require(load(["t.yaml": TestSupport.task("a"), "sync.yaml": sync.replacingOccurrences(
            of: "  suspend: {reason: \"sync held\", until: \"2027-01-10T08:00:00+08:00\"}", with: "")]).desiredState)
        let held = try #require(load([
            "t.yaml": TestSupport.task("a", extra: "  suspend: {reason: NET-42, until: \"2027-01-10T00:00:00Z\"}"), "sync.yaml": sync,
        ], stackExtra: "  suspend: {reason: everything}\n  freezes: [{start: \"18:00\", end: \"08:00\", reason: nights}]\n").desiredState)
        let before = plain.omsResources.sorted { $0.address < $1.address }
        let after = held.omsResources.sorted { $0.address < $1.address }
        #expect(before.count == 2 && after.count == 2)
        for (b, a) in zip(before, after) {
            #expect(a.suspension != nil && b.suspension == nil)
            #expect(b.fingerprint == a.fingerprint, "\(a.address)")
            #expect(b.marker == a.marker)
            #expect(b.canonicalJSON == a.canonicalJSON)
            #expect(!a.canonicalJSON.contains("NET-42"))
        }
    }

    @Test func freezesAreWeeklyWindowsOrSpansGivenOnce() throws {
        let r = load([:], stackExtra: """
              freezes:
                - {start: "18:00", end: "08:00", days: [fri], reason: "weekend change freeze (CAB-7)"}
                - {start: "2026-12-24T00:00:00+08:00", end: "2026-12-27T00:00:00+08:00", reason: holidays}
                - {start: "12:00", end: "13:00", timezone: Europe/Berlin, reason: lunch}

            """)
        #expect(errors(r).isEmpty, "\(errors(r))")
        let freezes = try #require(r.desiredState?.stack.freezes)
        #expect(freezes.count == 3)
        #expect(freezes[0] == ChangeFreeze(span: .weekly(startMinute: 18 * 60, endMinute: 8 * 60, days: [.fri], zone: ScheduleTimeZone("+08:00")!),
                                           reason: "weekend change freeze (CAB-7)"))
        #expect(freezes[1].span == .once(start: Self.at("2026-12-23T16:00:00Z"), end: Self.at("2026-12-26T16:00:00Z")))
        #expect(freezes[2].span == .weekly(startMinute: 720, endMinute: 780, days: nil, zone: ScheduleTimeZone("Europe/Berlin")!))
        // Friday 2026-11-27 18:00 +08:00 to Saturday 08:00: it crosses midnight.
        let weekend = freezes[0]
        #expect(weekend.occurrence(containing: Self.at("2026-11-27T17:59:59+08:00")) == nil)
        #expect(weekend.occurrence(containing: Self.at("2026-11-28T07:59:59+08:00"))
                == DateInterval(start: Self.at("2026-11-27T18:00:00+08:00"), end: Self.at("2026-11-28T08:00:00+08:00")))
        #expect(weekend.occurrence(containing: Self.at("2026-11-28T08:00:00+08:00")) == nil)
        #expect(weekend.next(after: Self.at("2026-11-28T09:00:00+08:00"))?.start == Self.at("2026-12-04T18:00:00+08:00"))
        // Of two freezes that meet, the hold lasts until the last ends.
        let meeting = [ChangeFreeze(span: .once(start: Self.at("2026-12-01T00:00:00Z"), end: Self.at("2026-12-02T00:00:00Z")), reason: "a"),
                       ChangeFreeze(span: .once(start: Self.at("2026-12-02T00:00:00Z"), end: Self.at("2026-12-03T00:00:00Z")), reason: "b")]
        #expect(FreezeWindow.current(meeting, at: Self.at("2026-12-01T12:00:00Z"))?.end == Self.at("2026-12-03T00:00:00Z"))
        #expect(FreezeWindow.current(meeting, at: Self.at("2026-12-03T00:00:00Z")) == nil)
        #expect(FreezeWindow.next(meeting, after: Self.at("2026-11-30T00:00:00Z"))?.reason == "a")
    }

    /// A reason is shown as written, so it must read as it is: no control characters and no
    /// marks that reorder what a terminal or a browser shows (checked on Unicode scalars).
    @Test func reasonsThatCouldHideWhatTheySayAreRefused() {
        for bad in ["a\u{202E}b", "a\u{2066}b", "a\u{200F}b", "a\u{1B}[31mb", "a\u{85}b"] {
            let escaped = bad.unicodeScalars.map { $0.value < 0x80 && $0.value >= 0x20 ? String($0) : String(format: "\\u%04X", $0.value) }.joined()
            let r = load(["t.yaml": TestSupport.task("a", extra: "  suspend: {reason: \"\(escaped)\"}")])
            #expect(errors(r).contains { $0.contains("must be one line without control characters or text-direction marks") }, "\(escaped): \(errors(r))")
        }
        let fine = load(["t.yaml": TestSupport.task("a", extra: "  suspend: {reason: \"réseau 网络 (NET-42)\"}")])
        #expect(errors(fine).isEmpty, "\(errors(fine))")
    }

    /// Weekly freezes keep their wall-clock times on the days clocks change.
    @Test func weeklyFreezesFollowTheWallClockAcrossDaylightSaving() {
        let berlin = ScheduleTimeZone("Europe/Berlin")!
        let evening = ChangeFreeze(span: .weekly(startMinute: 18 * 60, endMinute: 20 * 60, days: [.sun], zone: berlin), reason: "r")
        // Sunday 2027-03-28: clocks go from 02:00 CET to 03:00 CEST; 18:00 CEST is 16:00 UTC.
        #expect(evening.next(after: Self.at("2027-03-27T12:00:00Z")) == DateInterval(start: Self.at("2027-03-28T16:00:00Z"), end: Self.at("2027-03-28T18:00:00Z")))
        // Sunday 2027-10-31: back to CET; 18:00 CET is 17:00 UTC, and a whole-day freeze lasts 25 hours.
        #expect(evening.next(after: Self.at("2027-10-30T12:00:00Z"))?.start == Self.at("2027-10-31T17:00:00Z"))
        let wholeDay = ChangeFreeze(span: .weekly(startMinute: 0, endMinute: 1440, days: [.sun], zone: berlin), reason: "r")
        #expect(wholeDay.occurrence(containing: Self.at("2027-10-31T12:00:00Z")).map { Int($0.duration.rounded()) } == 25 * 3600)
    }

    /// Every problem is reported where it was written (`file:line:column`).
    @Test func problemsAreLocated() {
        let r = load([
            "t.yaml": TestSupport.task("a", extra: "  suspend: {reason: \"\", until: tomorrow}"),
            "u.yaml": TestSupport.task("b", extra: "  suspend: true"),
        ], stackExtra: """
              freezes:
                - {start: noon, end: "13:00", reason: lunch}
                - {start: "2026-12-24T00:00:00+08:00", end: "2026-12-23T00:00:00+08:00", reason: x}
                - {start: "18:00", end: "08:00"}
              defaults:
                suspend: {reason: everything}

            """)
        let e = errors(r)
        #expect(e.contains { $0.hasPrefix("plan/t.yaml:8:21: error: `spec.suspend.reason` is empty") }, "\(e)")
        #expect(e.contains { $0.hasPrefix("plan/t.yaml:8:32: error: `spec.suspend.until` must be an RFC 3339 date and time") }, "\(e)")
        #expect(e.contains { $0.hasPrefix("plan/u.yaml:8:12: error: `spec.suspend` must be a mapping with a `reason`") }, "\(e)")
        #expect(e.contains { $0.hasPrefix("plan/s.yaml:8:15: error: `spec.freezes[0].start` must be a time `HH:MM`") }, "\(e)")
        #expect(e.contains { $0.hasPrefix("plan/s.yaml:9:49: error: `spec.freezes[1].end` must be after its start") }, "\(e)")
        #expect(e.contains { $0.hasPrefix("plan/s.yaml:10:7: error: missing required field `reason` in `spec.freezes[2]`") }, "\(e)")
        #expect(e.contains { $0.hasPrefix("plan/s.yaml:12:5: error: `suspend` cannot be a default") }, "\(e)")
    }
}
