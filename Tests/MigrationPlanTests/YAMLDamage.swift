/// Random damage to a YAML text for the readers' fuzz tests: one to three bytes of `alphabet`
/// replaced, removed or inserted. Nil for an empty text (nothing to damage). The draws from
/// `rng` are the same, in the same order, for every caller, so seeded failures replay.
enum YAMLDamage {
    static func damaged(_ original: String, alphabet: [UInt8], using rng: inout SeededGenerator) -> String? {
        var bytes = Array(original.utf8)
        guard !bytes.isEmpty else { return nil }
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: bytes[at] = alphabet.randomElement(using: &rng)!
            case 1: if bytes.count > 1 { bytes.remove(at: at) }
            default: bytes.insert(alphabet.randomElement(using: &rng)!, at: at)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
