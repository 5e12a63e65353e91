import Foundation

/// What a failed object's error code means and what to do about it: a table
/// (`failed-object-codes.json`, compiled into the binary) so that a new code is one row, not code.
public struct FailedObjectCodes: Sendable {
    public struct Explanation: Sendable, Hashable, Codable {
        /// A few words: `source object gone`.
        public var title: String
        public var meaning: String
        public var advice: String
    }

    struct Entry: Sendable, Decodable {
        var title: String
        var codes: [String]?
        var prefixes: [String]?
        var meaning: String
        var advice: String
    }

    struct Table: Sendable, Decodable {
        var entries: [Entry]
        var unknown: Explanation
    }

    let table: Table

    /// The table built into oms-plan. It is data the tests check at every build
    /// (`FailedObjectCodesTests`); a table that does not decode would be a build mistake.
    public static let builtIn = FailedObjectCodes(json: Data(PackageResources.failed_object_codes_json))!

    init?(json: Data) {
        guard let table = try? JSONDecoder().decode(Table.self, from: json) else { return nil }
        self.table = table
    }

    /// The first entry whose codes name `code` or whose prefixes start it; the generic advice
    /// otherwise.
    public func explain(_ code: String) -> Explanation {
        for entry in table.entries {
            if entry.codes?.contains(code) == true || entry.prefixes?.contains(where: { code.utf8.starts(with: $0.utf8) }) == true {
                return Explanation(title: entry.title, meaning: entry.meaning, advice: entry.advice)
            }
        }
        return table.unknown
    }

    /// Whether the table knows `code` (not the generic advice).
    public func knows(_ code: String) -> Bool { explain(code) != table.unknown }
}
