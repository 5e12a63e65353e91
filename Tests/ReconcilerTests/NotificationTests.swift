import Foundation
import MigrationPlan
import Reconciler
import Synchronization
import Testing

/// Issue 26, part 1: what a Notification sends, how often, and within which bounds (the CLI's
/// end-to-end proof is Tests/CLITests/test_notifications.py).
@Suite struct NotificationTests {
    /// Records every post; answers `status`, or waits `delay` first.
    final class FakeTransport: NotificationTransport {
        let posts = Mutex<[(url: String, body: Data)]>([])
        let status: Int
        let delay: Duration

        init(status: Int = 200, delay: Duration = .zero) {
            self.status = status
            self.delay = delay
        }

        func post(_ body: Data, to url: String, timeout: Duration) async throws -> Int {
            posts.withLock { $0.append((url, body)) }
            if delay > .zero { try await Task.sleep(for: delay) }
            return status
        }

        var count: Int { posts.withLock { $0.count } }
    }

    static let url = "https://chat.example.com/hooks/notify-secret-7hq2"

    static func desired(_ provider: DesiredNotification.Provider = .webhook, events: [DesiredNotification.Event] = DesiredNotification.Event.allCases,
                        minInterval: TimeInterval = 3600) throws -> DesiredState {
        var desired = try Fixtures.quickstart()
        desired.notifications = [DesiredNotification(
            address: ResourceAddress(.notification, "team-chat"), provider: provider,
            url: SecretValue(reference: "${env:TEAM_HOOK}", value: url), events: events, minInterval: minInterval,
            declaredAt: SourceLocation(file: "notify.yaml", line: 4, column: 9))]
        return desired
    }

    static func cutover(_ name: String) -> NotificationCondition {
        // Built as the Cutover engine's hook builds it (`NotificationCondition.cutover`).
        NotificationCondition(event: .cutoverReady, stack: "quickstart", subject: "Cutover/\(name)", status: "ready",
                              message: "Cutover/\(name) is ready.")
    }

