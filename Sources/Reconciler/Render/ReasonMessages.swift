import MigrationPlan

/// The sentences of change reasons, as every view prints them and JSON carries them beside
/// their codes. Commands and flags that resolve a situation are named here, in the view, never
/// in the decision.
extension ChangeReason {
    public var message: String {
        switch self {
        case .notInOMSYet: "not in OMS yet"
        case .pausedAfterCreation: "paused right after creation (state: paused)"
        case .waitsFor(let address, let status): "waits for \(address) (\(status ?? "not created yet")) to succeed before it is created"
        case .adopted(let kind, let id): "adopted: live \(kind) \(id) is managed by this stack from now on"
        case .unknownFingerprintScheme(let scheme):
            "marked with fingerprint scheme \(scheme), which a newer oms-plan wrote; upgrade oms-plan to manage it"
        case .immutableFieldsChanged(let paths): "\(paths.joined(separator: ", ")) cannot change in place"
        case .fingerprintChanged(let from, let to): "fields OMS does not report back changed (fingerprint \(from) -> \(to))"
        case .replacementWouldRestart(let kind, let moved, let address, let completed):
            (completed ? "the \(kind) completed after moving \(moved), and replacing it would copy everything again"
                : "replacing would start over a \(kind) that already moved \(moved)")
                + "; set replaceOnChange: true or pass --allow-replace \(address)"
        case .completed: "completed; nothing left to change"
        case .bandwidthChanged(let day): "bandwidth changed" + (day.isEmpty ? "" : " (windows of \(day))")
        case .priorityChanged: "priority changed"
        case .priorityWaitsForState(let status): "priority changes once the task is Waiting, Paused or Failed (it is \(status))"
        case .failedWithoutPolicy(let cause):
            "failed\(Self.cause(cause)); onFailure is none, so nothing retries it: fix the cause, then set onFailure"
                + " (e.g. `{action: retryFailedObjects}`) and apply again"
        case .failedGaveUp(let cause, let attempts, let of, let address):
            "failed\(Self.cause(cause)); gave up after \(attempts) of \(of) attempts (`oms-plan reset-attempts PLAN --address \(address)` clears the count)"
        case .failedRetrying(let cause, let action, let attempt, let of): "failed\(Self.cause(cause)); \(action) attempt \(attempt) of \(of)"
        case .shouldRun(let status): "state is running but OMS has it \(status)"
        case .shouldPause(let status): "state is paused but OMS has it \(status)"
        case .undeclaredPruned: "no longer declared and prune is true"
        case .undeclaredKept: "no longer declared; kept because prune is false"
        case .duplicate(let address, let kept): "duplicate of \(address) (live id \(kept) is kept)"
        case .releasedAdoption(let kind, let id):
            "adopted earlier and no longer adopted by the plan: live \(kind) \(id) stays in OMS as it is, and this stack stops managing it"
        case .forecast(let forecast, let zone): ChangeForecasts.sentence(forecast, zone: zone)
        case .preflight(let text): text
        case .suspended(let notice):
            "suspended\(notice.byStack ? " with the whole stack" : "") \(notice.untilPhrase(now: nil)): \(notice.reason)"
        case .heldByFreeze(let notice):
            "held by the change freeze \(notice.untilPhrase(now: nil)): \(notice.reason)"
                + (notice.heldAction.map { $0 == .noop ? "" : "; otherwise: \($0.rawValue)" } ?? "")
        case .recorded(_, let message): message
        }
    }

    private static func cause(_ code: String?) -> String { code.map { " (\($0))" } ?? "" }
}
