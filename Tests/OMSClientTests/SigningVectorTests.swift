import Foundation
import Testing

@testable import OMSClient

/// Vectors produced by the official Python SDK (scripts/gen_signing_vectors.py): the Swift
/// signer must reproduce every canonical request, string to sign and Authorization exactly.
@Suite struct SigningVectorTests {
    struct Vector: Decodable, CustomTestStringConvertible {
        struct Expected: Decodable {
            var canonicalRequest: String
            var stringToSign: String
            var signedHeaders: String
            var authorization: String
            var headers: [String: String]
            var encodedPath: String
            var encodedQuery: String
        }
        var name: String
        var method: String
        var path: String
        var query: [[String]]
        var body: String
        var ak: String
        var sk: String
        var date: String
        var expected: Expected
        var testDescription: String { name }
    }

    struct File: Decodable { var vectors: [Vector] }

    static let vectors: [Vector] = {
        let data = try! Fixtures.data("signing-vectors.json")
        return try! JSONDecoder().decode(File.self, from: data).vectors
    }()

    @Test func thereAreEnoughVectors() {
        #expect(Self.vectors.count >= 40)
        #expect(Self.vectors.contains { $0.path.contains(" ") })
        #expect(Self.vectors.contains { $0.path.unicodeScalars.contains { !$0.isASCII } })
        #expect(Self.vectors.contains { v in Set(v.query.map { $0[0] }).count < v.query.count })
        #expect(Self.vectors.contains { v in v.query.contains { $0[1].isEmpty } })
        #expect(Self.vectors.contains { $0.body.isEmpty && $0.method == "POST" })
    }

    @Test(arguments: vectors)
    func signatureMatchesSDK(_ vector: Vector) {
        let headers = vector.expected.headers.filter { $0.key != "Authorization" }.map { ($0.key, $0.value) }
        let parts = RequestSigner.SignedParts(
            method: vector.method, path: vector.path, query: vector.query.map { ($0[0], $0[1]) }, headers: headers,
            body: Data(vector.body.utf8))
        let signature = RequestSigner.sign(parts, secretKey: vector.sk, date: vector.date)
        #expect(signature.canonicalRequest == vector.expected.canonicalRequest)
        #expect(signature.stringToSign == vector.expected.stringToSign)
        #expect(signature.signedHeaders.joined(separator: ";") == vector.expected.signedHeaders)
        #expect(signature.authorization(accessKey: vector.ak) == vector.expected.authorization)
    }

    @Test(arguments: vectors)
    func wireFormMatchesSDK(_ vector: Vector) {
        #expect(RequestSigner.encodePath(vector.path) == vector.expected.encodedPath)
        #expect(RequestSigner.canonicalQuery(vector.query.map { ($0[0], $0[1]) }) == vector.expected.encodedQuery)
        // What a server reads back from the wire must sign the same.
        let decodedQuery = RequestSigner.parseQuery(vector.expected.encodedQuery)
        #expect(RequestSigner.canonicalQuery(decodedQuery) == vector.expected.encodedQuery)
        #expect(
            RequestSigner.canonicalURI(decodedPath: RequestSigner.percentDecode(vector.expected.encodedPath))
                == RequestSigner.canonicalURI(decodedPath: vector.path))
    }

    @Test func datesRoundTrip() {
        let date = Date(timeIntervalSince1970: 1_704_164_645)
        #expect(RequestSigner.formatDate(date) == "20240102T030405Z")
        #expect(RequestSigner.parseDate("20240102T030405Z") == date)
        #expect(RequestSigner.parseDate("2024-01-02T03:04:05Z") == nil)
        #expect(RequestSigner.parseDate("20241302T030405Z") == nil)
    }
}
