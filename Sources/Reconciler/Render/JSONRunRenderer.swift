import Foundation

/// The `apply --output json` document: the whole run, every pass and wave of `--wait`, in the
/// diff document's shape (docs/json-output.md).
///
/// The contract's keys (`formatVersion`, `stack`, `evaluatedAt`, `summary`, `changes`) keep
/// their meaning and describe the whole run (`RunReport.whole`), so a program written for one
/// pass reads the run without a change. Added beside them: `passes`, one object a pass in
/// order, and `run`, how it ended. A run of one pass is the same document as before, plus
/// those two keys.
public struct JSONRunRenderer: Sendable {
    public init() {}

    /// A run that went to its end: the verdict says whether OMS matches the plan.
    public func render(_ verdict: RunVerdict) -> String {
        var result = Self.counts(verdict.tally)
        result["done"] = .bool(verdict.isDone)
        result["settled"] = .bool(verdict.settled)
        result["needsAttention"] = .array(Self.unique(verdict.problems.map(\.address)).map(JSONValue.string))
        result["waitingForLaterRun"] = .array(verdict.waitingForLaterRun.map { .string($0.address.description) })
        result["stoppedFollowing"] = .null
        return Self.write(verdict.wholeReport, run: verdict.run, result: result)
    }

    /// A run that stopped following before everything settled (`--wait-timeout`, or OMS could
    /// not be read): not done, with what it did up to then.
    public func render(stoppedFollowing end: StackReconciler.FollowEnd, tally: RunTally, run: RunReport) -> String {
        var result = Self.counts(tally)
        result["done"] = .bool(false)
        result["settled"] = .bool(false)
        result["needsAttention"] = .array([])
        result["waitingForLaterRun"] = .array([])
        switch end {
        case .timedOut(let moving):
            result["stoppedFollowing"] = .string("timed_out")
            result["stillMoving"] = .array(moving.map(JSONValue.string))
        case .unreadable: result["stoppedFollowing"] = .string("unreadable")
        case .settled: result["stoppedFollowing"] = .null
        }
        let fallback = ChangeReport(stack: "", evaluatedAt: Date(), evaluatedDay: nil, changes: [])
        return Self.write(run.whole ?? fallback, run: run, result: result)
    }

    private static func write(_ whole: ChangeReport, run: RunReport, result: [String: JSONValue]) -> String {
        let renderer = JSONReportRenderer()
        guard case .object(var root) = renderer.document(whole) else { return renderer.render(whole) }
        root["passes"] = .array(run.passes.enumerated().map { index, pass in
            let notable = pass.report.changes.filter(RunReport.isNotable)
            var one: [String: JSONValue] = [
                "pass": .number(Double(index + 1)),
                "evaluatedAt": .string(ValueFormat.rfc3339(pass.report.evaluatedAt)),
                "applied": .bool(pass.applied),
                "summary": renderer.summary(pass.report.summary),
                "changes": .array(notable.map { Self.brief(renderer.change($0)) }),
            ]
            if let day = pass.report.evaluatedDay { one["evaluatedDay"] = .string(day) }
            return .object(one)
        })
        root["run"] = .object(result)
        return PrettyJSON.write(.object(root)) + "\n"
    }

    /// A pass's line for one change: what it was and how it ended, without the fields, calls
    /// and forecast the top-level `changes` carry (a first apply of 10,000 creates would
    /// otherwise print each of them twice).
    static let briefKeys: Set<String> = ["address", "action", "liveId", "reasons", "outcome"]

    private static func brief(_ change: JSONValue) -> JSONValue {
        guard case .object(let all) = change else { return change }
        return .object(all.filter { briefKeys.contains($0.key) })
    }

    /// What the run carried out, as the last line counts it.
    private static func counts(_ tally: RunTally) -> [String: JSONValue] {
        [
            "passes": .number(Double(tally.passes)),
            "waves": .number(Double(tally.waves)),
            "made": .object(Dictionary(uniqueKeysWithValues: tally.made.map { ($0.key.rawValue, JSONValue.number(Double($0.value))) })),
            "failed": .number(Double(tally.failed)),
            "skipped": .number(Double(tally.skipped)),
        ]
    }

    private static func unique(_ addresses: [String]) -> [String] {
        var seen: Set<String> = []
        return addresses.filter { seen.insert($0).inserted }
    }
}
