import Foundation
import Hummingbird
import OMSModels

/// A refusal as OMS words it: HTTP status, `error_code`, `error_msg`. Routes throw it and
/// Hummingbird answers with it (`HTTPResponseError`); `SandboxMiddleware` gives that answer
/// its request id like any other.
struct SandboxError: Error, Sendable {
    var statusCode: Int
    var code: OMSErrorCode
    var message: String

    init(_ status: Int, _ code: OMSErrorCode, _ message: String) {
        self.statusCode = status
        self.code = code
        self.message = message
    }

    static func badRequest(_ code: OMSErrorCode, _ message: String) -> SandboxError { .init(400, code, message) }

    // The codes OMS answers with (the reference's appendix, and what OMS does where it is silent); messages are our own.
    static func notJSON() -> SandboxError { .badRequest(.notJSON, "The request body is not valid JSON.") }
    static func missing(_ field: String) -> SandboxError { .badRequest(.missingParameter, "Required parameter '\(field)' is missing.") }
    static func wrongType(_ field: String) -> SandboxError { .badRequest(.wrongParameterType, "Parameter '\(field)' has the wrong type.") }
    static func outOfRange(_ field: String, _ detail: String) -> SandboxError {
        .badRequest(.parameterConstraints, "Parameter '\(field)' is out of range: \(detail).")
    }
    static func noSuchTask() -> SandboxError { .badRequest(.noSuchResource, "No such migration task.") }
    static func badTaskId() -> SandboxError { .badRequest(.invalidTaskId, "The task id must be a number.") }
    static func noSuchSyncTask() -> SandboxError { .badRequest(.noSuchResource, "No such synchronization task.") }
    static func noSuchGroup() -> SandboxError { .init(404, .noSuchResource, "No such migration task group.") }
    static let unauthorized = SandboxError(401, .unauthenticated, "The request could not be authenticated.")
    static func forbidden(_ detail: String) -> SandboxError { .init(403, .insufficientPermissions, detail) }
    static func tooLarge(_ limit: Int) -> SandboxError {
        .init(413, .invalidHTTPRequest, "The request body is larger than \(limit) bytes.")
    }
    /// A bucket, region, key or prefix that cannot name a place inside the sandbox's buckets.
    static func invalidLocation(_ code: OMSErrorCode, _ field: String, _ problem: String) -> SandboxError {
        .badRequest(code, "Parameter '\(field)' \(problem).")
    }
    static let busy = SandboxError(503, .busy, "The service is busy. Try again later.")

    var body: ErrorBody { ErrorBody(errorCode: code.rawValue, errorMsg: message) }
}

extension SandboxError: HTTPResponseError {
    var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    /// `{"error_code":"OMS.xxxx","error_msg":"..."}` as `application/json;charset=UTF-8`, the
    /// bytes OMS answers with.
    func response(from request: Request, context: some RequestContext) -> Response { HTTP.error(self) }
}

extension SandboxError {
    /// Maps a failure to decode a request body to the code OMS uses for it.
    init(decoding error: any Error) {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            self = .missing(Self.path(context.codingPath + [key]))
        case DecodingError.valueNotFound(_, let context):
            self = .missing(Self.path(context.codingPath))
        case DecodingError.typeMismatch(_, let context):
            self = .wrongType(Self.path(context.codingPath))
        case DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty:
            self = .wrongType(Self.path(context.codingPath))
        default:
            self = .notJSON()
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
