import Crypto
import Foundation
import OMSModels

/// The two IAM calls oms-plan needs: password login and project lookup.
extension SandboxService {
    static let tokenLifetime: TimeInterval = 24 * 3600

    /// Any user name with the sandbox password gets a token scoped to the sandbox project.
    func login(_ body: Data, now: Date = Date()) throws(SandboxError) -> (token: String, response: IAMTokenResponse) {
        let request = try Self.decode(IAMTokenRequest.self, body)
        guard request.auth.identity.methods.contains("password"), let password = request.auth.identity.password else {
            throw SandboxError(400, "IAM.0003", "Only the password method is supported by the sandbox.")
        }
        guard password.user.password == SandboxConfiguration.defaultPassword else {
            throw SandboxError(401, "IAM.0004", "The user name or password is wrong.")
        }
        if let project = request.auth.scope?.project, let id = project.id, id != configuration.projectId {
            throw SandboxError(401, "IAM.0005", "The user has no access to project \(id).")
        }
        let token = "MIIsandbox" + (0..<4).map { _ in UUID().uuidString.replacingOccurrences(of: "-", with: "") }.joined()
        let expires = now.addingTimeInterval(Self.tokenLifetime)
        do {
            try store.storeToken(token, expires: expires)
        } catch {
            throw SandboxError(500, "IAM.0001", "The sandbox could not store the token.")
        }
        let formatter = ISO8601DateFormatter()
        return (
            token,
            IAMTokenResponse(
                token: .init(
                    expiresAt: formatter.string(from: expires), issuedAt: formatter.string(from: now),
                    project: .init(id: configuration.projectId, name: "cn-north-4")))
        )
    }

    func projects(name: String?) -> IAMProjectsResponse {
        let project = IAMProject(
            id: configuration.projectId, name: "cn-north-4", domainId: "sandboxdomain0000000000000000000", enabled: true,
            description: "oms-plan sandbox project")
        return IAMProjectsResponse(projects: name == nil || name == project.name ? [project] : [])
    }
}
