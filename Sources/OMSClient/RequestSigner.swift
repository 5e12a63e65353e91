import Crypto
import Foundation

/// Huawei Cloud's `SDK-HMAC-SHA256` request signature, as the official SDKs compute it.
///
/// canonical request = METHOD \n canonical URI \n canonical query \n canonical headers \n
///                     signed headers \n hex(sha256(body))
/// string to sign    = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(sha256(canonical request))
/// signature         = hex(HMAC-SHA256(SK, string to sign))
///
/// The same functions serve the client (to sign) and the sandbox (to verify), so the two
/// can only disagree with the official SDK, which the fixture vectors rule out.
public enum RequestSigner {
    public static let algorithm = "SDK-HMAC-SHA256"
    public static let dateHeader = "X-Sdk-Date"
    public static let securityTokenHeader = "X-Security-Token"
    public static let contentSHA256Header = "X-Sdk-Content-Sha256"
    /// SHA-256 of nothing: the payload hash of a request without a body.
    public static let emptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The parts of a request that the signature covers.
    public struct SignedParts: Sendable {
        public var method: String
        /// The path with segments percent-decoded, e.g. `/v2/p 1/tasks`.
        public var path: String
        /// Query pairs, decoded, in any order; a repeated key appears once per value.
        public var query: [(String, String)]
        /// Every header of the request; those whose name holds `_` are never signed.
        public var headers: [(String, String)]
        public var body: Data

        public init(method: String, path: String, query: [(String, String)], headers: [(String, String)], body: Data) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }
    }

    /// What a signature was computed from; kept apart so tests and error messages can show it.
    public struct Signature: Sendable, Equatable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var signedHeaders: [String]
        public var signature: String

        public func authorization(accessKey: String) -> String {
            "\(RequestSigner.algorithm) Access=\(accessKey), SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
        }
    }

    /// Signs `parts` with `secretKey`. `date` is the `X-Sdk-Date` value (`yyyyMMddTHHmmssZ`),
    /// which must also be among the headers. `signedHeaders`, when given, limits the headers
    /// covered (verification uses the list the client declared); by default every header
    /// whose name has no `_` is signed, as the SDK does.
    public static func sign(_ parts: SignedParts, secretKey: String, date: String, signedHeaders: [String]? = nil) -> Signature {
        var headerValues: [String: String] = [:]
        for (name, value) in parts.headers {
            headerValues[name.lowercased()] = value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let signed = (signedHeaders ?? parts.headers.map(\.0).filter { !$0.contains("_") }.map { $0.lowercased() })
            .sorted(by: codePointLess)
        let canonicalHeaders = signed.map { "\($0):\(headerValues[$0] ?? "")\n" }.joined()
        let canonical = [
            parts.method.uppercased(),
            canonicalURI(decodedPath: parts.path),
            canonicalQuery(parts.query),
            canonicalHeaders,
            signed.joined(separator: ";"),
            payloadHash(body: parts.body, declared: headerValues[contentSHA256Header.lowercased()]),
        ].joined(separator: "\n")
        let stringToSign = "\(algorithm)\n\(date)\n\(hex(SHA256.hash(data: Data(canonical.utf8))))"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: SymmetricKey(data: Data(secretKey.utf8)))
        return Signature(canonicalRequest: canonical, stringToSign: stringToSign, signedHeaders: signed, signature: hex(mac))
    }

    /// `X-Sdk-Date` for an instant.
    public static func formatDate(_ date: Date) -> String {
        let c = Calendar.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// The instant of an `X-Sdk-Date` value, nil when malformed.
    public static func parseDate(_ text: String) -> Date? {
        let digits = Array(text.utf8)
        guard digits.count == 16, digits[8] == UInt8(ascii: "T"), digits[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: digits[range], as: UTF8.self)) }
        guard let y = number(0..<4), let mo = number(4..<6), let d = number(6..<8), let h = number(9..<11),
            let mi = number(11..<13), let s = number(13..<15)
        else { return nil }
        let components = DateComponents(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
        guard let date = Calendar.utc.date(from: components), formatDate(date) == text else { return nil }
        return date
    }

    /// Each segment percent-encoded; always ends in `/`.
    public static func canonicalURI(decodedPath: String) -> String {
        var uri = decodedPath.split(separator: "/", omittingEmptySubsequences: false)
            .map { percentEncode(String($0)) }.joined(separator: "/")
        if !uri.hasSuffix("/") { uri += "/" }
        return uri
    }

    /// Pairs sorted by key then value (code point order), each side percent-encoded.
    /// The official SDK puts exactly this string on the wire as the query.
    public static func canonicalQuery(_ pairs: [(String, String)]) -> String {
        pairs.sorted { a, b in a.0 == b.0 ? codePointLess(a.1, b.1) : codePointLess(a.0, b.0) }
            .map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }
            .joined(separator: "&")
    }

    /// The path as it goes on the wire: each segment percent-encoded, no trailing `/` added.
    public static func encodePath(_ decodedPath: String) -> String {
        decodedPath.split(separator: "/", omittingEmptySubsequences: false)
            .map { percentEncode(String($0)) }.joined(separator: "/")
    }

    /// RFC 3986 encoding of everything but `A-Z a-z 0-9 - _ . ~` (Python's `quote(s, safe='~')`).
    public static func percentEncode(_ text: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        let hexDigits = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes (and nothing else: `+` stays `+`, as the SDK sends spaces as `%20`).
    public static func percentDecode(_ text: some StringProtocol) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes = [UInt8]()
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Splits a raw query string into decoded pairs (`a&b=` gives `("a", ""), ("b", "")`).
    public static func parseQuery(_ raw: some StringProtocol) -> [(String, String)] {
        raw.split(separator: "&", omittingEmptySubsequences: true).map { item in
            if let eq = item.firstIndex(of: "=") {
                return (percentDecode(item[..<eq]), percentDecode(item[item.index(after: eq)...]))
            }
            return (percentDecode(item), "")
        }
    }

    static func payloadHash(body: Data, declared: String?) -> String {
        if body.isEmpty { return emptyBodyHash }
        if let declared, !declared.isEmpty { return declared }
        return hex(SHA256.hash(data: body))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Python's string order (code points), which the SDK sorts by.
    static func codePointLess(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }
}

extension Calendar {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
