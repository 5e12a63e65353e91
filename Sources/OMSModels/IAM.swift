/// Body of IAM's `POST /v3/auth/tokens` (password method, project scope).
public struct IAMTokenRequest: Codable, Hashable, Sendable {
    public var auth: Auth

    public init(userName: String, password: String, domainName: String, projectId: String?, projectName: String?) {
        let scope: Scope? =
            if let projectId { Scope(project: .init(id: projectId, name: nil)) }
            else if let projectName { Scope(project: .init(id: nil, name: projectName)) }
            else { nil }
        auth = Auth(
            identity: .init(
                methods: ["password"],
                password: .init(user: .init(name: userName, password: password, domain: .init(name: domainName)))),
            scope: scope)
    }

    public struct Auth: Codable, Hashable, Sendable {
        public var identity: Identity
        public var scope: Scope?
    }
    public struct Identity: Codable, Hashable, Sendable {
        public var methods: [String]
        public var password: Password?
    }
    public struct Password: Codable, Hashable, Sendable {
        public var user: User
    }
    public struct User: Codable, Hashable, Sendable {
        public var name: String
        public var password: String
        public var domain: Domain
    }
    public struct Domain: Codable, Hashable, Sendable {
        public var name: String
    }
    public struct Scope: Codable, Hashable, Sendable {
        public var project: Project
    }
    /// A project by id or name: the scope of a token request. IAM writes a project as one
    /// object everywhere, each body with the fields it has (`IAMProject`).
    public typealias Project = IAMProject
}

/// The parts of IAM's token answer oms-plan reads (the token itself is a response header).
public struct IAMTokenResponse: Codable, Hashable, Sendable {
    public var token: Token?

    public init(token: Token?) { self.token = token }

    public struct Token: Codable, Hashable, Sendable {
        /// RFC 3339, e.g. `2026-11-25T09:00:00.000000Z`.
        public var expiresAt: String?
        public var issuedAt: String?
        public var project: ProjectRef?

        public init(expiresAt: String?, issuedAt: String?, project: ProjectRef?) {
            self.expiresAt = expiresAt
            self.issuedAt = issuedAt
            self.project = project
        }

        enum CodingKeys: String, CodingKey {
            case expiresAt = "expires_at"
            case issuedAt = "issued_at"
            case project
        }
    }

    /// The same `{id, name}` a request scopes to.
    public typealias ProjectRef = IAMTokenRequest.Project
}

/// Answer to IAM's `GET /v3/projects`.
public struct IAMProjectsResponse: Codable, Hashable, Sendable {
    public var projects: [IAMProject]?
    public init(projects: [IAMProject]?) { self.projects = projects }
}

/// A project as IAM writes it: in full in the listing, by id or name in a token request's
/// scope, with its id and name in a token answer.
public struct IAMProject: Codable, Hashable, Sendable {
    public var id: String?
    public var name: String?
    public var domainId: String?
    public var enabled: Bool?
    public var description: String?

    public init(id: String?, name: String?, domainId: String? = nil, enabled: Bool? = nil, description: String? = nil) {
        self.id = id
        self.name = name
        self.domainId = domainId
        self.enabled = enabled
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case id, name
        case domainId = "domain_id"
        case enabled, description
    }
}
