import Foundation

/// Reads `spec.incremental` of a task, group or task set (issue 25, part 1):
/// `{every, overlap, keep}`. `every` is required and at least 1m, `overlap` defaults to 15m and
/// must be shorter than `every`, `keep` defaults to 3 (0...100). Every problem is reported at
/// the value's position; with any problem the policy is left out (no pass from a bad one).
struct IncrementalDecoder {
    let ctx: DecodeContext

    static let fields: Set<String> = ["every", "overlap", "keep"]

    /// The policy of `spec.incremental` (`path` is `spec` or `spec.template`); nil when the
    /// spec has none or it has a problem (reported on `ctx`).
    func decode(_ spec: Fields, path: String) -> IncrementalPolicy? {
        guard spec.has("incremental") else { return nil }
        guard let f = spec.mapping("incremental", allowed: Self.fields) else { return nil }
        let before = ctx.sink.errorCount
        let every = duration(f, "every", path: path)
        // (Not when a field is unknown: likely a misspelt `every`, reported already.)
        if every == nil, !f.has("every"), f.keys.allSatisfy(Self.fields.contains) {
            f.missing("every", hint: "how often a pass copies what changed, e.g. `every: 12h` (at least 1m)")
        }
        if let every, every.value < Int(IncrementalPolicy.minimumEvery) || every.value > Int(IncrementalPolicy.maximumEvery) {
            ctx.error("`\(path).incremental.every` must be from 1m to 30d, found `\(PlanDuration.text(every.value))`", at: every.loc,
                      hint: "a pass is a new OMS task; OMS allows 1,500 creates a day per tenant")
        }
        let overlap = duration(f, "overlap", path: path)
        if let overlap, let every, overlap.value >= every.value {
            ctx.error("`\(path).incremental.overlap` (\(PlanDuration.text(overlap.value))) must be shorter than `every` (\(PlanDuration.text(every.value)))",
                      at: overlap.loc, hint: "the overlap only covers clock skew and listing time: minutes, e.g. `overlap: 15m`")
        }
        let keep = f.int("keep", in: IncrementalPolicy.keepRange)
        guard ctx.sink.errorCount == before, let every else { return nil }
        return IncrementalPolicy(every: TimeInterval(every.value),
                                 overlap: overlap.map { TimeInterval($0.value) } ?? IncrementalPolicy.defaultOverlap,
                                 keep: keep?.value ?? IncrementalPolicy.defaultKeep)
    }

    /// A duration field: `12h`, `15m`, `1h30m`, `0` (a string, or the integer 0).
    private func duration(_ f: Fields, _ key: String, path: String) -> Located<Int>? {
        guard let v = f.value(key) else { return nil }
        guard let text = f.text(key, expected: "a duration such as `12h` or `15m`") else { return nil }
        guard let seconds = PlanDuration.seconds(text.value) else {
            ctx.error("`\(path).incremental.\(key)` must be a duration such as `12h`, `15m` or `1h30m`, found `\(text.value)`",
                      at: v.loc, hint: "whole numbers with units d, h, m, s, in that order")
            return nil
        }
        return Located(value: seconds, loc: v.loc)
    }
}
