import Foundation
import OMSModels

/// The checks OMS makes on create and update bodies, with its error codes.
enum RequestValidator {
    static func validate(_ request: CreateTaskReq) throws(SandboxError) {
        let type = request.taskType ?? .object
        guard type.isDocumented else { throw .outOfRange("task_type", "'\(type)' is not one of list, url_list, object, prefix") }
        try validateCreate(request, type: type, secrets: CredentialSealer.taskSecrets.map { request[keyPath: $0] })
        if let priority = request.taskPriority, !priority.isDocumented {
            throw .outOfRange("task_priority", "'\(priority)' is not HIGH, MEDIUM or LOW")
        }
    }

    static func validate(_ request: CreateTaskGroupReq) throws(SandboxError) {
        let groupType = request.taskType ?? .prefix
        guard groupType.isDocumented else { throw .outOfRange("task_type", "'\(groupType)' is not LIST, URL_LIST or PREFIX") }
        let type: TaskType = groupType == .list ? .list : groupType == .urlList ? .urlList : .prefix
        try validateCreate(request, type: type, secrets: CredentialSealer.groupSecrets.map { request[keyPath: $0] })
    }

    /// What a task's and a group's create bodies share: source, destination, the common
    /// options, and no key in the sealed form (`secrets` are the body's key fields).
    static func validateCreate(_ request: some CreateBody, type: TaskType, secrets: [String?]) throws(SandboxError) {
        try validateSource(request.srcNode, type: type)
        try validateDestination(request.dstNode)
        try validateCommon(
            description: request.description, bandwidth: request.bandwidthPolicy, migrateSince: request.migrateSince,
            overwrite: request.objectOverwriteMode, storage: request.dstStoragePolicy, consistency: request.consistencyCheck,
            cdn: request.sourceCdn, smn: request.smnConfig)
        try refuseSeals(secrets + [request.sourceCdn?.authenticationKey])
    }

    /// A key in the sealed form the sandbox stores keys in is refused: the sandbox keeps
    /// stored seals as they are, so a seal copied out of its database would otherwise stand in
    /// for the key it was made from.
    static func refuseSeals(_ secrets: [String?]) throws(SandboxError) {
        if secrets.contains(where: { $0?.hasPrefix(CredentialSealer.marker) ?? false }) {
            throw .outOfRange("ak", "keys may not start with `\(CredentialSealer.marker)`: that is how the sandbox stores them, not a key")
        }
    }

    static func validateSource(_ node: some SourceNode, type: TaskType) throws(SandboxError) {
        let objectKey = node.objectKey
        let listFile = node.listFile
        let cloud = node.cloudType ?? .aliyun
        guard cloud.isDocumented else { throw .outOfRange("src_node.cloud_type", "'\(cloud)' is not a supported cloud") }
        try length("src_node.region", node.region, 100)
        try length("src_node.bucket", node.bucket, 1024)
        try length("src_node.ak", node.ak, 100)
        try length("src_node.sk", node.sk, 100)
        try length("src_node.app_id", node.appId, 255)
        if type == .urlList {
            guard cloud == .urlSource else { throw .badRequest(.invalidSourceParameters, "A url_list task needs cloud_type URLSource.") }
            guard listFile != nil else { throw .missing("src_node.list_file") }
            if objectKey?.isEmpty == false { throw .badRequest(.invalidSourceParameters, "object_key does not apply to url_list tasks.") }
            try validateListFile(listFile)
            return
        }
        if cloud == .urlSource { throw .badRequest(.invalidSourceParameters, "cloud_type URLSource is only for url_list tasks.") }
        guard let region = node.region, !region.isEmpty else { throw .missing("src_node.region") }
        guard let bucket = node.bucket, !bucket.isEmpty else { throw .missing("src_node.bucket") }
        try Location.region("src_node.region", region, code: Location.sourceCode)
        try Location.bucket("src_node.bucket", bucket, code: Location.sourceCode)
        for key in objectKey ?? [] {
            try Location.key("src_node.object_key", key, allowEmpty: type == .prefix, code: Location.sourceCode)
        }
        if node.jsonAuthFile == nil {
            guard node.ak != nil else { throw .missing("src_node.ak") }
            guard node.sk != nil else { throw .missing("src_node.sk") }
        }
        if cloud == .tencent, (node.appId ?? "").isEmpty { throw .missing("src_node.app_id") }
        if let objectKey {
            guard objectKey.count <= 500 else { throw .outOfRange("src_node.object_key", "at most 500 keys") }
            for key in objectKey where key.utf8.count > 1024 { throw .outOfRange("src_node.object_key", "keys are at most 1,024 characters") }
        }
        switch type {
        case .object, .prefix:
            guard let keys = objectKey, !keys.isEmpty else { throw .missing("src_node.object_key") }
            if listFile != nil { throw .badRequest(.invalidSourceParameters, "list_file does not apply to \(type) tasks.") }
            if type == .object, keys.contains("") { throw .badRequest(.invalidSourceParameters, "An object task cannot name an empty key.") }
        case .list:
            guard listFile != nil else { throw .missing("src_node.list_file") }
            if objectKey?.isEmpty == false { throw .badRequest(.invalidSourceParameters, "object_key does not apply to list tasks.") }
        default:
            break
        }
        try validateListFile(listFile)
    }

