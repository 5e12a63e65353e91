// IAM's bodies are the table `Wire/IAM.json`; here is only what a table does not say.

extension IAMTokenRequest {
    public init(userName: String, password: String, domainName: String, projectId: String?, projectName: String?) {
        let scope: Scope? =
            if let projectId { Scope(project: .init(id: projectId, name: nil)) }
            else if let projectName { Scope(project: .init(id: nil, name: projectName)) }
            else { nil }
        self.init(
            auth: Auth(
                identity: .init(
                    methods: ["password"],
                    password: .init(user: .init(name: userName, password: password, domain: .init(name: domainName)))),
                scope: scope))
    }

    /// A project by id or name: the scope of a token request. IAM writes a project as one
    /// object everywhere, each body with the fields it has (`IAMProject`).
    public typealias Project = IAMProject
}

extension IAMTokenResponse {
    /// The same `{id, name}` a request scopes to.
    public typealias ProjectRef = IAMTokenRequest.Project
}
