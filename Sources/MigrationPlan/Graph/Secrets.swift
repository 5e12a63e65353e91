import OMSModels

/// The secrets of one Credentials resource. Printing it never shows a value.
public struct CredentialSecrets: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var name: String
    public var accessKey: SecretValue?
    public var secretKey: SecretValue?
    public var securityToken: SecretValue?
    public var jsonAuthFile: SecretValue?

    public init(name: String, accessKey: SecretValue? = nil, secretKey: SecretValue? = nil,
                securityToken: SecretValue? = nil, jsonAuthFile: SecretValue? = nil) {
        self.name = name
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.securityToken = securityToken
        self.jsonAuthFile = jsonAuthFile
    }

    var all: [SecretValue] { [accessKey, secretKey, securityToken, jsonAuthFile].compactMap { $0 } }
    /// References that could not be resolved (printable). An access or secret key that
    /// resolved to an empty string counts as missing: OMS would only refuse it later.
    public var unresolved: [String] {
        let keys = [accessKey, secretKey].compactMap { $0 }.filter { ($0.value ?? "").isEmpty }
        let others = [securityToken, jsonAuthFile].compactMap { $0 }.filter { !$0.isResolved }
        return (keys + others).map(\.reference)
    }
    /// A non-empty token, if any: an empty `${env:TOKEN:-}` means "no token".
    var token: String? { securityToken?.value.flatMap { $0.isEmpty ? nil : $0 } }
    var json: String? { jsonAuthFile?.value.flatMap { $0.isEmpty ? nil : $0 } }

    public var description: String {
        "Credentials/\(name)(" + [("accessKey", accessKey), ("secretKey", secretKey), ("securityToken", securityToken),
                                  ("jsonAuthFile", jsonAuthFile)].compactMap { k, v in v.map { "\(k): \($0)" } }.joined(separator: ", ") + ")"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["name": name], displayStyle: .struct) }
}

/// The secrets a task or group sends to OMS, held apart from its printable request body.
public struct ResolvedSecrets: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// nil for url_list tasks, which read public URLs.
    public var source: CredentialSecrets?
    public var destination: CredentialSecrets?
    public var cdnAuthenticationKey: SecretValue?

    public init(source: CredentialSecrets? = nil, destination: CredentialSecrets? = nil, cdnAuthenticationKey: SecretValue? = nil) {
        self.source = source
        self.destination = destination
        self.cdnAuthenticationKey = cdnAuthenticationKey
    }

    /// References that could not be resolved; empty when everything needed is available.
    public var unresolved: [String] {
        (source?.unresolved ?? []) + (destination?.unresolved ?? []) + (cdnAuthenticationKey.map { $0.isResolved ? [] : [$0.reference] } ?? [])
    }

    public var isComplete: Bool { unresolved.isEmpty }

    public var description: String {
        "ResolvedSecrets(source: \(source.map(\.description) ?? "none"), destination: \(destination.map(\.description) ?? "none"), cdnAuthenticationKey: \(cdnAuthenticationKey.map(\.description) ?? "none"))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:], displayStyle: .struct) }
}

/// `requestWithSecrets()` was asked for while a secret reference was unresolved.
public struct MissingSecretsError: Error, Sendable, CustomStringConvertible {
    public var address: ResourceAddress
    public var references: [String]
    public var description: String {
        "\(address): secrets are unavailable: \(references.joined(separator: ", "))"
    }
}

extension ResolvedSecrets {
    func require(for address: ResourceAddress) throws(MissingSecretsError) {
        let missing = unresolved
        if !missing.isEmpty { throw MissingSecretsError(address: address, references: missing) }
    }

    var srcAK: String? { source?.accessKey?.value }
    var srcSK: String? { source?.secretKey?.value }
    var dstAK: String? { destination?.accessKey?.value }
    var dstSK: String? { destination?.secretKey?.value }
    var cdnKey: String? { cdnAuthenticationKey?.value }
}
