import Foundation

/// Removes secrets from text that may echo them (error messages from the server).
///
/// OMS request bodies carry the source and destination keys of every task; a server that
/// quotes a rejected field back must not put them into a log line or an error shown in CI.
public struct SecretScrubber: Sendable {
    /// JSON field names whose values are secrets, in every OMS and IAM body.
    public static let secretFieldNames: Set<String> = [
        "ak", "sk", "security_token", "json_auth_file", "authentication_key", "src_ak", "src_sk",
        "src_security_token", "dst_ak", "dst_sk", "dst_security_token", "source_cdn_authentication_key", "password",
    ]

    private var secrets: [String]

    public init(secrets: [String] = []) {
        // Very short values would blank out ordinary words; they are not real keys anyway.
        self.secrets = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    public func adding(_ more: [String]) -> SecretScrubber { SecretScrubber(secrets: secrets + more) }

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

    public func scrub(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return result
    }
}
