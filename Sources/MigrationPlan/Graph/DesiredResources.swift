import Foundation
import OMSModels

/// Where the bandwidth rules of a task or group come from.
public enum BandwidthSource: Hashable, Sendable, Codable {
    /// No `bandwidth`: no rules, OMS migrates unlimited.
    case none
    /// A `BandwidthSchedule` by name.
    case schedule(String)
    /// Windows written in the resource itself.
    case inline
}

/// Whether OMS should be migrating (`running`, the default) or hold the resource paused.
public enum DesiredRunState: String, Hashable, Sendable, Codable {
    case running
    case paused
}

/// What every task, group and synchronization task of the graph has beside its OMS body:
/// where it is declared, its marker and secrets, and how oms-plan manages it. One struct the
/// kinds hold (`common`), so a management field is added once; a synchronization task holds
/// the values it cannot change (see `DesiredSyncTask`).
public struct DesiredCommon: Hashable, Sendable {
    public var address: ResourceAddress
    public var labels: [String: String]
    /// The description as the plan writes it, without the ownership marker.
    public var userDescription: String?
    public var marker: OwnershipMarker
    public var secrets: ResolvedSecrets
    public var state: DesiredRunState
    public var onFailure: FailurePolicy
    public var dependsOn: [ResourceAddress]
    public var replaceOnChange: Bool
    public var adoptID: String?
    public var bandwidth: BandwidthSource
    /// The bandwidth windows as written (schedule or inline), for review; nil without
    /// `bandwidth`. Not part of identity: the compiled rules in the body are.
    public var bandwidthWindows: BandwidthScheduleDefinition?
    public var sourceCredentials: String?
    public var destinationCredentials: String
    /// The task set that made it (tasks only).
    public var generatedBy: ResourceAddress?
    public var declaredAt: SourceLocation
    /// Field path (`source.bucket`, `options.priority`, `bandwidth`) -> where it was written.
    public var fieldLocations: [String: SourceLocation]
    /// When the plan wants it finished (`spec.deadline`; a task set's for its tasks). Not sent
    /// to OMS and not identity.
    public var deadline: Date?
    /// `spec.acceptFailures`: failed objects the plan accepts as they are. Never identity (a
    /// reviewed acceptance changes what oms-plan concludes, not what OMS holds) and never sent.
    public var acceptFailures: [FailureAcceptance] = []
    /// `spec.incremental`: passes after the full copy (Reconciler/Passes). Never identity and
    /// never in the create body: adding, changing or removing it never replaces the full copy.
    public var incremental: IncrementalPolicy? = nil
    /// `spec.suspend`: reconcile and apply leave it as it is until `until` (Reconciler/Hold).
    /// Never identity and never sent: suspending or resuming never replaces anything.
    public var suspension: Suspension? = nil

    /// The canonical form of a resource with this secret-free `body`: what scheme 1's
    /// management part reads (`Fingerprint.canonical`).
    func canonicalJSON(body: String) -> String {
        Fingerprint.canonical(address: address, body: body, state: state, onFailure: onFailure, dependsOn: dependsOn,
                              replaceOnChange: replaceOnChange, adoptID: adoptID, bandwidth: bandwidth)
    }
}

/// A create body: its `description` is the marker and the user's text when sent, the user's
/// text alone in identity.
protocol DescribedBody {
    var description: String? { get set }
}

extension DescribedBody {
    /// This body with `text` as its description.
    func describing(_ text: String?) -> Self {
        var body = self
        body.description = text
        return body
    }
}

/// What every task, group and sync task of the graph has, whatever its OMS body. The shared
/// fields are requirements (so that code holding `any DesiredOMSResource` reads one field,
/// not a copy of `common`), answered once below from `common`.
public protocol DesiredOMSResource: Sendable {
    var common: DesiredCommon { get }
    var address: ResourceAddress { get }
    var labels: [String: String] { get }
    var userDescription: String? { get }
    var marker: OwnershipMarker { get }
    var fingerprint: String { get }
    var canonicalJSON: String { get }
    var secrets: ResolvedSecrets { get }
    var state: DesiredRunState { get }
    var onFailure: FailurePolicy { get }
    var dependsOn: [ResourceAddress] { get }
    var replaceOnChange: Bool { get }
    var adoptID: String? { get }
    var bandwidth: BandwidthSource { get }
    var bandwidthPolicy: [BandwidthPolicy] { get }
    var bandwidthWindows: BandwidthScheduleDefinition? { get }
    var sourceCredentials: String? { get }
    var destinationCredentials: String { get }
    var generatedBy: ResourceAddress? { get }
    var declaredAt: SourceLocation { get }
    var fieldLocations: [String: SourceLocation] { get }
    var deadline: Date? { get }
    var acceptFailures: [FailureAcceptance] { get }
    /// A task's priority; nil for groups and sync tasks, which have none.
    var taskPriority: TaskPriority? { get }
}

