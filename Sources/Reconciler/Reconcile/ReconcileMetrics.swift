import Foundation
import Prometheus

/// What a scheduled reconcile exposes to Prometheus: drift, changes applied, failures and the
/// time of the last successful pass (alert when it grows old).
public final class ReconcileMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let drift: Gauge
    private let applied: Counter
    private let failures: Counter
    private let passes: Counter
    private let lastSuccess: Gauge
    private let lastPass: Gauge
    private let byAction: [ChangeAction: Gauge]

    public init() {
        drift = registry.makeGauge(name: "oms_plan_drift_resources", help: "Resources that differed from the plan at the start of the last pass.")
        applied = registry.makeCounter(name: "oms_plan_changes_applied_total", help: "Changes carried out successfully.")
        failures = registry.makeCounter(name: "oms_plan_change_failures_total", help: "Changes that failed or were skipped.")
        passes = registry.makeCounter(name: "oms_plan_passes_total", help: "Reconcile passes run.")
        lastSuccess = registry.makeGauge(
            name: "oms_plan_last_success_timestamp_seconds", help: "Unix time of the last pass that ended without failures.")
        lastPass = registry.makeGauge(name: "oms_plan_last_pass_timestamp_seconds", help: "Unix time of the last pass.")
        var gauges: [ChangeAction: Gauge] = [:]
        for action in ChangeAction.allCases {
            gauges[action] = registry.makeGauge(
                name: "oms_plan_resources", labels: [("action", action.rawValue)], help: "Resources by planned action in the last pass.")
        }
        byAction = gauges
    }

    /// Records one pass from its report (with outcomes).
    public func record(_ report: ChangeReport, at date: Date = Date()) {
        passes.increment()
        drift.set(Double(report.summary.pending))
        for action in ChangeAction.allCases { byAction[action]?.set(Double(report.summary[action])) }
        let outcomes = report.changes.compactMap(\.outcome?.status)
        let failed = outcomes.filter { $0 == .failed || $0 == .skipped }.count
        applied.increment(by: Int64(outcomes.filter { $0 == .succeeded }.count))
        failures.increment(by: Int64(failed))
        lastPass.set(date.timeIntervalSince1970)
        if failed == 0 { lastSuccess.set(date.timeIntervalSince1970) }
    }

    /// A pass that could not even plan (OMS unreachable, plan invalid).
    public func recordError(at date: Date = Date()) {
        passes.increment()
        failures.increment()
        lastPass.set(date.timeIntervalSince1970)
    }

    /// The Prometheus text exposition format.
    public var exposition: String { registry.emitToString() }
}
