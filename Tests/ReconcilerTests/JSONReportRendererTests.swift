import Foundation
import MigrationPlan
import Reconciler
import Testing

@Suite struct JSONReportRendererTests {
    static let bandwidthBefore: JSONValue = .array([
        .object(["start": .string("00:00"), "end": .string("23:59"), "maxBandwidth": .number(1_048_576)])
    ])
    static let bandwidthAfter: JSONValue = .array([
        .object(["start": .string("00:00"), "end": .string("23:59"), "maxBandwidth": .number(2_097_152)])
    ])

    /// The contract's own example, plus an applied change with an outcome.
    static func sample(at date: Date = Date(timeIntervalSince1970: 1_795_510_800)) -> ChangeReport {
        var update = ResourceChange(
            address: "MigrationTask/photos-2024", action: .update, liveId: "200477729979132", liveStatus: "Migrating",
            reasons: [.bandwidthChanged(day: "")],
            fields: [FieldChange(path: "bandwidth", before: bandwidthBefore, after: bandwidthAfter)])
        update.calls = ["PUT /v2/{project_id}/tasks/200477729979132/bandwidth-policy"]
        var create = ResourceChange(
            address: "MigrationTask/logs-web", action: .create, reasons: [.notInOMSYet], dependsOn: ["MigrationTask/a"],
            outcome: ChangeOutcome(status: .failed, error: "OMS.0007: bucket \"x|y\" not found", liveId: nil))
        create.calls = ["POST /v2/{project_id}/tasks"]
        let replace = ResourceChange(
            address: "MigrationTask/docs", action: .replace, liveId: "7", liveStatus: "Paused", reasons: [.immutableFieldsChanged(["source.objects"])],
            fields: [FieldChange(path: "source.objects", before: .array([.string("a")]), after: .array([.string("b"), .null, .bool(true)]), forcesReplacement: true)],
            outcome: ChangeOutcome(status: .succeeded, liveId: "8"))
        let noops = (1...4).map { ResourceChange(address: ChangeSubject(ResourceAddress(.migrationTask, "n\($0)")), action: .noop, liveId: "\($0)", liveStatus: "Succeeded") }
        return ChangeReport(stack: "media", evaluatedAt: date, evaluatedDay: "2026-11-24", changes: [update, create, replace] + noops)
    }

    @Test func roundTrip() throws {
        let report = Self.sample()
        let text = JSONReportRenderer().render(report)
        let decoded = try JSONReportRenderer.decode(Data(text.utf8))
        #expect(decoded.formatVersion == 1)
        #expect(decoded.stack == report.stack)
        #expect(decoded.evaluatedAt == report.evaluatedAt)
        #expect(decoded.evaluatedDay == report.evaluatedDay)
        #expect(decoded.summary == report.summary)
        // Reasons read back are their codes and messages, not the cases that wrote them.
        #expect(decoded.changes == Self.recorded(report.changes))
        #expect(JSONReportRenderer().render(decoded) == text)
    }

    static func recorded(_ changes: [ResourceChange]) -> [ResourceChange] {
        changes.map { change in
            var change = change
            change.reasons = change.reasons.map { .recorded(code: $0.code, message: $0.message) }
            return change
        }
    }

    /// The contract: each reason is `{"code", "message"}`; programs match the code (issue 22).
    @Test func reasonsCarryCodesAndMessages() throws {
        let text = JSONReportRenderer().render(Self.sample())
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let changes = try #require(root["changes"] as? [[String: Any]])
        let update = try #require(changes.first { $0["address"] as? String == "MigrationTask/photos-2024" })
        let reasons = try #require(update["reasons"] as? [[String: String]])
        #expect(reasons == [["code": "bandwidth_changed", "message": "bandwidth changed"]])
        // Reports written before codes (a list of sentences) still read.
        var oldRoot = root
        oldRoot["changes"] = changes.map { change -> [String: Any] in
            var change = change
            change["reasons"] = (change["reasons"] as? [[String: String]])?.map { $0["message"] ?? "" }
            return change
        }
        let decoded = try JSONReportRenderer.decode(try JSONSerialization.data(withJSONObject: oldRoot))
        #expect(decoded.changes.first { $0.address.description == "MigrationTask/photos-2024" }?.reasons == [.recorded(code: "", message: "bandwidth changed")])
    }

    /// Equal reasons are the same case with the same payload, not the same sentence.
    @Test func reasonsCompareByCaseAndPayload() {
        #expect(ChangeReason.bandwidthChanged(day: "") != .recorded(code: "bandwidth_changed", message: "bandwidth changed"))
        #expect(ChangeReason.preflight("x") != .recorded(code: "", message: "x"))
        #expect(ChangeReason.bandwidthChanged(day: "2026-01-01") == .bandwidthChanged(day: "2026-01-01"))
        #expect(Set(ChangeReason.codes).count == ChangeReason.codes.count)
    }

