import Foundation

/// `report --output json`: the report as one JSON document (keys sorted, dates RFC 3339, the
/// same writer as every other JSON output). Keys and reasons are exact; the command masks
/// secrets inside its strings only, so it stays JSON.
public struct ReportJSONRenderer: Sendable {
    public init() {}

    public func render(_ report: MigrationReport) throws -> String {
        try PrettyJSON.render(report)
    }
}
