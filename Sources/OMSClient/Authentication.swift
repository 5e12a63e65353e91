import Foundation

/// How requests prove who sends them.
public enum Authentication: Sendable {
    /// AK/SK request signing; `securityToken` for temporary keys.
    case accessKey(AccessKeyCredentials)
    /// A ready IAM token, sent as `X-Auth-Token`.
    case token(String)
    /// IAM password login; the token is fetched on first use and cached until it expires.
    case password(PasswordCredentials)
}

public struct AccessKeyCredentials: Sendable, CustomStringConvertible {
    public var accessKey: String
    public var secretKey: String
    public var securityToken: String?

    public init(accessKey: String, secretKey: String, securityToken: String? = nil) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.securityToken = securityToken
    }

    /// Never shows the secret key or the token.
    public var description: String { "AccessKeyCredentials(\(accessKey), secret key hidden)" }
}

public struct PasswordCredentials: Sendable, CustomStringConvertible {
    public var userName: String
    public var password: String
    /// The account (domain) name the user belongs to.
    public var domainName: String
    /// IAM base URL, e.g. `https://iam.cn-north-4.myhuaweicloud.com`.
    public var iamEndpoint: String

    public init(userName: String, password: String, domainName: String, iamEndpoint: String) {
        self.userName = userName
        self.password = password
        self.domainName = domainName
        self.iamEndpoint = iamEndpoint
    }

    public var description: String { "PasswordCredentials(\(userName)@\(domainName), password hidden)" }
}

/// Reads credentials from the environment variables of the CLI contract.
public enum EnvironmentCredentials {
    /// `HUAWEICLOUD_SDK_AK`/`_SK`/`_SECURITY_TOKEN`, else `OMS_AUTH_TOKEN`, else
    /// `OMS_IAM_USER`/`OMS_IAM_PASSWORD`/`OMS_IAM_DOMAIN` (with `OMS_IAM_ENDPOINT`, or the
    /// region's IAM endpoint). Nil when none is set.
    public static func authentication(from environment: [String: String], region: String?) -> Authentication? {
        func value(_ name: String) -> String? {
            guard let v = environment[name], !v.isEmpty else { return nil }
            return v
        }
        if let ak = value("HUAWEICLOUD_SDK_AK"), let sk = value("HUAWEICLOUD_SDK_SK") {
            return .accessKey(.init(accessKey: ak, secretKey: sk, securityToken: value("HUAWEICLOUD_SDK_SECURITY_TOKEN")))
        }
        if let token = value("OMS_AUTH_TOKEN") { return .token(token) }
        if let user = value("OMS_IAM_USER"), let password = value("OMS_IAM_PASSWORD") {
            let endpoint = value("OMS_IAM_ENDPOINT") ?? "https://iam.\(region ?? "cn-north-4").myhuaweicloud.com"
            return .password(.init(userName: user, password: password, domainName: value("OMS_IAM_DOMAIN") ?? user, iamEndpoint: endpoint))
        }
        return nil
    }

    /// True when any credential variable is set, even partially: such a run never falls back
    /// to the embedded sandbox.
    public static func anyConfigured(in environment: [String: String]) -> Bool {
        ["HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "OMS_AUTH_TOKEN", "OMS_IAM_USER", "OMS_IAM_PASSWORD"]
            .contains { !(environment[$0] ?? "").isEmpty }
    }
}