    /// Every code is documented where users read the JSON document's contract.
    @Test func everyReasonCodeIsDocumented() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/json-output.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for code in ChangeReason.codes { #expect(text.contains("`\(code)`"), "docs/json-output.md does not document `\(code)`") }
    }

    @Test func contractShape() throws {
        let text = JSONReportRenderer().render(Self.sample())
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(root["evaluatedAt"] as? String == "2026-11-24T09:00:00Z")
        #expect(root["summary"] as? [String: Int] == [
            "create": 1, "update": 1, "replace": 1, "delete": 0, "start": 0, "pause": 0, "retry": 0, "blocked": 0, "noop": 4,
            "release": 0,
        ])
        let changes = try #require(root["changes"] as? [[String: Any]])
        #expect(changes.map { $0["address"] as? String } == [
            "MigrationTask/docs", "MigrationTask/logs-web", "MigrationTask/n1", "MigrationTask/n2", "MigrationTask/n3",
            "MigrationTask/n4", "MigrationTask/photos-2024",
        ])
        // A create has no live resource, but the keys are there, as null.
        let create = changes[1]
        #expect(create.keys.contains("liveId") && create["liveId"] is NSNull)
        #expect(create.keys.contains("liveStatus") && create["liveStatus"] is NSNull)
        // outcome only when apply set one.
        #expect((create["outcome"] as? [String: String]) == ["status": "failed", "error": "OMS.0007: bucket \"x|y\" not found"])
        #expect(changes[2]["outcome"] == nil)
        let update = changes[6]
        let field = try #require((update["fields"] as? [[String: Any]])?.first)
        #expect(field["forcesReplacement"] as? Bool == false)
        #expect((field["after"] as? [[String: Any]])?.first?["maxBandwidth"] as? Int == 2_097_152)
        #expect(update["calls"] as? [String] == ["PUT /v2/{project_id}/tasks/200477729979132/bandwidth-policy"])
    }

    @Test func stableAndPretty() {
        let a = JSONReportRenderer().render(Self.sample())
        let b = JSONReportRenderer().render(Self.sample())
        #expect(a == b)
        #expect(a.hasPrefix("{\n"))
        #expect(a.hasSuffix("}\n"))
        // Integral numbers stay integers; slashes are not escaped.
        #expect(a.contains("1048576") && !a.contains("1048576.0"))
        #expect(a.contains("MigrationTask/docs") && !a.contains("\\/"))
        // Keys sorted: "action" before "address" in every change object.
        #expect(a.range(of: "\"action\"")!.lowerBound < a.range(of: "\"address\"")!.lowerBound)
    }

    @Test func evaluatedAtHasNoFraction() {
        let report = Self.sample(at: Date(timeIntervalSince1970: 1_795_510_800.789))
        let text = JSONReportRenderer().render(report)
        #expect(text.contains("\"2026-11-24T09:00:00Z\""))
        #expect(RenderedDate.rfc3339(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }

    @Test func noEvaluatedDayNoKey() {
        var report = Self.sample()
        report.evaluatedDay = nil
        #expect(!JSONReportRenderer().render(report).contains("evaluatedDay"))
    }
}

/// Reaches the renderer's date format through its output.
enum RenderedDate {
    static func rfc3339(_ date: Date) -> String? {
        let report = ChangeReport(stack: "s", evaluatedAt: date, evaluatedDay: nil, changes: [])
        let text = JSONReportRenderer().render(report)
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        return object["evaluatedAt"] as? String
    }
}

@Suite struct PrettyJSONTests {
    /// Strings that need escaping come out as valid JSON that reads back the same.
    @Test func escapesAndReadsBack() throws {
        let tricky = "quote\" back\\slash\nnew\ttab \u{01} / ünï 日本 \u{2028}"
        let change = ResourceChange(
            address: "MigrationTask/a", action: .noop, reasons: [.recorded(code: "preflight_failed", message: tricky)],
            fields: [FieldChange(path: "x", before: .number(0.5), after: .object([:]))])
        let report = ChangeReport(stack: "s", evaluatedAt: Date(timeIntervalSince1970: 0), evaluatedDay: nil, changes: [change])
        let text = JSONReportRenderer().render(report)
        #expect(text.contains(#""quote\" back\\slash\nnew\ttab \u0001 / ünï 日本 \u2028""#))
        #expect(text.contains(#""before": 0.5"#) && text.contains(#""after": {}"#) && text.contains(#""dependsOn": []"#))
        let decoded = try JSONReportRenderer.decode(Data(text.utf8))
        #expect(decoded.changes == report.changes)
    }
}
