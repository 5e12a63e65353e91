import Foundation
import MigrationPlan

/// Bytes to copy for a resource not created yet, from listing its source (creates in `diff`).
public struct SizeEstimate: Sendable, Hashable, Codable {
    public var bytes: Int64
    /// The listing stopped at its call budget: at least this much.
    public var isLowerBound: Bool

    public init(bytes: Int64, isLowerBound: Bool) {
        self.bytes = bytes
        self.isLowerBound = isLowerBound
    }
}

extension StatusReport {
    /// Forecasts every task and group, and the stack, following `dependsOn` waves: a
    /// dependent starts when its dependencies are forecast to finish. Deadlines are compared
    /// with the forecasts. `sizes`: bytes of resources not in OMS yet, when known.
    public mutating func addForecasts(desired: DesiredState, history: ObservationHistory, sizes: [ResourceAddress: SizeEstimate] = [:]) {
        let now = readAt
        let zone = desired.stack.serviceZone
        serviceTimezone = desired.stack.serviceTimezone
        var index: [String: Int] = [:]
        for (i, entry) in entries.enumerated() { index[entry.address] = i }
        /// nil inside: no forecast (and why, for the dependents).
        var finishes: [ResourceAddress: (Date?, String)] = [:]
        let cache = FinishForecaster.SegmentCache()
        for address in desired.order {
            guard let resource = desired[address]?.omsResource, address.kind != .migrationSyncTask, let i = index[address.description] else { continue }
            let entry = entries[i]
            let (finish, reason, lowerBound): (Date?, String, Bool) = {
                if ["Succeeded", "Completed"].contains(entry.status) { return (now, "finished", false) }
                if entry.status.contains("Failed") { return (nil, "failed; no forecast until it runs again", false) }
                if resource.state == .paused { return (nil, "paused by the plan", false) }
                var start = now
                var waitsFor: ResourceAddress?
                for dependency in resource.dependsOn {
                    guard let (depFinish, depReason) = finishes[dependency] else { continue }
                    guard let depFinish else { return (nil, "waits for \(dependency), which has no forecast (\(depReason))", false) }
                    if depFinish > start { (start, waitsFor) = (depFinish, dependency) }
                }
                let bytes: Int64
                var lower = false
                if entry.bytesTotal > 0 {
                    bytes = max(0, entry.bytesTotal - entry.bytesDone)
                } else if let size = sizes[address] {
                    (bytes, lower) = (size.bytes, size.isLowerBound)
                } else {
                    return (nil, entry.status == "Absent" ? "its size is not known until it is created" : "OMS has not sized it yet", false)
                }
                let capacity = history.capacity(of: address.description, schedule: resource.bandwidthWindows, serviceTimezone: zone, cache: cache)
                let profile = FinishForecaster.Profile(schedule: resource.bandwidthWindows, serviceTimezone: zone, capacity: capacity)
                let forecast = FinishForecaster.forecast(bytesLeft: bytes, from: start, profile: profile, lowerBound: lower, cache: cache)
                var why = forecast.reason
                if let waitsFor { why = "starts when \(waitsFor) finishes, then " + why }
                if lower { why = "at least: " + why }
                return (forecast.finish, why, lower)
            }()
            finishes[address] = (finish, reason)
            if entry.status == "Succeeded" || entry.status == "Completed" {
                entries[i].forecastReason = reason
            } else {
                entries[i].forecastFinish = finish
                entries[i].forecastReason = reason
                entries[i].forecastIsLowerBound = lowerBound ? true : nil
            }
            if let deadline = resource.deadline {
                entries[i].deadline = deadline
                let done = finish ?? (entries[i].forecastReason == "finished" ? now : nil)
                entries[i].deadlineSlack = done.map { deadline.timeIntervalSince($0) }
            }
        }
        // The stack: when its last task or group finishes. What the plan holds paused waits for
        // a person to change the plan, so it is named, not waited for.
        let held = finishes.filter { $0.value.1 == "paused by the plan" }.keys.sorted()
        let open = finishes.filter { $0.value.1 != "finished" && $0.value.1 != "paused by the plan" }
        if open.isEmpty {
            forecastFinish = finishes.isEmpty ? nil : now
            forecastReason = finishes.isEmpty ? "nothing to migrate" : "everything has finished"
        } else if let blind = open.sorted(by: { $0.key < $1.key }).first(where: { $0.value.0 == nil }) {
            forecastFinish = nil
            forecastReason = "no forecast for \(blind.key): \(blind.value.1)"
        } else if let last = open.max(by: { ($0.value.0!, $0.key) < ($1.value.0!, $1.key) }) {
            forecastFinish = last.value.0
            forecastReason = "when \(last.key) finishes"
        }
        if !held.isEmpty, forecastReason != nil {
            let names = held.prefix(3).map(\.description).joined(separator: ", ") + (held.count > 3 ? " and \(held.count - 3) more" : "")
            forecastReason! += "; not counting \(names), paused by the plan"
        }
        if let deadline = desired.stack.deadline {
            self.deadline = deadline
            deadlineSlack = forecastFinish.map { deadline.timeIntervalSince($0) }
        }
    }
}
