import Foundation
import OMSModels

/// What every human format of the report shares: figures in words, and keys made visible.
enum ReportText {
    /// Control characters as escapes (`\t`, `\n`, `\u{1B}`), so that a key with a tab or a
    /// line break reads as one cell and cannot reshape a table or a terminal. Decided per
    /// Unicode scalar, never per `Character`. The CSV and JSON formats keep keys exact.
    static func visible(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func bytes(_ value: Int64) -> String { ByteCount.format(value) }

    static func speed(_ value: Int64?) -> String { value.map(ByteCount.rate) ?? "-" }

    static func time(_ date: Date?, _ zone: String?) -> String { date.map { StatusTextRenderer.clock($0, zone) } ?? "-" }

    /// `3 (2 accepted)`.
    static func failed(_ count: Int64, accepted: Int64) -> String { accepted > 0 ? "\(count) (\(accepted) accepted)" : "\(count)" }

    /// Where OMS's lists are, one phrase per list.
    static func lists(_ l: MigrationReport.Lists) -> [(name: String, place: String)] {
        var out: [(String, String)] = []
        if let bucket = l.bucket { out.append(("bucket", bucket)) }
        if let f = l.failedList { out.append(("failed list", f)) }
        if let e = l.failedListError { out.append(("failed list", "not written (\(e))")) }
        if let s = l.successFolder { out.append(("success lists", s + (l.successListError.map { " (not written: \($0))" } ?? ""))) }
        if let s = l.skipFolder { out.append(("skip lists", s + (l.skipListError.map { " (not written: \($0))" } ?? ""))) }
        return out
    }

    /// How many failed objects the human formats list before they point to the CSV.
    static let failedObjectsShown = 100
}
