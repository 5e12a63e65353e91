import Foundation
import Logging
import OMSModels

/// The OMS v2 API as async calls: one method per endpoint, signed, retried where that is
/// safe, with typed errors. Knows nothing of plans.
public final class OMSClient: Sendable {
    public let configuration: OMSClientConfiguration
    public let statistics = RequestStatistics()
    let transport: any HTTPTransport
    let logger: Logger
    let tokenProvider: IAMTokenProvider?
    let scrubber: SecretScrubber
    let baseURL: (scheme: String, host: String, basePath: String)
    /// Tests replace this to make retries instant.
    let sleep: @Sendable (Duration) async throws -> Void

    public init(
        configuration: OMSClientConfiguration, transport: any HTTPTransport = AsyncHTTPClientTransport(),
        logger: Logger = Logger(label: "oms-plan.client"),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) throws(OMSClientError) {
        guard let url = URL(string: configuration.endpoint), let scheme = url.scheme, let host = url.host else {
            throw .configuration(detail: "endpoint '\(configuration.endpoint)' is not a URL like https://oms.cn-north-4.myhuaweicloud.com")
        }
        guard !configuration.projectId.isEmpty else {
            throw .configuration(detail: "no project id: pass --project-id, or set OMS_PROJECT_ID")
        }
        let hostPort = url.port.map { "\(host):\($0)" } ?? host
        var basePath = url.path
        while basePath.hasSuffix("/") { basePath.removeLast() }
        self.baseURL = (scheme, hostPort, basePath)
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
        self.sleep = sleep
        var secrets: [String] = []
        switch configuration.authentication {
        case .accessKey(let keys):
            secrets = [keys.secretKey] + (keys.securityToken.map { [$0] } ?? [])
            self.tokenProvider = nil
        case .token(let token):
            secrets = [token]
            self.tokenProvider = nil
        case .password(let credentials):
            secrets = [credentials.password]
            self.tokenProvider = IAMTokenProvider(
                credentials: credentials, projectId: configuration.projectId, transport: transport,
                timeout: configuration.requestTimeout)
        }
        self.scrubber = SecretScrubber(secrets: secrets)
    }

    /// `/v2/{project_id}` followed by `rest`.
    func projectPath(_ rest: String) -> String { "/v2/\(configuration.projectId)\(rest)" }

    // MARK: Sending

    /// One API call: method, decoded path, query, optional JSON body.
    struct Call: Sendable {
        var operation: String
        var method: String
        var path: String
        var query: [(String, String)] = []
        var body: Data? = nil
        var idempotency: Idempotency = .idempotent
    }

    func perform<Body: Encodable>(_ call: Call, body: Body) async throws(OMSClientError) -> HTTPResponseData {
        var call = call
        do {
            call.body = try Self.encoder.encode(body)
        } catch {
            throw .configuration(detail: "\(call.operation): request body cannot be encoded: \(error)")
        }
        return try await perform(call)
    }

    func perform<Response: Decodable>(_ call: Call, decoding: Response.Type) async throws(OMSClientError) -> Response {
        try decode(Response.self, try await perform(call), operation: call.operation)
    }

    /// A call whose answer carries nothing to read (stops, starts, deletes, updates), on
    /// `path` under the project.
    func send(_ operation: String, _ method: String, _ path: String) async throws(OMSClientError) {
        _ = try await perform(Call(operation: operation, method: method, path: projectPath(path)))
    }

    /// The same with `body` as its JSON body.
    func send(_ operation: String, _ method: String, _ path: String, body: some Encodable) async throws(OMSClientError) {
        _ = try await perform(Call(operation: operation, method: method, path: projectPath(path)), body: body)
    }

    /// A call with a body whose answer is read as `Response` (creates, bucket questions).
    func perform<Body: Encodable, Response: Decodable>(_ call: Call, body: Body, decoding: Response.Type)
        async throws(OMSClientError) -> Response
    {
        try decode(Response.self, try await perform(call, body: body), operation: call.operation)
    }

    /// The answer of `operation` as `Response`; an answer that does not decode is `.invalidResponse`.
    func decode<Response: Decodable>(_ type: Response.Type, _ response: HTTPResponseData, operation: String) throws(OMSClientError)
        -> Response
    {
        do {
            return try OMSResponseDecoder.decode(Response.self, from: response.body)
        } catch {
            throw .invalidResponse(
                operation: operation, httpStatus: response.status, detail: "body does not decode: \(error)",
                requestId: response.header("X-Request-Id"))
        }
    }