    /// What the notifier logged.
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func add(_ line: String) { lines.withLock { $0.append(line) } }
        var text: String { lines.withLock { $0.joined(separator: "\n") } }
    }

    static func notifier(_ transport: FakeTransport, limits: NotificationDelivery.Limits = .init(), metrics: ReconcileMetrics? = nil)
        -> (Notifier, Lines)
    {
        let lines = Lines()
        let notifier = Notifier(
            stateFolder: nil, delivery: NotificationDelivery(transport: transport, limits: limits), metrics: metrics,
            log: lines.add, show: lines.add)
        return (notifier, lines)
    }

    @Test func aConditionIsSentOnceWhileItHoldsAndAgainOnlyAfterTheInterval() async throws {
        let transport = FakeTransport()
        let (notifier, _) = Self.notifier(transport)
        let desired = try Self.desired(minInterval: 600)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let ready = [Self.cutover("switch")]
        await notifier.notify(cutover: ready, desired: desired, now: start)
        await notifier.notify(cutover: ready, desired: desired, now: start.addingTimeInterval(60))
        #expect(transport.count == 1, "held: not sent again")
        // It stops holding, and comes back within the interval: not yet.
        await notifier.notify(cutover: [], desired: desired, now: start.addingTimeInterval(120))
        await notifier.notify(cutover: ready, desired: desired, now: start.addingTimeInterval(180))
        #expect(transport.count == 1, "within minInterval")
        // Still holding once the interval is over: sent again, once.
        await notifier.notify(cutover: ready, desired: desired, now: start.addingTimeInterval(700))
        await notifier.notify(cutover: ready, desired: desired, now: start.addingTimeInterval(800))
        #expect(transport.count == 2)
    }

    @Test func anEventNotAskedForIsNotSent() async throws {
        let transport = FakeTransport()
        let (notifier, _) = Self.notifier(transport)
        await notifier.notify(cutover: [Self.cutover("switch")], desired: try Self.desired(events: [.failed]))
        #expect(transport.count == 0)
    }

    @Test func aFailingReceiverIsBoundedLoggedWithoutTheURLCountedAndTriedAgain() async throws {
        let hanging = FakeTransport(delay: .seconds(600))
        let metrics = ReconcileMetrics()
        // Budgets a loaded CI machine keeps (at 1 s in all, a busy machine spent it before the
        // first attempt), still far below the receiver's 30 s.
        let limits = NotificationDelivery.Limits(requestTimeout: .seconds(1), attempts: 3, backoff: .milliseconds(50), total: .seconds(4))
        let (notifier, lines) = Self.notifier(hanging, limits: limits, metrics: metrics)
        let desired = try Self.desired(.slack)
        let clock = ContinuousClock()
        let took = await clock.measure { await notifier.notify(cutover: [Self.cutover("switch")], desired: desired) }
        // Bounded by the 4 s total, not by the receiver's 600 s. The margin is wide: in a full
        // parallel `swift test` on two cores other suites can starve this one for many seconds
        // (once before even the first attempt, which then says no attempt fitted).
        #expect(took < .seconds(120), "bounded by the total, not by the receiver")
        let log = lines.text
        #expect(log.contains("could not deliver cutoverReady Cutover/switch: no answer in time")
                || log.contains("could not deliver cutoverReady Cutover/switch: no attempt fitted in the time allowed"), "\(log)")
        #expect(!log.contains(Self.url) && !log.contains("notify-secret-7hq2"))
        #expect(metrics.exposition.contains(#"oms_plan_notifications_total{stack="quickstart",provider="slack",result="failed"} 1"#),
                "\(metrics.exposition)")

        // Not remembered as sent: a later pass (a receiver that works) delivers it.
        let server500 = FakeTransport(status: 500)
        let roomy = NotificationDelivery.Limits(requestTimeout: .seconds(5), attempts: 3, backoff: .milliseconds(50), total: .seconds(60))
        let (second, _) = Self.notifier(server500, limits: roomy)
        await second.notify(cutover: [Self.cutover("switch")], desired: desired)
        #expect(server500.count == 3, "a 5xx is tried again, up to the attempts")
        let refused = FakeTransport(status: 404)
        let (third, _) = Self.notifier(refused, limits: roomy)
        await third.notify(cutover: [Self.cutover("switch")], desired: desired)
        #expect(refused.count == 1, "a 404 will not change by asking again")
    }

    @Test func eachProviderGetsItsOwnFormat() throws {
        let condition = NotificationCondition(event: .failed, stack: "prod", subject: "MigrationTask/photos", status: "Failed",
                                              message: "MigrationTask/photos failed in OMS. See `oms-plan status`.", details: ["kind": "MigrationTask"])
        func body(_ provider: DesiredNotification.Provider) throws -> [String: Any] {
            let message = NotificationMessage(notification: "chat", provider: provider, conditions: [condition], at: Date(timeIntervalSince1970: 0))
            return try #require(try JSONSerialization.jsonObject(with: message.bodyData) as? [String: Any])
        }
        #expect((try body(.slack)["text"] as? String)?.hasPrefix("oms-plan [prod] failed: MigrationTask/photos failed in OMS") == true)
        #expect((try body(.slack)["blocks"] as? [Any])?.count == 2)
        #expect(try body(.teams)["@type"] as? String == "MessageCard")
        #expect(try body(.feishu)["msg_type"] as? String == "text")
        #expect(try body(.dingtalk)["msgtype"] as? String == "text")
        #expect(try body(.wecom)["msgtype"] as? String == "text")
        let generic = try body(.webhook)
        #expect(Set(generic.keys) == ["event", "stack", "address", "status", "message", "at", "details"])
        #expect(generic["at"] as? String == "1970-01-01T00:00:00Z" && generic["address"] as? String == "MigrationTask/photos")
    }

    @Test func manyConditionsOfOneEventAreOneMessage() throws {
        let conditions = (1...8).map {
            NotificationCondition(event: .failed, stack: "prod", subject: "MigrationTask/t\($0)", status: "Failed", message: "t\($0) failed")
        }
        let message = NotificationMessage(notification: "chat", provider: .webhook, conditions: conditions, at: Date())
        #expect(message.subject == "8 resources")
        #expect(message.text.contains("failed (8): MigrationTask/t1, MigrationTask/t2"))
    }

    /// 10,000 failures in one pass are one short message: the webhook lists the first 100.
    @Test func aFoldedWebhookDocumentIsBounded() throws {
        let conditions = (1...10_000).map {
            NotificationCondition(event: .failed, stack: "prod", subject: "MigrationTask/t\($0)", status: "Failed", message: "t\($0) failed")
        }
        let message = NotificationMessage(notification: "chat", provider: .webhook, conditions: conditions, at: Date())
        #expect(message.bodyData.count < 64 * 1024, "\(message.bodyData.count) bytes")
        let document = try #require(try JSONSerialization.jsonObject(with: message.bodyData) as? [String: Any])
        let details = try #require(document["details"] as? [String: Any])
        #expect((details["items"] as? [Any])?.count == 100)
        #expect(details["more"] as? Int == 9_900)
    }

    @Test func theStateFileHoldsNoURLAndIsBounded() throws {
        var state = NotifiedState()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let held = [Self.cutover("a"), Self.cutover("b")]
        state.update(notification: "chat", delivered: held, holding: held, covering: NotificationCoverage(events: [.cutoverReady]), minInterval: 60, now: now)
        #expect(state.due(held, notification: "chat", minInterval: 60, now: now).isEmpty)
        // Over and past its interval: forgotten.
        state.update(notification: "chat", delivered: [], holding: [], covering: NotificationCoverage(events: [.cutoverReady]), minInterval: 60, now: now.addingTimeInterval(61))
        #expect(state.notifications.isEmpty)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("notified-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        state.update(notification: "chat", delivered: held, holding: held, covering: NotificationCoverage(events: [.cutoverReady]), minInterval: 60, now: now)
        let file = StateFolder(root: folder).notified(stack: "prod")
        try state.save(to: file)
        #expect(NotifiedState.load(from: file) == state)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("cutoverReady Cutover/a") && !text.contains("https://"))
    }

    @Test(arguments: [
        ("https://hooks.slack.com/services/T0/B0/x", true), ("HTTPS://open.feishu.cn/open-apis/bot/v2/hook/x", true),
        ("http://127.0.0.1:8080/hook", true), ("http://localhost/hook", true), ("http://[::1]:9000/h", true),
        ("http://chat.example.com/hook", false), ("http://127.0.0.1.example.com/h", false), ("http://127.0.0.1@evil.com/h", false),
        ("ftp://example.com/h", false), ("https://exa mple.com/h", false), ("https://example.com/é", false), ("https:///h", false),
        ("http://128.0.0.1/h", false), ("http://127.0.0.1:80x/h", false), ("", false),
    ])
    func urlShapes(url: String, ok: Bool) {
        #expect((NotificationURL.problem(url) == nil) == ok, "\(url): \(NotificationURL.problem(url) ?? "fine")")
    }
}

