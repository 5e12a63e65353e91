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

    @Test func lengthAccounting() {
        #expect(OwnershipMarker.renderedLength(stack: "media", address: marker.address) == marker.rendered.count)
        #expect(OwnershipMarker.descriptionLength(user: "abc", stack: "media", address: marker.address) == 4 + marker.rendered.count)
        #expect(OwnershipMarker.descriptionLength(user: nil, stack: "media", address: marker.address) == marker.rendered.count)
    }
}
