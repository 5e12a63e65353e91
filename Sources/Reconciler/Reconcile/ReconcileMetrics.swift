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
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "oms_plan", metricName: metric, unitName: unit, helpText: help)
        }
        drift = registry.makeGauge(
            descriptor: name("drift", "resources", "Resources that differed from the plan at the start of the last pass."))
        applied = registry.makeCounter(descriptor: name("changes_applied", "total", "Changes carried out successfully."))
        failures = registry.makeCounter(descriptor: name("change_failures", "total", "Changes that failed or were skipped."))
        passes = registry.makeCounter(descriptor: name("passes", "total", "Reconcile passes run."))
        lastSuccess = registry.makeGauge(
            descriptor: name("last_success_timestamp", "seconds", "Unix time of the last pass that ended without failures."))
        lastPass = registry.makeGauge(descriptor: name("last_pass_timestamp", "seconds", "Unix time of the last pass."))
        var gauges: [ChangeAction: Gauge] = [:]
        for action in ChangeAction.allCases {
            gauges[action] = registry.makeGauge(
                descriptor: name("resources", "", "Resources by planned action in the last pass."),
                labels: [("action", action.rawValue)])
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
