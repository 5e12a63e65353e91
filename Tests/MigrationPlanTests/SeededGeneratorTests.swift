import Testing

/// The random tests of this target draw from `SeededGenerator`: the same seed, the same test.
@Suite struct SeededGeneratorTests {
    /// SplitMix64's published vector (seed 1234567), so the generator is the one its name says.
    @Test func drawsSplitMix64() {
        var generator = SeededGenerator(exactly: 1_234_567)
        #expect([generator.next(), generator.next(), generator.next()]
            == [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423])
        #expect(generator.description.contains("1234567"))
    }

    /// The agreement test's YAML generator writes the same documents from the same seed, and
    /// other documents from another: a failure it reports can be run again.
    @Test func generatedDocumentsAreTheSameForTheSameSeed() {
        func documents(_ seed: UInt64) -> [String] {
            var generator = YAMLReaderAgreementTests.Generator(rng: SeededGenerator(exactly: seed))
            return (0..<50).map { _ in generator.document() }
        }
        #expect(documents(7) == documents(7))
        #expect(documents(7) != documents(8))
    }
}
