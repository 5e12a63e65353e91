import Foundation
import MigrationPlan

/// How long the final pass of a Cutover will take: the freeze the team plans for.
///
/// Per resource, from its last (up to 3) successful regular passes: the data that changes per
/// second (bytes a pass copied over the time its `migrate_since` window spanned) and the speed
/// a pass copies at (bytes copied over its duration, listing included). The final pass starting
/// at `start` covers what changed since the last pass began (at most `every`, as passes go on
/// until then) plus the overlap; it copies that at the observed speed under the bandwidth
/// windows that hold then (`FinishForecaster`), and waits for one of OMS's 5 slots per region
/// (`RegionSlotQueue`) when more final passes start at once. The prediction is the time from
/// `start` to the last of them finishing.
public enum FinalPassPredictor {
    public struct Prediction: Sendable, Hashable {
        /// Seconds; nil when it cannot be predicted (the reason says why).
        public var seconds: Double?
        public var reason: String
    }

    /// How many recent passes a resource's figures come from.
    static let passesUsed = 3

    public static func predict(
        _ cutover: DesiredCutover, desired: DesiredState, start: Date,
        passes: (ResourceAddress) -> [PassRecord], cadence: (ResourceAddress) -> IncrementalPolicy?
    ) -> Prediction {
        var queue = RegionSlotQueue(now: start)
        var last: (address: ResourceAddress, finish: Date, bytes: Int64, speed: Double)?
        // OMS's order: priority first, then the plan's (address) order.
        let ordered = cutover.resources.compactMap { desired[$0]?.omsResource }
            .sorted { (RegionSlotQueue.rank($0.taskPriority ?? .medium), $0.address) < (RegionSlotQueue.rank($1.taskPriority ?? .medium), $1.address) }
        for resource in ordered {
            let cadence = cadence(resource.address)
            let done = passes(resource.address)
                .filter { !$0.final && $0.succeeded && $0.start != nil && $0.finish != nil }
                .sorted { $0.n < $1.n }.suffix(passesUsed)
            guard let latest = done.last, let latestStart = latest.start else {
                return Prediction(seconds: nil, reason: cadence == nil
                                  ? "cannot predict: \(resource.address) has no incremental passes to learn its changes and speed from"
                                  : "cannot predict: \(resource.address) has no finished incremental pass yet")
            }
            // In Double: counts from a ledger or OMS can be anything, and a sum must not trap.
            let copied = done.reduce(0.0) { $0 + Double(max(0, $1.bytesCopied)) }
            let spanned = done.reduce(0.0) { $0 + max(0, ($1.start ?? $1.migrateSince).timeIntervalSince($1.migrateSince)) }
            let busy = done.reduce(0.0) { sum, pass in
                guard let start = pass.start, let finish = pass.finish else { return sum }
                return sum + max(0, finish.timeIntervalSince(start))
            }
            // Regular passes go on until the freeze, so at most `every` has gone by since the last.
            let since = max(0, start.timeIntervalSince(latestStart))
            let window = min(since, cadence?.every ?? since) + (cadence?.overlap ?? 0)
            let region = RegionSlotQueue.region(of: resource)
            let slot = queue.start(in: region, earliest: start)
            let finish: Date
            var bytes: Int64 = 0
            var speed = 0.0
            if copied > 0, spanned > 0, busy > 0 {
                // Clamped before the conversion: a tiny span or busy time makes these huge, and
                // Int64(_:) of a Double out of range traps.
                bytes = Self.clampedInt64(copied / spanned * window)
                speed = copied / busy
                let profile = FinishForecaster.Profile(schedule: resource.bandwidthWindows, serviceTimezone: desired.stack.serviceZone,
                                                       capacity: max(1, Self.clampedInt64(speed)))
                guard let end = FinishForecaster.forecast(bytesLeft: bytes, from: slot, profile: profile).finish else {
                    return Prediction(seconds: nil, reason: "cannot predict: \(resource.address)'s final pass would take more than \(FinishForecaster.horizonDays) days")
                }
                finish = end
            } else {
                // Nothing changed between passes: the final pass lists and compares, as they did.
                finish = slot.addingTimeInterval(busy / Double(done.count))
            }
            queue.hold(in: region, until: finish)
            if last == nil || finish > last!.finish { last = (resource.address, finish, bytes, speed) }
        }
        guard let last else { return Prediction(seconds: nil, reason: "cannot predict: \(cutover.address) names no resource") }
        let seconds = max(0, last.finish.timeIntervalSince(start))
        let reason = last.bytes > 0
            ? "\(last.address) finishes last: about \(ByteCount.format(last.bytes)) changed since its last pass, copied at \(ByteCount.format(Self.clampedInt64(last.speed)))/s"
            : "\(last.address) finishes last: nothing changed between its passes, so listing and comparing is what takes the time"
        return Prediction(seconds: seconds, reason: reason)
    }

    /// `value` rounded into Int64's range (NaN is 0).
    static func clampedInt64(_ value: Double) -> Int64 {
        guard value.isFinite else { return value.isNaN ? 0 : (value > 0 ? .max : .min) }
        let rounded = value.rounded()
        if rounded >= 9.2e18 { return .max }
        if rounded <= -9.2e18 { return .min }
        return Int64(rounded)
    }
}
