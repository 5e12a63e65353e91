import Foundation
import MigrationPlan

/// What a Cutover's resources look like now, gathered once per read: status entries (with
/// their failed-object summaries when the lists were read), passes and cadences.
public struct CutoverInputs: Sendable {
    /// Status entries by address (`StatusReport.entries`).
    public var entries: [String: StatusReport.Entry]
    /// Each resource's passes, oldest first (`PassLedger.passes(of:)`).
    public var passes: @Sendable (ResourceAddress) -> [PassRecord]
    /// The final pass of a resource, once asked for (`PassLedger.finalPass(of:)`).
    public var finalPass: @Sendable (ResourceAddress) -> PassRecord?
    /// A resource's `incremental` policy; nil without one (no regular passes; the final pass
    /// still comes, copying what changed since the full copy started).
    public var cadence: @Sendable (ResourceAddress) -> IncrementalPolicy?

    public init(entries: [String: StatusReport.Entry], passes: @escaping @Sendable (ResourceAddress) -> [PassRecord] = { _ in [] },
                finalPass: @escaping @Sendable (ResourceAddress) -> PassRecord? = { _ in nil },
                cadence: @escaping @Sendable (ResourceAddress) -> IncrementalPolicy? = { _ in nil }) {
        self.entries = entries
        self.passes = passes
        self.finalPass = finalPass
        self.cadence = cadence
    }
}

/// Whether a Cutover could start now: every full copy succeeded (or failed with every failed
/// object accepted, issue 24), passes running where the plan asks for them, and no more
/// unaccepted failed objects than `require.unacceptedFailures`. Each unmet condition is one
/// sentence naming the resource; none means ready.
enum CutoverReadiness {
    static func blockers(_ cutover: DesiredCutover, _ inputs: CutoverInputs) -> [String] {
        var blockers: [String] = []
        var unaccepted = 0
        for address in cutover.resources {
            guard let entry = inputs.entries[address.description], entry.phase != .absent else {
                blockers.append("\(address) is not in OMS yet")
                continue
            }
            let summary = entry.failedObjects
            let readWhole = summary.map { $0.note == nil && $0.unreadableLines == 0 } ?? false
            switch entry.phase {
            case .finished: break
            case .failed:
                if !(readWhole && (summary?.count ?? 0) > 0 && summary?.accepted == summary?.count) {
                    blockers.append("\(address)'s full copy failed" + (entry.error.map { " (\($0))" } ?? "")
                                    + (readWhole ? "" : " and its failed objects could not all be read"))
                }
            default:
                let percent = Int((entry.progress * 100).rounded(.down))
                blockers.append("\(address)'s full copy is \(entry.status) (\(percent)%)")
            }
            if let summary, readWhole {
                unaccepted += max(0, summary.count - summary.accepted)
            } else if entry.objectsFailed > 0 {
                // Not read: none of them can count as accepted.
                unaccepted += Int(clamping: entry.objectsFailed)
            }
            if inputs.cadence(address) != nil,
               !inputs.passes(address).contains(where: { !$0.final && $0.succeeded }) {
                blockers.append("\(address) has no finished incremental pass yet")
            }
        }
        if unaccepted > cutover.unacceptedFailures {
            blockers.append("\(unaccepted) failed object\(unaccepted == 1 ? "" : "s") not accepted by acceptFailures "
                            + "(require.unacceptedFailures allows \(cutover.unacceptedFailures))")
        }
        return blockers
    }

    /// After the final passes settled: what keeps the Cutover from `done` (empty: done).
    static func verification(_ cutover: DesiredCutover, desired: DesiredState, _ inputs: CutoverInputs) -> [String] {
        var problems = blockers(cutover, inputs).filter { !$0.contains("incremental pass") }
        var finalFailed: Int64 = 0
        for address in cutover.resources {
            if let resource = desired[address]?.omsResource,
               let check = Kinds.adapter(for: address.kind).desiredView(resource)?.fields["options.consistencyCheck"],
               case .string("no_check") = check {
                problems.append("\(address) has options.consistencyCheck: no_check, so OMS verified none of its objects")
            }
            guard let final = inputs.finalPass(address) else {
                problems.append("\(address) has no final pass recorded")
                continue
            }
            if !final.succeeded { problems.append("\(address)'s final pass \(final.status)") }
            if final.finish == nil { problems.append("\(address)'s final pass has no recorded counts") }
            finalFailed += final.objectsFailed
        }
        if finalFailed > 0 {
            problems.append("\(finalFailed) object\(finalFailed == 1 ? "" : "s") failed in the final passes")
        }
        return problems
    }
}