    static func validateListFile(_ listFile: ListFile?) throws(SandboxError) {
        guard let listFile else { return }
        guard let key = listFile.listFileKey, !key.isEmpty else { throw .missing("src_node.list_file.list_file_key") }
        guard let obsBucket = listFile.obsBucket else { throw .missing("src_node.list_file.obs_bucket") }
        try length("src_node.list_file.list_file_key", key, 1024)
        try Location.key("src_node.list_file.list_file_key", key, code: Location.sourceCode)
        try Location.bucket("src_node.list_file.obs_bucket", obsBucket, code: Location.sourceCode)
    }

    static func validateDestination(_ node: some DestinationNode) throws(SandboxError) {
        guard let region = node.region, !region.isEmpty else { throw .missing("dst_node.region") }
        guard let bucket = node.bucket, !bucket.isEmpty else { throw .missing("dst_node.bucket") }
        guard let ak = node.ak else { throw .missing("dst_node.ak") }
        guard let sk = node.sk else { throw .missing("dst_node.sk") }
        guard region.utf8.count <= 100, bucket.utf8.count <= 1024, ak.utf8.count <= 100, sk.utf8.count <= 100 else {
            throw .badRequest(.invalidDestinationParameters, "Destination parameters are too long.")
        }
        if let savePrefix = node.savePrefix, savePrefix.utf8.count > 1024 { throw .badRequest(.invalidDestinationParameters, "save_prefix is longer than 1,024 characters.") }
        try Location.region("dst_node.region", region, code: Location.destinationCode)
        try Location.bucket("dst_node.bucket", bucket, code: Location.destinationCode)
        if let savePrefix = node.savePrefix { try Location.key("dst_node.save_prefix", savePrefix, allowEmpty: true, code: Location.destinationCode) }
    }

    static func validateCommon(
        description: String?, bandwidth: [BandwidthPolicy]?, migrateSince: Int64?, overwrite: ObjectOverwriteMode?,
        storage: StoragePolicy?, consistency: ConsistencyCheck?, cdn: SourceCdnReq?, smn: SmnConfig?
    ) throws(SandboxError) {
        if let description {
            guard description.count <= 255 else { throw .outOfRange("description", "at most 255 characters") }
            if DescriptionRules.firstForbidden(in: description) != nil {
                throw .badRequest(.descriptionCharacters, "The description may not contain any of ^<>&\"'().")
            }
        }
        if let bandwidth { try validateBandwidth(bandwidth) }
        if let migrateSince, migrateSince < 0 { throw .outOfRange("migrate_since", "must not be negative") }
        if let overwrite, !overwrite.isDocumented { throw .outOfRange("object_overwrite_mode", "'\(overwrite)' is not supported") }
        if let storage, !storage.isDocumented { throw .outOfRange("dst_storage_policy", "'\(storage)' is not supported") }
        if let consistency, !consistency.isDocumented { throw .outOfRange("consistency_check", "'\(consistency)' is not supported") }
        if let cdn {
            guard let domain = cdn.domain, !domain.isEmpty else { throw .missing("source_cdn.domain") }
            guard let proto = cdn.protocol else { throw .missing("source_cdn.protocol") }
            guard CdnProtocol.documented.contains(where: { $0.sameValue(as: proto) }) else {
                throw .outOfRange("source_cdn.protocol", "'\(proto)' is not http or https")
            }
            if let type = cdn.authenticationType, !CdnAuthenticationType.documented.contains(where: { $0.sameValue(as: type) }) {
                throw .outOfRange("source_cdn.authentication_type", "'\(type)' is not supported")
            }
        }
        if let smn {
            guard let urn = smn.topicUrn, !urn.isEmpty else { throw .missing("smn_config.topic_urn") }
            guard let triggers = smn.triggerConditions, (1...2).contains(triggers.count) else { throw .missing("smn_config.trigger_conditions") }
            if triggers.contains(where: { !$0.isDocumented }) { throw .outOfRange("smn_config.trigger_conditions", "SUCCESS or FAILURE") }
            if let language = smn.language, !language.isDocumented { throw .outOfRange("smn_config.language", "zh-cn or en-us") }
        }
    }