extension DesiredOMSResource {
    @inlinable public var address: ResourceAddress { common.address }
    @inlinable public var labels: [String: String] { common.labels }
    @inlinable public var userDescription: String? { common.userDescription }
    @inlinable public var marker: OwnershipMarker { common.marker }
    @inlinable public var fingerprint: String { common.marker.fingerprint }
    @inlinable public var secrets: ResolvedSecrets { common.secrets }
    @inlinable public var state: DesiredRunState { common.state }
    @inlinable public var onFailure: FailurePolicy { common.onFailure }
    @inlinable public var dependsOn: [ResourceAddress] { common.dependsOn }
    @inlinable public var replaceOnChange: Bool { common.replaceOnChange }
    @inlinable public var adoptID: String? { common.adoptID }
    @inlinable public var bandwidth: BandwidthSource { common.bandwidth }
    @inlinable public var bandwidthWindows: BandwidthScheduleDefinition? { common.bandwidthWindows }
    @inlinable public var sourceCredentials: String? { common.sourceCredentials }
    @inlinable public var destinationCredentials: String { common.destinationCredentials }
    @inlinable public var generatedBy: ResourceAddress? { common.generatedBy }
    @inlinable public var declaredAt: SourceLocation { common.declaredAt }
    @inlinable public var fieldLocations: [String: SourceLocation] { common.fieldLocations }
    @inlinable public var deadline: Date? { common.deadline }
    @inlinable public var acceptFailures: [FailureAcceptance] { common.acceptFailures }
    @inlinable public var incremental: IncrementalPolicy? { common.incremental }
    @inlinable public var suspension: Suspension? { common.suspension }
    public var taskPriority: TaskPriority? { nil }

    /// This resource's fingerprint as `scheme` computes it, to compare with a live marker of
    /// that scheme; nil for a scheme this version does not know (a newer oms-plan wrote it).
    public func fingerprint(scheme: Int) -> String? {
        scheme == marker.scheme ? marker.fingerprint : nil
    }

    /// Where `path` was written, or the closest enclosing field, or the declaration.
    public func location(of path: String) -> SourceLocation {
        var p = Substring(path)
        while true {
            if let l = fieldLocations[String(p)] { return l }
            guard let dot = p.lastIndex(of: ".") else { return declaredAt }
            p = p[..<dot]
        }
    }
}

/// A `Credentials` resource: which references it takes its values from (never the values).
public struct DesiredCredentials: Hashable, Sendable {
    public var address: ResourceAddress
    public var secrets: CredentialSecrets
    public var declaredAt: SourceLocation
}

/// A `BandwidthSchedule` and its rules for the evaluation day.
public struct DesiredSchedule: Hashable, Sendable {
    public var address: ResourceAddress
    public var definition: BandwidthScheduleDefinition
    public var policy: [BandwidthPolicy]
    public var declaredAt: SourceLocation
}

/// Indirect: a task's request body alone is over 500 bytes, and the loader and the differ
/// move 10,000 of these through arrays and dictionaries; boxed, a move is a reference count.
public indirect enum DesiredResource: Hashable, Sendable {
    case task(DesiredTask)
    case taskGroup(DesiredTaskGroup)
    case syncTask(DesiredSyncTask)
    case credentials(DesiredCredentials)
    case schedule(DesiredSchedule)

    public var address: ResourceAddress {
        switch self {
        case .task(let t): t.address
        case .taskGroup(let g): g.address
        case .syncTask(let s): s.address
        case .credentials(let c): c.address
        case .schedule(let s): s.address
        }
    }

    /// The live id a task, group or sync task adopts (without boxing the resource).
    public var adoptID: String? {
        switch self {
        case .task(let t): t.adoptID
        case .taskGroup(let g): g.adoptID
        case .syncTask(let s): s.adoptID
        default: nil
        }
    }

    /// The task, group or sync task, for code that handles them alike.
    public var omsResource: (any DesiredOMSResource)? {
        switch self {
        case .task(let t): t
        case .taskGroup(let g): g
        case .syncTask(let s): s
        default: nil
        }
    }
}
