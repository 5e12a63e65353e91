import Foundation

/// One object of a failed list: why it failed, when (as OMS wrote it, in the region's zone),
/// its key and the error code the source's SDK returned.
public struct FailedObject: Sendable, Hashable, Codable {
    public var key: String
    public var code: String
    public var reason: String
    public var time: String

    public init(key: String, code: String, reason: String, time: String = "") {
        self.key = key
        self.code = code
        self.reason = reason
        self.time = time
    }
}

/// Reads the failed-object lists OMS writes into the destination bucket: one object per line,
/// five tab-separated fields (reason, time, URL-encoded key, key, error code; see
/// `../shared/design/objects.md`). The separators are not documented by OMS, so anything else
/// is not guessed at: the line is kept, escaped, as unreadable, and the rest is read.
public enum FailedListReader {
    public struct Result: Sendable, Hashable {
        public var objects: [FailedObject] = []
        /// Lines of another shape, escaped (`FailedListReader.escaped`) and cut to 300 bytes.
        public var unreadable: [String] = []
    }

    /// Every line of `data`. Lines are split on the LF byte (a CR before it is dropped), fields
    /// on the tab byte: never on Swift `Character`s, so a combining mark cannot join a separator.
    public static func read(_ data: Data) -> Result {
        var result = Result()
        var bytes = Array(data)
        // A BOM is not part of the first line.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        for var line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            if line.last == 0x0D { line = line.dropLast() }
            if line.isEmpty { continue }
            if let object = parse(line) {
                result.objects.append(object)
            } else {
                result.unreadable.append(escaped(line))
            }
        }
        return result
    }

    /// A well-formed line: five fields, valid UTF-8, a key (the fourth field, or the third
    /// decoded when the fourth is empty) and an error code of `A-Z a-z 0-9 . _ -`.
    static func parse(_ line: ArraySlice<UInt8>) -> FailedObject? {
        let fields = line.split(separator: 0x09, omittingEmptySubsequences: false)
        guard fields.count == 5 else { return nil }
        var texts: [String] = []
        for field in fields {
            guard let text = String(validating: field, as: UTF8.self) else { return nil }
            texts.append(text)
        }
        let (reason, time, encodedKey, plainKey, code) = (texts[0], texts[1], texts[2], texts[3], texts[4])
        let key = plainKey.isEmpty ? (encodedKey.removingPercentEncoding ?? "") : plainKey
        guard !key.isEmpty, isCode(code), !key.unicodeScalars.contains(where: isControl) else { return nil }
        return FailedObject(key: key, code: code, reason: reason, time: time)
    }

    static func isCode(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy { b in
                (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) || b == 46 || b == 95 || b == 45
            }
    }

    /// The line as text a person can read safely: invalid UTF-8 as U+FFFD, control characters
    /// (tab included) and line or bidirectional formatting characters as `\u{XXXX}`, at most
    /// 300 bytes of the line. Outputs escape it again for their own format (HTML, JSON).
    public static func escaped(_ line: some Collection<UInt8>) -> String {
        let cut = line.count > 300
        let text = String(decoding: line.prefix(300), as: UTF8.self)
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return cut ? out + "..." : out
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
