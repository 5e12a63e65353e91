import Foundation

/// Parsing of the `--at` style RFC 3339 times the CLI accepts for the evaluation date.
public enum PlanDate {
    /// `2026-11-24T09:00:00Z`, `2026-11-24T17:00:00+08:00` or `2026-11-24` (midnight UTC).
    public static func parse(_ text: String) -> Date? {
        RFC3339.seconds(text).map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }
}
