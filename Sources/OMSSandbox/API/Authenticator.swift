import Foundation
import OMSClient

/// Checks who sent a request, as OMS's gateway does: an `SDK-HMAC-SHA256` signature over the
/// request as received (15 minutes of clock skew at most), or an IAM token this sandbox issued.
struct Authenticator: Sendable {
    let accessKey: String
    let secretKey: String
    let store: SandboxStore

    struct Incoming: Sendable {
        var method: String
        /// Path as received, still percent-encoded.
        var rawPath: String
        var rawQuery: String?
        var headers: [(String, String)]
        var body: Data

        func header(_ name: String) -> String? { SignedRequestChecks.header(name, in: headers) }
    }

    /// How a request claims to be authenticated, checked from its headers alone, before its
    /// body is read: an unknown access key, a stale date or an unknown token never gets to
    /// make the sandbox buffer a body.
    enum Claim: Sendable {
        /// A signature still to be checked against the body.
        case signature(accessKey: String, signedHeaders: [String], signature: String, date: String)
        /// A valid token, issued for this project.
        case token(project: String)
    }

    func claim(headers request: Incoming, now: Date = Date()) async throws(SandboxError) -> Claim {
        if let authorization = request.header("Authorization") {
            guard let parsed = Self.parseAuthorization(authorization), Self.constantTimeEqual(parsed.accessKey, accessKey),
                let dateText = request.header(RequestSigner.dateHeader), let date = RequestSigner.parseDate(dateText),
                SignedRequestChecks.isFresh(date, now: now),
                parsed.signedHeaders.contains("x-sdk-date"), parsed.signedHeaders.contains("host")
            else { throw .unauthorized }
            return .signature(accessKey: parsed.accessKey, signedHeaders: parsed.signedHeaders, signature: parsed.signature, date: dateText)
        }
        if let token = request.header("X-Auth-Token") {
            guard let project = try? await store.tokenProject(token, now: now) else { throw .unauthorized }
            return .token(project: project)
        }
        throw .unauthorized
    }

    /// Checks a claim once the body is known (signatures cover it).
    func verify(_ claim: Claim, _ request: Incoming) throws(SandboxError) {
        guard case .signature(_, let signedHeaders, let signature, let dateText) = claim else { return }
        let parts = RequestSigner.SignedParts(
            method: request.method, path: RequestSigner.percentDecode(request.rawPath),
            query: request.rawQuery.map { RequestSigner.parseQuery($0) } ?? [], headers: request.headers, body: request.body)
        let expected = RequestSigner.sign(parts, secretKey: secretKey, date: dateText, signedHeaders: signedHeaders)
        guard Self.constantTimeEqual(expected.signature, signature) else { throw .unauthorized }
    }

    /// `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`.
    static func parseAuthorization(_ value: String) -> (accessKey: String, signedHeaders: [String], signature: String)? {
        guard value.hasPrefix(RequestSigner.algorithm + " ") else { return nil }
        var fields: [String: String] = [:]
        for part in value.dropFirst(RequestSigner.algorithm.count + 1).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        guard let access = fields["Access"], let signed = fields["SignedHeaders"], let signature = fields["Signature"] else { return nil }
        return (access, signed.split(separator: ";").map { $0.lowercased() }, signature)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
