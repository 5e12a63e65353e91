import MigrationPlan

extension StatusReport.Entry {
    /// Failed in OMS, but every failed object is one the plan accepts (`acceptFailures`), read
    /// whole and cleanly: done for oms-plan.
    public var isSettledByAcceptance: Bool { failedObjects?.settled == true }

    /// The state the text view and the page show: "Succeeded" for a resource the plan's
    /// acceptances settle (the accepted failures are said next to it), OMS's own otherwise. The
    /// JSON document keeps OMS's status in `status`, so scripts still see what OMS says.
    public var shownStatus: String { isSettledByAcceptance ? "Succeeded" : status }

    /// The phase colours and tones follow: finished for a settled resource, never failed.
    public var shownPhase: StatusReport.Phase { isSettledByAcceptance ? .finished : phase }
}
