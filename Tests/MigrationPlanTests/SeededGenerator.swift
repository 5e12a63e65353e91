import Foundation

/// SplitMix64 (Steele, Lea and Flood; Vigna's constants): a random test built on it draws the
/// same values on every run and every machine, so a failure it finds is found again. Each test
/// names its own fixed seed and puts `description` in its failure messages;
/// `OMS_PLAN_TEST_SEED=<n>` replaces every seed, to explore other draws or repeat one reported
/// by a run that used it. (`SystemRandomNumberGenerator` made each run a different test.)
struct SeededGenerator: RandomNumberGenerator, CustomStringConvertible {
    /// The seed the draws start from (the override, when one is set).
    let seed: UInt64
    private var state: UInt64

    /// Starts from `seed`, or from `OMS_PLAN_TEST_SEED` when it is set.
    init(seed: UInt64) {
        self.init(exactly: ProcessInfo.processInfo.environment["OMS_PLAN_TEST_SEED"].flatMap { UInt64($0) } ?? seed)
    }

    /// Starts from `seed` whatever the environment says.
    init(exactly seed: UInt64) {
        self.seed = seed
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// How a failure message names the draw: enough to run the same one again.
    var description: String { "seed \(seed) (OMS_PLAN_TEST_SEED=\(seed) repeats it)" }
}
