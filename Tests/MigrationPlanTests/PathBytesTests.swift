import Testing

@testable import MigrationPlan

/// `${file:}` containment and plan paths are decided on bytes (issue 21): as `Character`s a
/// `/` followed by a combining mark is no `/`, and `é` equals `e\u{0301}`, two folders on disk.
@Suite struct PathBytesTests {
    @Test func aCombiningMarkAfterASlashStillSeparates() {
        #expect(PathUtil.normalize("keys/../\u{0301}x") == "\u{0301}x")
        #expect(PathUtil.normalize("/repo/a/..\u{0301}/b") == "/repo/a/..\u{0301}/b")
        #expect(PathUtil.normalize("/repo/a/../../\u{0301}etc") == "/\u{0301}etc")
        #expect(PathUtil.parent("/repo/\u{0301}x") == "/repo")
        #expect(PathUtil.lastComponent("/repo/\u{0301}x") == "\u{0301}x")
        #expect(PathUtil.join("/repo", "\u{0301}x") == "/repo/\u{0301}x")
    }

    @Test func containmentComparesBytesNotCanonicalEquivalence() {
        #expect(PathUtil.isInside("/repo/caf\u{E9}/secret", root: "/repo/caf\u{E9}"))
        #expect(!PathUtil.isInside("/repo/cafe\u{0301}/secret", root: "/repo/caf\u{E9}"))
        #expect(!PathUtil.isInside("/repo/\u{0301}x", root: "/repo/\u{0301}"))
        #expect(PathUtil.isInside("/repo/\u{0301}/x", root: "/repo/\u{0301}"))
        #expect(!PathUtil.isInside("/repository", root: "/repo"))
        #expect(PathUtil.isInside("/repo", root: "/repo"))
        #expect(!PathUtil.isInside("../x", root: "."))
        #expect(PathUtil.isInside("x/y", root: "."))
    }
}
