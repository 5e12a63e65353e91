import Foundation
import OMSModels

/// Decodes OMS answers. The tape reader (`JSONTape`) decodes the common case several times
/// faster than `JSONDecoder`; whenever it declines (anything it does not read exactly as
/// `JSONDecoder` would, and every malformed answer), `JSONDecoder` decodes the same bytes,
/// so both the value and the error a caller sees are always `JSONDecoder`'s.
public enum OMSResponseDecoder {
    private static let fallback = JSONDecoder()

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if let value = try? decodeWithTape(type, from: data) { return value }
        return try fallback.decode(T.self, from: data)
    }

    /// The tape alone, without the fallback (tests compare it with `JSONDecoder`).
    static func decodeWithTape<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let tape = try JSONTape([UInt8](data))
        return try TapeDecoder(tape: tape, index: 0, parent: nil, key: nil).decode(T.self)
    }
}

/// Why the tape declined a value (`OMSResponseDecoder` then falls back to `JSONDecoder`).
struct TapeDeclined: Error {
    var reason: String
}

/// A `Decoder` over one value of the tape; it is its own single-value container, and it is
/// the coding path's node (`parent` + `key`), so a nested value costs one allocation.
final class TapeDecoder: Decoder, SingleValueDecodingContainer {
    let tape: JSONTape
    let index: Int
    let parent: TapeDecoder?
    let key: (any CodingKey)?
    /// For an object: its keys' entries by hash (open addressing, entry index + 1; empty
    /// until the first lookup). A model asks for every key it knows, present or not, so each
    /// lookup must cost the same whatever the answer's order.
    var keyTable: [Int32] = []

    init(tape: JSONTape, index: Int, parent: TapeDecoder?, key: (any CodingKey)?) {
        self.tape = tape
        self.index = index
        self.parent = parent
        self.key = key
    }

