import Foundation
import Prometheus
import Synchronization

/// What a scheduled reconcile exposes to Prometheus, every series labelled with its `stack`:
/// per pass, drift, changes applied, failures and the time of the last successful pass; per
/// resource (`address`, `kind`), state, progress, bytes, speed, failed objects, the forecast
/// finish and the deadline's slack. Names and labels are a contract: the alert rules and the
/// dashboard in `examples/ci/prometheus` use them.
public final class ReconcileMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    private struct PassSeries: Sendable {
        var drift: Gauge
        var applied: Counter
        var failures: Counter
        var passes: Counter
        var lastSuccess: Gauge
        var lastPass: Gauge
        var byAction: [ChangeAction: Gauge]
    }

    /// One resource's series; the state series is replaced when the state changes, and optional
    /// ones come and go with their value (a series that says nothing is not kept at zero).
    private struct ResourceSeries: Sendable {
        var state: String
        var stateGauge: Gauge
        var gauges: [String: Gauge]
    }

    private let passSeries = Mutex<[String: PassSeries]>([:])
    private let resourceSeries = Mutex<[String: [String: ResourceSeries]]>([:])
    private let stackSeries = Mutex<[String: [String: Gauge]]>([:])
    /// `oms_plan_failed_objects` per stack, by `address` and `code` (NUL-joined).
    private let failedObjectSeries = Mutex<[String: [String: Gauge]]>([:])
    /// The stack of the last pass that knew it, for a pass that failed before reading the plan.
    private let lastStack = Mutex<String>("unknown")
    /// `oms_plan_cutover_*{stack,name}` per stack, by metric and name (see `recordCutovers`).
    let cutoverSeries = Mutex<[String: [String: Gauge]]>([:])

    public init() {}

    static let resourceGauges: [(name: String, help: String)] = [
        ("oms_plan_resource_progress_ratio", "Share of the bytes copied, 0 to 1."),
        ("oms_plan_resource_done_bytes", "Bytes copied so far."),
        ("oms_plan_resource_total_bytes", "Bytes to copy in all (0 until OMS has listed the source)."),
        ("oms_plan_resource_speed_bytes_per_second", "Current transfer speed."),
        ("oms_plan_resource_failed_objects", "Objects that failed."),
        ("oms_plan_resource_forecast_finish_timestamp_seconds", "Unix time the resource is forecast to finish (absent without a forecast)."),
        ("oms_plan_resource_deadline_timestamp_seconds", "Unix time of spec.deadline (absent without one)."),
        ("oms_plan_resource_deadline_slack_seconds", "Seconds between the forecast finish and the deadline; negative: the forecast misses it."),
    ]

    // MARK: Passes

    private func pass(_ stack: String) -> PassSeries {
        passSeries.withLock { all in
            if let existing = all[stack] { return existing }
            let labels = [("stack", stack)]
            func gauge(_ name: String, _ help: String) -> Gauge { registry.makeGauge(name: name, labels: labels, help: help) }
            func counter(_ name: String, _ help: String) -> Counter { registry.makeCounter(name: name, labels: labels, help: help) }
            var byAction: [ChangeAction: Gauge] = [:]
            for action in ChangeAction.allCases {
                byAction[action] = registry.makeGauge(
                    name: "oms_plan_resources", labels: [("stack", stack), ("action", action.rawValue)],
                    help: "Resources by planned action in the last pass.")
            }
            let series = PassSeries(
                drift: gauge("oms_plan_drift_resources", "Resources that differed from the plan at the start of the last pass."),
                applied: counter("oms_plan_changes_applied_total", "Changes carried out successfully."),
                failures: counter("oms_plan_change_failures_total", "Changes that failed or were skipped."),
                passes: counter("oms_plan_passes_total", "Reconcile passes run."),
                lastSuccess: gauge("oms_plan_last_success_timestamp_seconds", "Unix time of the last pass that ended without failures."),
                lastPass: gauge("oms_plan_last_pass_timestamp_seconds", "Unix time of the last pass."),
                byAction: byAction)
            all[stack] = series
            return series
        }
    }

    /// Records one pass from its report (with outcomes).
    public func record(_ report: ChangeReport, at date: Date = Date()) {
        lastStack.withLock { $0 = report.stack }
        let series = pass(report.stack)
        series.passes.increment()
        series.drift.set(Double(report.summary.pending))
        for action in ChangeAction.allCases { series.byAction[action]?.set(Double(report.summary[action])) }
        let outcomes = report.changes.compactMap(\.outcome?.status)
        let failed = outcomes.filter { $0 == .failed || $0 == .skipped }.count
        series.applied.increment(by: Int64(outcomes.filter { $0 == .succeeded }.count))
        series.failures.increment(by: Int64(failed))
        series.lastPass.set(date.timeIntervalSince1970)
        if failed == 0 { series.lastSuccess.set(date.timeIntervalSince1970) }
    }

    /// A pass that could not even plan (OMS unreachable, plan invalid).
    public func recordError(stack: String? = nil, at date: Date = Date()) {
        let series = pass(stack ?? lastStack.withLock { $0 })
        series.passes.increment()
        series.failures.increment()
        series.lastPass.set(date.timeIntervalSince1970)
    }

    // MARK: Resources

    /// Sets every resource's series from a status read (with forecasts); resources no longer in
    /// it lose their series.
    public func record(status: StatusReport) {
        let stack = status.stack
        resourceSeries.withLock { all in
            var current = all[stack] ?? [:]
            var seen = Set<String>()
            for entry in status.entries {
                seen.insert(entry.address)
                let labels = [("stack", stack), ("address", entry.address), ("kind", entry.kind)]
                var series = current[entry.address] ?? ResourceSeries(
                    state: entry.status, stateGauge: makeState(labels, entry.status), gauges: [:])
                if series.state != entry.status {
                    registry.unregisterGauge(series.stateGauge)
                    series.stateGauge = makeState(labels, entry.status)
                    series.state = entry.status
                }
                series.stateGauge.set(Double(1))
                let values: [String: Double?] = [
                    "oms_plan_resource_progress_ratio": entry.progress,
                    "oms_plan_resource_done_bytes": Double(entry.bytesDone),
                    "oms_plan_resource_total_bytes": Double(entry.bytesTotal),
                    "oms_plan_resource_speed_bytes_per_second": Double(entry.speed),
                    "oms_plan_resource_failed_objects": Double(entry.objectsFailed),
                    "oms_plan_resource_forecast_finish_timestamp_seconds": entry.forecastFinish?.timeIntervalSince1970,
                    "oms_plan_resource_deadline_timestamp_seconds": entry.deadline?.timeIntervalSince1970,
                    "oms_plan_resource_deadline_slack_seconds": entry.deadlineSlack,
                ]
                for (name, help) in Self.resourceGauges {
                    if let value = values[name] ?? nil {
                        let gauge = series.gauges[name] ?? registry.makeGauge(name: name, labels: labels, help: help)
                        gauge.set(value)
                        series.gauges[name] = gauge
                    } else if let gauge = series.gauges.removeValue(forKey: name) {
                        registry.unregisterGauge(gauge)
                    }
                }
                current[entry.address] = series
            }
            for (address, series) in current where !seen.contains(address) {
                registry.unregisterGauge(series.stateGauge)
                for gauge in series.gauges.values { registry.unregisterGauge(gauge) }
                current[address] = nil
            }
            all[stack] = current
        }
        recordFailedObjects(status)
        recordCutovers(status)
        stackSeries.withLock { all in
            var gauges = all[stack] ?? [:]
            let values: [(String, String, Double?)] = [
                ("oms_plan_stack_forecast_finish_timestamp_seconds", "Unix time the stack's last resource is forecast to finish.",
                 status.forecastFinish?.timeIntervalSince1970),
                ("oms_plan_stack_deadline_slack_seconds", "Seconds between the stack's forecast finish and its deadline; negative: missed.",
                 status.deadlineSlack),
            ]
            for (name, help, value) in values {
                if let value {
                    let gauge = gauges[name] ?? registry.makeGauge(name: name, labels: [("stack", stack)], help: help)
                    gauge.set(value)
                    gauges[name] = gauge
                } else if let gauge = gauges.removeValue(forKey: name) {
                    registry.unregisterGauge(gauge)
                }
            }
            all[stack] = gauges
        }
    }

    static let failedObjectsHelp = "Objects in OMS's failed lists of the resource, by error code (read from the destination bucket by status and reconcile)."
    /// Codes kept per resource; the rest are summed under `other` (codes come from OMS's lists).
    static let maximumCodesPerResource = 20

    /// `oms_plan_failed_objects{stack, address, code}` from each entry's failed lists; a resource
    /// whose lists were not read (or are gone) loses its series.
    private func recordFailedObjects(_ status: StatusReport) {
        let stack = status.stack
        failedObjectSeries.withLock { all in
            var current = all[stack] ?? [:]
            var seen = Set<String>()
            for entry in status.entries {
                guard let failed = entry.failedObjects else { continue }
                var counts: [(String, Int)] = Array(failed.codesByCount.prefix(Self.maximumCodesPerResource))
                let rest = failed.codesByCount.dropFirst(Self.maximumCodesPerResource).reduce(0) { $0 + $1.count }
                if rest > 0 { counts.append(("other", rest)) }
                for (code, count) in counts {
                    let id = entry.address + "\u{0}" + code
                    seen.insert(id)
                    let gauge = current[id] ?? registry.makeGauge(
                        name: "oms_plan_failed_objects", labels: [("stack", stack), ("address", entry.address), ("code", code)],
                        help: Self.failedObjectsHelp)
                    gauge.set(Double(count))
                    current[id] = gauge
                }
            }
            for (id, gauge) in current where !seen.contains(id) {
                registry.unregisterGauge(gauge)
                current[id] = nil
            }
            all[stack] = current
        }
    }

    private func makeState(_ labels: [(String, String)], _ state: String) -> Gauge {
        registry.makeGauge(name: "oms_plan_resource_state", labels: labels + [("state", state)],
                           help: "1 for the resource's current state (Migrating, Paused, Succeeded, SYNCHRONIZING, Absent, ...).")
    }

    /// The Prometheus text exposition format.
    public var exposition: String { registry.emitToString() }
}
