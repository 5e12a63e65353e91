import Foundation

/// A `kind: Cutover` document: the gate between the copies of `of` and what comes after them.
/// Plan-only: never sent to OMS and in no fingerprint (a cut-over decides when oms-plan acts,
/// not what OMS holds), so adding, changing or removing one replaces nothing.
public struct DesiredCutover: Hashable, Sendable {
    public var address: ResourceAddress
    /// The addresses as written (tasks, groups and task sets), in order.
    public var of: [ResourceAddress]
    /// The tasks and groups `of` stands for (a task set's generated tasks), sorted.
    public var resources: [ResourceAddress]
    /// When the freeze begins and the final pass starts (`spec.at`); nil: only
    /// `oms-plan cutover --now` starts it.
    public var at: Date?
    /// `spec.require.unacceptedFailures`: failed objects no `acceptFailures` accepts that the
    /// cut-over still lets through (default 0).
    public var unacceptedFailures: Int
    /// `spec.require.maxFinalPass` in seconds: a longer predicted final pass is a warning.
    public var maxFinalPass: TimeInterval?
    public var declaredAt: SourceLocation

    public init(address: ResourceAddress, of: [ResourceAddress], resources: [ResourceAddress], at: Date? = nil,
                unacceptedFailures: Int = 0, maxFinalPass: TimeInterval? = nil, declaredAt: SourceLocation) {
        self.address = address
        self.of = of
        self.resources = resources
        self.at = at
        self.unacceptedFailures = unacceptedFailures
        self.maxFinalPass = maxFinalPass
        self.declaredAt = declaredAt
    }

    public var name: String { address.name }
}
