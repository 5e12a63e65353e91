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
    /// What the forecast of one resource came to: its dependents and the stack go by it.
    enum Outlook {
        case finished
        /// The plan holds it paused: it finishes when a person changes the plan.
        case heldByPlan
        case forecast(Date, reason: String, lowerBound: Bool)
        case unknown(reason: String)

        var reason: String {
            switch self {
            case .finished: "finished"
            case .heldByPlan: "paused by the plan"
            case .forecast(_, let reason, _), .unknown(let reason): reason
            }
        }
    }

    /// Forecasts every task and group, and the stack, following `dependsOn` waves: a
    /// dependent starts when its dependencies are forecast to finish, and no more than OMS's 5
    /// transfers run at once per destination region (`RegionSlotQueue`). Deadlines are compared
    /// with the forecasts. `sizes`: bytes of resources not in OMS yet, when known.
    public mutating func addForecasts(desired: DesiredState, history: ObservationHistory, sizes: [ResourceAddress: SizeEstimate] = [:]) {
        let now = readAt
        let zone = desired.stack.serviceZone
        serviceTimezone = desired.stack.serviceTimezone
        var index: [String: Int] = [:]
        for (i, entry) in entries.enumerated() { index[entry.address] = i }
        var outlooks: [ResourceAddress: Outlook] = [:]
        let cache = FinishForecaster.SegmentCache()
        var slots = RegionSlotQueue(now: now)
        let transfers = desired.order.filter { Kinds.adapter(for: $0.kind).finishes && index[$0.description] != nil }
        let byAddress = Dictionary(entries.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        for address in RegionSlotQueue.order(transfers, desired: desired, entries: byAddress) {
            guard let resource = desired[address]?.omsResource, let i = index[address.description] else { continue }
            let entry = entries[i]
            let region = RegionSlotQueue.region(of: resource)
            var takesSlot = true
            let outlook: Outlook = {
                if entry.phase == .finished || entry.phase == .failed || resource.state == .paused { takesSlot = false }
                if entry.phase == .finished { return .finished }
                if entry.phase == .failed { return .unknown(reason: "failed; no forecast until it runs again") }
                if resource.state == .paused { return .heldByPlan }
                var start = now
                var waitsFor: ResourceAddress?
                for dependency in resource.dependsOn {
                    switch outlooks[dependency] {
                    case .forecast(let finish, _, _)?: if finish > start { (start, waitsFor) = (finish, dependency) }
                    case .unknown(let why)?: return .unknown(reason: "waits for \(dependency), which has no forecast (\(why))")
                    case .heldByPlan?: return .unknown(reason: "waits for \(dependency), which the plan holds paused")
                    case .finished?, nil: break
                    }
                }
                // A slot of its region: what runs keeps its own; the others queue (OMS runs 5).
                let slotted = slots.start(in: region, earliest: start)
                var waitsForSlot = false
                if slotted > start {
                    guard slotted < .distantFuture else {
                        return .unknown(reason: "waits for one of the \(slots.slots) slots in \(region.isEmpty ? "its region" : region), held by transfers with no forecast")
                    }
                    (start, waitsForSlot, waitsFor) = (slotted, true, nil)
                }
                let bytes: Int64
                var lower = false
                if entry.bytesTotal > 0 {
                    bytes = max(0, entry.bytesTotal - entry.bytesDone)
                } else if let size = sizes[address] {
                    (bytes, lower) = (size.bytes, size.isLowerBound)
                } else {
                    return .unknown(reason: entry.phase == .absent ? "its size is not known until it is created" : "OMS has not sized it yet")
                }
                let capacity = history.capacity(of: address.description, schedule: resource.bandwidthWindows, serviceTimezone: zone, cache: cache)
                let profile = FinishForecaster.Profile(schedule: resource.bandwidthWindows, serviceTimezone: zone, capacity: capacity)
                let forecast = FinishForecaster.forecast(bytesLeft: bytes, from: start, profile: profile, lowerBound: lower, cache: cache)
                var why = forecast.reason
                if let waitsFor { why = "starts when \(waitsFor) finishes, then " + why }
                if waitsForSlot {
                    why = "waits for a slot in \(region) (OMS runs \(slots.slots) tasks at once per region) until "
                        + FinishForecaster.wallClock(start, zone) + ", then " + why
                }
                if lower { why = "at least: " + why }
                guard let finish = forecast.finish else { return .unknown(reason: why) }
                return .forecast(finish, reason: why, lowerBound: lower)
            }()
            outlooks[address] = outlook
            if takesSlot {
                if case .forecast(let finish, _, _) = outlook { slots.hold(in: region, until: finish) } else { slots.hold(in: region, until: nil) }
            }
            entries[i].forecastReason = outlook.reason
            var done: Date?
            switch outlook {
            case .finished: done = now
            case .forecast(let finish, _, let lowerBound):
                done = finish
                entries[i].forecastFinish = finish
                entries[i].forecastIsLowerBound = lowerBound ? true : nil
            case .heldByPlan, .unknown: break
            }
            if let deadline = resource.deadline {
                entries[i].deadline = deadline
                entries[i].deadlineSlack = done.map { deadline.timeIntervalSince($0) }
            }
        }
        // The stack: when its last task or group finishes. What the plan holds paused waits for
        // a person to change the plan, so it is named, not waited for.
        var held: [ResourceAddress] = []
        var blind: (ResourceAddress, String)?
        var last: (ResourceAddress, Date)?
        for (address, outlook) in outlooks.sorted(by: { $0.key < $1.key }) {
            switch outlook {
            case .finished: break
            case .heldByPlan: held.append(address)
            case .unknown(let why): if blind == nil { blind = (address, why) }
            case .forecast(let finish, _, _): if last == nil || finish > last!.1 { last = (address, finish) }
            }
        }
        if let blind {
            forecastReason = "no forecast for \(blind.0): \(blind.1)"
        } else if let last {
            forecastFinish = last.1
            forecastReason = "when \(last.0) finishes"
        } else {
            forecastFinish = outlooks.isEmpty ? nil : now
            forecastReason = outlooks.isEmpty ? "nothing to migrate" : held.isEmpty ? "everything has finished" : "everything else has finished"
        }
        if !held.isEmpty, let reason = forecastReason {
            let names = held.prefix(3).map(\.description).joined(separator: ", ") + (held.count > 3 ? " and \(held.count - 3) more" : "")
            forecastReason = reason + "; not counting \(names), paused by the plan"
        }
        if let deadline = desired.stack.deadline {
            self.deadline = deadline
            deadlineSlack = forecastFinish.map { deadline.timeIntervalSince($0) }
        }
    }
}
