import Foundation
import Testing

@testable import OMSClient

/// `XMLText`, the one table of entities that the sandbox's OBS server writes with and the OBS
/// client reads with: whatever one escapes, the other reads back scalar for scalar.
struct XMLTextTests {
    /// Markup characters next to combining marks (one `Character` with the mark), entities
    /// written literally, references, emoji, and the scalars XML cannot carry.
    static let hostile: [String] = [
        "", "plain", "&", "&amp;", "&amp;amp;", "<Key>x</Key>", "a<\u{301}b", "&\u{301}", ";\u{301}", "\"'\u{301}",
        "a & b &amp; c", "&#65;", "&#x41;", "&#xZZ;", "&;", "&unknown;", "100% & <50>", "e\u{301}&lt;", "👩‍👩‍👧<&>",
        "\u{0}\u{1}\u{B}\u{1F}", "\t\n\r", "\u{FFFE}\u{FFFF}", "\u{10FFFF}", "]]>", "<!--", "&&&;;;",
    ]

    /// What `escape` is meant to keep: every scalar, but U+FFFD for those XML 1.0 cannot carry.
    static func carried(_ text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.map { XMLText.isCarried($0) ? $0 : "\u{FFFD}" }
    }

    @Test func escapedTextReadsBackScalarForScalar() {
        for text in Self.hostile {
            let escaped = XMLText.escape(text)
            #expect(!escaped.unicodeScalars.contains { $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "'" }, "\(escaped.debugDescription)")
            #expect(Array(XMLText.unescape(escaped).unicodeScalars) == Self.carried(text), "\(text.debugDescription)")
        }
    }

    @Test func randomTextReadsBackScalarForScalar() {
        var random = SeededGenerator(seed: 22_13)
        let pool: [Unicode.Scalar] = ["&", "<", ">", "\"", "'", ";", "#", "x", "a", "1", "\u{301}", "\u{200D}", "\u{0}", "\u{FFFF}", "é", "🙂"]
        for _ in 0..<5_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...12, using: &random) { text.append(pool.randomElement(using: &random)!) }
            let string = String(text)
            #expect(
                Array(XMLText.unescape(XMLText.escape(string)).unicodeScalars) == Self.carried(string),
                "\(string.debugDescription), \(random)")
        }
    }

    @Test func referencesAreReadAndAnythingElseIsKept() {
        #expect(XMLText.unescape("&lt;&#65;&#x42;&#x1F642;") == "<AB🙂")
        #expect(XMLText.unescape("a & b &amp; c") == "a & b & c")
        #expect(XMLText.unescape("&#xD800;&#99999999;&bogus;") == "&#xD800;&#99999999;&bogus;")
        #expect(XMLText.unescape("&amp;\u{301}") == "&\u{301}")
    }

    @Test func listingKeysNextToCombiningMarksAreRead() throws {
        let key = "a<\u{301}b&;\u{301}"
        let xml = "<ListBucketResult><Contents><Key>\(XMLText.escape(key))</Key></Contents></ListBucketResult>"
        let page = try #require(ListBucketResultXML.parse(Data(xml.utf8)))
        #expect(page.keys.map { Array($0.unicodeScalars) } == [Array(key.unicodeScalars)])
    }
}
