import Foundation
import OMSModels

/// A secret taken from a reference: the reference as written (printable) and, when it could
/// be resolved, the value (never printed).
public struct SecretValue: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `${env:ALIYUN_AK}`: what the plan says, safe to print.
    public let reference: String
    /// nil when the variable is unset or the file unreadable.
    public let value: String?

    public init(reference: String, value: String?) {
        self.reference = reference
        self.value = value
    }

    public var isResolved: Bool { value != nil }
    public var description: String { value == nil ? "<unresolved \(reference)>" : "<secret from \(reference)>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["reference": reference], displayStyle: .struct) }
}

/// The task spec fields every kind shares (MigrationTask, MigrationTaskGroup, task set
/// templates), decoded and located, before references to other resources are resolved.
struct TaskDraft {
    var address: ResourceAddress
    var labels: [String: String]
    var declLoc: Loc
    var generatedBy: ResourceAddress?
    /// What its kind takes, refuses and checks.
    var rules: any PlanKind { PlanKinds.of(address.kind) }

    var type: Located<String>?
    var source = SourceDraft()
    var destination = DestinationDraft()
    var bandwidth: BandwidthDraft = .none
    var description: Located<String>?
    var paused = false
    var onFailure = FailurePolicy()
    var dependsOn: [Located<String>] = []
    var replaceOnChange = false
    var adoptID: Located<String>?
    /// When the plan wants it finished (`spec.deadline`, RFC 3339); not sent to OMS.
    var deadline: Date?
    var options = OptionsDraft()
    /// `spec.acceptFailures`: failed objects the plan accepts (not identity, not sent to OMS).
    var acceptFailures: [FailureAcceptance] = []
    /// `spec.incremental`: passes after the full copy (not identity, not in the create body).
    var incremental: IncrementalPolicy?
    /// `spec.suspend`: leave it as it is until `until` (not identity, not sent to OMS).
    var suspension: Suspension?
    /// `source.bucket` -> where it was written (room for a task's fields from the start).
    var locations = [String: Loc](minimumCapacity: 12)

    /// The description OMS gets beside the marker: nil when the plan leaves it out or empty.
    var userDescription: String? { description?.value.isEmpty == false ? description?.value : nil }
}

/// `deadline:` values: an RFC 3339 date and time with an offset (`2026-12-31T18:00:00+08:00`).
enum DeadlineField {
    static func decode(_ f: Fields, path: String, ctx: DecodeContext) -> Date? {
        guard let text = f.string("deadline") else { return nil }
        guard text.value.utf8.count >= 20, let seconds = RFC3339.seconds(text.value) else {
            ctx.error("`\(path).deadline` must be an RFC 3339 date and time with an offset, such as 2026-12-31T18:00:00+08:00, found `\(text.value)`",
                      at: text.loc)
            return nil
        }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}

struct SourceDraft {
    var cloud: Located<String>?
    var region: Located<String>?
    var bucket: Located<String>?
    var credentials: Located<String>?
    var appId: Located<String>?
    var prefixes: Located<[Located<String>]>?
    var objects: Located<[Located<String>]>?
    var listFile: ListFile?
    var listFileLoc: Loc?
    var cdn: CdnDraft?
}

struct CdnDraft {
    var domain: String
    var `protocol`: String
    var authType: String
    var authKey: SecretValue?

    /// `source_cdn` of a create body, without the key (secrets are filled in when sent).
    var request: SourceCdnReq {
        SourceCdnReq(domain: domain, protocol: CdnProtocol(rawValue: `protocol`), authenticationType: CdnAuthenticationType(rawValue: authType))
    }
}

struct DestinationDraft {
    var region: Located<String>?
    var bucket: Located<String>?
    var credentials: Located<String>?
    var savePrefix: Located<String>?
}

enum BandwidthDraft {
    case none
    case schedule(Located<String>)
    case inline(InlineSchedule)
}

/// Windows as written in a schedule or inline, with their positions.
struct InlineSchedule: Sendable {
    var definition: BandwidthScheduleDefinition
    var windowLocs: [Loc]
    var limitLocs: [Loc]
    var loc: Loc
}

/// `spec.options`, typed: the switches as the create bodies take them (OMS's defaults are
/// filled in when a body is built), and the options that are not switches.
struct OptionsDraft {
    var migration = MigrationOptions()
    var migrateSince: Int64?
    var priority: TaskPriority?
    var notifications: SmnConfig?
}

/// What apply/reconcile does with a task or group OMS reports failed.
public struct FailurePolicy: Hashable, Sendable, Codable {
    public enum Action: String, Hashable, Sendable, Codable, CaseIterable {
        case none
        case restart
        case retryFailedObjects
    }

    public var action: Action
    /// How many times apply/reconcile restarts or retries before leaving it failed.
    public var maxAttempts: Int

    public init(action: Action = .none, maxAttempts: Int = 3) {
        self.action = action
        self.maxAttempts = maxAttempts
    }
}

/// Field names of the plan format that kinds share, for the decoders and the schema test.
enum SpecFields {
    static let task: Set<String> = [
        "type", "source", "destination", "bandwidth", "description", "state", "onFailure", "dependsOn",
        "replaceOnChange", "adopt", "options", "deadline", "acceptFailures", "incremental",
        "suspend",
    ]
    static let defaults: Set<String> = task.subtracting(["adopt", "dependsOn", "deadline", "acceptFailures", "suspend"])
    static let source: Set<String> = ["cloud", "region", "bucket", "credentials", "appId", "prefixes", "objects", "listFile", "cdn"]
    static let destination: Set<String> = ["region", "bucket", "credentials", "savePrefix"]
    static let listFile: Set<String> = ["bucket", "key", "count"]
    static let cdn: Set<String> = ["domain", "protocol", "authType", "authKey"]
    static let onFailure: Set<String> = ["action", "maxAttempts"]
    static let adopt: Set<String> = ["id"]
    static let options: Set<String> = [
        "enableKms", "migrateSince", "objectOverwriteMode", "consistencyCheck", "dstStoragePolicy",
        "enableMetadataMigration", "enableRestore", "enableFailedObjectRecording", "enableRequesterPays", "priority",
        "notifications",
    ]
    static let notifications: Set<String> = ["topicUrn", "triggerConditions", "language", "messageTemplateName"]
    static let window: Set<String> = ["start", "end", "limit", "days"]
    static let schedule: Set<String> = ["timezone", "windows"]
    static let credentials: Set<String> = ["accessKey", "secretKey", "securityToken", "jsonAuthFile"]
    static let stack: Set<String> = ["region", "projectId", "prune", "serviceTimezone", "variables", "defaults", "deadline", "unknownRegions",
                                        "suspend", "freezes"]
    static let taskSet: Set<String> = ["forEach", "name", "template", "deadline", "acceptFailures", "incremental", "suspend"]

    // Each kind's own sets (a sync task's, the task types) are with the kind, in Kinds/.
    static let clouds = CloudType.documented.map(\.rawValue)
}
