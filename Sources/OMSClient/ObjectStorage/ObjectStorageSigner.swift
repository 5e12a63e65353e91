import Crypto
import Foundation

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`, service `s3`), which OBS accepts beside its own
/// signature. Only what oms-plan sends is covered: requests without a body (GET, HEAD), the
/// payload hash of the empty body, the headers `host`, `x-amz-content-sha256`, `x-amz-date` and
/// (with a temporary key) `x-amz-security-token`, plus any `x-amz-` header the caller adds.
///
/// The signature and the secret key never leave this type except in the `Authorization` header
/// it returns; nothing here logs, and its description shows no key.
public struct ObjectStorageSigner: Sendable, CustomStringConvertible {
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// SHA-256 of no bytes: the payload hash of every request without a body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public let accessKey: String
    private let secretKey: String
    public let securityToken: String?
    public let region: String
    public let service: String

    public init(accessKey: String, secretKey: String, securityToken: String? = nil, region: String, service: String = "s3") {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.securityToken = securityToken.flatMap { $0.isEmpty ? nil : $0 }
        self.region = region
        self.service = service
    }

    public var description: String { "ObjectStorageSigner(accessKey: \(accessKey), region: \(region), secretKey: (hidden))" }

    /// The headers to send with a request to `host` (as it goes in the `Host` header, with a
    /// port when it is not the scheme's), `path` already URI-encoded as it is sent, the query as
    /// decoded names and values. `extraHeaders` are signed too.
    public func headers(
        method: String, host: String, path: String, query: [(name: String, value: String)], date: Date,
        extraHeaders: [(name: String, value: String)] = [], payloadHash: String = emptyPayloadHash
    ) -> [(name: String, value: String)] {
        let (amzDate, day) = Self.timestamps(date)
        var headers: [(name: String, value: String)] = [("host", host), ("x-amz-content-sha256", payloadHash), ("x-amz-date", amzDate)]
        if let securityToken { headers.append(("x-amz-security-token", securityToken)) }
        headers += extraHeaders.map { ($0.name.lowercased(), $0.value) }
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let (canonical, signed) = Self.canonicalRequest(method: method, path: path, query: query, headers: headers, payloadHash: payloadHash)
        let toSign = [Self.algorithm, amzDate, scope, Self.hex(SHA256.hash(data: Data(canonical.utf8)))].joined(separator: "\n")
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: signingKey(day: day)))
        let authorization = "\(Self.algorithm) Credential=\(accessKey)/\(scope), SignedHeaders=\(signed), Signature=\(signature)"
        return headers.filter { $0.name != "host" } + [("Authorization", authorization)]
    }

    /// The canonical request and the signed header names (sorted, `;`-joined).
    static func canonicalRequest(
        method: String, path: String, query: [(name: String, value: String)], headers: [(name: String, value: String)], payloadHash: String
    ) -> (String, String) {
        let encodedQuery = query.map { (uriEncode($0.name), uriEncode($0.value)) }
            .sorted { a, b in a.0 == b.0 ? a.1.utf8.lexicographicallyPrecedes(b.1.utf8) : a.0.utf8.lexicographicallyPrecedes(b.0.utf8) }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        var byName: [String: [String]] = [:]
        for header in headers {
            let value = header.value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            byName[header.name.lowercased(), default: []].append(value)
        }
        let names = byName.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let canonicalHeaders = names.map { "\($0):\(byName[$0]!.joined(separator: ","))\n" }.joined()
        let signed = names.joined(separator: ";")
        return ([method, path, encodedQuery, canonicalHeaders, signed, payloadHash].joined(separator: "\n"), signed)
    }

    private func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data(("AWS4" + secretKey).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// `yyyyMMdd'T'HHmmss'Z'` and `yyyyMMdd`, in UTC.
    static func timestamps(_ date: Date) -> (String, String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%04d%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        return (day + String(format: "T%02d%02d%02dZ", c.hour ?? 0, c.minute ?? 0, c.second ?? 0), day)
    }

    /// S3's URI encoding of the UTF-8 bytes: unreserved ASCII (`A-Z a-z 0-9 - . _ ~`) as is,
    /// every other byte `%XX`; `/` kept when `keepSlash` (an object key in a path).
    public static func uriEncode(_ text: String, keepSlash: Bool = false) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: "/") where keepSlash:
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
        return String(decoding: out, as: UTF8.self)
    }
}
