import Foundation

/// Reads the few elements oms-plan needs from S3 XML by hand: `Key` inside `Contents`,
/// `IsTruncated`, `NextContinuationToken`, `EncodingType`, and an error's `Code`. (Foundation's
/// XMLParser needs libxml2 at run time on Linux, which the release binary does not bring.)
enum ListBucketResultXML {
    static func parse(_ data: Data) -> ObjectListingPage? {
        let text = String(decoding: data, as: UTF8.self)
        guard text.contains("<ListBucketResult") else { return nil }
        let urlEncoded = elements("EncodingType", in: text).first == "url"
        var keys: [String] = []
        for contents in elements("Contents", in: text) {
            guard var key = elements("Key", in: contents).first else { return nil }
            if urlEncoded { key = key.removingPercentEncoding ?? key }
            keys.append(key)
        }
        let truncated = elements("IsTruncated", in: text).first == "true"
        let token = elements("NextContinuationToken", in: text).first
        if truncated && (token ?? "").isEmpty { return nil }
        return ObjectListingPage(keys: keys, nextContinuationToken: truncated ? token : nil)
    }

    /// `<Error><Code>X</Code>...`: X, if the body is such a document.
    static func errorCode(_ data: Data) -> String? {
        let text = String(decoding: data.prefix(64 * 1024), as: UTF8.self)
        guard let error = elements("Error", in: text).first, let code = elements("Code", in: error).first else { return nil }
        // Only a plain code: no markup or anything long from a stranger's answer goes into a message.
        guard !code.isEmpty, code.utf8.count <= 64, code.utf8.allSatisfy({ $0 < 0x80 && ($0 == 46 || $0 == 95 || $0 == 45 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0)) })
        else { return nil }
        return code
    }

    /// The unescaped text of every `<name>...</name>` in `text`, in order (not nested in itself).
    static func elements(_ name: String, in text: String) -> [String] {
        var found: [String] = []
        let open = "<\(name)>", close = "</\(name)>"
        var rest = text[...]
        while let start = rest.range(of: open) {
            guard let end = rest.range(of: close, range: start.upperBound..<rest.endIndex) else { break }
            found.append(XMLText.unescape(String(rest[start.upperBound..<end.lowerBound])))
            rest = rest[end.upperBound...]
        }
        return found
    }

}