/// The conditions a pass shows, from a live project where every action occurs
/// (`Fixtures.everyActionLive`: photos-2024 Failed and retried, archive blocked, ...).
@Suite struct NotificationConditionTests {
    @Test func aPassShowsFailedAndBlockedResourcesAndNothingThatIsFine() throws {
        let desired = try Fixtures.quickstart()
        let live = try Fixtures.everyActionLive(desired)
        let report = Fixtures.report(desired, live: live)
        let status = StatusReport(desired: desired, live: live)
        let conditions = NotificationConditions.current(desired: desired, report: report, status: status)
        let keys = Set(conditions.map(\.key))
        #expect(keys.contains("failed MigrationTask/photos-2024"), "\(keys.sorted())")
        #expect(keys.contains("blocked MigrationTaskGroup/archive"), "\(keys.sorted())")
        #expect(!keys.contains { $0.hasPrefix("settled ") }, "web-assets is not created yet: nothing has settled")
        #expect(!keys.contains { $0.contains("photos-2023") }, "a succeeded task is no news")
        let blocked = try #require(conditions.first { $0.key == "blocked MigrationTaskGroup/archive" })
        #expect(blocked.message.contains("oms-plan diff") && blocked.stack == "quickstart")
        // A selector keeps only the resources with its labels.
        let media = NotificationConditions.current(desired: desired, report: report, status: status, selector: ["team": "nobody"])
        #expect(media.isEmpty, "\(media.map(\.key))")
    }

    @Test func gaveUpComesFromTheReportsReason() throws {
        let desired = try Fixtures.quickstart()
        let address = ResourceAddress(.migrationTask, "photos-2024")
        let change = ResourceChange(
            address: ChangeSubject(address), action: .blocked,
            reasons: [.failedGaveUp(cause: "TRF.0062", attempts: 3, of: 3, address: address)])
        let report = ChangeReport(stack: "quickstart", evaluatedAt: Fixtures.evaluatedAt, evaluatedDay: "2026-11-24", changes: [change])
        let conditions = NotificationConditions.current(desired: desired, report: report, status: nil)
        #expect(conditions.map(\.key) == ["gaveUp MigrationTask/photos-2024"], "not blocked as well: giving up has its own event")
        #expect(conditions[0].message.contains("reset-attempts PLAN --address MigrationTask/photos-2024"))
    }
}

