import Testing
@testable import MigrationPlan

/// The hints beside libyaml's syntax errors: the mistake each names, and the text that must
/// not mislead them (the located cases are in the corpus, `yaml-hint-*`).
@Suite struct YAMLSyntaxHintsTests {
    func problem(_ text: String) throws -> ReadProblem {
        try #require(YAMLReader(file: 0).read(text).problems.first, "no problem in:\n\(text)")
    }

    @Test func parseStaysAsYamsReadIt() {
        // `parse` is compared with the Yams reader it replaced; only `read` adds hints.
        #expect(YAMLReader(file: 0).parse("a: 1\n\tb: 2\n").problems.first?.hint == nil)
        #expect(YAMLReader(file: 0).read("a: 1\n\tb: 2\n").problems.first?.hint?.contains("tab") == true)
    }

    @Test func aValueIsNeverQuotedInAHint() throws {
        // A key pasted into the wrong place is still a value: hints name keys only.
        let p = try problem("spec:\n  accessKey: AKIA1234SECRET: x\n")
        #expect(p.hint == "the value of `accessKey:` holds `: `, which YAML reads as another key: put the value in quotes")
        let quote = try problem("spec:\n  secretKey: \"Sup3r-S3cret\n")
        #expect(quote.hint?.contains("S3cret") == false)
        #expect(quote.hint?.hasPrefix("the `\"` at line 2, column 14 starts a value that is never closed") == true)
    }

    @Test func aQuoteInsideAPlainValueOrABlockDoesNotOpenAValue() throws {
        let text = """
            a: it's fine
            b: |
              a "quote" and 'another
            c:
              d: 1
               e: 2

            """
        let p = try problem(text)
        #expect(p.loc.line == 6)
        #expect(p.hint?.hasPrefix("`e:` is indented 3 spaces and `d:` on line 5 is indented 2") == true, "\(p.hint ?? "")")
    }

    @Test func aQuotedValueMeantToSpanLinesIsNotBlamed() throws {
        // The value over lines 1-2 is closed where it should be; the slip on line 5 is the mistake.
        let p = try problem("a: \"one\n  two\"\nb:\n  c: 1\n   d: 2\n")
        #expect(p.hint?.hasPrefix("`d:` is indented 3 spaces") == true, "\(p.hint ?? "")")
    }

    @Test func deeperUnderAKeyThatOpensABlockIsNoSlip() throws {
        // `b:` opens a mapping, so 4 spaces are a new level; the error is elsewhere.
        let p = try problem("a: 1\nb:\n    c: x: y\n")
        #expect(p.hint == "the value of `c:` holds `: `, which YAML reads as another key: put the value in quotes")
    }

    @Test func aFirstKeyOneSpaceOffIsTheLineThatSlipped() throws {
        // YAML reads ` type:` as spec's first key; it stops at `source:`, which is where it should be.
        let p = try problem("spec:\n type: prefix\n  source: x\n")
        #expect(p.loc.line == 3)
        #expect(p.hint == "`type:` on line 2 is indented 1 space and `source:` 2: the keys of one mapping line up exactly; "
                + "indent line 2 2 spaces")
    }

    @Test func moreThanOneSpaceOffIsNotGuessed() throws {
        let p = try problem("a:\n  b: 1\n    c: 2\n")
        #expect(p.hint == "`c:` is indented 4 spaces, which lines up with nothing above it (`b:` on line 2 at 2, `a:` on line 1 at 0): "
                + "the keys of one mapping line up exactly; a deeper key needs its parent key (`name:` on a line of its own) above it")
    }

    @Test func listItemsLineUp() throws {
        let p = try problem("a:\n  b:\n    - x\n   - y\n")
        #expect(p.hint?.hasPrefix("the `- ` item is indented 3 spaces and the `- ` item on line 3 is indented 4") == true,
                "\(p.hint ?? "")")
    }

    @Test func aMissingCommaInAListIsNotAMissingBracket() throws {
        let p = try problem("a: [\"x\" \"y\"]\n")
        #expect(p.hint == "the list that starts with `[` at line 1, column 4 needs a `,` between its items, or `]` where it ends, "
                + "before line 1, column 9")
    }

    @Test func aStrayClosingBracket() throws {
        #expect(try problem("a: [x]]\nb: 1\n").hint == "this `]` closes no `[` list: remove it")
    }

    @Test func windowsLineEndsKeepTheLines() throws {
        let p = try problem("a: 1\r\nb:\r\n  c: 1\r\n   d: 2\r\n")
        #expect(p.hint?.hasPrefix("`d:` is indented 3 spaces and `c:` on line 3 is indented 2") == true, "\(p.hint ?? "")")
    }

    /// Damaged plans (as `YAMLReaderAgreementTests` damages them): hints never fail, and they
    /// point back, at the error's line or before it, never at a line after it.
    @Test func hintsOnDamagedPlansPointBack() throws {
        let texts = try YAMLReaderAgreementTests.planTexts().sorted()
        var rng = SeededGenerator(seed: 0x23_0003)
        let alphabet = Array(" \n\t-:?[]{},'\"#|>a1".utf8)
        var hinted = 0
        for round in 0..<2_000 {
            guard let text = YAMLDamage.damaged(texts.randomElement(using: &rng)!, alphabet: alphabet, using: &rng) else { continue }
            for p in YAMLReader(file: 0).read(text).problems where p.message.hasPrefix("invalid YAML:") {
                guard let hint = p.hint else { continue }
                hinted += 1
                let lines = hint.split(separator: "line ").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
                #expect(lines.allSatisfy { $0 <= Int(p.loc.line) }, "damage \(round): \(p.loc.line): \(p.message)\n  hint: \(hint)")
            }
        }
        #expect(hinted > 100)
    }

    @Test func kindSuggestions() {
        #expect(Suggestion.kinds(for: "MigrationTsk") == [.migrationTask])
        #expect(Suggestion.kinds(for: "TaskGroup") == [.migrationTaskGroup])
        #expect(Suggestion.kinds(for: "Task") == [.migrationTask, .migrationSyncTask])
        #expect(Suggestion.kinds(for: "Pipeline").isEmpty)
        #expect(Suggestion.hint(forKinds: [.migrationTask, .migrationSyncTask]) == "did you mean `MigrationTask` or `MigrationSyncTask`?")
    }
}
