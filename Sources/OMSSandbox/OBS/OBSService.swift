import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OMSModels

/// The object operations over the sandbox's `HuaweiCloud` bucket folders. Every name and key
/// reaches the disk only through `LocalBuckets`, which checks `StorageNames` and resolves
/// each folder inside the bucket; the checks here refuse bad names first with S3's codes.
struct OBSService: Sendable {
    let buckets: LocalBuckets
    static let cloud = CloudType.huaweiCloud
    /// Largest object one PUT may store (read into memory, as the sandbox's files are).
    static let maximumObjectBytes = 64 << 20

    /// The region folder holding `bucket`, or nil when there is none (a bad name included).
    func region(of bucket: String) -> String? {
        guard StorageNames.bucketProblem(bucket) == nil else { return nil }
        return buckets.region(cloud: Self.cloud, bucket: bucket)
    }

    /// The bucket's region, once the name is valid, the bucket exists and `identity` may use it.
    func authorize(_ identity: OBSAuthenticator.Identity, bucket: String, region: String?) throws(OBSError) -> String {
        guard StorageNames.bucketProblem(bucket) == nil else { throw .invalidBucketName(bucket) }
        guard let region else { throw .noSuchBucket(bucket) }
        if case .bucketKey(let ak, let sk) = identity {
            let pairs = buckets.plainKeyPairs(cloud: Self.cloud, region: region, bucket: bucket) ?? []
            let listed = pairs.contains { Authenticator.constantTimeEqual($0.ak, ak) && Authenticator.constantTimeEqual($0.sk, sk) }
            guard listed else {
                throw .accessDenied("These keys are not in the bucket's .keys list.")
            }
        }
        return region
    }

    func checkKey(_ key: String, bucket: String) throws(OBSError) {
        if let problem = StorageNames.keyProblem(key) {
            throw OBSError(code: "InvalidArgument", status: .badRequest, message: "The object key \(problem).", bucket: bucket)
        }
        if StorageNames.namesFolder(key) {
            throw OBSError(
                code: "InvalidArgument", status: .badRequest,
                message: "The sandbox stores objects as files: a key ending in / (a folder marker) cannot be stored.", bucket: bucket)
        }
    }

    // MARK: Buckets

    func listBuckets(_ identity: OBSAuthenticator.Identity) -> String {
        let names = buckets.bucketNames(cloud: Self.cloud).filter { name in
            guard let region = region(of: name) else { return false }
            return (try? authorize(identity, bucket: name, region: region)) != nil
        }
        var xml = OBSXML.declaration + "<ListAllMyBucketsResult xmlns=\"\(OBSXML.namespace)\">"
        xml += "<Owner><ID>oms-plan-sandbox</ID><DisplayName>oms-plan-sandbox</DisplayName></Owner><Buckets>"
        for name in names {
            xml += "<Bucket>" + OBSXML.element("Name", name) + "<CreationDate>\(OBSXML.isoDate(Date(timeIntervalSince1970: 0)))</CreationDate></Bucket>"
        }
        return xml + "</Buckets></ListAllMyBucketsResult>"
    }

    func location(region: String) -> String {
        OBSXML.declaration + "<LocationConstraint xmlns=\"\(OBSXML.namespace)\">\(OBSXML.escape(region))</LocationConstraint>"
    }

    // MARK: Listing

