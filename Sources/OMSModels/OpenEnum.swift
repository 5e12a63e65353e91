/// Enumerations whose values come from OMS.
///
/// OMS adds values over time and reports some in a different case than it accepts them
/// (task groups answer `PREFIX`/`ALIYUN` where tasks take `prefix`/`Aliyun`), so these are
/// open structs rather than Swift enums: an unknown value decodes, survives a round trip and
/// can be compared, instead of failing the whole response.
public protocol OpenStringEnum: RawRepresentable, Codable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible where RawValue == String
{
    init(rawValue: String)
    /// The values the API reference documents, in its spelling for requests.
    static var documented: [Self] { get }
}

extension OpenStringEnum {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    /// The only decoding of an open enum: the client's tape decoder builds them with
    /// `init(rawValue:)` from the same string without calling this, so no type may replace it.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
    /// Whether the reference documents this value (case-sensitively, in request spelling).
    public var isDocumented: Bool { Self.documented.contains(self) }
    /// The documented value equal to this one ignoring case and `_`, if any. OMS echoes
    /// some values upper-cased; this maps them back to the spelling requests use.
    @inlinable public var canonical: Self {
        // A documented spelling is its own canonical form (no two documented values of a type
        // differ only in case or `_`: `OpenEnumTests` checks every type), and the common case.
        if Self.documented.contains(self) { return self }
        let key = Self.foldKey(rawValue)
        return Self.documented.first { Self.foldKey($0.rawValue) == key } ?? self
    }
    /// Equality as OMS means it: case and underscores do not matter.
    public func sameValue(as other: Self) -> Bool { Self.foldKey(rawValue) == Self.foldKey(other.rawValue) }

    @usableFromInline static func foldKey(_ s: String) -> String { String(s.lowercased().filter { $0 != "_" }) }
}

/// Integer-coded states (task and task group `status`), open for the same reason.
public protocol OpenIntEnum: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible
where RawValue == Int {
    init(rawValue: Int)
    var name: String? { get }
}

extension OpenIntEnum {
    /// The only decoding of an open enum (see `OpenStringEnum.init(from:)`).
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(Int.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { name ?? "Unknown(\(rawValue))" }
}
