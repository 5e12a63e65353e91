import Foundation

/// Which bucket and key a request names, path-style (`/<bucket>/<key>`) or virtual-host style
/// (`Host: <bucket>.<sandbox host>`, path `/<key>`). The path is split on the `/` byte and
/// decoded strictly: invalid percent escapes or UTF-8 are refused, never repaired, so the key
/// checked by `StorageNames` is exactly the one used.
struct OBSAddress: Sendable, Equatable {
    var bucket: String?
    var key: String?
    /// The bucket as the Host header named it (signatures cover `/<bucket>` + path).
    var virtualHostBucket: String?

    /// `serviceHosts`: host names (lower case, no port) that are the sandbox itself; a Host of
    /// `<bucket>.<one of them>` names a bucket.
    static func parse(host: String?, rawPath: String, serviceHosts: [String]) throws(OBSError) -> OBSAddress {
        let hostName = host.map(Self.hostName) ?? ""
        var virtualBucket: String?
        for service in serviceHosts where !service.isEmpty {
            let suffix = "." + service
            if hostName.utf8.count > suffix.utf8.count, hostName.utf8.reversed().starts(with: suffix.utf8.reversed()) {
                virtualBucket = String(decoding: hostName.utf8.dropLast(suffix.utf8.count), as: UTF8.self)
                break
            }
        }
        guard rawPath.utf8.first == UInt8(ascii: "/") else { throw .invalidArgument("The request path must start with /.") }
        let rest = rawPath.utf8.dropFirst()
        if let virtualBucket {
            let key = try decode(Substring(rest))
            return OBSAddress(bucket: virtualBucket, key: key.isEmpty ? nil : key, virtualHostBucket: virtualBucket)
        }
        if rest.isEmpty { return OBSAddress(bucket: nil, key: nil, virtualHostBucket: nil) }
        let parts = rest.split(separator: UInt8(ascii: "/"), maxSplits: 1, omittingEmptySubsequences: false)
        let bucket = try decode(Substring(parts[0]))
        let key = parts.count > 1 ? try decode(Substring(parts[1])) : ""
        return OBSAddress(bucket: bucket, key: key.isEmpty ? nil : key, virtualHostBucket: nil)
    }

    /// The host without its port, lower case (`[::1]:9000` gives `[::1]`).
    static func hostName(_ authority: String) -> String {
        let lower = authority.lowercased()
        if lower.hasPrefix("[") {
            if let end = lower.firstIndex(of: "]") { return String(lower[...end]) }
            return lower
        }
        if let colon = lower.lastIndex(of: ":") { return String(lower[..<colon]) }
        return lower
    }

    /// Percent-decodes `text`; nil-free: a `%` not followed by two hex digits, or bytes that
    /// are not UTF-8, are an `InvalidArgument` (a lossy decode would check one key and use another).
    static func decode(_ text: Substring) throws(OBSError) -> String {
        guard let decoded = strictDecode(text) else {
            throw .invalidArgument("The request path or a query value is not valid percent-encoded UTF-8.")
        }
        return decoded
    }

    static func strictDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The raw query split into decoded pairs, in the order sent (`a&b=` gives `a`, `b` with
    /// empty values; `+` stays `+`, as S3 reads it in signatures).
    static func query(_ raw: String?) throws(OBSError) -> [(name: String, value: String)] {
        guard let raw, !raw.isEmpty else { return [] }
        var pairs: [(name: String, value: String)] = []
        for item in raw.split(separator: "&", omittingEmptySubsequences: true) {
            if let equals = item.firstIndex(of: "=") {
                pairs.append((try decode(item[..<equals]), try decode(item[item.index(after: equals)...])))
            } else {
                pairs.append((try decode(item), ""))
            }
        }
        return pairs
    }

    /// RFC 3986 encoding as SigV4 and `encoding-type=url` use it: every byte but `A-Z a-z 0-9
    /// - _ . ~` (and `/` when `keepSlash`) becomes `%XX` in upper-case hex.
    static func uriEncode(_ text: String, keepSlash: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out += "/"
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
