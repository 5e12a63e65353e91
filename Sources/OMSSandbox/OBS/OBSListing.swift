import Foundation

/// One page of ListObjects (v1 and v2) over a bucket's objects: keys in UTF-8 byte order (as
/// S3 orders them, not Swift's `String` order), `prefix`, any `delimiter` rolled up into
/// common prefixes (each counted once, like a key), at most `maxKeys` entries, and the last
/// entry as the marker of the next page.
enum OBSListing {
    struct Query: Sendable, Equatable {
        var prefix = ""
        var delimiter = ""
        /// Entries must sort after this (v1 `marker`, v2 `start-after` or continuation token).
        var after = ""
        var maxKeys = 1000
    }

    struct Entry: Sendable, Equatable {
        var key: String
        var size: Int64
        var modified: Date
    }

    struct Page: Sendable, Equatable {
        var contents: [Entry] = []
        var commonPrefixes: [String] = []
        var isTruncated = false
        /// The last key or common prefix on the page (v1 `NextMarker`, v2 token), when truncated.
        var next: String?
        var count: Int { contents.count + commonPrefixes.count }
    }

    static let maximumKeys = 1000

    static func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// `objects` must all start with `query.prefix`; their order does not matter.
    static func page(_ objects: [Entry], _ query: Query) -> Page {
        let sorted = objects.sorted { precedes($0.key, $1.key) }
        var page = Page()
        let delimiter = Array(query.delimiter.utf8)
        let prefixLength = query.prefix.utf8.count
        for object in sorted where query.after.isEmpty || precedes(query.after, object.key) {
            let key = Array(object.key.utf8)
            if !delimiter.isEmpty, let end = firstEnd(of: delimiter, in: key, from: prefixLength) {
                let common = String(decoding: key[..<end], as: UTF8.self)
                if common == page.commonPrefixes.last { continue }
                // A common prefix at or before the marker was on an earlier page.
                if !query.after.isEmpty, !precedes(query.after, common) { continue }
                if page.count == query.maxKeys {
                    page.isTruncated = true
                    break
                }
                page.commonPrefixes.append(common)
                page.next = common
            } else {
                if page.count == query.maxKeys {
                    page.isTruncated = true
                    break
                }
                page.contents.append(object)
                page.next = object.key
            }
        }
        if !page.isTruncated { page.next = nil }
        return page
    }

    /// The index just after the first `needle` in `bytes` at or after `start`.
    static func firstEnd(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index..<(index + needle.count)].elementsEqual(needle) { return index + needle.count }
            index += 1
        }
        return nil
    }

    /// v2 continuation tokens: the next marker, base64url so that it is opaque and URL-safe.
    static func token(for marker: String) -> String {
        Data(marker.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    static func marker(fromToken token: String) -> String? {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { return nil }
        return String(validating: Array(data), as: UTF8.self)
    }
}
