import Foundation
import Synchronization

/// Masks secret values wherever they appear in text that leaves the process.
///
/// Secrets are registered when they are resolved (from Credentials, CDN keys, the CLI's
/// credential variables, secret-looking variables); every output path (stdout, stderr,
/// report and metrics files, log lines) passes through `redact`, so a secret interpolated
/// into a description, a prefix or an error message is masked there too. Each secret is also
/// matched in the forms it takes once encoded (JSON-escaped, percent-encoded).
public final class SecretRedactor: Sendable {
    /// The redactor of this process's outputs.
    public static let shared = SecretRedactor()
    public static let mask = "(secret)"
    /// Shorter values would blank out ordinary words; keys are longer than this.
    public static let minimumLength = 4

    private let patterns = Mutex<[String]>([])

    public init() {}

    public func register<S: Sequence>(_ values: S) where S.Element == String {
        let forms = values.filter { $0.count >= Self.minimumLength }.flatMap(Self.encodedForms)
        guard !forms.isEmpty else { return }
        patterns.withLock { current in
            // Longest first, so that a secret containing another is masked whole.
            current = Array(Set(current).union(forms)).sorted { $0.count > $1.count }
        }
    }

    public func register(_ value: String) { register([value]) }

    public var isEmpty: Bool { patterns.withLock { $0.isEmpty } }

    public func redact(_ text: String) -> String {
        let current = patterns.withLock { $0 }
        var result = text
        for pattern in current where result.contains(pattern) {
            result = result.replacingOccurrences(of: pattern, with: Self.mask)
        }
        return result
    }

    public func redact(_ data: Data) -> Data {
        guard !isEmpty else { return data }
        return Data(redact(String(decoding: data, as: UTF8.self)).utf8)
    }

    static func encodedForms(_ value: String) -> [String] {
        var forms = [value]
        for formatting in [JSONEncoder.OutputFormatting(), .withoutEscapingSlashes] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = formatting
            if let json = try? encoder.encode(value), let text = String(data: json, encoding: .utf8) {
                forms.append(String(text.dropFirst().dropLast()))
            }
        }
        var unreserved = CharacterSet.alphanumerics
        unreserved.insert(charactersIn: "-._~")
        if let percent = value.addingPercentEncoding(withAllowedCharacters: unreserved) { forms.append(percent) }
        return Array(Set(forms.filter { $0.count >= minimumLength }))
    }
}
