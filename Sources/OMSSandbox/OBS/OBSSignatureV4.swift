import Crypto
import Foundation

/// AWS Signature Version 4 as S3 clients (boto3, the AWS CLI, rclone) sign requests:
/// `Authorization: AWS4-HMAC-SHA256 Credential=AK/yyyymmdd/region/s3/aws4_request,
/// SignedHeaders=a;b, Signature=hex`. The sandbox recomputes the signature from the request as
/// received (raw path, decoded and re-encoded query, the signed headers, the payload hash the
/// client declared in `x-amz-content-sha256`) and compares in constant time.
enum OBSSignatureV4 {
    static let algorithm = "AWS4-HMAC-SHA256"
    static let unsignedPayload = "UNSIGNED-PAYLOAD"

    struct Authorization: Sendable, Equatable {
        var accessKey: String
        /// `yyyymmdd` of the credential scope.
        var date: String
        var region: String
        var service: String
        var signedHeaders: [String]
        var signature: String

        var scope: String { "\(date)/\(region)/\(service)/aws4_request" }
    }

    /// Reads the header; nil when it is not a well-formed SigV4 authorization.
    static func parse(_ header: String) -> Authorization? {
        guard header.hasPrefix(algorithm + " ") else { return nil }
        var fields: [String: String] = [:]
        for part in header.dropFirst(algorithm.count + 1).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        guard let credential = fields["Credential"], let signed = fields["SignedHeaders"], let signature = fields["Signature"] else {
            return nil
        }
        // The access key may itself hold no `/`; the scope is the last four parts.
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[4] == "aws4_request", !parts[0].isEmpty, parts[1].utf8.count == 8 else { return nil }
        let headers = signed.split(separator: ";").map { $0.lowercased() }
        guard !headers.isEmpty, signature.utf8.count == 64 else { return nil }
        return Authorization(
            accessKey: parts[0], date: parts[1], region: parts[2], service: parts[3], signedHeaders: headers, signature: signature.lowercased())
    }

    /// The canonical request: method, raw path (S3 signs the path as sent, without
    /// normalising it), sorted and re-encoded query, signed headers, their names, payload hash.
    static func canonicalRequest(
        method: String, rawPath: String, query: [(name: String, value: String)], headers: [(String, String)],
        signedHeaders: [String], payloadHash: String
    ) -> String {
        let encodedQuery = query.map { (OBSAddress.uriEncode($0.name), OBSAddress.uriEncode($0.value)) }
            .sorted { a, b in
                a.0 == b.0 ? a.1.utf8.lexicographicallyPrecedes(b.1.utf8) : a.0.utf8.lexicographicallyPrecedes(b.0.utf8)
            }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let canonicalHeaders = signedHeaders.map { name in
            let values = headers.filter { $0.0.lowercased() == name }.map { canonicalValue($0.1) }
            return name + ":" + values.joined(separator: ",") + "\n"
        }.joined()
        return [method, rawPath, encodedQuery, canonicalHeaders, signedHeaders.joined(separator: ";"), payloadHash].joined(separator: "\n")
    }

    /// Trimmed, with runs of spaces folded into one.
    static func canonicalValue(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    static func stringToSign(amzDate: String, scope: String, canonicalRequest: String) -> String {
        [algorithm, amzDate, scope, hex(SHA256.hash(data: Data(canonicalRequest.utf8)))].joined(separator: "\n")
    }

    static func signature(secretKey: String, authorization: Authorization, stringToSign: String) -> String {
        var key = SymmetricKey(data: Data(("AWS4" + secretKey).utf8))
        for part in [authorization.date, authorization.region, authorization.service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
