import OMSModels

/// OMS answered with an error status and (usually) an error body. Only the client builds one,
/// from the answer (with the memberwise initialiser).
public struct OMSAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the client was doing, e.g. `CreateTask`.
    public var operation: String
    public var httpStatus: Int
    /// OMS's `error_code`, e.g. `OMS.0063`; nil when the body carried none.
    public var errorCode: String?
    public var errorMessage: String?
    /// `X-Request-Id` of the answer, for Huawei Cloud support.
    public var requestId: String?

    /// `errorCode`, typed.
    public var code: OMSErrorCode? { errorCode.map(OMSErrorCode.init(rawValue:)) }

    public var description: String {
        var text = "\(operation): HTTP \(httpStatus)"
        if let errorCode { text += " \(errorCode)" }
        if let errorMessage, !errorMessage.isEmpty { text += ": \(errorMessage)" }
        if let requestId { text += " (request id \(requestId))" }
        return text
    }
}

/// Everything an OMS call can end in other than its answer. Each case says what to do next.
public enum OMSClientError: Error, Sendable, CustomStringConvertible {
    /// OMS refused the request.
    case api(OMSAPIError)
    /// The connection failed (refused, reset, dropped) and retries, where allowed, ran out.
    case connection(operation: String, detail: String)
    /// No answer within the per-request timeout (and retries, where allowed, ran out).
    case timedOut(operation: String, seconds: Double)
    /// A request that creates something was sent but its answer was lost: it may or may not
    /// have taken effect. Callers look for the resource before sending it again.
    case outcomeUnknown(operation: String, detail: String)
    /// OMS answered 2xx with a body that is not what the API reference describes.
    case invalidResponse(operation: String, httpStatus: Int, detail: String, requestId: String?)
    /// Credentials could not be turned into a signed request or a token.
    case authentication(detail: String)
    /// The client was configured in a way that cannot work (bad endpoint URL, missing project).
    case configuration(detail: String)

    public var description: String {
        switch self {
        case .api(let error):
            return error.description + Self.hint(for: error)
        case .connection(let operation, let detail):
            return "\(operation): cannot reach OMS (\(detail)); check the endpoint and the network, then run again"
        case .timedOut(let operation, let seconds):
            return "\(operation): no answer from OMS within \(Self.format(seconds)) s; run again, or raise the timeout"
        case .outcomeUnknown(let operation, let detail):
            return "\(operation): the request was sent but its answer was lost (\(detail)); it may have taken effect"
        case .invalidResponse(let operation, let status, let detail, let requestId):
            return "\(operation): unexpected answer from OMS (HTTP \(status)): \(detail)"
                + (requestId.map { " (request id \($0))" } ?? "")
        case .authentication(let detail):
            return "authentication failed: \(detail)"
        case .configuration(let detail):
            return "configuration error: \(detail)"
        }
    }

    /// The OMS error code, typed, when OMS sent one.
    public var code: OMSErrorCode? { errorCode.map(OMSErrorCode.init(rawValue:)) }

    /// The OMS error code, when OMS sent one.
    public var errorCode: String? {
        if case .api(let error) = self { return error.errorCode }
        return nil
    }

    public var httpStatus: Int? {
        switch self {
        case .api(let error): error.httpStatus
        case .invalidResponse(_, let status, _, _): status
        default: nil
        }
    }

    /// OMS says the task or group does not exist: `OMS.1009` (tasks) or 404 (groups).
    public var isNotFound: Bool {
        guard case .api(let error) = self else { return false }
        return error.code == .noSuchResource || error.httpStatus == 404
    }

    /// A quota refusal (`OMS.0077` tasks, `OMS.1037` groups, `OMS.1021`): wait, do not retry now.
    public var isQuotaExceeded: Bool {
        code.map(OMSErrorCode.quotaExceeded.contains) ?? false
    }

    private static func hint(for error: OMSAPIError) -> String {
        switch (error.httpStatus, error.errorCode) {
        case (401, _): "; check the AK/SK or token (and that the machine's clock is right)"
        case (403, _): "; the credentials may not use this project, or are read-only"
        case (_, OMSErrorCode.busy.rawValue): "; OMS is busy, run again later"
        default: ""
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
