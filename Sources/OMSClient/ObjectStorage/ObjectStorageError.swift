import Foundation

/// Why a read of OBS failed, and what to do about it. The texts name the endpoint, the bucket,
/// the key and the access key id, never the secret key, a signature or a string to sign; the
/// server's own message is not quoted (an S3 `SignatureDoesNotMatch` carries the string to sign).
public enum ObjectStorageError: Error, Sendable, CustomStringConvertible, Equatable {
    /// 403 `AccessDenied`, `SignatureDoesNotMatch`, `InvalidAccessKeyId`: the keys do not open it.
    case refused(bucket: String, code: String, accessKey: String)
    /// 404 `NoSuchBucket`.
    case noSuchBucket(bucket: String, endpoint: String)
    /// 404 `NoSuchKey`.
    case noSuchKey(bucket: String, key: String)
    /// 403 `RequestTimeTooSkewed`.
    case clockSkew(endpoint: String)
    /// Nothing usable came back (connection refused, timeout, DNS).
    case unreachable(endpoint: String, detail: String)
    /// Any other answer: the status and the S3 code, if any.
    case unexpected(status: Int, code: String?, what: String)
    /// An answer that is not the document asked for (not ListBucketResult XML, or too big).
    case malformed(what: String, detail: String)

    public var description: String {
        switch self {
        case .refused(let bucket, let code, let accessKey):
            "OBS refused the plan's destination keys (access key \(accessKey)) for bucket \(bucket) (\(code)): check the destination Credentials' accessKey and secretKey, and that they may read the bucket"
        case .noSuchBucket(let bucket, let endpoint):
            "bucket \(bucket) does not exist at \(endpoint): check the destination region and bucket, or OMS_OBS_ENDPOINT"
        case .noSuchKey(let bucket, let key):
            "\(key) is not in bucket \(bucket) (removed since OMS wrote it?): start the task again to write a new list"
        case .clockSkew(let endpoint):
            "\(endpoint) says this machine's clock is more than 15 minutes off: set the clock (NTP) and try again"
        case .unreachable(let endpoint, let detail):
            "could not reach OBS at \(endpoint) (\(detail)): check the network, or set OMS_OBS_ENDPOINT to the OBS endpoint to use"
        case .unexpected(let status, let code, let what):
            "OBS answered \(status)\(code.map { " \($0)" } ?? "") to \(what): try again later; if it persists, check the endpoint (OMS_OBS_ENDPOINT)"
        case .malformed(let what, let detail):
            "OBS's answer to \(what) could not be read (\(detail)): check that OMS_OBS_ENDPOINT is an OBS (S3) endpoint"
        }
    }
}
