import Foundation
import MigrationPlan
import OMSModels

/// One message to send: what it is about (one condition, or several of the same event folded
/// into one so that a thousand failures are one message, not a thousand), and its body in the
/// provider's own JSON. Never holds the URL.
public struct NotificationMessage: Sendable, Hashable {
    public var notification: String
    public var provider: DesiredNotification.Provider
    public var conditions: [NotificationCondition]
    public var at: Date

    public init(notification: String, provider: DesiredNotification.Provider, conditions: [NotificationCondition], at: Date) {
        precondition(!conditions.isEmpty, "a message is about at least one condition")
        self.notification = notification
        self.provider = provider
        self.conditions = conditions
        self.at = at
    }

    /// More conditions of one event than this in one pass become one message.
    public static let foldAbove = 5
    /// The most folded conditions the generic webhook's `details.items` lists; `details.more`
    /// counts the rest.
    public static let maximumItems = 100

    public var event: DesiredNotification.Event { conditions[0].event }
    public var stack: String { conditions[0].stack }

    /// The subject: one address, or `N resources`.
    public var subject: String {
        conditions.count == 1 ? conditions[0].subject : "\(conditions.count) resources"
    }

    /// Whether it says that problems are over (`NotificationCondition.resolution`).
    public var isResolution: Bool { conditions.allSatisfy { $0.status == "resolved" } }

    /// The text people read: the stack, the event and what to do.
    public var text: String {
        let head = "oms-plan [\(stack)] \(isResolution ? "resolved, no longer \(Self.title(event))" : Self.title(event))"
        if conditions.count == 1 { return head + ": " + conditions[0].message }
        let names = conditions.map(\.subject)
        let shown = names.prefix(10).joined(separator: ", ") + (names.count > 10 ? " and \(names.count - 10) more" : "")
        return head + " (\(conditions.count)): \(shown). " + (isResolution ? "Nothing to do." : Self.advice(event))
    }

    static func title(_ event: DesiredNotification.Event) -> String {
        switch event {
        case .failed: "failed"
        case .gaveUp: "gave up"
        case .blocked: "blocked"
        case .deadlineAtRisk: "deadline at risk"
        case .waveDone: "wave done"
        case .settled: "settled"
        case .cutoverReady: "cut-over ready"
        case .cutoverDone: "cut-over done"
        }
    }

    /// What to do about several resources of one event.
    static func advice(_ event: DesiredNotification.Event) -> String {
        switch event {
        case .failed: "See `oms-plan status` for their failed objects; onFailure says whether they are retried."
        case .gaveUp: "Fix the cause, then run `oms-plan reset-attempts PLAN --address ADDRESS` for each."
        case .blocked: "Run `oms-plan diff` to see what each needs."
        case .deadlineAtRisk: "Raise their bandwidth or priority, or move the deadlines."
        case .waveDone, .settled, .cutoverReady, .cutoverDone: "See `oms-plan status`."
        }
    }

    /// The generic webhook's document (docs/observability.md, "Notifications"): `event`,
    /// `stack`, `address`, `status`, `message`, `at`, `details`; several folded conditions are
    /// listed in `details.items`.
    var webhookDocument: JSONValue {
        var details: [String: JSONValue] = [:]
        if conditions.count == 1 {
            for (k, v) in conditions[0].details { details[k] = .string(v) }
        } else {
            // Bounded: a pass where 10,000 tasks fail must not post megabytes to a chat bridge.
            details["items"] = .array(conditions.prefix(Self.maximumItems).map { c -> JSONValue in
                .object(["address": .string(c.subject), "status": .string(c.status), "message": .string(c.message)])
            })
            if conditions.count > Self.maximumItems { details["more"] = .number(Double(conditions.count - Self.maximumItems)) }
        }
        details["notification"] = .string(notification)
        return .object([
            "event": .string(event.rawValue), "stack": .string(stack), "address": .string(subject),
            "status": .string(conditions.count == 1 || isResolution ? conditions[0].status : "several"), "message": .string(text),
            "at": .string(NotificationConditions.iso(at)), "details": .object(details),
        ])
    }

    /// The body in the provider's native format.
    public var body: JSONValue {
        switch provider {
        case .slack:
            // `text` is the fallback (notifications, screen readers); the blocks are what is shown.
            .object([
                "text": .string(Self.slackEscaped(text)),
                "blocks": .array([
                    .object(["type": .string("section"), "text": .object(["type": .string("mrkdwn"), "text": .string(Self.slackEscaped(text))])]),
                    .object(["type": .string("context"), "elements": .array([
                        .object(["type": .string("mrkdwn"),
                                 "text": .string(Self.slackEscaped("stack `\(stack)` · \(event.rawValue) · \(NotificationConditions.iso(at))"))]),
                    ])]),
                ]),
            ])
        case .teams:
            .object([
                "@type": .string("MessageCard"), "@context": .string("https://schema.org/extensions"),
                "summary": .string("oms-plan [\(stack)] \(Self.title(event)): \(subject)"),
                "themeColor": .string(Self.isBad(event) && !isResolution ? "D13438" : "2EB886"),
                "title": .string("oms-plan [\(stack)] \(Self.title(event)): \(subject)"),
                "text": .string(text),
                "sections": .array([.object(["facts": .array([
                    .object(["name": .string("Stack"), "value": .string(stack)]),
                    .object(["name": .string("Event"), "value": .string(event.rawValue)]),
                    .object(["name": .string("Address"), "value": .string(subject)]),
                    .object(["name": .string("At"), "value": .string(NotificationConditions.iso(at))]),
                ])])]),
            ])
        case .feishu:
            .object(["msg_type": .string("text"), "content": .object(["text": .string(text)])])
        case .dingtalk, .wecom:
            .object(["msgtype": .string("text"), "text": .object(["content": .string(text)])])
        case .webhook:
            webhookDocument
        }
    }

    static func isBad(_ event: DesiredNotification.Event) -> Bool {
        [.failed, .gaveUp, .blocked, .deadlineAtRisk].contains(event)
    }

    /// Slack's own escaping of message text (`&`, `<`, `>`): in its text `<!channel>` notifies
    /// everyone and `<url|words>` is a link, and a condition's text may quote OMS.
    static func slackEscaped(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// The body's bytes (keys sorted, so a message is the same every time), escaped for the
    /// provider and, last, masked like every other output (`SecretRedactor`, inside JSON strings).
    public var bodyData: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(body)) ?? Data("{}".utf8)
        return Data(SecretRedactor.shared.redactJSON(String(decoding: json, as: UTF8.self)).utf8)
    }

    /// The messages for one notification's due conditions: one per condition, except that
    /// more than `foldAbove` of one event become one message.
    static func messages(for notification: DesiredNotification, due: [NotificationCondition], at: Date) -> [NotificationMessage] {
        var out: [NotificationMessage] = []
        for event in DesiredNotification.Event.allCases {
            let of = due.filter { $0.event == event }
            guard !of.isEmpty else { continue }
            if of.count > foldAbove {
                out.append(NotificationMessage(notification: notification.address.name, provider: notification.provider, conditions: of, at: at))
            } else {
                out += of.map { NotificationMessage(notification: notification.address.name, provider: notification.provider, conditions: [$0], at: at) }
            }
        }
        return out
    }
}
