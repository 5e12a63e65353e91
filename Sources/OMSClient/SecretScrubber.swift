import Foundation
import OMSModels

/// Removes secrets from text that may echo them (error messages from the server).
///
/// OMS request bodies carry the source and destination keys of every task; a server that
/// quotes a rejected field back must not put them into a log line or an error shown in CI.
/// This type knows which secrets a call carries (its client's, and the secret fields of its
/// body); the masking is `SecretRedactor`'s, the one every output uses: matched on bytes in
/// every escaped form, so a combining mark after a key cannot hide it, and the same
/// `(secret)` mask. (It was a second, Character-by-Character matcher that wrote `***`.)
public struct SecretScrubber: Sendable {
    /// JSON field names whose values are secrets, in every OMS and IAM body.
    public static let secretFieldNames: Set<String> = [
        "ak", "sk", "security_token", "json_auth_file", "authentication_key", "src_ak", "src_sk",
        "src_security_token", "dst_ak", "dst_sk", "dst_security_token", "source_cdn_authentication_key", "password",
    ]

    private let secrets: [String]
    /// A redactor of its own, not `SecretRedactor.shared`: these secrets are masked in this
    /// client's errors without being registered for the whole process.
    private let redactor: SecretRedactor

    public init(secrets: [String] = []) {
        self.secrets = secrets
        redactor = SecretRedactor()
        // It ignores values shorter than `SecretRedactor.minimumLength`: they would blank out ordinary words.
        redactor.register(secrets)
    }

    public func adding(_ more: [String]) -> SecretScrubber { more.isEmpty ? self : SecretScrubber(secrets: secrets + more) }

    /// Every secret field value found in a JSON body, at any depth.
    public static func secrets(inJSON body: Data?) -> [String] {
        guard let body, !body.isEmpty, let object = try? JSONSerialization.jsonObject(with: body) else { return [] }
        var found: [String] = []
        func visit(_ value: Any) {
            if let dictionary = value as? [String: Any] {
                for (key, inner) in dictionary {
                    if secretFieldNames.contains(key), let text = inner as? String { found.append(text) } else { visit(inner) }
                }
            } else if let array = value as? [Any] {
                array.forEach(visit)
            }
        }
        visit(object)
        return found
    }

    public func scrub(_ text: String) -> String { redactor.redact(text) }
}