    /// At most 5 rules, `hh:mm` times, 1 MiB/s..200 MiB/s, no two overlapping.
    static func validateBandwidth(_ rules: [BandwidthPolicy]) throws(SandboxError) {
        guard rules.count <= BandwidthPolicy.maximumRules else {
            throw .badRequest(.tooManyBandwidthRules, "At most \(BandwidthPolicy.maximumRules) bandwidth rules are allowed.")
        }
        var spans: [(Int, Int)] = []
        for (index, rule) in rules.enumerated() {
            guard let startText = rule.start else { throw .missing("bandwidth_policy[\(index)].start") }
            guard let endText = rule.end else { throw .missing("bandwidth_policy[\(index)].end") }
            guard let maximum = rule.maxBandwidth else { throw .missing("bandwidth_policy[\(index)].max_bandwidth") }
            guard let start = WallClockTime(parsing: startText)?.minutes, let end = WallClockTime(parsing: endText)?.minutes else {
                throw .badRequest(.invalidTimeSegment, "Bandwidth rule times must be hh:mm.")
            }
            guard BandwidthPolicy.allowedBandwidth.contains(maximum) else {
                throw .badRequest(.bandwidthOutOfRange, "max_bandwidth must be between 1048576 and 209715200 bytes per second.")
            }
            guard start <= end else { throw .badRequest(.invalidTimeSegment, "A bandwidth rule must end after it starts.") }
            spans.append((start, end))
        }
        let sorted = spans.sorted { $0.0 < $1.0 }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.0 < a.1 {
            throw .badRequest(.bandwidthRulesOverlap, "Bandwidth rules overlap.")
        }
    }

    /// Names and keys that must be able to name a place inside the sandbox's buckets
    /// (`StorageNames`): a bad one is refused as an invalid parameter, never looked up.
    enum Location {
        static let sourceCode = OMSErrorCode.invalidSourceParameters
        static let destinationCode = OMSErrorCode.invalidDestinationParameters
        /// Bucket operations and control endpoints: a value out of its documented shape.
        static let parameterCode = OMSErrorCode.parameterConstraints

        static func region(_ field: String, _ value: String, code: OMSErrorCode = parameterCode) throws(SandboxError) {
            if let problem = StorageNames.regionProblem(value) { throw .invalidLocation(code, field, problem) }
        }

        static func bucket(_ field: String, _ value: String, code: OMSErrorCode = parameterCode) throws(SandboxError) {
            if let problem = StorageNames.bucketProblem(value) { throw .invalidLocation(code, field, problem) }
        }

        static func key(_ field: String, _ value: String, allowEmpty: Bool = false, code: OMSErrorCode = parameterCode) throws(SandboxError) {
            if let problem = StorageNames.keyProblem(value, allowEmpty: allowEmpty) { throw .invalidLocation(code, field, problem) }
        }

        static func cloud(_ field: String, _ value: CloudType) throws(SandboxError) {
            guard LocalBuckets.folderName(for: value) != nil else { throw .outOfRange(field, "'\(value)' is not a supported cloud") }
        }
    }

    static func length(_ field: String, _ value: String?, _ maximum: Int) throws(SandboxError) {
        if let value, value.utf8.count > maximum { throw .outOfRange(field, "at most \(maximum) characters") }
    }

    static func pagination(limit: String?, offset: String?) throws(SandboxError) -> (Int, Int) {
        var limitValue = 10
        var offsetValue = 0
        if let limit {
            guard let v = Int(limit) else { throw .wrongType("limit") }
            guard (1...100).contains(v) else { throw .outOfRange("limit", "1 to 100") }
            limitValue = v
        }
        if let offset {
            guard let v = Int(offset) else { throw .wrongType("offset") }
            guard (0...Int(Int32.max)).contains(v) else { throw .outOfRange("offset", "0 to 2147483647") }
            offsetValue = v
        }
        return (limitValue, offsetValue)
    }
}

/// The fields a task's and a task group's create bodies share, under the same names: the
/// sandbox checks them once for both (`RequestValidator.validateCreate`).
protocol CreateBody {
    associatedtype Source: SourceNode
    associatedtype Destination: DestinationNode
    var srcNode: Source { get }
    var dstNode: Destination { get }
    var description: String? { get }
    var bandwidthPolicy: [BandwidthPolicy]? { get }
    var migrateSince: Int64? { get }
    var objectOverwriteMode: ObjectOverwriteMode? { get }
    var dstStoragePolicy: StoragePolicy? { get }
    var consistencyCheck: ConsistencyCheck? { get }
    var sourceCdn: SourceCdnReq? { get }
    var smnConfig: SmnConfig? { get }
}

/// What both ends of a migration name: a bucket in a region, and the keys that open it.
protocol BucketNode {
    var region: String? { get }
    var bucket: String? { get }
    var ak: String? { get }
    var sk: String? { get }
}

protocol SourceNode: BucketNode {
    var cloudType: CloudType? { get }
    var jsonAuthFile: String? { get }
    var appId: String? { get }
    var objectKey: [String]? { get }
    var listFile: ListFile? { get }
}

protocol DestinationNode: BucketNode {
    var savePrefix: String? { get }
}

extension CreateTaskReq: CreateBody {}
extension CreateTaskGroupReq: CreateBody {}
extension SrcNodeReq: SourceNode {}
extension TaskGroupSrcNode: SourceNode {}
extension DstNodeReq: DestinationNode {}
extension TaskGroupDstNode: DestinationNode {}
