import OMSModels

/// A task's and a task group's create bodies are one shape: the same options, source and
/// destination under the same keys. Reading both through this, the canonical JSON (and so the
/// fingerprint) and the plain-text secret check are written once. What only one of them has
/// (a task's security tokens and priority, a group's destination cloud) reads `nil` on the
/// other, and a `nil` field is never written, so each body's bytes are what they were.
protocol CreateBody: MigrationOptionFields {
    associatedtype Source: SourceNode
    associatedtype Destination: DestinationNode
    associatedtype Kind: RawRepresentable where Kind.RawValue == String
    var srcNode: Source { get }
    var dstNode: Destination { get }
    var description: String? { get }
    var bandwidthPolicy: [BandwidthPolicy]? { get }
    var migrateSince: Int64? { get }
    var smnConfig: SmnConfig? { get }
    var sourceCdn: SourceCdnReq? { get }
    var taskType: Kind? { get }
    var taskPriority: TaskPriority? { get }
}

/// What `src_node` and `dst_node` of either body have alike: a bucket and the keys to it.
protocol StorageNode {
    var cloudType: CloudType? { get }
    var region: String? { get }
    var bucket: String? { get }
    var ak: String? { get }
    var sk: String? { get }
    var securityToken: String? { get }
}

/// `src_node` of either body.
protocol SourceNode: StorageNode {
    var objectKey: [String]? { get }
    var listFile: ListFile? { get }
    var appId: String? { get }
    var jsonAuthFile: String? { get }
}

/// `dst_node` of either body.
protocol DestinationNode: StorageNode {
    var savePrefix: String? { get }
}

extension CreateTaskReq: CreateBody {}
extension SrcNodeReq: SourceNode {}
extension DstNodeReq: DestinationNode {
    /// A task's destination is always OBS; only a group's body names the cloud.
    var cloudType: CloudType? { nil }
}

extension CreateTaskGroupReq: CreateBody {
    /// A group has no priority of its own.
    var taskPriority: TaskPriority? { nil }
}
extension TaskGroupSrcNode: SourceNode {
    /// The group API takes no temporary keys.
    var securityToken: String? { nil }
}
extension TaskGroupDstNode: DestinationNode {
    var securityToken: String? { nil }
}
