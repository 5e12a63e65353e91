import Foundation
import OMSClient

/// The few XML pieces the object API answers with: text is escaped scalar by scalar, so a
/// key can never close an element or open one.
enum OBSXML {
    static let declaration = #"<?xml version="1.0" encoding="UTF-8"?>"#
    static let namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

    /// The text with markup characters as entities (one table with the client's reading).
    static func escape(_ text: String) -> String { XMLText.escape(text) }

    /// `<name>text</name>` with the text escaped.
    static func element(_ name: String, _ text: String) -> String { "<\(name)>\(escape(text))</\(name)>" }

    /// `2026-12-07T05:29:52.000Z`, as S3 listings write times.
    static func isoDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year ?? 1970, c.month ?? 1, c.day ?? 1, c.hour ?? 0, c.minute ?? 0,
            c.second ?? 0, (c.nanosecond ?? 0) / 1_000_000)
    }

    /// `Mon, 07 Dec 2026 05:29:52 GMT`, as `Last-Modified` and `Date` headers write times.
    static func httpDate(_ date: Date) -> String { formatter("EEE, dd MMM yyyy HH:mm:ss 'GMT'", zone: "GMT").string(from: date) }

    /// Reads a `Date` header (RFC 1123, also with a numeric zone as some clients send it).
    static func parseHTTPDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEE, dd MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm:ss zzz"] {
            if let date = formatter(format, zone: "GMT").date(from: text) { return date }
        }
        return nil
    }

    /// The SigV4 `X-Amz-Date` form, `20261207T052952Z`.
    static let amzDateFormat = "yyyyMMdd'T'HHmmss'Z'"

    /// Reads an `X-Amz-Date`.
    static func parseAmzDate(_ text: String) -> Date? { formatter(amzDateFormat, zone: "UTC").date(from: text) }

    /// Writes a time as `X-Amz-Date` does.
    static func amzDate(_ date: Date) -> String { formatter(amzDateFormat, zone: "UTC").string(from: date) }

    /// A fixed-format formatter: POSIX locale, so no user setting changes the words or digits.
    private static func formatter(_ format: String, zone: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)
        formatter.dateFormat = format
        return formatter
    }
}
