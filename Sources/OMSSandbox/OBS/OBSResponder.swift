import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The OBS object API's HTTP side: addresses the request (path-style or virtual-host style),
/// authenticates it from its headers, and only then reads a body (PUT) and acts. Every answer
/// carries a request id; refusals are S3 XML (none for HEAD, which has no body). Nothing of a
/// request is logged, and no refusal quotes a key pair, a signature or a string to sign.
struct OBSResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let service: OBSService
    let authenticator: OBSAuthenticator
    /// Host names that are the sandbox itself: `<bucket>.<name>` is virtual-host style.
    let serviceHosts: [String]

    func respond(to request: Request, context: Context) async throws -> Response {
        let requestId = Self.requestId()
        let isHead = request.method == .head
        do {
            return tagged(try await answer(request), requestId)
        } catch let error as OBSError {
            return tagged(Self.refusal(error, requestId: requestId, head: isHead), requestId)
        } catch {
            let failure = OBSError(code: "InternalError", status: .internalServerError, message: "The sandbox could not answer: try again.")
            return tagged(Self.refusal(failure, requestId: requestId, head: isHead), requestId)
        }
    }

    private func answer(_ request: Request) async throws -> Response {
        let rawPath = request.uri.path
        let address = try OBSAddress.parse(host: request.head.authority, rawPath: rawPath, serviceHosts: serviceHosts)
        let query = try OBSAddress.query(request.uri.query)
        let parameters = Dictionary(query.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let method = request.method
        // esdk-obs-python asks, unsigned, which signature a server speaks before its first call.
        if method == .head, parameters["apiversion"] != nil {
            var headers = HTTPFields()
            headers[HTTPField.Name("x-obs-api")!] = "3.0"
            return Response(status: .ok, headers: headers)
        }
        let headers = request.headers.map { ($0.name.canonicalName, $0.value) } + [("host", request.head.authority ?? "")]
        let incoming = OBSAuthenticator.Incoming(method: method.rawValue, rawPath: rawPath, query: query, headers: headers, address: address)
        let region = address.bucket.flatMap { service.region(of: $0) }
        let verified = try authenticator.authenticate(incoming, region: region)

        guard let bucket = address.bucket else {
            guard method == .get else { throw OBSError.methodNotAllowed("Only GET (ListBuckets) is served at /.") }
            return Self.xml(service.listBuckets(verified.identity))
        }
        let bucketRegion = try service.authorize(verified.identity, bucket: bucket, region: region)
        guard let key = address.key else {
            switch method {
            case .get where parameters["location"] != nil: return Self.xml(service.location(region: bucketRegion))
            case .get where Self.unsupported(parameters) == nil:
                return Self.xml(try service.listObjects(bucket: bucket, region: bucketRegion, query: parameters))
            case .head: return Response(status: .ok)
            case .get: throw OBSError.notImplemented("The sandbox does not serve ?\(Self.unsupported(parameters) ?? "") on buckets.")
            default: throw OBSError.notImplemented("The sandbox serves buckets that exist as folders; it does not create, change or delete them.")
            }
        }
        if let name = Self.unsupported(parameters) { throw OBSError.notImplemented("The sandbox does not serve ?\(name) on objects.") }
        switch method {
        case .get, .head:
            return try object(bucket: bucket, region: bucketRegion, key: key, request: request, head: method == .head)
        case .put:
            if request.headers[HTTPField.Name("x-amz-copy-source")!] != nil || request.headers[HTTPField.Name("x-obs-copy-source")!] != nil {
                throw OBSError.notImplemented("CopyObject is not served by the sandbox: GET the object and PUT it.")
            }
            try service.checkKey(key, bucket: bucket)
            guard let body = await HTTP.body(request, limit: OBSService.maximumObjectBytes) else {
                throw OBSError.entityTooLarge(OBSService.maximumObjectBytes)
            }
            try OBSAuthenticator.checkPayload(body, verified: verified, contentMD5: request.headers[HTTPField.Name("Content-MD5")!])
            let etag = try service.write(bucket: bucket, region: bucketRegion, key: key, data: body)
            var fields = HTTPFields()
            fields[.eTag] = "\"\(etag)\""
            return Response(status: .ok, headers: fields)
        case .delete:
            try service.delete(bucket: bucket, region: bucketRegion, key: key)
            return Response(status: .noContent)
        default:
            throw OBSError.methodNotAllowed("Objects are served with GET, HEAD, PUT and DELETE.")
        }
    }

    private func object(bucket: String, region: String, key: String, request: Request, head: Bool) throws -> Response {
        let found = try service.read(bucket: bucket, region: region, key: key)
        var fields = HTTPFields()
        fields[.eTag] = "\"\(OBSSignatureV4.hex(Insecure.MD5.hash(data: found.data)))\""
        fields[.lastModified] = OBSXML.httpDate(found.modified)
        fields[.contentType] = OBSService.contentType(for: key)
        fields[.acceptRanges] = "bytes"
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        var status = HTTPResponse.Status.ok
        var data = found.data
        if !head, let range = try OBSService.range(request.headers[.range], size: data.count) {
            status = .partialContent
            fields[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(data.count)"
            data = data.subdata(in: range.lowerBound..<(range.upperBound + 1))
        }
        fields[.contentLength] = String(data.count)
        if head { return Response(status: status, headers: fields, body: ResponseBody()) }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A query parameter that asks for an operation the sandbox does not serve.
    static func unsupported(_ parameters: [String: String]) -> String? {
        parameters.keys.sorted().first { OBSSignatureV2.subresources.contains($0.lowercased()) && !$0.lowercased().hasPrefix("response-") }
    }

    static func xml(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/xml"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func refusal(_ error: OBSError, requestId: String, head: Bool) -> Response {
        if head {
            var fields = HTTPFields()
            fields[HTTPField.Name("x-amz-error-code")!] = error.code
            fields[HTTPField.Name("x-obs-error-code")!] = error.code
            return Response(status: error.status, headers: fields)
        }
        return xml(error.xml(requestId: requestId), status: error.status)
    }

    private func tagged(_ response: Response, _ requestId: String) -> Response {
        var response = response
        response.headers[HTTPField.Name("x-amz-request-id")!] = requestId
        response.headers[HTTPField.Name("x-obs-request-id")!] = requestId
        return response
    }

    static func requestId() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%016llX", generator.next() as UInt64)
    }
}
