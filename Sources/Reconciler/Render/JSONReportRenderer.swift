import Foundation

/// The `--output json` document (README and docs/ci.md): the contract CI pipelines parse.
///
/// The document is assembled key by key rather than with `ChangeReport`'s synthesized
/// encoding, because the contract fixes things Codable would not: `evaluatedAt` as RFC 3339
/// (not a number), `liveId`/`liveStatus` present as `null` when there is no live resource (a
/// consumer can rely on the key), `outcome` only once apply has set it. Extensions beyond the
/// contract: `evaluatedDay`, per-change `calls`, per-field `forcesReplacement`.
public struct JSONReportRenderer: Sendable {
    /// Keys every consumer may rely on; tests hold the output to them.
    public static let requiredKeys = ["formatVersion", "stack", "evaluatedAt", "summary", "changes"]
    public static let requiredChangeKeys = ["address", "action", "liveId", "liveStatus", "reasons", "fields", "dependsOn"]
    /// `before` too whenever there is a live value: every field of an update, the live side of
    /// a replacement; a create's fields have none.
    public static let requiredFieldKeys = ["path", "after"]

    public init() {}

    /// Pretty-printed (two-space indent), keys sorted, ending in a newline; the same report
    /// always gives the same bytes, on every platform.
    public func render(_ report: ChangeReport) -> String {
        PrettyJSON.write(document(report)) + "\n"
    }

    /// The document as a value, for callers that embed it (a report file with more around it).
    public func document(_ report: ChangeReport) -> JSONValue {
        var root: [String: JSONValue] = [
            "formatVersion": .number(Double(report.formatVersion)),
            "stack": .string(report.stack),
            "evaluatedAt": .string(ValueFormat.rfc3339(report.evaluatedAt)),
            "summary": summary(report.summary),
            "changes": .array(report.changes.map(change)),
        ]
        if let day = report.evaluatedDay { root["evaluatedDay"] = .string(day) }
        if let freeze = report.freeze { root["freeze"] = freeze.json }
        if let cutovers = report.cutovers { root["cutovers"] = .array(cutovers.map(\.json)) }
        // (Not `passes`: a run's document lists its apply passes under that key.)
        if let passes = report.incrementalPasses { root["incrementalPasses"] = .array(passes.map(\.json)) }
        if let unowned = report.unowned {
            root["unowned"] = .object([
                "tasks": .number(Double(unowned.tasks)), "taskGroups": .number(Double(unowned.taskGroups)),
                "syncTasks": .number(Double(unowned.syncTasks)),
            ])
        }
        return .object(root)
    }

    /// A summary object: every action with its count.
    func summary(_ summary: ChangeSummary) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: ChangeAction.allCases.map { ($0.rawValue, JSONValue.number(Double(summary[$0]))) }))
    }

    /// One entry of `changes` (also of each pass of a run's document).
    func change(_ c: ResourceChange) -> JSONValue {
        var o: [String: JSONValue] = [
            "address": .string(c.address.description),
            "action": .string(c.action.rawValue),
            "liveId": c.liveId.map(JSONValue.string) ?? .null,
            "liveStatus": c.liveStatus.map(JSONValue.string) ?? .null,
            "reasons": .array(c.reasons.map { .object(["code": .string($0.code), "message": .string($0.message)]) }),
            "fields": .array(c.fields.map { f in
                var field: [String: JSONValue] = [
                    "path": .string(f.path), "after": f.after, "forcesReplacement": .bool(f.forcesReplacement),
                ]
                // No live value (a create's attributes): `before` is left out, not null.
                if let before = f.before { field["before"] = before }
                return .object(field)
            }),
            "dependsOn": .array(c.dependsOn.map { .string($0.description) }),
            "calls": .array(c.calls.map(JSONValue.string)),
        ]
        if let f = c.forecast {
            var forecast: [String: JSONValue] = ["reason": .string(f.reason), "isLowerBound": .bool(f.isLowerBound)]
            func time(_ date: Date?) -> JSONValue { date.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null }
            forecast["finish"] = time(f.finish)
            if f.previousFinish != nil { forecast["previousFinish"] = time(f.previousFinish) }
            if let bytes = f.bytes { forecast["bytes"] = .number(Double(bytes)) }
            if f.deadline != nil {
                forecast["deadline"] = time(f.deadline)
                forecast["deadlineSlack"] = f.deadlineSlack.map(JSONValue.number) ?? .null
            }
            o["forecast"] = .object(forecast)
        }
        if let acceptance = c.acceptance { o["acceptance"] = acceptance.json }
        if let suspended = c.suspended { o["suspended"] = suspended.json }
        if let outcome = c.outcome {
            var out: [String: JSONValue] = ["status": .string(outcome.status.rawValue)]
            if let error = outcome.error { out["error"] = .string(error) }
            if let id = outcome.liveId { out["liveId"] = .string(id) }
            o["outcome"] = .object(out)
        }
        return .object(o)
    }

    /// Reads a document this renderer wrote (or `apply --output json` / `reconcile --report`
    /// wrote) back into a `ChangeReport`.
    public static func decode(_ data: Data) throws -> ChangeReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(ChangeReport.self, from: data)
    }
}
