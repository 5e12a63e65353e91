import Crypto
import Foundation
import OMSModels
import Testing

@testable import OMSSandbox

/// The object API's signature checks: AWS's published SigV4 and V2 examples, and the
/// refusals (wrong secret, unknown key, stale date, tampered request) through the authenticator.
@Suite("OBS signatures")
struct OBSSignatureTests {
    static let ak = "AKIAIOSFODNN7EXAMPLE"
    static let sk = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    /// AWS's "GET Object" example of Signature V4 for S3 (a range request on examplebucket).
    @Test func sigV4MatchesAWSsPublishedExample() throws {
        let header = "AWS4-HMAC-SHA256 Credential=\(Self.ak)/20130524/us-east-1/s3/aws4_request,"
            + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        let authorization = try #require(OBSSignatureV4.parse(header))
        let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        let headers = [
            ("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"), ("x-amz-content-sha256", emptyHash),
            ("x-amz-date", "20130524T000000Z"),
        ]
        let canonical = OBSSignatureV4.canonicalRequest(
            method: "GET", rawPath: "/test.txt", query: [], headers: headers, signedHeaders: authorization.signedHeaders, payloadHash: emptyHash)
        #expect(OBSSignatureV4.hex(SHA256.hash(data: Data(canonical.utf8))) == "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
        let toSign = OBSSignatureV4.stringToSign(amzDate: "20130524T000000Z", scope: authorization.scope, canonicalRequest: canonical)
        #expect(OBSSignatureV4.signature(secretKey: Self.sk, authorization: authorization, stringToSign: toSign) == authorization.signature)
        #expect(OBSSignatureV4.signature(secretKey: Self.sk + "x", authorization: authorization, stringToSign: toSign) != authorization.signature)
    }

    /// AWS's V2 example (`GET /photos/puppy.jpg` of johnsmith), the string OBS's signature
    /// also signs with `x-obs-` headers.
    @Test func v2MatchesAWSsPublishedExample() throws {
        let authorization = try #require(OBSSignatureV2.parse("AWS \(Self.ak):bWq2s1WEIj+Ydj0vQ697zp+IXMU="))
        #expect(authorization.scheme == .aws)
        let toSign = OBSSignatureV2.stringToSign(
            scheme: .aws, method: "GET", headers: [("Host", "johnsmith.s3.amazonaws.com"), ("Date", "Tue, 27 Mar 2007 19:36:42 +0000")],
            resource: "/johnsmith/photos/puppy.jpg", query: [])
        #expect(toSign == "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg")
        #expect(OBSSignatureV2.signature(secretKey: Self.sk, stringToSign: toSign) == authorization.signature)
    }

    /// With `x-obs-date`, OBS signs an empty Date line and the `x-obs-` headers in order.
    @Test func obsSchemeSignsItsOwnHeaders() {
        let toSign = OBSSignatureV2.stringToSign(
            scheme: .obs, method: "PUT",
            headers: [("Content-Type", "text/plain"), ("X-Obs-Meta-B", " 2 "), ("x-obs-date", "Mon, 07 Dec 2026 05:00:00 GMT"),
                ("Date", "ignored"), ("x-amz-meta-a", "not signed by OBS")],
            resource: "/b/k%20ey", query: [("acl", ""), ("prefix", "p")])
        #expect(toSign == "PUT\n\ntext/plain\n\nx-obs-date:Mon, 07 Dec 2026 05:00:00 GMT\nx-obs-meta-b:2\n/b/k%20ey?acl")
    }

    // MARK: The authenticator

    struct Fixture {
        let root: URL
        let authenticator: OBSAuthenticator
        let now = Date(timeIntervalSince1970: 1_800_000_000)

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("obs-auth-\(UUID().uuidString)")
            let bucket = root.appendingPathComponent("HuaweiCloud/cn-north-4/locked")
            try FileManager.default.createDirectory(at: bucket, withIntermediateDirectories: true)
            try Data("BUCKETAK:bucket-secret\n".utf8).write(to: bucket.appendingPathExtension("keys"))
            try FileManager.default.createDirectory(at: root.appendingPathComponent("HuaweiCloud/cn-north-4/open"), withIntermediateDirectories: true)
            let buckets = LocalBuckets(root: root, sealer: CredentialSealer(key: SymmetricKey(size: .bits256)))
            authenticator = OBSAuthenticator(accessKey: "APIAK", secretKey: "api-secret", buckets: buckets)
        }

