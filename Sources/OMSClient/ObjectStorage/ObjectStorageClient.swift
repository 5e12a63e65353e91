import Foundation

/// Where OBS is and how buckets are addressed.
public struct ObjectStorageEndpoint: Sendable, Hashable, CustomStringConvertible {
    public enum Addressing: String, Sendable, Hashable {
        /// `https://<bucket>.obs.<region>.myhuaweicloud.com/<key>`: what OBS's public endpoints expect.
        case virtualHost
        /// `http://127.0.0.1:9000/<bucket>/<key>`: any endpoint given by address (the sandbox).
        case path
    }

    /// `scheme://host[:port]`, no path.
    public var baseURL: String
    public var addressing: Addressing

    public init(baseURL: String, addressing: Addressing) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.addressing = addressing
    }

    /// The public OBS endpoint of a Huawei Cloud region.
    public static func huaweiCloud(region: String) -> ObjectStorageEndpoint {
        ObjectStorageEndpoint(baseURL: "https://obs.\(region).myhuaweicloud.com", addressing: .virtualHost)
    }

    /// An endpoint a person gave (`OMS_OBS_ENDPOINT`): path-style, since it may be an address.
    /// nil unless it is an `http(s)://host[:port]` URL without a path, query or user.
    public static func given(_ text: String) -> ObjectStorageEndpoint? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = components.host, !host.isEmpty, components.user == nil, components.password == nil, components.query == nil,
            components.path.isEmpty || components.path == "/"
        else { return nil }
        return ObjectStorageEndpoint(baseURL: text, addressing: .path)
    }

    public var description: String { baseURL }
}

/// One page of ListObjectsV2.
public struct ObjectListingPage: Sendable, Hashable {
    public var keys: [String]
    /// Set when the listing goes on.
    public var nextContinuationToken: String?
}

/// A small OBS object client: ListObjectsV2 (one request per page) and GetObject, signed with
/// AWS Signature V4 by the keys given. It reads only; it retries nothing (a status read that
/// fails says so and the next read tries again).
public struct ObjectStorageClient: Sendable {
    public let endpoint: ObjectStorageEndpoint
    public let signer: ObjectStorageSigner
    public var requestTimeout: Duration
    /// The largest object `getObject` reads (a failed list of 100,000 lines is ~20 MB).
    public var maximumObjectBytes: Int
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date

    public init(
        endpoint: ObjectStorageEndpoint, signer: ObjectStorageSigner, requestTimeout: Duration = .seconds(30),
        maximumObjectBytes: Int = 32 * 1024 * 1024, transport: (any HTTPTransport)? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.endpoint = endpoint
        self.signer = signer
        self.requestTimeout = requestTimeout
        self.maximumObjectBytes = maximumObjectBytes
        self.transport = transport ?? AsyncHTTPClientTransport()
        self.now = now
    }

    /// One page of the keys under `prefix` (at most `maxKeys`, 1...1000).
    public func listObjects(
        bucket: String, prefix: String, continuationToken: String? = nil, maxKeys: Int = 1000
    ) async throws(ObjectStorageError) -> ObjectListingPage {
        var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(min(1000, max(1, maxKeys))))]
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        let what = "listing \(bucket)/\(prefix)"
        let answer = try await send(bucket: bucket, key: nil, query: query, what: what)
        guard let page = ListBucketResultXML.parse(answer.body) else {
            throw .malformed(what: what, detail: "not a ListBucketResult document")
        }
        return page
    }

    /// Every key under `prefix`, page after page, at most `limit` of them.
    public func listAllKeys(bucket: String, prefix: String, limit: Int = 10_000) async throws(ObjectStorageError) -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            let page = try await listObjects(bucket: bucket, prefix: prefix, continuationToken: token)
            keys += page.keys
            token = page.nextContinuationToken
        } while token != nil && keys.count < limit
        return Array(keys.prefix(limit))
    }

    /// The object's bytes.
    public func getObject(bucket: String, key: String) async throws(ObjectStorageError) -> Data {
        let answer = try await send(bucket: bucket, key: key, query: [], what: "reading \(bucket)/\(key)")
        return answer.body
    }

    private func send(
        bucket: String, key: String?, query: [(name: String, value: String)], what: String
    ) async throws(ObjectStorageError) -> HTTPResponseData {
        let (url, host, path) = address(bucket: bucket, key: key, query: query)
        let headers = signer.headers(method: "GET", host: host, path: path, query: query, date: now())
        // The transport writes the Host header from the URL, as signed (port only when not the scheme's).
        let request = HTTPRequestData(method: "GET", url: url, headers: headers, body: nil)
        let answer: HTTPResponseData
        do {
            answer = try await transport.send(request, timeout: requestTimeout)
        } catch {
            switch error {
            case .timedOut: throw .unreachable(endpoint: endpoint.baseURL, detail: "no answer within \(requestTimeout)")
            case .notSent(let detail), .answerLost(let detail): throw .unreachable(endpoint: endpoint.baseURL, detail: detail)
            }
        }
        if (200..<300).contains(answer.status) {
            guard answer.body.count <= maximumObjectBytes else {
                throw .malformed(what: what, detail: "more than \(maximumObjectBytes) bytes")
            }
            return answer
        }
        let code = ListBucketResultXML.errorCode(answer.body)
        switch (answer.status, code) {
        case (404, "NoSuchBucket"): throw .noSuchBucket(bucket: bucket, endpoint: endpoint.baseURL)
        case (404, "NoSuchKey"): throw .noSuchKey(bucket: bucket, key: key ?? "")
        case (404, nil) where key != nil: throw .noSuchKey(bucket: bucket, key: key ?? "")
        case (403, "RequestTimeTooSkewed"): throw .clockSkew(endpoint: endpoint.baseURL)
        case (403, let code), (401, let code): throw .refused(bucket: bucket, code: code ?? "AccessDenied", accessKey: signer.accessKey)
        default: throw .unexpected(status: answer.status, code: code, what: what)
        }
    }

    /// The URL, the Host header and the encoded path that is signed.
    func address(bucket: String, key: String?, query: [(name: String, value: String)]) -> (url: String, host: String, path: String) {
        let components = URLComponents(string: endpoint.baseURL)
        let scheme = components?.scheme ?? "https"
        var host = components?.host ?? ""
        if let port = components?.port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) { host += ":\(port)" }
        let encodedKey = key.map { ObjectStorageSigner.uriEncode($0, keepSlash: true) }
        let path: String
        switch endpoint.addressing {
        // A bucket name with a dot is no single DNS label under the endpoint's certificate:
        // such a bucket is addressed path-style, which OBS also serves.
        case .virtualHost where !bucket.contains("."):
            host = bucket + "." + host
            path = "/" + (encodedKey ?? "")
        case .virtualHost, .path:
            path = "/" + ObjectStorageSigner.uriEncode(bucket) + (encodedKey.map { "/" + $0 } ?? "")
        }
        let queryText = query.map { ObjectStorageSigner.uriEncode($0.name) + "=" + ObjectStorageSigner.uriEncode($0.value) }.joined(separator: "&")
        return ("\(scheme)://\(host)\(path)" + (queryText.isEmpty ? "" : "?" + queryText), host, path)
    }
}
