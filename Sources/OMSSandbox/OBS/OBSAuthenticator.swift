import Crypto
import Foundation
import OMSModels

/// Who sent an object-API request: a SigV4 or OBS/V2 signature, checked against the keys the
/// sandbox accepts for the bucket named (the API's own pair, which reaches every bucket, and
/// the plain pairs of the bucket's `.keys` list, which reach that bucket). Everything is
/// decided from the request line and headers, before any body is read; a SigV4 payload hash
/// is compared with the body afterwards (`checkPayload`).
struct OBSAuthenticator: Sendable {
    let accessKey: String
    let secretKey: String
    let buckets: LocalBuckets

    struct Incoming: Sendable {
        var method: String
        var rawPath: String
        var query: [(name: String, value: String)]
        /// Every header as received, with `host` added from the request's authority.
        var headers: [(String, String)]
        var address: OBSAddress

        func header(_ name: String) -> String? { SignedRequestChecks.header(name, in: headers) }
    }

    /// A pair whose signature matched.
    enum Identity: Sendable, Equatable {
        /// The sandbox API's own keys: every bucket.
        case api
        /// A pair of a bucket's `.keys` list: the buckets that list it.
        case bucketKey(ak: String, sk: String)
    }

    struct Verified: Sendable {
        var identity: Identity
        /// The SHA-256 (hex) the body must have, when the client signed one.
        var payloadHash: String?
    }

    func authenticate(_ request: Incoming, region: String?, now: Date = Date()) throws(OBSError) -> Verified {
        if request.query.contains(where: { ["x-amz-signature", "signature", "x-amz-credential"].contains($0.name.lowercased()) }) {
            throw .accessDenied("Pre-signed URLs are not supported by the sandbox: sign the request's Authorization header.")
        }
        guard let header = request.header("authorization") else {
            throw .accessDenied("Anonymous access is refused: sign the request (AWS Signature V4 or OBS's signature).")
        }
        if let authorization = OBSSignatureV4.parse(header) { return try verifyV4(authorization, request, region: region, now: now) }
        if let authorization = OBSSignatureV2.parse(header) { return try verifyV2(authorization, request, region: region, now: now) }
        throw .authorizationMalformed("The Authorization header is neither AWS4-HMAC-SHA256, OBS nor AWS (V2).")
    }

    private func verifyV4(_ authorization: OBSSignatureV4.Authorization, _ request: Incoming, region: String?, now: Date) throws(OBSError)
        -> Verified
    {
        guard authorization.service == "s3" else { throw .authorizationMalformed("The credential scope's service must be s3.") }
        guard authorization.signedHeaders.contains("host") else { throw .authorizationMalformed("SignedHeaders must include host.") }
        let dateText = request.header("x-amz-date") ?? ""
        guard let date = OBSXML.parseAmzDate(dateText) ?? request.header("date").flatMap(OBSXML.parseHTTPDate) else {
            throw .accessDenied("The request has no valid X-Amz-Date (or Date) header.")
        }
        guard SignedRequestChecks.isFresh(date, now: now) else { throw .requestTimeTooSkewed }
        let amzDate = dateText.isEmpty ? OBSXML.amzDate(date) : dateText
        guard amzDate.hasPrefix(authorization.date) else {
            throw .authorizationMalformed("The credential scope's date is not the request's date.")
        }
        let declared = request.header("x-amz-content-sha256")
        if let declared, declared.hasPrefix("STREAMING-") {
            throw .notImplemented("Chunked (aws-chunked) uploads are not supported by the sandbox: send the payload in one piece.")
        }
        // S3 requires the header; without it a client signed the hash of what it sent, which
        // is known before the body only when there is none (a PUT must declare it).
        guard declared != nil || request.method != "PUT" else {
            throw .invalidArgument("Missing required header for this request: x-amz-content-sha256.")
        }
        let payloadHash = declared ?? OBSSignatureV4.hex(SHA256.hash(data: Data()))
        if payloadHash != OBSSignatureV4.unsignedPayload, !Self.isHexDigest(payloadHash) {
            throw .invalidArgument("x-amz-content-sha256 must be a hex SHA-256 or UNSIGNED-PAYLOAD.")
        }
        let canonical = OBSSignatureV4.canonicalRequest(
            method: request.method, rawPath: request.rawPath, query: request.query, headers: request.headers,
            signedHeaders: authorization.signedHeaders, payloadHash: payloadHash)
        let toSign = OBSSignatureV4.stringToSign(amzDate: amzDate, scope: authorization.scope, canonicalRequest: canonical)
        for (identity, secret) in try candidates(authorization.accessKey, request.address, region: region) {
            let expected = OBSSignatureV4.signature(secretKey: secret, authorization: authorization, stringToSign: toSign)
            if Authenticator.constantTimeEqual(expected, authorization.signature) {
                return Verified(identity: identity, payloadHash: payloadHash == OBSSignatureV4.unsignedPayload ? nil : payloadHash.lowercased())
            }
        }
        throw .signatureDoesNotMatch
    }

