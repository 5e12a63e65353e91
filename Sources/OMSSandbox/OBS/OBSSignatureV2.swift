import Crypto
import Foundation

/// The header signature of OBS (`Authorization: OBS AK:base64(HMAC-SHA1)`, `x-obs-` headers)
/// and its S3 V2 twin (`AWS AK:…`, `x-amz-` headers), which esdk-obs-python sends when it
/// talks to an IP address. The string to sign is
/// `METHOD\nContent-MD5\nContent-Type\nDate\n` + the prefixed headers (`name:value\n`, sorted)
/// + the resource: `/<bucket>/<key>` as sent, with the sub-resources of the query.
enum OBSSignatureV2 {
    enum Scheme: String, Sendable {
        case obs = "OBS"
        case aws = "AWS"

        /// The headers this scheme signs, and whose date replaces `Date`.
        var headerPrefix: String { self == .obs ? "x-obs-" : "x-amz-" }
    }

    struct Authorization: Sendable, Equatable {
        var scheme: Scheme
        var accessKey: String
        var signature: String
    }

    static func parse(_ header: String) -> Authorization? {
        for scheme in [Scheme.obs, .aws] where header.hasPrefix(scheme.rawValue + " ") {
            let credential = header.dropFirst(scheme.rawValue.count + 1)
            guard let colon = credential.lastIndex(of: ":") else { return nil }
            let accessKey = String(credential[..<colon]).trimmingCharacters(in: .whitespaces)
            let signature = String(credential[credential.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            guard !accessKey.isEmpty, !signature.isEmpty else { return nil }
            return Authorization(scheme: scheme, accessKey: accessKey, signature: signature)
        }
        return nil
    }

    /// Query parameters that are part of the signed resource (S3's list, OBS's additions, and
    /// the response-header overrides), compared in lower case.
    static let subresources: Set<String> = [
        "acl", "append", "backtosource", "cors", "delete", "deletebucket", "encryption", "inventory", "length", "lifecycle",
        "location", "logging", "metadata", "modify", "name", "notification", "partnumber", "policy", "position", "quota",
        "readahead", "replication", "requestpayment", "restore", "storageclass", "storageinfo", "storagepolicy", "tagging",
        "torrent", "truncate", "uploadid", "uploads", "versionid", "versioning", "versions", "website",
        "response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language",
        "response-content-type", "response-expires", "x-image-process", "x-obs-security-token", "x-obs-accesslabel",
    ]

    /// `resource`: `/<bucket>/<key>` as the client wrote it (see `OBSAuthenticator`).
    static func stringToSign(
        scheme: Scheme, method: String, headers: [(String, String)], resource: String, query: [(name: String, value: String)]
    ) -> String {
        func header(_ name: String) -> String? { SignedRequestChecks.header(name, in: headers) }
        var prefixed: [String: [String]] = [:]
        for (name, value) in headers {
            let lower = name.lowercased()
            if lower.hasPrefix(scheme.headerPrefix) { prefixed[lower, default: []].append(value.trimmingCharacters(in: .whitespaces)) }
        }
        let hasOwnDate = prefixed[scheme.headerPrefix + "date"] != nil
        var text = method + "\n" + (header("content-md5") ?? "") + "\n" + (header("content-type") ?? "") + "\n"
        text += (hasOwnDate ? "" : header("date") ?? "") + "\n"
        for name in prefixed.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            text += name + ":" + prefixed[name, default: []].joined(separator: ",") + "\n"
        }
        text += resource
        let signed = query.filter { subresources.contains($0.name.lowercased()) || $0.name.lowercased().hasPrefix(scheme.headerPrefix) }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        if !signed.isEmpty {
            text += "?" + signed.map { $0.value.isEmpty ? $0.name : "\($0.name)=\($0.value)" }.joined(separator: "&")
        }
        return text
    }

    static func signature(secretKey: String, stringToSign: String) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(stringToSign.utf8), using: SymmetricKey(data: Data(secretKey.utf8)))
        return Data(mac).base64EncodedString()
    }
}
