import Foundation
import HTTPTypes

/// A refusal of the OBS object API, answered as S3 XML (`<Error><Code>…`) with S3's status.
/// Messages say what to do next and never carry a secret key, a signature or a string to
/// sign: a client that needs those has them already.
struct OBSError: Error, Sendable, Equatable {
    var code: String
    var status: HTTPResponse.Status
    var message: String
    /// The bucket or key the refusal is about (as the client named them; not secret).
    var bucket: String? = nil
    var key: String? = nil

    static func noSuchBucket(_ bucket: String) -> OBSError {
        OBSError(code: "NoSuchBucket", status: .notFound,
            message: "The bucket does not exist: make DATA/buckets/HuaweiCloud/<region>/\(bucket)/ (or seed it through /control/buckets).",
            bucket: bucket)
    }

    static func noSuchKey(_ key: String, bucket: String) -> OBSError {
        OBSError(code: "NoSuchKey", status: .notFound, message: "The specified key does not exist.", bucket: bucket, key: key)
    }

    static func accessDenied(_ message: String) -> OBSError {
        OBSError(code: "AccessDenied", status: .forbidden, message: message)
    }

    static let signatureDoesNotMatch = OBSError(
        code: "SignatureDoesNotMatch", status: .forbidden,
        message: "The request signature we calculated does not match the signature you provided. Check your secret key and signing method.")

    static let invalidAccessKeyId = OBSError(
        code: "InvalidAccessKeyId", status: .forbidden,
        message: "The access key you provided does not exist in the sandbox: use the API's keys or a pair from the bucket's .keys list.")

    static func invalidArgument(_ message: String) -> OBSError {
        OBSError(code: "InvalidArgument", status: .badRequest, message: message)
    }

    static func invalidBucketName(_ bucket: String) -> OBSError {
        OBSError(code: "InvalidBucketName", status: .badRequest, message: "The bucket name is not valid.", bucket: bucket)
    }

    static let requestTimeTooSkewed = OBSError(
        code: "RequestTimeTooSkewed", status: .forbidden,
        message: "The difference between the request time and the sandbox's time is more than 15 minutes: check the clock.")

    static func authorizationMalformed(_ message: String) -> OBSError {
        OBSError(code: "AuthorizationHeaderMalformed", status: .badRequest, message: message)
    }

    static let contentSHA256Mismatch = OBSError(
        code: "XAmzContentSHA256Mismatch", status: .badRequest,
        message: "The provided x-amz-content-sha256 header does not match what was computed.")

    static let badDigest = OBSError(code: "BadDigest", status: .badRequest, message: "The Content-MD5 you specified did not match what we received.")

    static func entityTooLarge(_ limit: Int) -> OBSError {
        OBSError(code: "EntityTooLarge", status: .badRequest, message: "The sandbox stores objects of at most \(limit) bytes in one PUT.")
    }

    static let invalidRange = OBSError(
        code: "InvalidRange", status: .rangeNotSatisfiable, message: "The requested range is not satisfiable.")

    static func notImplemented(_ message: String) -> OBSError {
        OBSError(code: "NotImplemented", status: .notImplemented, message: message)
    }

    static func methodNotAllowed(_ message: String) -> OBSError {
        OBSError(code: "MethodNotAllowed", status: .methodNotAllowed, message: message)
    }

    /// The XML body S3 clients parse (`Code`, `Message`, `RequestId` and the resource).
    func xml(requestId: String) -> String {
        var xml = OBSXML.declaration + "<Error><Code>\(code)</Code><Message>\(OBSXML.escape(message))</Message>"
        if let bucket { xml += "<BucketName>\(OBSXML.escape(bucket))</BucketName>" }
        if let key { xml += "<Key>\(OBSXML.escape(key))</Key>" }
        xml += "<RequestId>\(requestId)</RequestId><HostId>oms-plan-sandbox</HostId></Error>"
        return xml
    }
}
