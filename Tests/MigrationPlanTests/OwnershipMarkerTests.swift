import Testing
@testable import MigrationPlan

@Suite struct OwnershipMarkerTests {
    let marker = OwnershipMarker(stack: "media", address: ResourceAddress(.migrationTask, "photos-2024"), fingerprint: "1a2b3c4d")

    @Test func rendersAsDocumented() {
        #expect(marker.rendered == "oms-plan:media:MigrationTask/photos-2024#1a2b3c4d")
        #expect(marker.description(userDescription: "Photos taken in 2024") ==
                "Photos taken in 2024 oms-plan:media:MigrationTask/photos-2024#1a2b3c4d")
        #expect(marker.description(userDescription: nil) == marker.rendered)
        #expect(marker.description(userDescription: "") == marker.rendered)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:/-#")
        #expect(marker.rendered.allSatisfy { allowed.contains($0) })
    }

    @Test func parsesBack() throws {
        let parsed = try #require(OwnershipMarker.parse(description: "Photos taken in 2024 oms-plan:media:MigrationTask/photos-2024#1a2b3c4d"))
        #expect(parsed.marker == marker)
        #expect(parsed.userDescription == "Photos taken in 2024")
        let bare = try #require(OwnershipMarker.parse(description: marker.rendered))
        #expect(bare.userDescription == "")
        let group = try #require(OwnershipMarker.parse(description: "x oms-plan:s:MigrationTaskGroup/g#00000000"))
        #expect(group.marker.address == ResourceAddress(.migrationTaskGroup, "g"))
    }

    @Test func rejectsWhatIsNotAMarker() {
        for text in ["", "Photos", "oms-plan:media", "x oms-plan:media:MigrationTask/p#1A2B3C4D", "x oms-plan:media:MigrationTask/p#1a2b3c",
                     "x oms-plan:Media:MigrationTask/p#1a2b3c4d", "x oms-plan:media:Task/p#1a2b3c4d",
                     "x oms-plan:media:MigrationTask/p#1a2b3c4d trailing", "xoms-plan:media:MigrationTask/p#1a2b3c4d"] {
            #expect(OwnershipMarker.parse(description: text) == nil, "\(text)")
        }
    }

    /// Identity is forever: markers are found by bytes after the last space since 2026-12-02;
    /// every description splits exactly as the earlier backwards search for " oms-plan:" did.
    @Test func theByteSearchSplitsAsTheEarlierStringSearch() {
        func earlier(_ description: String) -> (String, String)? {
            if description.hasPrefix(OwnershipMarker.prefix) { return (description, "") }
            guard let r = description.range(of: " " + OwnershipMarker.prefix, options: .backwards) else { return nil }
            return (String(description[description.index(after: r.lowerBound)...]), String(description[..<r.lowerBound]))
        }
        let m = "oms-plan:media:MigrationTask/photos-2024#1a2b3c4d"
        for text in [m, "a " + m, "a  " + m, "été à Paris " + m, "oms-plan:x " + m, "x " + m + " " + m, "x " + m + " trailing",
                     "a b\n" + m, "x\t" + m, "a oms-plan: " + m, " " + m, "x oms-plan:media:MigrationTask/a b#1a2b3c4d"] {
            let parsed = OwnershipMarker.parse(description: text)
            if let (markerText, user) = earlier(text), let reference = OwnershipMarker.parse(description: markerText) {
                #expect(parsed?.marker == reference.marker && parsed?.userDescription == user, "\(text)")
            } else {
                #expect(parsed == nil, "\(text)")
            }
        }
    }

    @Test func lengthAccounting() {
        #expect(OwnershipMarker.renderedLength(stack: "media", address: marker.address) == marker.rendered.count)
        #expect(OwnershipMarker.descriptionLength(user: "abc", stack: "media", address: marker.address) == 4 + marker.rendered.count)
        #expect(OwnershipMarker.descriptionLength(user: nil, stack: "media", address: marker.address) == marker.rendered.count)
    }

    /// The byte reading (`parse`) and the character reading it speeds up decide alike: on
    /// real markers, on each way one can be broken, and on random text built from the
    /// characters a marker uses plus spaces, non-ASCII letters, combining marks and CRLF.
    @Test func byteReadingAgreesWithCharacterReading() {
        func same(_ text: String) -> Bool {
            let fast = OwnershipMarker.parse(description: text)
            let slow = OwnershipMarker.parseCharacters(text)
            return fast?.marker == slow?.marker && fast?.userDescription == slow?.userDescription
        }
        let fixed = [
            marker.rendered, "Photos taken in 2024 \(marker.rendered)", "a  \(marker.rendered)", " \(marker.rendered)",
            "oms-plan:s:MigrationTask/a b#12345678", "x oms-plan:s:MigrationTask/p#2.1a2b3c4d", "x oms-plan:s:MigrationTask/p#+2.1a2b3c4d",
            "x oms-plan:s:MigrationTask/p#1.1a2b3c4d", "x oms-plan:s:MigrationTask/p#1000.1a2b3c4d", "Grüße oms-plan:s:MigrationTask/p#1a2b3c4d",
            "x \u{301}oms-plan:s:MigrationTask/p#1a2b3c4d", "x oms-plan:\u{301}s:MigrationTask/p#1a2b3c4d",
            "oms-plan:\u{301}s:MigrationTask/p#1a2b3c4d", "x oms-plan:s:MigrationTask/p#1a2b3c4\u{301}d",
            "x oms-plan:s:MigrationTask/p#1a2b3c4d\r\n", "x\r\noms-plan:s:MigrationTask/p#1a2b3c4d",
            "x oms-plan:s:MigrationTask/p#1a2b#3c4d", "x oms-plan:s#:MigrationTask/p1a2b3c4d", "x oms-plan::MigrationTask/p#1a2b3c4d",
        ]
        for text in fixed { #expect(same(text), "\(text)") }
        let pieces = ["oms-plan:", "media", ":", "MigrationTask/", "MigrationTaskGroup/", "photos-2024", "#", "1a2b3c4d", "2.", ".",
                      " ", "a", "A", "é", "\u{301}", "\r\n", "-", "/", "日"]
        var generator = SeededGenerator(seed: 0x0A4E_0001)
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 1...10, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(same(text), "\(generator): \(text.debugDescription)")
        }
        // Near misses: a valid description with one or two small edits.
        let valid = Array("Photos 2024 oms-plan:media:MigrationTask/photos-2024#1a2b3c4d")
        var accepted = 0
        for _ in 0..<20_000 {
            var text = valid
            for _ in 0..<Int.random(in: 0...2, using: &generator) {
                let at = Int.random(in: 0..<text.count, using: &generator)
                if Bool.random(using: &generator) { text.remove(at: at) } else {
                    text.insert(contentsOf: pieces.randomElement(using: &generator)!, at: at)
                }
            }
            let description = String(text)
            #expect(same(description), "\(generator): \(description.debugDescription)")
            if OwnershipMarker.parse(description: description) != nil { accepted += 1 }
        }
        #expect(accepted > 1_000, "\(generator)")
    }
}