    var codingPath: [any CodingKey] {
        var path: [any CodingKey] = []
        var node: TapeDecoder? = self
        while let current = node {
            if let key = current.key { path.append(key) }
            node = current.parent
        }
        return path.reversed()
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard tape.entries[index].kind == .object else { throw TapeDeclined(reason: "not an object") }
        return KeyedDecodingContainer(TapeKeyedContainer<Key>(decoder: self, object: index))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard tape.entries[index].kind == .array else { throw TapeDeclined(reason: "not an array") }
        return TapeUnkeyedContainer(decoder: self, array: index)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: Single value

    func decodeNil() -> Bool { tape.entries[index].kind == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try tape.bool(at: index) }
    func decode(_ type: String.Type) throws -> String { try tape.string(at: index) }
    func decode(_ type: Double.Type) throws -> Double { try tape.double(at: index) }
    func decode(_ type: Float.Type) throws -> Float { throw TapeDeclined(reason: "Float is left to JSONDecoder") }
    func decode(_ type: Int.Type) throws -> Int { Int(try tape.int64(at: index)) }
    func decode(_ type: Int8.Type) throws -> Int8 { try tape.integer(at: index) }
    func decode(_ type: Int16.Type) throws -> Int16 { try tape.integer(at: index) }
    func decode(_ type: Int32.Type) throws -> Int32 { try tape.integer(at: index) }
    func decode(_ type: Int64.Type) throws -> Int64 { try tape.int64(at: index) }
    func decode(_ type: UInt.Type) throws -> UInt { try tape.integer(at: index) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try tape.integer(at: index) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try tape.integer(at: index) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try tape.integer(at: index) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try tape.integer(at: index) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        // JSONDecoder gives these types its own strategies (base64, dates, URLs, decimals).
        if T.self == Data.self || T.self == Date.self || T.self == URL.self || T.self == Decimal.self {
            throw TapeDeclined(reason: "\(T.self) is left to JSONDecoder")
        }
        return try T(from: self)
    }

    /// A decoder for the child value at `child`, reached by `key`.
    func child(_ child: Int, key: any CodingKey) -> TapeDecoder {
        TapeDecoder(tape: tape, index: child, parent: self, key: key)
    }
}

/// An index key for array elements in coding paths.
struct TapeIndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

struct TapeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: TapeDecoder
    let object: Int

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        let tape = decoder.tape
        var keys: [Key] = []
        var i = object + 1
        let end = Int(tape.entries[object].next)
        while i < end {
            if let name = try? tape.string(at: i), let key = Key(stringValue: name) { keys.append(key) }
            i = Int(tape.entries[i + 1].next)
        }
        return keys
    }

    /// The tape index of `key`'s value, if the object has it.
    func find(_ key: Key) -> Int? {
        let tape = decoder.tape
        var name = key.stringValue
        return name.withUTF8 { wanted -> Int? in
            if tape.entries[object].flag { return scan(for: wanted) }
            if decoder.keyTable.isEmpty { decoder.keyTable = buildTable() }
            let hash = JSONTape.hash(wanted)
            return tape.bytes.withUnsafeBufferPointer { bytes -> Int? in
                tape.entries.withUnsafeBufferPointer { entries -> Int? in
                    decoder.keyTable.withUnsafeBufferPointer { table -> Int? in
                        let mask = table.count - 1
                        var slot = Int(hash) & mask
                        while table[slot] != 0 {
                            let i = Int(table[slot] - 1)
                            let k = entries[i]
                            if k.hash == hash, Int(k.end - k.start) == wanted.count,
                                wanted.count == 0 || memcmp(bytes.baseAddress! + Int(k.start), wanted.baseAddress!, wanted.count) == 0
                            {
                                return i + 1
                            }
                            slot = (slot + 1) & mask
                        }
                        return nil
                    }
                }
            }
        }
    }

    /// The object's key entries by hash, in a table at most half full.
    private func buildTable() -> [Int32] {
        let entries = decoder.tape.entries
        var size = 8
        while size < Int(entries[object].count) * 2 { size *= 2 }
        var table = [Int32](repeating: 0, count: size)
        var i = object + 1
        let end = Int(entries[object].next)
        while i < end {
            var slot = Int(entries[i].hash) & (size - 1)
            while table[slot] != 0 { slot = (slot + 1) & (size - 1) }
            table[slot] = Int32(i + 1)
            i = Int(entries[i + 1].next)
        }
        return table
    }

    /// Key by key, comparing text (objects with escaped keys).
    private func scan(for wanted: UnsafeBufferPointer<UInt8>) -> Int? {
        let tape = decoder.tape
        var i = object + 1
        let end = Int(tape.entries[object].next)
        while i < end {
            if let text = try? tape.string(at: i), text.utf8.elementsEqual(wanted) { return i + 1 }
            i = Int(tape.entries[i + 1].next)
        }
        return nil
    }

    func value(_ key: Key) throws -> Int {
        guard let at = find(key) else { throw TapeDeclined(reason: "no key \(key.stringValue)") }
        return at
    }

    /// The value's index, or nil when it is absent or null (what `decodeIfPresent` skips).
    func present(_ key: Key) -> Int? {
        guard let at = find(key), decoder.tape.entries[at].kind != .null else { return nil }
        return at
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }
    func decodeNil(forKey key: Key) throws -> Bool { decoder.tape.entries[try value(key)].kind == .null }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder.tape.bool(at: try value(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder.tape.string(at: try value(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder.tape.double(at: try value(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw TapeDeclined(reason: "Float") }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { Int(try decoder.tape.int64(at: try value(key))) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder.tape.integer(at: try value(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder.tape.integer(at: try value(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder.tape.integer(at: try value(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder.tape.int64(at: try value(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder.tape.integer(at: try value(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder.tape.integer(at: try value(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder.tape.integer(at: try value(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder.tape.integer(at: try value(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder.tape.integer(at: try value(key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let at = try value(key)
        if let value = try decoder.tape.openEnum(T.self, at: at) { return value }
        return try decoder.child(at, key: key).decode(T.self)
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try present(key).map { try decoder.tape.bool(at: $0) }
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try present(key).map { try decoder.tape.string(at: $0) }
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try present(key).map { try decoder.tape.double(at: $0) }
    }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { throw TapeDeclined(reason: "Float") }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try present(key).map { Int(try decoder.tape.int64(at: $0)) } }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try present(key).map { try decoder.tape.int64(at: $0) } }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try integerIfPresent(key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try integerIfPresent(key) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let at = present(key) else { return nil }
        if let value = try decoder.tape.openEnum(T.self, at: at) { return value }
        return try decoder.child(at, key: key).decode(T.self)
    }

    private func integerIfPresent<T: FixedWidthInteger>(_ key: Key) throws -> T? {
        guard let at = present(key) else { return nil }
        return try decoder.tape.integer(at: at)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try decoder.child(try value(key), key: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder.child(try value(key), key: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { throw TapeDeclined(reason: "superDecoder") }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw TapeDeclined(reason: "superDecoder") }
}

struct TapeUnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: TapeDecoder
    let array: Int
    /// The tape index of the next element.
    private var cursor: Int
    private(set) var currentIndex = 0
    let count: Int?

    init(decoder: TapeDecoder, array: Int) {
        self.decoder = decoder
        self.array = array
        self.cursor = array + 1
        self.count = Int(decoder.tape.entries[array].count)
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var isAtEnd: Bool { currentIndex >= count! }

    /// The next element's index, moving past it.
    private mutating func next() throws -> Int {
        guard !isAtEnd else { throw TapeDeclined(reason: "past the end of an array") }
        let at = cursor
        cursor = Int(decoder.tape.entries[at].next)
        currentIndex += 1
        return at
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw TapeDeclined(reason: "past the end of an array") }
        if decoder.tape.entries[cursor].kind == .null {
            _ = try next()
            return true
        }
        return false
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try decoder.tape.bool(at: try next()) }
    mutating func decode(_ type: String.Type) throws -> String { try decoder.tape.string(at: try next()) }
    mutating func decode(_ type: Double.Type) throws -> Double { try decoder.tape.double(at: try next()) }
    mutating func decode(_ type: Float.Type) throws -> Float { throw TapeDeclined(reason: "Float") }
    mutating func decode(_ type: Int.Type) throws -> Int { Int(try decoder.tape.int64(at: try next())) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try decoder.tape.integer(at: try next()) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try decoder.tape.integer(at: try next()) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try decoder.tape.integer(at: try next()) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try decoder.tape.int64(at: try next()) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try decoder.tape.integer(at: try next()) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.tape.integer(at: try next()) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.tape.integer(at: try next()) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.tape.integer(at: try next()) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.tape.integer(at: try next()) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let key = TapeIndexKey(currentIndex)
        return try decoder.child(try next(), key: key).decode(T.self)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let key = TapeIndexKey(currentIndex)
        return try decoder.child(try next(), key: key).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let key = TapeIndexKey(currentIndex)
        return try decoder.child(try next(), key: key).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { throw TapeDeclined(reason: "superDecoder") }
}

extension JSONTape {
    /// An open enum read straight from its string or integer, exactly as the protocols'
    /// `init(from:)` reads it, without a nested decoder (a task answer has seven of them);
    /// nil for any other type.
    func openEnum<T>(_ type: T.Type, at index: Int) throws -> T? {
        // The kind first: objects and arrays (nested models) never pay for a conformance test.
        switch entries[index].kind {
        case .string:
            if let open = type as? any OpenStringEnum.Type { return open.init(rawValue: try string(at: index)) as? T }
        case .number:
            if let open = type as? any OpenIntEnum.Type { return open.init(rawValue: Int(try int64(at: index))) as? T }
        default:
            break
        }
        return nil
    }
}