    /// Sends `call`, retrying per the policy: answers that say "not done" (429, 503
    /// `OMS.2004`) and requests that never left are retried for every call; other 5xx,
    /// timeouts and lost answers only for idempotent calls. A create whose answer was lost
    /// ends in `.outcomeUnknown`.
    func perform(_ call: Call) async throws(OMSClientError) -> HTTPResponseData {
        let scrubber = self.scrubber.adding(SecretScrubber.secrets(inJSON: call.body))
        var attempt = 0
        var refreshedToken = false
        let firstAttempt = ContinuousClock.now
        while true {
            attempt += 1
            let canRetry = attempt < configuration.retry.maximumAttempts
                && ContinuousClock.now - firstAttempt < configuration.retry.totalBudget
            let request = try await prepare(call)
            statistics.record(operation: call.operation)
            let started = ContinuousClock.now
            let outcome: Result<HTTPResponseData, TransportError>
            do throws(TransportError) {
                outcome = .success(try await transport.send(request, timeout: configuration.requestTimeout))
            } catch {
                outcome = .failure(error)
            }
            let elapsed = ContinuousClock.now - started
            switch outcome {
            case .success(let response) where (200..<300).contains(response.status):
                logger.debug("\(call.method) \(call.path) -> \(response.status)", metadata: Self.metadata(call, response, elapsed))
                return response
            case .success(let response):
                let error = apiError(call, response, scrubber)
                logger.debug("\(call.method) \(call.path) -> \(response.status)", metadata: Self.metadata(call, response, elapsed))
                if response.status == 401, tokenProvider != nil, !refreshedToken {
                    // A cached token may have been revoked early: log in again once.
                    refreshedToken = true
                    await tokenProvider?.invalidate()
                    continue
                }
                let busy = response.status == 429 || error.code == .busy
                if response.status >= 500 || response.status == 429 {
                    if canRetry && (busy || call.idempotency == .idempotent) {
                        try await backOff(call, attempt: attempt, reason: "HTTP \(response.status) \(error.errorCode ?? "")")
                        continue
                    }
                    if call.idempotency == .creates && !busy {
                        throw .outcomeUnknown(operation: call.operation, detail: "OMS answered HTTP \(response.status)")
                    }
                }
                throw .api(error)
            case .failure(let failure):
                switch failure {
                case .notSent(let detail):
                    if canRetry {
                        try await backOff(call, attempt: attempt, reason: detail)
                        continue
                    }
                    throw .connection(operation: call.operation, detail: "\(configuration.endpoint): \(detail)")
                case .answerLost(let detail):
                    if call.idempotency == .creates { throw .outcomeUnknown(operation: call.operation, detail: detail) }
                    if canRetry {
                        try await backOff(call, attempt: attempt, reason: detail)
                        continue
                    }
                    throw .connection(operation: call.operation, detail: "\(configuration.endpoint): \(detail)")
                case .timedOut:
                    let seconds = Double(configuration.requestTimeout.components.seconds)
                    if call.idempotency == .creates {
                        throw .outcomeUnknown(operation: call.operation, detail: "no answer within \(seconds) s")
                    }
                    if canRetry {
                        try await backOff(call, attempt: attempt, reason: "timed out")
                        continue
                    }
                    throw .timedOut(operation: call.operation, seconds: seconds)
                }
            }
        }
    }

    private func backOff(_ call: Call, attempt: Int, reason: String) async throws(OMSClientError) {
        let delay = configuration.retry.delay(beforeAttempt: attempt + 1)
        statistics.recordRetry()
        logger.info(
            "retrying \(call.operation)", metadata: ["attempt": "\(attempt + 1)", "reason": "\(reason)", "delay": "\(delay)"])
        do {
            try await sleep(delay)
        } catch {
            throw .connection(operation: call.operation, detail: "cancelled while waiting to retry")
        }
    }

    /// Builds the wire request: URL, headers, signature or token.
    func prepare(_ call: Call, now: Date = Date()) async throws(OMSClientError) -> HTTPRequestData {
        let wirePath = baseURL.basePath + RequestSigner.encodePath(call.path)
        let query = RequestSigner.canonicalQuery(call.query)
        let url = "\(baseURL.scheme)://\(baseURL.host)\(wirePath)" + (query.isEmpty ? "" : "?\(query)")
        var headers: [(String, String)] = [
            ("Content-Type", "application/json;charset=UTF-8"),
            ("Host", baseURL.host),
            ("User-Agent", configuration.userAgent),
        ]
        switch configuration.authentication {
        case .accessKey(let keys):
            let date = RequestSigner.formatDate(now)
            headers.append(("X-Project-Id", configuration.projectId))
            headers.append((RequestSigner.dateHeader, date))
            if let token = keys.securityToken, !token.isEmpty { headers.append((RequestSigner.securityTokenHeader, token)) }
            let parts = RequestSigner.SignedParts(
                method: call.method, path: baseURL.basePath + call.path, query: call.query, headers: headers,
                body: call.body ?? Data())
            let signature = RequestSigner.sign(parts, secretKey: keys.secretKey, date: date)
            headers.append(("Authorization", signature.authorization(accessKey: keys.accessKey)))
        case .token(let token):
            headers.append(("X-Auth-Token", token))
        case .password:
            do {
                headers.append(("X-Auth-Token", try await tokenProvider!.token(now: now)))
            } catch let error as OMSClientError {
                throw error
            } catch {
                throw .authentication(detail: "\(error)")
            }
        }
        return HTTPRequestData(method: call.method, url: url, headers: headers.map { (name: $0.0, value: $0.1) }, body: call.body)
    }

    private func apiError(_ call: Call, _ response: HTTPResponseData, _ scrubber: SecretScrubber) -> OMSAPIError {
        let body = try? OMSResponseDecoder.decode(ErrorBody.self, from: response.body)
        return OMSAPIError(
            operation: call.operation, httpStatus: response.status, errorCode: body?.errorCode,
            errorMessage: body?.errorMsg.map(scrubber.scrub), requestId: response.header("X-Request-Id"))
    }

    private static func metadata(_ call: Call, _ response: HTTPResponseData, _ elapsed: Duration) -> Logger.Metadata {
        [
            "operation": "\(call.operation)",
            "status": "\(response.status)",
            "ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
            "request_id": "\(response.header("X-Request-Id") ?? "-")",
        ]
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
