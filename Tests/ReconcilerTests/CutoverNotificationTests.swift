import Foundation
import MigrationPlan
import Testing

@testable import Reconciler

/// Issue 26's cutoverReady and cutoverDone: a pass's Cutovers become conditions that the
/// notifier sends once each (apply and reconcile hand `PassResult.cutovers` to it).
@Suite struct CutoverNotificationTests {
    static func status(_ name: String, _ state: CutoverState, at: Date? = nil) -> CutoverStatus {
        CutoverStatus(name: name, state: state, at: at, predictedFinalPass: 60, predictionReason: nil, maxFinalPass: nil, reasons: [], warnings: [])
    }

    @Test func readyAndDoneCutoversAreConditionsAndTheOthersAreNot() {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let conditions = NotificationCondition.cutovers(
            [Self.status("go-live", .ready, at: at), Self.status("wave-2", .done), Self.status("w", .waiting),
             Self.status("r", .running), Self.status("f", .failed)], stack: "media")
        #expect(conditions.map(\.event) == [.cutoverReady, .cutoverDone])
        #expect(conditions.map(\.subject) == ["Cutover/go-live", "Cutover/wave-2"])
        #expect(conditions[0].message.contains("its final pass starts at 2027-01-15T08:00:00Z"), "\(conditions[0].message)")
        #expect(conditions[0].message.contains("oms-plan cutover PATH go-live --now --wait"))
        let manual = NotificationCondition.cutovers([Self.status("manual", .ready)], stack: "media")
        #expect(manual[0].message.contains("nothing starts it but a person"))
    }

    @Test func eachIsSentOnceOverSeveralPasses() async throws {
        let transport = NotificationTests.FakeTransport()
        let (notifier, _) = NotificationTests.notifier(transport)
        let desired = try NotificationTests.desired(.webhook)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let ready = NotificationCondition.cutovers([Self.status("go-live", .ready)], stack: desired.stack.name)
        for minute in 0..<3 {
            await notifier.afterPass(desired, report: nil, status: nil, extra: ready, now: start.addingTimeInterval(Double(minute) * 60))
        }
        #expect(transport.count == 1)
        let done = NotificationCondition.cutovers([Self.status("go-live", .done)], stack: desired.stack.name)
        for minute in 3..<6 {
            await notifier.afterPass(desired, report: nil, status: nil, extra: done, now: start.addingTimeInterval(Double(minute) * 60))
        }
        #expect(transport.count == 2)
        let bodies = transport.posts.withLock { $0.map { String(decoding: $0.body, as: UTF8.self) } }
        #expect(bodies[0].contains("cutoverReady") && bodies[1].contains("cutoverDone"), "\(bodies)")
    }
}