        /// A SigV4-signed GET of `path` (path-style), as boto3 signs it.
        func signedGET(_ path: String, ak: String, sk: String, date: Date? = nil, query: [(name: String, value: String)] = []) throws
            -> OBSAuthenticator.Incoming
        {
            let amzDate = OBSXML.amzDate(date ?? now)
            let hash = OBSSignatureV4.hex(SHA256.hash(data: Data()))
            var headers = [("host", "127.0.0.1:9000"), ("x-amz-date", amzDate), ("x-amz-content-sha256", hash)]
            let scope = OBSSignatureV4.Authorization(
                accessKey: ak, date: String(amzDate.prefix(8)), region: "cn-north-4", service: "s3",
                signedHeaders: ["host", "x-amz-content-sha256", "x-amz-date"], signature: "")
            let canonical = OBSSignatureV4.canonicalRequest(
                method: "GET", rawPath: path, query: query, headers: headers, signedHeaders: scope.signedHeaders, payloadHash: hash)
            let signature = OBSSignatureV4.signature(
                secretKey: sk, authorization: scope,
                stringToSign: OBSSignatureV4.stringToSign(amzDate: amzDate, scope: scope.scope, canonicalRequest: canonical))
            headers.append((
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(ak)/\(scope.scope), SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=\(signature)"
            ))
            let address = try OBSAddress.parse(host: "127.0.0.1:9000", rawPath: path, serviceHosts: ["localhost"])
            return OBSAuthenticator.Incoming(method: "GET", rawPath: path, query: query, headers: headers, address: address)
        }
    }

    @Test func keysAreTheAPIsAndTheBucketsListedPairs() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        let api = try f.authenticator.authenticate(try f.signedGET("/locked/a.txt", ak: "APIAK", sk: "api-secret"), region: "cn-north-4", now: f.now)
        #expect(api.identity == .api)
        let listed = try f.authenticator.authenticate(
            try f.signedGET("/locked/a.txt", ak: "BUCKETAK", sk: "bucket-secret", query: [("prefix", "a b/")]), region: "cn-north-4",
            now: f.now)
        #expect(listed.identity == .bucketKey(ak: "BUCKETAK", sk: "bucket-secret"))
        // The bucket's pair is no key for a bucket that does not list it.
        #expect(throws: OBSError.invalidAccessKeyId) {
            try f.authenticator.authenticate(try f.signedGET("/open/a.txt", ak: "BUCKETAK", sk: "bucket-secret"), region: "cn-north-4", now: f.now)
        }
    }

    @Test func wrongSecretsUnknownKeysAndStaleDatesAreRefused() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        #expect(throws: OBSError.signatureDoesNotMatch) {
            try f.authenticator.authenticate(try f.signedGET("/locked/a.txt", ak: "APIAK", sk: "wrong"), region: "cn-north-4", now: f.now)
        }
        #expect(throws: OBSError.signatureDoesNotMatch) {
            try f.authenticator.authenticate(try f.signedGET("/locked/a.txt", ak: "BUCKETAK", sk: "wrong"), region: "cn-north-4", now: f.now)
        }
        #expect(throws: OBSError.invalidAccessKeyId) {
            try f.authenticator.authenticate(try f.signedGET("/locked/a.txt", ak: "NOBODY", sk: "x"), region: "cn-north-4", now: f.now)
        }
        #expect(throws: OBSError.requestTimeTooSkewed) {
            try f.authenticator.authenticate(
                try f.signedGET("/locked/a.txt", ak: "APIAK", sk: "api-secret", date: f.now.addingTimeInterval(-16 * 60)), region: "cn-north-4",
                now: f.now)
        }
        // A signed request whose path was changed afterwards.
        var tampered = try f.signedGET("/locked/a.txt", ak: "APIAK", sk: "api-secret")
        tampered.rawPath = "/locked/b.txt"
        #expect(throws: OBSError.signatureDoesNotMatch) { try f.authenticator.authenticate(tampered, region: "cn-north-4", now: f.now) }
        // No signature at all.
        var anonymous = try f.signedGET("/locked/a.txt", ak: "APIAK", sk: "api-secret")
        anonymous.headers.removeAll { $0.0 == "Authorization" }
        #expect(throws: OBSError.self) { try f.authenticator.authenticate(anonymous, region: "cn-north-4", now: f.now) }
    }

    /// S3 requires `x-amz-content-sha256` on a PUT: without it the signed payload hash cannot
    /// be known before the body is read.
    @Test func aSigV4PutMustDeclareItsPayloadHash() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        var put = try f.signedGET("/locked/a.txt", ak: "APIAK", sk: "api-secret")
        put.method = "PUT"
        put.headers.removeAll { $0.0 == "x-amz-content-sha256" }
        do {
            _ = try f.authenticator.authenticate(put, region: "cn-north-4", now: f.now)
            Issue.record("a PUT without x-amz-content-sha256 was accepted")
        } catch {
            #expect(error.code == "InvalidArgument" && error.status == .badRequest)
        }
    }

    /// A refusal's XML names the code and never the secret, the signature or the access key.
    @Test func refusalsCarryNoSecret() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        let request = try f.signedGET("/locked/a.txt", ak: "BUCKETAK", sk: "wrong-secret-value")
        do {
            _ = try f.authenticator.authenticate(request, region: "cn-north-4", now: f.now)
            Issue.record("a wrong secret was accepted")
        } catch {
            let xml = error.xml(requestId: "1")
            #expect(xml.contains("<Code>SignatureDoesNotMatch</Code>"))
            let signature = String(try #require(request.header("authorization")).suffix(64))
            for secret in ["wrong-secret-value", "bucket-secret", "api-secret", "BUCKETAK", signature] { #expect(!xml.contains(secret)) }
        }
    }
}