    private func verifyV2(_ authorization: OBSSignatureV2.Authorization, _ request: Incoming, region: String?, now: Date) throws(OBSError)
        -> Verified
    {
        let prefix = authorization.scheme.headerPrefix
        guard let dateText = request.header(prefix + "date") ?? request.header("date"),
            let date = OBSXML.parseHTTPDate(dateText) ?? OBSXML.parseAmzDate(dateText)
        else { throw .accessDenied("The request has no valid Date (or \(prefix)date) header.") }
        guard SignedRequestChecks.isFresh(date, now: now) else { throw .requestTimeTooSkewed }
        for (identity, secret) in try candidates(authorization.accessKey, request.address, region: region) {
            for resource in Self.resources(request) {
                let toSign = OBSSignatureV2.stringToSign(
                    scheme: authorization.scheme, method: request.method, headers: request.headers, resource: resource, query: request.query)
                if Authenticator.constantTimeEqual(OBSSignatureV2.signature(secretKey: secret, stringToSign: toSign), authorization.signature) {
                    return Verified(identity: identity, payloadHash: nil)
                }
            }
        }
        throw .signatureDoesNotMatch
    }

    /// The resource a V2 signature covers: the path as sent, after `/<bucket>` for
    /// virtual-host requests; for a bucket alone clients differ on the trailing `/`, so both
    /// spellings are tried.
    static func resources(_ request: Incoming) -> [String] {
        let resource = request.address.virtualHostBucket.map { "/" + $0 + request.rawPath } ?? request.rawPath
        guard request.address.bucket != nil, request.address.key == nil else { return [resource] }
        return resource.hasSuffix("/") ? [resource, String(resource.dropLast())] : [resource, resource + "/"]
    }

    /// The secret keys that may have signed for `accessKey` on this request's bucket (every
    /// bucket's list for ListBuckets).
    private func candidates(_ ak: String, _ address: OBSAddress, region: String?) throws(OBSError) -> [(Identity, String)] {
        var found: [(Identity, String)] = []
        if Authenticator.constantTimeEqual(ak, accessKey) { found.append((.api, secretKey)) }
        let lists: [[(ak: String, sk: String)]]
        if let bucket = address.bucket {
            lists = region.flatMap { buckets.plainKeyPairs(cloud: .huaweiCloud, region: $0, bucket: bucket) }.map { [$0] } ?? []
        } else {
            lists = buckets.regionNames(cloud: .huaweiCloud).flatMap { region in
                buckets.bucketNames(cloud: .huaweiCloud).compactMap { buckets.plainKeyPairs(cloud: .huaweiCloud, region: region, bucket: $0) }
            }
        }
        for pair in lists.joined() where Authenticator.constantTimeEqual(pair.ak, ak) {
            if !found.contains(where: { $0.1 == pair.sk }) { found.append((.bucketKey(ak: pair.ak, sk: pair.sk), pair.sk)) }
        }
        guard !found.isEmpty else { throw .invalidAccessKeyId }
        return found
    }

    /// The body against the payload hash the client signed (SigV4) and its `Content-MD5`.
    static func checkPayload(_ body: Data, verified: Verified, contentMD5: String?) throws(OBSError) {
        if let hash = verified.payloadHash, OBSSignatureV4.hex(SHA256.hash(data: body)) != hash { throw .contentSHA256Mismatch }
        if let contentMD5, Data(Insecure.MD5.hash(data: body)).base64EncodedString() != contentMD5 { throw .badDigest }
    }

    static func isHexDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
    }
}
