// Scalars of the tape, read as JSONDecoder reads them, or declined (`TapeDeclined`), in which case
// `OMSResponseDecoder` asks JSONDecoder.

extension JSONTape {
    func bool(at index: Int) throws -> Bool {
        switch entries[index].kind {
        case .true: return true
        case .false: return false
        default: throw TapeDeclined(reason: "not a Bool")
        }
    }

    /// Integers written without fraction or exponent; anything else (and overflow) is left to
    /// `JSONDecoder`. Read as `Int64` (what the models hold) without generics; other widths
    /// convert from it exactly or decline.
    func int64(at index: Int) throws -> Int64 {
        let (magnitude, negative) = try digits(at: index)
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw TapeDeclined(reason: "integer out of range") }
            return Int64(truncatingIfNeeded: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw TapeDeclined(reason: "integer out of range") }
        return Int64(magnitude)
    }

    func integer<T: FixedWidthInteger>(at index: Int) throws -> T {
        if T.isSigned {
            guard let value = T(exactly: try int64(at: index)) else { throw TapeDeclined(reason: "integer out of range") }
            return value
        }
        let (magnitude, negative) = try digits(at: index)
        guard !negative || magnitude == 0, let value = T(exactly: magnitude) else {
            throw TapeDeclined(reason: "integer out of range")
        }
        return value
    }

    /// The sign and magnitude of a plain integer's text.
    private func digits(at index: Int) throws -> (magnitude: UInt64, negative: Bool) {
        let e = entries[index]
        guard e.kind == .number, !e.flag else { throw TapeDeclined(reason: "not a plain integer") }
        var i = Int(e.start)
        let end = Int(e.end)
        let negative = bytes[i] == 0x2D
        if negative { i += 1 }
        var value: UInt64 = 0
        while i < end {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(UInt64(bytes[i] &- 0x30))
            if o1 || o2 { throw TapeDeclined(reason: "integer out of range") }
            value = next
            i += 1
        }
        return (value, negative)
    }

    func double(at index: Int) throws -> Double {
        let e = entries[index]
        guard e.kind == .number else { throw TapeDeclined(reason: "not a number") }
        // Up to 15 digits, a plain integer is exact in a Double.
        if !e.flag, e.end - e.start <= 15, let small = try? int64(at: index) { return Double(small) }
        guard let value = Double(String(decoding: text(index), as: UTF8.self)), value.isFinite else {
            throw TapeDeclined(reason: "number out of range")
        }
        return value
    }

    func string(at index: Int) throws -> String {
        let e = entries[index]
        guard e.kind == .string else { throw TapeDeclined(reason: "not a String") }
        let raw = bytes[Int(e.start)..<Int(e.end)]
        if !e.flag {
            if raw.allSatisfy({ $0 < 0x80 }) { return String(decoding: raw, as: UTF8.self) }
            guard let text = String(validating: raw, as: UTF8.self) else { throw TapeDeclined(reason: "invalid UTF-8") }
            return text
        }
        return try Self.unescaped(raw)
    }

    /// The text of a string's raw bytes (between the quotes) with its escapes resolved.
    static func unescaped<Raw: RandomAccessCollection<UInt8>>(_ raw: Raw) throws -> String where Raw.Index == Int {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = raw.startIndex
        func hex4(_ at: Int) throws -> UInt32 {
            guard at + 4 <= raw.endIndex else { throw TapeDeclined(reason: "short \\u escape") }
            var v: UInt32 = 0
            for j in at..<(at + 4) {
                guard let h = JSONTape.hexValue(raw[j]) else { throw TapeDeclined(reason: "bad \\u escape") }
                v = v << 4 | UInt32(h)
            }
            return v
        }
        while i < raw.endIndex {
            let c = raw[i]
            guard c == 0x5C else {
                out.append(c)
                i += 1
                continue
            }
            let kind = raw[i + 1]
            i += 2
            switch kind {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = try hex4(i)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 1 < raw.endIndex, raw[i] == 0x5C, raw[i + 1] == 0x75 else {
                        throw TapeDeclined(reason: "lone surrogate")
                    }
                    let low = try hex4(i + 2)
                    guard (0xDC00...0xDFFF).contains(low) else { throw TapeDeclined(reason: "lone surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw TapeDeclined(reason: "lone surrogate")
                }
                guard let u = Unicode.Scalar(scalar) else { throw TapeDeclined(reason: "bad scalar") }
                out.append(contentsOf: UTF8.encode(u)!)
            default: out.append(kind)  // `"`, `\` and `/` stand for themselves
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw TapeDeclined(reason: "invalid UTF-8") }
        return text
    }
}
