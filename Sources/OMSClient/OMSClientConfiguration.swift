import Foundation

/// Where the client sends requests and how it behaves on failure.
public struct OMSClientConfiguration: Sendable {
    /// Base URL, e.g. `https://oms.cn-north-4.myhuaweicloud.com` or `http://127.0.0.1:8080`.
    public var endpoint: String
    public var projectId: String
    public var authentication: Authentication
    /// Deadline of one attempt (connect, send, full answer).
    public var requestTimeout: Duration
    public var retry: RetryPolicy
    /// Pages fetched at once by the list-everything helpers.
    public var pageConcurrency: Int
    public var userAgent: String

    public init(
        endpoint: String, projectId: String, authentication: Authentication, requestTimeout: Duration = .seconds(30),
        retry: RetryPolicy = RetryPolicy(), pageConcurrency: Int = 8, userAgent: String = "oms-plan/0.1"
    ) {
        self.endpoint = endpoint
        self.projectId = projectId
        self.authentication = authentication
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.pageConcurrency = max(1, pageConcurrency)
        self.userAgent = userAgent
    }

    /// The public endpoint of a region.
    public static func defaultEndpoint(region: String) -> String { "https://oms.\(region).myhuaweicloud.com" }
}
