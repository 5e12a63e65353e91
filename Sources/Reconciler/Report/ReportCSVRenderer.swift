import Foundation

/// `report --output csv`: one row per failed object (address, key, code, reason, accepted by),
/// RFC 4180 (fields quoted when they hold a quote, comma or line break; quotes doubled; lines
/// end CRLF), with a header row. A cell a spreadsheet would read as a formula (first
/// character `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, so that
/// an object key such as `=HYPERLINK(...)` stays text when the file is opened.
public struct ReportCSVRenderer: Sendable {
    public init() {}

    public static let header = ["address", "key", "code", "reason", "accepted_by"]

    public func render(_ report: MigrationReport) -> String {
        var out = Self.row(Self.header)
        for o in report.failedObjects {
            out += Self.row([o.address, o.key, o.code, o.reason, o.acceptedBy ?? ""])
        }
        return out
    }

    static func row(_ cells: [String]) -> String {
        cells.map { field(neutralised($0)) }.joined(separator: ",") + "\r\n"
    }

    /// RFC 4180: quoted when it holds `"`, `,`, CR or LF (decided on bytes), quotes doubled.
    static func field(_ text: String) -> String {
        let special: Set<UInt8> = [UInt8(ascii: "\""), UInt8(ascii: ","), 0x0D, 0x0A]
        guard text.utf8.contains(where: special.contains) else { return text }
        var out = "\""
        for scalar in text.unicodeScalars {
            out.unicodeScalars.append(scalar)
            // Per scalar: a quote followed by a combining mark is still a quote to a CSV reader.
            if scalar == "\"" { out.unicodeScalars.append(scalar) }
        }
        return out + "\""
    }

    /// A leading `'` before what a spreadsheet would start a formula with (its first byte).
    static func neutralised(_ text: String) -> String {
        guard let first = text.utf8.first else { return text }
        let starts: Set<UInt8> = [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D]
        return starts.contains(first) ? "'" + text : text
    }
}
