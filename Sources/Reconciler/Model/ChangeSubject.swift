import MigrationPlan

/// What a change is about: a resource address, and for an extra live copy of it (a duplicate
/// to remove) which one. Rendered `MigrationTask/photos` or `MigrationTask/photos#<live id>`;
/// only views turn it into text.
public struct ChangeSubject: Hashable, Sendable, Comparable, TextCodable {
    public var address: ResourceAddress
    /// The live id of a duplicate this change removes; nil for the resource itself.
    public var duplicateId: String?

    public init(_ address: ResourceAddress, duplicateId: String? = nil) {
        self.address = address
        self.duplicateId = duplicateId
    }

    public var description: String { address.description + (duplicateId.map { "#\($0)" } ?? "") }

    public static func < (a: ChangeSubject, b: ChangeSubject) -> Bool { a.description < b.description }

    /// `Kind/name` or `Kind/name#id`, as reports write it.
    public init?(parsing text: String) {
        let parts = text.split(separator: "#", maxSplits: 1).map(String.init)
        guard let first = parts.first, let address = ResourceAddress(parsing: first) else { return nil }
        self.init(address, duplicateId: parts.count == 2 ? parts[1] : nil)
    }
}
