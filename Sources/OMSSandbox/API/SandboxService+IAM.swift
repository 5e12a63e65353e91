import Crypto
import Foundation
import OMSModels

/// The two IAM calls oms-plan needs: password login and project lookup.
extension SandboxService {
    static let tokenLifetime: TimeInterval = 24 * 3600

    /// The configured user with its password gets a token for the sandbox's one project.
    func login(_ body: Data, now: Date = Date()) async throws(SandboxError) -> (token: String, response: IAMTokenResponse) {
        let request = try Self.decode(IAMTokenRequest.self, body)
        guard request.auth.identity.methods.contains("password"), let password = request.auth.identity.password else {
            throw SandboxError(400, .iamUnsupportedMethod, "Only the password method is supported by the sandbox.")
        }
        guard Authenticator.constantTimeEqual(password.user.name, configuration.iamUser),
            Authenticator.constantTimeEqual(password.user.password, iamPassword)
        else {
            throw SandboxError(401, .iamWrongPassword, "The user name or password is wrong.")
        }
        if let project = request.auth.scope?.project, let id = project.id, id != configuration.projectId {
            throw SandboxError(401, .iamNoProjectAccess, "The user has no access to project \(id).")
        }
        let token = "MIIsandbox" + SandboxSecretFiles.randomToken(bytes: 48)
        let expires = now.addingTimeInterval(Self.tokenLifetime)
        do {
            try await store.storeToken(token, project: configuration.projectId, expires: expires)
        } catch {
            throw SandboxError(500, .iamInternalError, "The sandbox could not store the token.")
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
