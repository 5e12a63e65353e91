/// The kinds of plan documents.
public enum ResourceKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case stack = "Stack"
    case credentials = "Credentials"
    case bandwidthSchedule = "BandwidthSchedule"
    case migrationTask = "MigrationTask"
    case migrationTaskGroup = "MigrationTaskGroup"
    case migrationTaskSet = "MigrationTaskSet"
    case migrationSyncTask = "MigrationSyncTask"
    /// Where to tell people what changed (`DesiredNotification`): plan-only, never an OMS resource.
    case notification = "Notification"
    /// A plan-only gate (`DesiredCutover`): never an OMS resource.
    case cutover = "Cutover"

    public static func < (a: ResourceKind, b: ResourceKind) -> Bool { a.rawValue < b.rawValue }
}

/// `Kind/name`, e.g. `MigrationTask/photos-2024`: how diagnostics, diffs and logs name a resource.
public struct ResourceAddress: Hashable, Comparable, Sendable, TextCodable {
    public var kind: ResourceKind
    public var name: String

    public init(_ kind: ResourceKind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// Parses `Kind/name`; nil if the kind is unknown or the form is wrong (the name is not
    /// checked here, see `ResourceName.isValid`).
    public init?(parsing text: String) {
        guard let slash = text.firstIndex(of: "/"), let kind = ResourceKind(rawValue: String(text[..<slash])) else {
            return nil
        }
        let name = String(text[text.index(after: slash)...])
        guard !name.isEmpty else { return nil }
        self.init(kind, name)
    }

    public var description: String { "\(kind.rawValue)/\(name)" }

    public static func < (a: ResourceAddress, b: ResourceAddress) -> Bool {
        a.kind != b.kind ? a.kind < b.kind : a.name < b.name
    }
}

/// A value JSON carries as its text (`MigrationTask/photos`), read back with `init?(parsing:)`:
/// addresses, and the Reconciler's change subjects (`MigrationTask/photos#<id>`).
public protocol TextCodable: Codable, CustomStringConvertible {
    init?(parsing text: String)
}

extension TextCodable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = Self(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an address: \(text)"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Resource names: `^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`, a DNS label as in Kubernetes.
public enum ResourceName {
    public static let pattern = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"

    public static func isValid(_ name: String) -> Bool {
        let b = Array(name.utf8)
        guard (1...63).contains(b.count) else { return false }
        func alnum(_ c: UInt8) -> Bool {
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
        }
        guard alnum(b.first!), alnum(b.last!) else { return false }
        return b.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// Why a name is invalid, for the message.
    static func problem(_ name: String) -> String {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > 63 { return "is \(name.utf8.count) characters long (at most 63)" }
        if name != name.lowercased() { return "has upper-case letters" }
        if name.first == "-" || name.last == "-" { return "starts or ends with `-`" }
        return "may only contain a-z, 0-9 and `-`"
    }
}
