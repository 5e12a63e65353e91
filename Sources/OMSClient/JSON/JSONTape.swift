/// One JSON text read into a flat "tape": every value is one entry, a container's children
/// follow it, and each entry knows where the value after it starts, so a reader skips a
/// whole subtree in one step. Nothing is converted until it is asked for.
///
/// Why not Foundation's `JSONDecoder` alone: a `diff` of 10,000 tasks decodes 100 list
/// pages, and `JSONDecoder` spent a fifth of the whole command's CPU on them, most of it
/// building a key dictionary per object and walking its generic containers
/// (docs/benchmarks.md, issue 11). The tape is strict: whatever it does not read exactly as
/// `JSONDecoder` would (duplicate keys, numbers it cannot place, invalid UTF-8, nesting over
/// `maximumDepth`) is an error, and `OMSResponseDecoder` then asks `JSONDecoder`, so the
/// answer or the error is always `JSONDecoder`'s.
final class JSONTape: Sendable {
    enum Kind: UInt8, Sendable {
        case object, array, string, number, `true`, `false`, null
    }

    struct Entry: Sendable {
        var kind: Kind
        /// Strings: set when the text holds a backslash escape. Numbers: set when the text
        /// has a fraction or an exponent. Objects: set when a key holds an escape (its keys
        /// are then found by comparing text, not by `hash`).
        var flag: Bool
        /// Strings: the bytes between the quotes; numbers: the number's text.
        var start: Int32
        var end: Int32
        /// The index of the entry after this value and all of its children.
        var next: Int32
        /// Objects: number of keys; arrays: number of elements.
        var count: Int32
        /// Object keys: `JSONTape.hash` of the raw bytes between the quotes (0 for values).
        var hash: UInt32 = 0
    }

    /// FNV-1a, folded to 32 bits: keys are found by it (`TapeKeyedContainer`).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt32 = 0x811c_9dc5
        for b in bytes { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        return h
    }

    struct Invalid: Error, Sendable {
        var offset: Int
        var reason: String
    }

    static let maximumDepth = 512

    let bytes: [UInt8]
    let entries: [Entry]

    /// Reads `bytes`; throws `Invalid` for anything that is not one complete JSON value.
    init(_ bytes: [UInt8]) throws(Invalid) {
        guard bytes.count < Int32.max else { throw Invalid(offset: 0, reason: "too long") }
        self.bytes = bytes
        // The reader checks every index against the end itself; over a raw buffer it is not
        // checked a second time.
        let read: Result<[Entry], Invalid> = bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer)
            do throws(Invalid) {
                try reader.readDocument()
            } catch {
                return .failure(error)
            }
            return .success(reader.entries)
        }
        self.entries = try read.get()
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// The bytes of entry `index`'s string or number text.
    func text(_ index: Int) -> ArraySlice<UInt8> {
        let e = entries[index]
        return bytes[Int(e.start)..<Int(e.end)]
    }
}

private struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var entries: [JSONTape.Entry] = []
    /// Open containers: their entry index.
    var open: [Int] = []
    /// Per open object, innermost last, a 128-bit filter of its key hashes: only a key whose
    /// bit is already set is compared with the earlier keys (a task answer has about 40 keys,
    /// and comparing every key was most of the duplicate check). The hashes themselves are in
    /// the key entries.
    var keyFilters: [(UInt64, UInt64)] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        entries.reserveCapacity(bytes.count / 12)
    }

    func fail(_ reason: String) -> JSONTape.Invalid { JSONTape.Invalid(offset: position, reason: reason) }

    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func readDocument() throws(JSONTape.Invalid) {
        skipSpace()
        try readValue()
        // Containers are read iteratively: `readValue` opens them, this loop fills them.
        while let container = open.last {
            skipSpace()
            guard position < bytes.count else { throw fail("unexpected end") }
            let isObject = entries[container].kind == .object
            let closer: UInt8 = isObject ? 0x7D : 0x5D
            if bytes[position] == closer {
                position += 1
                close(container, isObject: isObject)
                continue
            }
            if entries[container].count > 0 {
                guard bytes[position] == 0x2C else { throw fail("expected `,`") }
                position += 1
                skipSpace()
            }
            entries[container].count += 1
            if isObject {
                guard position < bytes.count, bytes[position] == 0x22 else { throw fail("expected a key") }
                let hash = try readString(isKey: true)
                if entries[entries.count - 1].flag { entries[container].flag = true }
                let bit = UInt64(1) << (hash & 63)
                let filter = keyFilters[keyFilters.count - 1]
                let seen = hash & 64 == 0 ? filter.0 & bit != 0 : filter.1 & bit != 0
                // Raw-byte hashes say nothing about escaped keys (`"\u0061"` is `"a"`): an
                // object with one is compared key by key.
                if seen || entries[container].flag, isDuplicate(keyEntry: entries.count - 1, in: container) {
                    throw fail("duplicate key")
                }
                if hash & 64 == 0 {
                    keyFilters[keyFilters.count - 1].0 |= bit
                } else {
                    keyFilters[keyFilters.count - 1].1 |= bit
                }
                skipSpace()
                guard position < bytes.count, bytes[position] == 0x3A else { throw fail("expected `:`") }
                position += 1
                skipSpace()
            }
            try readValue()
        }
        skipSpace()
        guard position == bytes.count else { throw fail("text after the value") }
    }

    mutating func close(_ container: Int, isObject: Bool) {
        open.removeLast()
        entries[container].next = Int32(entries.count)
        if isObject { keyFilters.removeLast() }
    }

    /// Whether the key just read equals an earlier key of the object: by hash and bytes, or,
    /// when either is escaped, by its text (a key whose escapes do not resolve counts as a
    /// duplicate, so the tape declines).
    func isDuplicate(keyEntry: Int, in object: Int) -> Bool {
        let key = entries[keyEntry]
        func text(_ entry: JSONTape.Entry) -> String? {
            let raw = bytes[Int(entry.start)..<Int(entry.end)]
            return entry.flag ? try? JSONTape.unescaped(raw) : String(decoding: raw, as: UTF8.self)
        }
        var index = object + 1
        while index < keyEntry {
            let other = entries[index]
            if other.flag || key.flag {
                guard let a = text(other), let b = text(key), a != b else { return true }
            } else if other.hash == key.hash,
                bytes[Int(other.start)..<Int(other.end)].elementsEqual(bytes[Int(key.start)..<Int(key.end)])
            {
                return true
            }
            index = Int(entries[index + 1].next)
        }
        return false
    }

    /// Reads one value at `position`: scalars whole, containers only opened.
    mutating func readValue() throws(JSONTape.Invalid) {
        guard position < bytes.count else { throw fail("unexpected end") }
        let index = entries.count
        switch bytes[position] {
        case 0x7B, 0x5B:
            guard open.count < JSONTape.maximumDepth else { throw fail("nested too deeply") }
            let isObject = bytes[position] == 0x7B
            entries.append(.init(kind: isObject ? .object : .array, flag: false, start: Int32(position), end: 0, next: 0, count: 0))
            position += 1
            open.append(index)
            if isObject { keyFilters.append((0, 0)) }
            return
        case 0x22:
            _ = try readString(isKey: false)
            return
        case 0x74: try literal("true", .true)
        case 0x66: try literal("false", .false)
        case 0x6E: try literal("null", .null)
        default: try readNumber()
        }
    }

    mutating func literal(_ word: StaticString, _ kind: JSONTape.Kind) throws(JSONTape.Invalid) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw fail("unexpected end") }
        for i in 0..<count where bytes[position + i] != word.utf8Start[i] { throw fail("unknown literal") }
        let start = Int32(position)
        position += count
        entries.append(.init(kind: kind, flag: false, start: start, end: Int32(position), next: Int32(entries.count + 1), count: 0))
    }

    /// JSON's number grammar exactly: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    mutating func readNumber() throws(JSONTape.Invalid) {
        let start = position
        var fractional = false
        if position < bytes.count, bytes[position] == 0x2D { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw fail("not a value") }
        if bytes[position] == 0x30 {
            position += 1
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == 0x2E {
            fractional = true
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw fail("digits expected") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == 0x65 {
            fractional = true
            position += 1
            if position < bytes.count, bytes[position] == 0x2B || bytes[position] == 0x2D { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw fail("digits expected") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        entries.append(.init(kind: .number, flag: fractional, start: Int32(start), end: Int32(position),
                             next: Int32(entries.count + 1), count: 0))
    }

    func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// Reads a string at `position` (at its opening quote). Keys get `JSONTape.hash` of their
    /// raw bytes (returned too: the duplicate check compares it first); values are not hashed.
    mutating func readString(isKey: Bool) throws(JSONTape.Invalid) -> UInt32 {
        position += 1
        let start = position
        var escaped = false
        while true {
            guard position < bytes.count else { throw fail("unterminated string") }
            let c = bytes[position]
            if c == 0x22 { break }
            if c < 0x20 { throw fail("control character in a string") }
            if c == 0x5C {
                escaped = true
                position += 1
                guard position < bytes.count else { throw fail("unterminated string") }
                switch bytes[position] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: break
                case 0x75:
                    guard position + 4 < bytes.count,
                        bytes[(position + 1)...(position + 4)].allSatisfy({ JSONTape.hexValue($0) != nil })
                    else { throw fail("bad \\u escape") }
                default: throw fail("bad escape")
                }
            }
            position += 1
        }
        let hash = isKey ? JSONTape.hash(UnsafeBufferPointer(rebasing: bytes[start..<position])) : 0
        entries.append(.init(kind: .string, flag: escaped, start: Int32(start), end: Int32(position),
                             next: Int32(entries.count + 1), count: 0, hash: hash))
        position += 1
        return hash
    }
}
