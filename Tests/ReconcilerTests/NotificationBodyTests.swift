import Foundation
import MigrationPlan
import OMSModels
import Testing

@testable import Reconciler

/// Review of issue 26, part 1: a message's body leaves the process like any output, so it is
/// escaped for its provider first and masked last; the text of a condition may quote OMS.
@Suite struct NotificationBodyTests {
    static let canary = "hr-review-canary-4k9q2w"

    func body(_ provider: DesiredNotification.Provider, _ message: String) -> String {
        let condition = NotificationCondition(event: .failed, stack: "e2e", subject: "MigrationTask/photos", status: "failed",
                                              message: message, details: ["error": message])
        let m = NotificationMessage(notification: "chat", provider: provider, conditions: [condition], at: Date(timeIntervalSince1970: 0))
        return String(decoding: m.bodyData, as: UTF8.self)
    }

    @Test func aRegisteredSecretNeverReachesAReceiver() throws {
        SecretRedactor.shared.register([Self.canary])
        for provider in DesiredNotification.Provider.allCases {
            let text = body(provider, "OMS said: access key \(Self.canary) is not valid")
            #expect(!text.contains(Self.canary), "\(provider): \(text)")
            #expect(text.contains(SecretRedactor.mask), "\(provider): \(text)")
            // Still JSON.
            #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(text.utf8)) }
        }
    }

    /// Slack reads `<...>` as a link or a mention (`<!channel>` notifies everyone) and `&` as an
    /// entity: text from OMS is escaped the way Slack asks (`&amp;`, `&lt;`, `&gt;`).
    @Test func slackTextCannotMentionOrLink() throws {
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(body(.slack, "error <!channel> <https://evil.example|open> & more").utf8)) as? [String: Any])
        let fallback = try #require(json["text"] as? String)
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        let section = try #require((blocks.first?["text"] as? [String: Any])?["text"] as? String)
        for text in [fallback, section] {
            #expect(!text.contains("<") && !text.contains(">"), "\(text)")
            #expect(text.contains("&lt;!channel&gt;") && text.contains("&amp; more"), "\(text)")
        }
    }
}
