import Foundation
import OMSModels
import Testing

@testable import OMSClient

/// Error messages from OMS and IAM are scrubbed by the process-wide masking rules
/// (`SecretRedactor`), not by a weaker copy of them.
@Suite struct SecretScrubberTests {
    /// The same mask as every other output, and on bytes: a combining mark after a key (which
    /// makes its last character another Character) does not hide it.
    @Test func masksLikeEveryOutput() {
        let scrubber = SecretScrubber(secrets: ["SRC-SK-VERY-SECRET"])
        #expect(scrubber.scrub("sk SRC-SK-VERY-SECRET rejected") == "sk \(SecretRedactor.mask) rejected")
        let marked = scrubber.scrub("sk SRC-SK-VERY-SECRET\u{301} rejected")
        #expect(!Self.bytes(of: marked, contain: "VERY-SECRET"), "\(marked.debugDescription)")
        // An echo that escaped the key for JSON is masked too.
        let slashed = SecretScrubber(secrets: ["a/b/KEY-0001"]).scrub(#"bad key "a\/b\/KEY-0001""#)
        #expect(!Self.bytes(of: slashed, contain: "KEY-0001"), "\(slashed)")
    }

    /// A search on bytes: `String.contains` compares Characters and misses `T` in `T\u{301}`.
    static func bytes(of text: String, contain part: String) -> Bool {
        let haystack = Array(text.utf8), needle = Array(part.utf8)
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    /// A body's secret fields are added to the client's; short values are left alone.
    @Test func bodySecretsAreAddedAndShortOnesIgnored() {
        let body = Data(#"{"src_node":{"ak":"AK-000001","sk":"SK-000001"},"name":"abc"}"#.utf8)
        let scrubber = SecretScrubber(secrets: ["abc"]).adding(SecretScrubber.secrets(inJSON: body))
        #expect(scrubber.scrub("AK-000001 SK-000001 abc") == "\(SecretRedactor.mask) \(SecretRedactor.mask) abc")
    }
}
