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
}
