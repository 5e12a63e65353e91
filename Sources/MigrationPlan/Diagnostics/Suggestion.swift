/// "Did you mean ...?" suggestions for misspelt field names, kinds and references.
enum Suggestion {
    /// The candidate closest to `word`, if it is close enough to be a plausible typo:
    /// an edit distance of at most a third of the word (at least 1, at most 3), or the same
    /// word in another case.
    static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let lowered = word.lowercased()
        var best: (String, Int)?
        for candidate in candidates {
            if candidate.lowercased() == lowered { return candidate }
            let limit = max(1, min(3, candidate.count / 3))
            let d = distance(lowered, candidate.lowercased(), limit: limit)
            if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }

    /// `did you mean `x`?` or nil.
    static func hint(for word: String, in candidates: some Sequence<String>) -> String? {
        closest(to: word, in: candidates).map { "did you mean `\($0)`?" }
    }

    /// The kinds a `kind:` that names none most likely meant: the closest by edit distance
    /// (`MigrationTsk`), else those the word ends or begins (`TaskGroup`; `Task` ends both
    /// `MigrationTask` and `MigrationSyncTask`); empty when none fits.
    static func kinds(for word: String) -> [ResourceKind] {
        let names = ResourceKind.allCases.map(\.rawValue)
        if let name = closest(to: word, in: names), let kind = ResourceKind(rawValue: name) { return [kind] }
        let lowered = word.lowercased()
        guard lowered.unicodeScalars.count >= 3 else { return [] }
        return ResourceKind.allCases.filter {
            let name = $0.rawValue.lowercased()
            return name.hasSuffix(lowered) || name.hasPrefix(lowered)
        }
    }

    /// `did you mean `A`?`, `did you mean `A` or `B`?`, or nil for no kinds.
    static func hint(forKinds kinds: [ResourceKind]) -> String? {
        guard let last = kinds.last else { return nil }
        let names = kinds.dropLast().map { "`\($0.rawValue)`" }
        return "did you mean \(names.isEmpty ? "" : names.joined(separator: ", ") + " or ")`\(last.rawValue)`?"
    }

    /// Damerau-Levenshtein (optimal string alignment) distance; stops early past `limit`
    /// so that a long stray key costs little.
    static func distance(_ a: String, _ b: String, limit: Int) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if abs(x.count - y.count) > limit { return limit + 1 }
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev2 = [Int](repeating: 0, count: y.count + 1)
        var prev = Array(0...y.count)
        var cur = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            cur[0] = i
            var rowMin = cur[0]
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { v = min(v, prev2[j - 2] + 1) }
                cur[j] = v
                rowMin = min(rowMin, v)
            }
            if rowMin > limit { return limit + 1 }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[y.count]
    }
}
