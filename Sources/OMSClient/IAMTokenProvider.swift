import Foundation
import OMSModels

/// Logs in to IAM with a password and keeps the token until shortly before it expires.
actor IAMTokenProvider {
    private let credentials: PasswordCredentials
    private let projectId: String
    private let transport: any HTTPTransport
    private let timeout: Duration
    private var cached: (token: String, refreshAfter: Date)?
    private var inFlight: Task<(String, Date), any Error>?

    /// Tokens are refreshed this long before IAM says they expire.
    static let refreshMargin: TimeInterval = 300

    init(credentials: PasswordCredentials, projectId: String, transport: any HTTPTransport, timeout: Duration) {
        self.credentials = credentials
        self.projectId = projectId
        self.transport = transport
        self.timeout = timeout
    }

    func token(now: Date = Date()) async throws -> String {
        if let cached, now < cached.refreshAfter { return cached.token }
        if let inFlight { return try await inFlight.value.0 }
        let task = Task { try await self.login() }
        inFlight = task
        defer { inFlight = nil }
        let (token, refreshAfter) = try await task.value
        cached = (token, refreshAfter)
        return token
    }

    /// Forgets the token, e.g. after the API answered 401 to it.
    func invalidate() { cached = nil }

    private func login() async throws -> (String, Date) {
        let body = try JSONEncoder().encode(
            IAMTokenRequest(
                userName: credentials.userName, password: credentials.password, domainName: credentials.domainName,
                projectId: projectId.isEmpty ? nil : projectId, projectName: nil))
        let base = credentials.iamEndpoint.hasSuffix("/") ? String(credentials.iamEndpoint.dropLast()) : credentials.iamEndpoint
        let request = HTTPRequestData(
            method: "POST", url: base + "/v3/auth/tokens",
            headers: [("Content-Type", "application/json;charset=UTF-8")], body: body)
        let response: HTTPResponseData
        do {
            response = try await transport.send(request, timeout: timeout)
        } catch {
            throw OMSClientError.authentication(detail: "IAM login at \(base) failed: \(error)")
        }
        guard (200..<300).contains(response.status), let token = response.header("X-Subject-Token"), !token.isEmpty else {
            let detail = (try? JSONDecoder().decode(ErrorBody.self, from: response.body))?.errorMsg ?? "no token in the answer"
            let scrubbed = SecretScrubber(secrets: [credentials.password]).scrub(detail)
            throw OMSClientError.authentication(detail: "IAM login for \(credentials.userName) refused (HTTP \(response.status)): \(scrubbed)")
        }
        let decoded = try? JSONDecoder().decode(IAMTokenResponse.self, from: response.body)
        let expires = decoded?.token?.expiresAt.flatMap(Self.parseTimestamp) ?? Date().addingTimeInterval(3600)
        return (token, expires.addingTimeInterval(-Self.refreshMargin))
    }

    /// IAM writes `2026-11-25T09:00:00.000000Z`; Foundation's ISO parser wants at most milliseconds.
    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        if let dot = text.firstIndex(of: "."), let zone = text[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) {
            return formatter.date(from: String(text[..<dot]) + String(text[zone...]))
        }
        return nil
    }
}
