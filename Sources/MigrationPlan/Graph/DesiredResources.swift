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

/// What every task and group of the graph has, whatever its OMS body.
public protocol DesiredOMSResource: Sendable {
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
    /// Field path (`source.bucket`, `options.priority`, `bandwidth`) -> where it was written.
    var fieldLocations: [String: SourceLocation] { get }
    /// When the plan wants it finished (`spec.deadline`; a task set's for its tasks). Not sent
    /// to OMS and not identity.
    var deadline: Date? { get }
    /// A task's priority; nil for groups and sync tasks, which have none.
    var taskPriority: TaskPriority? { get }
}

extension DesiredOMSResource {
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
