import Foundation
import MigrationPlan
import OMSModels

/// Everything a create call will send, as plan paths, so that a reviewer approves a new task
/// knowing what it is: type, source, destination, options with OMS's defaults filled in, the
/// compiled bandwidth rules beside the windows as written, notifications and the state it
/// will be left in. Credentials appear by name only; their values are never part of a view.
enum SentAttributes {
    /// Fields for a create (`before` absent), or for a replacement (`before` from the live
    /// resource where it reports the path: equal when unchanged, different where it differs).
    /// `forcing`: the paths whose difference forces the replacement.
    static func fields(_ resource: any DesiredOMSResource, serviceTimezone: String, desiredView: SpecView, liveView: SpecView? = nil,
                       liveRules: [BandwidthPolicy]? = nil, forcing: Set<String> = []) -> [FieldChange] {
        var values = desiredView.fields
        // The kind's own rows: bandwidth (none for a kind without rules), priority, notifications.
        Kinds.adapter(for: resource.address.kind).sentAttributes(resource, into: &values)
        if let windows = resource.bandwidthWindows {
            values["bandwidth.windows"] = .array(windows.windows.map { .string(windowText($0)) })
            values["bandwidth.timezone"] = .string(windows.timezone?.name ?? "\(serviceTimezone) (service time zone)")
        }
        if case .schedule(let name) = resource.bandwidth { values["bandwidth.schedule"] = .string(name) }
        if let credentials = resource.sourceCredentials { values["source.credentials"] = .string(credentials) }
        values["destination.credentials"] = .string(resource.destinationCredentials)
        values["state"] = .string(resource.state.rawValue)
        // Ranked once per path (a comparator that splits paths showed in apply of 10,000 creates).
        let ranked = values.keys.map { (rank: rank($0), path: $0) }.sorted { ($0.rank, $0.path) < ($1.rank, $1.path) }
        return ranked.map(\.path).map { path in
            let after = values[path]!
            var before: JSONValue?
            if let liveView {
                before = path == "bandwidth" ? liveRules.map(BandwidthRules.json) : liveView.fields[path]
            }
            return FieldChange(path: path, before: before, after: after, forcesReplacement: forcing.contains(path))
        }
    }

    /// `mon-fri 19:00-07:00 50 MiB/s`: a window as the plan wrote it.
    static func windowText(_ window: BandwidthWindow) -> String {
        var text = ""
        if let days = window.days, days.count < 7 { text = dayText(days) + " " }
        return text + window.span + " " + ValueFormat.rate(Double(window.limit))
    }

    /// `mon-fri`, `sat,sun`, `mon,wed-fri`: runs of consecutive days joined.
    static func dayText(_ days: Set<Weekday>) -> String {
        let all = Weekday.allCases
        var runs: [String] = []
        var index = 0
        while index < all.count {
            guard days.contains(all[index]) else { index += 1; continue }
            var end = index
            while end + 1 < all.count && days.contains(all[end + 1]) { end += 1 }
            runs.append(end - index >= 2 ? "\(all[index].rawValue)-\(all[end].rawValue)"
                : (index...end).map { all[$0].rawValue }.joined(separator: ","))
            index = end + 1
        }
        return runs.joined(separator: ",")
    }

    static func notifications(_ smn: SmnConfig) -> JSONValue {
        var o: [String: JSONValue] = [
            "topicUrn": .string(smn.topicUrn ?? ""),
            "triggerConditions": .array((smn.triggerConditions ?? []).map { .string($0.rawValue) }),
        ]
        if let language = smn.language { o["language"] = .string(language.rawValue) }
        if let template = smn.messageTemplateName { o["messageTemplateName"] = .string(template) }
        return .object(o)
    }

    /// What a reviewer reads first: the kind of copy, where from, where to, then the rest.
    private static let sections = ["type", "source", "destination", "description", "bandwidth", "options", "state"]

    private static func rank(_ path: String) -> Int {
        let head = path.firstIndex(of: ".").map { String(path[..<$0]) } ?? path
        return sections.firstIndex(of: head) ?? sections.count
    }
}
