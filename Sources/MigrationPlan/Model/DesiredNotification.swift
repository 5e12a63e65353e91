import Foundation

/// A `kind: Notification` document: where to tell people when something changes (a resource
/// fails, gives up, is blocked, misses its deadline; a wave or the stack settles; a Cutover is
/// ready or done). Plan-only: it is never sent to OMS and never part of any fingerprint.
///
/// The URL is a secret (a chat webhook's URL is its password): it comes only from `${env:}` or
/// `${file:}`, its value is registered for masking like a key, and printing this value never
/// shows it.
public struct DesiredNotification: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Who receives the messages, and so their JSON.
    public enum Provider: String, Hashable, Sendable, CaseIterable, Codable {
        case slack, teams, feishu, dingtalk, wecom
        /// Any HTTP endpoint: oms-plan's own documented JSON document.
        case webhook
    }

    /// What a message is about. Resource events (`failed`, `gaveUp`, `blocked`,
    /// `deadlineAtRisk`) name one resource; the others the stack, a wave or a Cutover.
    public enum Event: String, Hashable, Sendable, CaseIterable, Codable, Comparable {
        case failed, gaveUp, blocked, deadlineAtRisk, waveDone, settled, cutoverReady, cutoverDone

        public static func < (a: Event, b: Event) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// The default of `minInterval`: the same event for the same resource at most once an hour.
    public static let defaultMinInterval: TimeInterval = 3600

    public var address: ResourceAddress
    public var provider: Provider
    /// The reference and, when it could be resolved, the URL (a secret).
    public var url: SecretValue
    /// The events asked for, in `Event` order, each once.
    public var events: [Event]
    /// Only resources carrying all of these labels (empty: every resource).
    public var selector: [String: String]
    /// Seconds between two messages about the same event of the same resource.
    public var minInterval: TimeInterval
    public var declaredAt: SourceLocation

    public init(address: ResourceAddress, provider: Provider, url: SecretValue, events: [Event], selector: [String: String] = [:],
                minInterval: TimeInterval = DesiredNotification.defaultMinInterval, declaredAt: SourceLocation) {
        self.address = address
        self.provider = provider
        self.url = url
        self.events = Array(Set(events)).sorted()
        self.selector = selector
        self.minInterval = minInterval
        self.declaredAt = declaredAt
    }

    /// Whether messages can be sent: the URL was resolved (validate and diff go on without it).
    public var isDeliverable: Bool { url.value != nil }

    /// Whether a resource with `labels` is one this notification is about.
    public func selects(labels: [String: String]) -> Bool {
        selector.allSatisfy { labels[$0.key] == $0.value }
    }

    public var description: String {
        "\(address)(provider: \(provider.rawValue), url: \(url), events: \(events.map(\.rawValue).joined(separator: ",")))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["address": address, "provider": provider], displayStyle: .struct) }
}