extension NotificationConditionTests {
    /// A forecast past the stack's deadline is one `deadlineAtRisk` about `Stack/<name>` for a
    /// notification about everything; one with a selector hears only of its own resources.
    @Test func theStacksDeadlineAtRisk() throws {
        let desired = try Fixtures.quickstart()
        var status = StatusReport(desired: desired, live: Fixtures.emptyLive())
        status.deadline = Fixtures.evaluatedAt
        status.deadlineSlack = -7200
        let all = NotificationConditions.current(desired: desired, report: nil, status: status)
        let stack = try #require(all.first { $0.key == "deadlineAtRisk Stack/quickstart" })
        #expect(stack.message.contains("2h 0m after its deadline"), "\(stack.message)")
        let some = NotificationConditions.current(desired: desired, report: nil, status: status, selector: ["team": "media"])
        #expect(!some.contains { $0.event == .deadlineAtRisk })
    }
}

extension NotificationTests {
    /// A problem that was told and is over gets one "resolved" message; one never told gets none.
    @Test func aToldProblemThatIsOverIsResolvedOnce() async throws {
        let transport = FakeTransport()
        let (notifier, _) = Self.notifier(transport)
        let desired = try Self.desired()
        let failed = NotificationCondition(event: .failed, stack: "quickstart", subject: "MigrationTask/photos-2024", status: "Failed",
                                           message: "MigrationTask/photos-2024 failed in OMS.")
        // A status read (every resource absent) judges every managed resource.
        let status = StatusReport(desired: desired, live: Fixtures.emptyLive())
        await notifier.afterPass(desired, report: nil, status: status, extra: [failed])
        await notifier.afterPass(desired, report: nil, status: status, extra: [failed])
        #expect(transport.count == 1)
        // A pass that could not judge it (no status read) says nothing of it.
        await notifier.afterPass(desired, report: nil, status: nil)
        #expect(transport.count == 1)
        await notifier.afterPass(desired, report: nil, status: status)
        await notifier.afterPass(desired, report: nil, status: status)
        #expect(transport.count == 2, "one resolved message, once")
        let last = try #require(try JSONSerialization.jsonObject(with: transport.posts.withLock { $0[1].body }) as? [String: Any])
        #expect(last["status"] as? String == "resolved" && last["event"] as? String == "failed")
        #expect((last["message"] as? String)?.contains("resolved, no longer failed: MigrationTask/photos-2024 is no longer failed") == true,
                "\(last)")
        // A cut-over that is over is no problem: nothing is sent.
        await notifier.notify(cutover: [Self.cutover("switch")], desired: desired)
        await notifier.notify(cutover: [], desired: desired)
        #expect(transport.count == 3)
    }
}

extension NotificationConditionTests {
    /// A `--target` run's report holds only its targets: a blocked resource outside them is not
    /// judged (neither resolved nor sent again), while a status read judges every resource.
    @Test func aPassJudgesOnlyWhatItSaw() throws {
        let desired = try Fixtures.quickstart()
        let target = ResourceAddress(.migrationTask, "web-assets")
        let report = ChangeReport(stack: "quickstart", evaluatedAt: Fixtures.evaluatedAt, evaluatedDay: "2026-11-24",
                                  changes: [ResourceChange(address: ChangeSubject(target), action: .create, reasons: [.notInOMSYet])])
        let coverage = NotificationConditions.coverage(report: report, status: nil)
        #expect(coverage.covers(.blocked, "MigrationTask/web-assets"))
        #expect(!coverage.covers(.blocked, "MigrationTaskGroup/archive"))
        #expect(!coverage.covers(.failed, "MigrationTask/web-assets"), "no status read: failures are not judged")
        let read = NotificationConditions.coverage(report: report, status: StatusReport(desired: desired, live: Fixtures.emptyLive()))
        #expect(read.covers(.failed, "MigrationTaskGroup/archive") && read.covers(.settled, "Stack/quickstart"))
    }
}
