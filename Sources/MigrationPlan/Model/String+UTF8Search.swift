extension String {
    /// Whether the text holds `needle`, byte for byte (UTF-8). A plain scan: the texts searched
    /// (plan fields, descriptions) are short, and a Foundation search per field showed in a
    /// diff of 10,000 tasks.
    func containsUTF8(_ needle: [UInt8]) -> Bool {
        var text = self
        return text.withUTF8 { bytes in
            guard let first = needle.first, bytes.count >= needle.count else { return false }
            var index = 0
            let last = bytes.count - needle.count
            while index <= last {
                if bytes[index] == first {
                    var matched = 1
                    while matched < needle.count && bytes[index + matched] == needle[matched] { matched += 1 }
                    if matched == needle.count { return true }
                }
                index += 1
            }
            return false
        }
    }
}
