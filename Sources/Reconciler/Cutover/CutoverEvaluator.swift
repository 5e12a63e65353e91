import Foundation
import MigrationPlan

/// What `status` and the page show of one Cutover.
public struct CutoverStatus: Sendable, Codable, Hashable {
    public var name: String
    public var state: CutoverState
    /// `spec.at`; nil: only `oms-plan cutover --now` starts it.
    public var at: Date?
    /// Seconds the final pass is predicted to take; nil when it cannot be predicted.
    public var predictedFinalPass: Double?
    /// Why the prediction is what it is (or why there is none).
    public var predictionReason: String?
    /// `spec.require.maxFinalPass`, seconds.
    public var maxFinalPass: Double?
    /// What keeps it from the next state (or why it failed); empty when nothing does.
    public var reasons: [String]
    /// Warnings: the predicted final pass longer than `require.maxFinalPass`.
    public var warnings: [String]
    /// The state before this step, when the step changed it (apply and reconcile; never in JSON).
    public var previousState: CutoverState? = nil

    public init(name: String, state: CutoverState, at: Date?, predictedFinalPass: Double?, predictionReason: String?,
                maxFinalPass: Double?, reasons: [String], warnings: [String]) {
        self.name = name
        self.state = state
        self.at = at
        self.predictedFinalPass = predictedFinalPass
        self.predictionReason = predictionReason
        self.maxFinalPass = maxFinalPass
        self.reasons = reasons
        self.warnings = warnings
    }
}

/// The Cutover state machine, a pure function of the plan, what was read and the record: the
/// same inputs give the same step, so every transition is tested without OMS.
///
/// waiting/ready -> (at passed or --now asked, and ready) running: the final passes are asked
/// for (`requestFinal`), one per resource.
/// running -> once every final pass settled, verification: done, or failed with the reasons.
/// done stays done; failed stays failed until `cutover --now` asks again.
public enum CutoverEvaluator {
    public struct Step: Sendable, Hashable {
        public var record: CutoverRecord
        public var status: CutoverStatus
        /// Resources whose final pass is to be asked for now (`PassLedger.requestFinalPass`).
        public var requestFinal: [ResourceAddress]
    }

    public static func step(_ cutover: DesiredCutover, desired: DesiredState, inputs: CutoverInputs, record given: CutoverRecord?,
                            now: Date) -> Step {
        var record = given ?? CutoverRecord()
        var requestFinal: [ResourceAddress] = []
        let asked = record.requestedAt.map { asked in record.finishedAt.map { asked > $0 } ?? true } ?? false
        let due = cutover.at.map { $0 <= now } ?? false
        switch record.state {
        case .done:
            break
        case .failed where !asked:
            break
        case .running:
            let open = cutover.resources.filter { !(inputs.finalPass($0)?.isSettled ?? false) }
            if open.isEmpty {
                finish(&record, cutover, desired, inputs, now)
            } else {
                record.reasons = open.map { "\($0)'s final pass is \(inputs.finalPass($0)?.status ?? "not created yet")" }
            }
        case .waiting, .ready, .failed:
            let blockers = CutoverReadiness.blockers(cutover, inputs)
            record.reasons = blockers
            record.state = blockers.isEmpty ? .ready : .waiting
            guard due || asked else { break }
            guard blockers.isEmpty else {
                let when = asked ? "`cutover --now` asked for it" : "its time (`at`) has come"
                record.reasons = ["\(when), but it is not ready"] + blockers
                break
            }
            record.state = .running
            record.startedAt = now
            record.finishedAt = nil
            // Every resource gets one, with `incremental` or without (then it copies what
            // changed since the full copy started).
            requestFinal = cutover.resources
            record.reasons = requestFinal.map { "\($0)'s final pass is asked for" }
        }
        // The freeze the team plans for: predicted from `at` (or now, once that has passed).
        let from = record.startedAt ?? max(cutover.at ?? now, now)
        let prediction = FinalPassPredictor.predict(cutover, desired: desired, start: from, passes: inputs.passes, cadence: inputs.cadence)
        var warnings: [String] = []
        if let limit = cutover.maxFinalPass, let seconds = prediction.seconds, seconds > limit, record.state != .done {
            warnings.append("the final pass is predicted to take \(StatusTextRenderer.duration(Int64(seconds.rounded()))), "
                            + "longer than require.maxFinalPass (\(StatusTextRenderer.duration(Int64(limit))))")
        }
        let status = CutoverStatus(name: cutover.name, state: record.state, at: cutover.at, predictedFinalPass: prediction.seconds,
                                   predictionReason: prediction.reason, maxFinalPass: cutover.maxFinalPass, reasons: record.reasons,
                                   warnings: warnings)
        return Step(record: record, status: status, requestFinal: requestFinal)
    }

    private static func finish(_ record: inout CutoverRecord, _ cutover: DesiredCutover, _ desired: DesiredState, _ inputs: CutoverInputs,
                               _ now: Date) {
        let problems = CutoverReadiness.verification(cutover, desired: desired, inputs)
        record.state = problems.isEmpty ? .done : .failed
        record.reasons = problems
        record.finishedAt = now
    }
}
