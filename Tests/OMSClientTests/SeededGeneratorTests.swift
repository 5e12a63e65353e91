import Testing

/// The random tests of this target draw from `SeededGenerator`: the same seed, the same test.
@Suite struct SeededGeneratorTests {
    /// SplitMix64's published vector (seed 1234567), so the generator is the one its name says.
    @Test func drawsSplitMix64() {
        var generator = SeededGenerator(exactly: 1_234_567)
        #expect([generator.next(), generator.next(), generator.next()]
            == [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423])
        var again = SeededGenerator(exactly: 1_234_567)
        let damage = (0..<20).map { _ in Int.random(in: 0..<1_000, using: &again) }
        var same = SeededGenerator(exactly: 1_234_567)
        #expect(damage == (0..<20).map { _ in Int.random(in: 0..<1_000, using: &same) })
    }
}