    func listObjects(bucket: String, region: String, query parameters: [String: String]) throws(OBSError) -> String {
        let v2 = parameters["list-type"] == "2"
        if let type = parameters["list-type"], type != "2" { throw .invalidArgument("list-type must be 2 (or absent for version 1).") }
        var query = OBSListing.Query()
        query.prefix = parameters["prefix"] ?? ""
        query.delimiter = parameters["delimiter"] ?? ""
        if let text = parameters["max-keys"] {
            guard let value = Int(text), value >= 0 else { throw .invalidArgument("max-keys must be a whole number from 0.") }
            query.maxKeys = min(value, OBSListing.maximumKeys)
        }
        let encodeURL: Bool
        switch parameters["encoding-type"] {
        case nil: encodeURL = false
        case "url": encodeURL = true
        default: throw .invalidArgument("encoding-type must be url.")
        }
        if v2 {
            if let token = parameters["continuation-token"] {
                guard let marker = OBSListing.marker(fromToken: token) else { throw .invalidArgument("The continuation token is not valid.") }
                query.after = marker
            } else {
                query.after = parameters["start-after"] ?? ""
            }
        } else {
            query.after = parameters["marker"] ?? ""
        }
        // A prefix that no key can have (`../`, a control character) lists nothing.
        let objects = StorageNames.keyProblem(query.prefix, allowEmpty: true) == nil
            ? buckets.list(cloud: Self.cloud, region: region, bucket: bucket, prefix: query.prefix) : []
        let entries = objects.filter { StorageNames.keyProblem($0.key) == nil }.map {
            OBSListing.Entry(key: $0.key, size: $0.size, modified: $0.modified)
        }
        let page = OBSListing.page(entries, query)
        func text(_ value: String) -> String { encodeURL ? OBSAddress.uriEncode(value, keepSlash: true) : value }

        var xml = OBSXML.declaration + "<ListBucketResult xmlns=\"\(OBSXML.namespace)\">"
        xml += OBSXML.element("Name", bucket) + OBSXML.element("Prefix", text(query.prefix))
        if v2 {
            if let token = parameters["continuation-token"] { xml += OBSXML.element("ContinuationToken", token) }
            if let start = parameters["start-after"] { xml += OBSXML.element("StartAfter", text(start)) }
            xml += "<KeyCount>\(page.count)</KeyCount>"
        } else {
            xml += OBSXML.element("Marker", text(query.after))
        }
        xml += "<MaxKeys>\(query.maxKeys)</MaxKeys>"
        if !query.delimiter.isEmpty { xml += OBSXML.element("Delimiter", text(query.delimiter)) }
        if encodeURL { xml += "<EncodingType>url</EncodingType>" }
        xml += "<IsTruncated>\(page.isTruncated)</IsTruncated>"
        if let next = page.next {
            xml += v2 ? OBSXML.element("NextContinuationToken", OBSListing.token(for: next)) : OBSXML.element("NextMarker", text(next))
        }
        for entry in page.contents {
            xml += "<Contents>" + OBSXML.element("Key", text(entry.key))
            xml += "<LastModified>\(OBSXML.isoDate(entry.modified))</LastModified>"
            xml += "<ETag>&quot;\(etag(bucket: bucket, region: region, key: entry.key))&quot;</ETag>"
            xml += "<Size>\(entry.size)</Size><StorageClass>STANDARD</StorageClass>"
            if !v2 || parameters["fetch-owner"] == "true" { xml += "<Owner><ID>oms-plan-sandbox</ID></Owner>" }
            xml += "</Contents>"
        }
        for common in page.commonPrefixes { xml += "<CommonPrefixes>" + OBSXML.element("Prefix", text(common)) + "</CommonPrefixes>" }
        return xml + "</ListBucketResult>"
    }

    // MARK: Objects

    /// MD5 of the content, as S3 gives single-part objects (empty when it cannot be read).
    func etag(bucket: String, region: String, key: String) -> String {
        guard let data = try? buckets.read(cloud: Self.cloud, region: region, bucket: bucket, key: key) else { return "" }
        return OBSSignatureV4.hex(Insecure.MD5.hash(data: data))
    }

    struct Found: Sendable {
        var data: Data
        var modified: Date
    }

    func read(bucket: String, region: String, key: String) throws(OBSError) -> Found {
        try checkKey(key, bucket: bucket)
        guard let object = buckets.object(cloud: Self.cloud, region: region, bucket: bucket, key: key),
            let data = try? buckets.read(cloud: Self.cloud, region: region, bucket: bucket, key: key)
        else { throw .noSuchKey(key, bucket: bucket) }
        return Found(data: data, modified: object.modified)
    }

    func write(bucket: String, region: String, key: String, data: Data) throws(OBSError) -> String {
        try checkKey(key, bucket: bucket)
        do {
            try buckets.write(cloud: Self.cloud, region: region, bucket: bucket, key: key, data: data, time: nil)
        } catch {
            throw Self.refusal(error, bucket: bucket, key: key)
        }
        return OBSSignatureV4.hex(Insecure.MD5.hash(data: data))
    }

    func delete(bucket: String, region: String, key: String) throws(OBSError) {
        try checkKey(key, bucket: bucket)
        do {
            try buckets.delete(cloud: Self.cloud, region: region, bucket: bucket, key: key)
        } catch {
            throw Self.refusal(error, bucket: bucket, key: key)
        }
    }

    static func refusal(_ failure: LocalBuckets.Failure, bucket: String, key: String) -> OBSError {
        switch failure {
        case .noSuchBucket: .noSuchBucket(bucket)
        case .accessDenied: .accessDenied("These keys may not use this bucket.")
        case .noSuchObject: .noSuchKey(key, bucket: bucket)
        case .invalidLocation(let why):
            OBSError(code: "InvalidArgument", status: .badRequest, message: "The object cannot be stored: \(why).", bucket: bucket, key: nil)
        }
    }

    /// `Range: bytes=a-b`, `bytes=a-`, `bytes=-n` over `size` bytes: the closed range to send,
    /// nil to send everything (no header, or one S3 ignores), or `InvalidRange`.
    static func range(_ header: String?, size: Int) throws(OBSError) -> ClosedRange<Int>? {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            guard let suffix = Int(last), suffix >= 0 else { return nil }
            guard suffix > 0, size > 0 else { throw .invalidRange }
            return max(0, size - suffix)...(size - 1)
        }
        guard let start = Int(first), start >= 0 else { return nil }
        let end: Int
        if last.isEmpty {
            end = size - 1
        } else {
            guard let value = Int(last), value >= start else { return nil }
            end = min(value, size - 1)
        }
        guard start < size else { throw .invalidRange }
        return start...end
    }

    static func contentType(for key: String) -> String {
        let name = StorageNames.objectName(of: key).lowercased()
        if name.hasSuffix(".txt") { return "text/plain" }
        if name.hasSuffix(".csv") { return "text/csv" }
        if name.hasSuffix(".json") { return "application/json" }
        return "application/octet-stream"
    }
}
