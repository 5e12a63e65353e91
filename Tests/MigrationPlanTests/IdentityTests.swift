import Foundation
import OMSModels
import Testing
@testable import MigrationPlan

/// Identity is forever: every resource oms-plan created carries the fingerprint of its spec in
/// its OMS description. These tests pin what fingerprint scheme 1 computes, so that a change to
/// a default, to the canonical JSON or to the request models cannot slip into a release and
/// turn every owned resource into a replacement.
@Suite struct IdentityTests {
    static let goldenFile = TestSupport.root + "/Tests/MigrationPlanTests/Identity/fingerprints.json"
    static let plans = ["examples/quickstart", "Tests/MigrationPlanTests/Identity/every-option"]
    static let howToFix = """
        Every live task and group oms-plan created carries this fingerprint in its description: a different value \
        makes all of them replacements after an upgrade. Restore what scheme 1 computes. A deliberate change needs \
        a new Fingerprint.Scheme (markers then say which scheme they were written with); see CONTRIBUTING.md, "Identity". \
        Only for a new plan in the golden corpus, regenerate with OMS_PLAN_WRITE_GOLDENS=1 swift test --filter IdentityTests.
        """

    /// plan -> address -> rendered marker (stack, address and fingerprint).
    static func computed() throws -> [String: [String: String]] {
        var all: [String: [String: String]] = [:]
        for plan in plans {
            let result = PlanLoader.load(
                paths: [TestSupport.root + "/" + plan],
                options: LoadOptions(environment: PlanEnvironment(variables: [:], fileSystem: LocalFileSystem()), evaluationDate: TestSupport.tuesday))
            let state = try #require(result.desiredState, "\(plan): \(result.diagnostics.map(\.rendered))")
            all[plan] = Dictionary(uniqueKeysWithValues: state.omsResources.map { ($0.address.description, $0.marker.rendered) })
        }
        return all
    }

    @Test func fingerprintsOfTheGoldenPlansNeverChange() throws {
        let now = try Self.computed()
        if ProcessInfo.processInfo.environment["OMS_PLAN_WRITE_GOLDENS"] == "1" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try (encoder.encode(now) + Data("\n".utf8)).write(to: URL(fileURLWithPath: Self.goldenFile))
        }
        let golden = try JSONDecoder().decode([String: [String: String]].self, from: Data(contentsOf: URL(fileURLWithPath: Self.goldenFile)))
        #expect(golden.keys.sorted() == Self.plans.sorted())
        for plan in Self.plans {
            let expected = golden[plan] ?? [:]
            let actual = now[plan] ?? [:]
            #expect(Set(actual.keys) == Set(expected.keys), "\(plan): resources differ from the goldens")
            for (address, marker) in expected.sorted(by: { $0.key < $1.key }) {
                #expect(actual[address] == marker, "\(plan) \(address): \(marker) became \(actual[address] ?? "nothing"). \(Self.howToFix)")
            }
        }
        #expect(golden.values.map(\.count).reduce(0, +) >= 19)
    }

    // MARK: Every field of a create body is considered

    /// A create body with every field of the models set (checked below), secrets included.
    static let fullTask = CreateTaskReq(
        taskType: .prefix,
        srcNode: SrcNodeReq(cloudType: .tencent, region: "ap-guangzhou", ak: "a", sk: "s", jsonAuthFile: "{}", securityToken: "t",
                            appId: "1254563210", bucket: "b", objectKey: ["x/"],
                            listFile: ListFile(listFileKey: "k", obsBucket: "o", listFileNum: "2")),
        dstNode: DstNodeReq(region: "cn-north-4", bucket: "d", ak: "x", sk: "y", securityToken: "z", savePrefix: "p/"),
        enableKms: true, description: "user text", migrateSince: 1_704_067_200,
        bandwidthPolicy: [BandwidthPolicy(start: "00:00", end: "23:59", maxBandwidth: 1_048_576)],
        sourceCdn: SourceCdnReq(domain: "cdn", protocol: .https, authenticationType: .aliyunOssA, authenticationKey: "k"),
        smnConfig: SmnConfig(topicUrn: "urn:smn:x", triggerConditions: [.success], language: .enUS, messageTemplateName: "m"),
        enableMetadataMigration: false, enableRestore: true, enableFailedObjectRecording: true,
        objectOverwriteMode: .noOverwrite, dstStoragePolicy: .ia, consistencyCheck: .crc64, enableRequesterPays: false,
        taskPriority: .high)

    static let fullGroup = CreateTaskGroupReq(
        srcNode: TaskGroupSrcNode(cloudType: .aliyun, region: "cn-hangzhou", bucket: "b", ak: "a", sk: "s", jsonAuthFile: "j",
                                  appId: "1", objectKey: [""], listFile: ListFile(listFileKey: "k", obsBucket: "o", listFileNum: "1")),
        dstNode: TaskGroupDstNode(region: "cn-north-4", bucket: "d", ak: "x", sk: "y", cloudType: .hec, savePrefix: "p/"),
        enableKms: false, taskType: .prefix, description: "user text", enableMetadataMigration: true,
        enableFailedObjectRecording: true, enableRestore: false,
        bandwidthPolicy: [BandwidthPolicy(start: "08:00", end: "19:00", maxBandwidth: 20_971_520)],
        smnConfig: SmnConfig(topicUrn: "urn:smn:x", triggerConditions: [.failure], language: .zhCN, messageTemplateName: "m"),
        sourceCdn: SourceCdnReq(domain: "cdn", protocol: .http, authenticationType: .none, authenticationKey: "k"), migrateSince: 5,
        objectOverwriteMode: .fullOverwrite, dstStoragePolicy: .archive, consistencyCheck: .noCheck, enableRequesterPays: true)

    static let fullSyncTask: CreateSyncTaskReq = {
        var r = CreateSyncTaskReq(
            srcCloudType: .tencent, srcRegion: "ap-guangzhou", srcBucket: "b", srcAk: "a", srcSk: "s", dstAk: "x", dstSk: "y",
            dstRegion: "cn-north-4", dstBucket: "d", description: "user text", enableMetadataMigration: true, enableRestore: false,
            dstStoragePolicy: .ia, appId: "1254563210",
            sourceCdn: SourceCdnReq(domain: "cdn", protocol: .https, authenticationType: .tencentCosA, authenticationKey: "k"),
            consistencyCheck: .crc64)
        (r.srcCryptoType, r.srcKmsKeyId, r.dstCryptoType, r.dstKmsKeyId) = ("KMS", "src-key", "KMS", "dst-key")
        return r
    }()

    /// Names of stored properties that are nil, at any depth: a field added to the models shows
    /// up here until the fixtures set it.
    static func unset(_ value: Any, path: String = "") -> [String] {
        Mirror(reflecting: value).children.flatMap { child -> [String] in
            let name = path + "." + (child.label ?? "?")
            let inner = Mirror(reflecting: child.value)
            if inner.displayStyle == .optional {
                guard let wrapped = inner.children.first?.value else { return [name] }
                return unset(wrapped, path: name)
            }
            return inner.displayStyle == .struct ? unset(child.value, path: name) : []
        }
    }

    @Test func theFixturesSetEveryFieldOfTheModels() {
        #expect(Self.unset(Self.fullTask) == [], """
            A field was added to the create task body: set it in IdentityTests.fullTask, then decide whether it is \
            identity (the fingerprint covers it: nothing else to do, but it needs a new Fingerprint.Scheme, because old \
            markers did not cover it) or updatable in place (add it to Fingerprint.excludedTaskFields).
            """)
        #expect(Self.unset(Self.fullGroup) == [], "A field was added to the create group body: set it in IdentityTests.fullGroup (see above).")
        #expect(Self.unset(Self.fullSyncTask) == [], "A field was added to the create sync task body: set it in IdentityTests.fullSyncTask (see above).")
    }

    /// JSON with its types kept apart (booleans are not numbers here).
    indirect enum J: Codable, Equatable {
        case bool(Bool), int(Int64), string(String), array([J]), object([String: J]), null

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let v = try? c.decode(Bool.self) { self = .bool(v) }
            else if let v = try? c.decode(Int64.self) { self = .int(v) }
            else if let v = try? c.decode(String.self) { self = .string(v) }
            else if let v = try? c.decode([J].self) { self = .array(v) }
            else { self = .object(try c.decode([String: J].self)) }
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .bool(let v): try c.encode(v)
            case .int(let v): try c.encode(v)
            case .string(let v): try c.encode(v)
            case .array(let v): try c.encode(v)
            case .object(let v): try c.encode(v)
            case .null: try c.encodeNil()
            }
        }

        /// Leaf paths with their values.
        var leaves: [([String], J)] {
            guard case .object(let members) = self else { return [([], self)] }
            return members.flatMap { key, value in value.leaves.map { ([key] + $0.0, $0.1) } }
        }

        func replacing(_ path: [String], with value: J) -> J {
            guard let key = path.first, case .object(var members) = self else { return value }
            members[key] = (members[key] ?? .null).replacing(Array(path.dropFirst()), with: value)
            return .object(members)
        }

        var changed: J {
            switch self {
            case .bool(let v): .bool(!v)
            case .int(let v): .int(v + 1)
            case .string(let v): .string(v + "-changed")
            case .array(let v): .array(v + v)
            default: self
            }
        }
    }

    /// Changing any leaf of the body changes the fingerprint exactly when the leaf is identity.
    func checkEveryLeaf<T: Codable>(_ full: T, excluded: Set<String>, minimumLeaves: Int = 25, fingerprint: (T) -> String) throws {
        let base = try JSONDecoder().decode(J.self, from: JSONEncoder().encode(full))
        let before = fingerprint(full)
        let leaves = base.leaves
        #expect(leaves.count >= minimumLeaves)
        for (path, value) in leaves where path.last != "description" {
            let mutated = base.replacing(path, with: value.changed)
            let decoded = try JSONDecoder().decode(T.self, from: JSONEncoder().encode(mutated))
            let identity = !excluded.contains(path.last ?? "")
            let after = fingerprint(decoded)
            #expect((after != before) == identity, """
                \(path.joined(separator: ".")): \(identity ? "is identity but does not change the fingerprint" : "is updated in place but changes the fingerprint"). \
                Every field of the body must be written by RequestJSON (CanonicalJSON.swift) and either covered by the \
                fingerprint or listed in Fingerprint.excluded*Fields. \(Self.howToFix)
                """)
        }
    }

    @Test func everyFieldOfTheBodyIsIdentityOrListedAsUpdatable() throws {
        try checkEveryLeaf(Self.fullTask, excluded: Fingerprint.excludedTaskFields) { r in
            var r = r
            // Desired bodies never carry secrets: the graph keeps them apart.
            (r.srcNode.ak, r.srcNode.sk, r.srcNode.securityToken, r.srcNode.jsonAuthFile) = (nil, nil, nil, nil)
            (r.dstNode.ak, r.dstNode.sk, r.dstNode.securityToken) = (nil, nil, nil)
            r.sourceCdn?.authenticationKey = nil
            return Fingerprint.task(r, userDescription: r.description)
        }
        try checkEveryLeaf(Self.fullGroup, excluded: Fingerprint.excludedGroupFields) { r in
            var r = r
            (r.srcNode.ak, r.srcNode.sk, r.srcNode.jsonAuthFile) = (nil, nil, nil)
            (r.dstNode.ak, r.dstNode.sk) = (nil, nil)
            r.sourceCdn?.authenticationKey = nil
            return Fingerprint.group(r, userDescription: r.description)
        }
        try checkEveryLeaf(Self.fullSyncTask, excluded: Fingerprint.excludedSyncTaskFields, minimumLeaves: 23) { r in
            Fingerprint.syncTask(r, userDescription: r.description)
        }
    }

    @Test func markersOfALaterSchemeAreReadAndNamedByTheirScheme() throws {
        let parsed = try #require(OwnershipMarker.parse(description: "text oms-plan:media:MigrationTask/photos#2.1a2b3c4d"))
        #expect(parsed.marker.scheme == 2 && parsed.marker.fingerprint == "1a2b3c4d" && parsed.userDescription == "text")
        #expect(parsed.marker.rendered == "oms-plan:media:MigrationTask/photos#2.1a2b3c4d")
        let v1 = try #require(OwnershipMarker.parse(description: "oms-plan:media:MigrationTask/photos#1a2b3c4d"))
        #expect(v1.marker.scheme == 1 && v1.marker.rendered == "oms-plan:media:MigrationTask/photos#1a2b3c4d")
        for bad in ["oms-plan:media:MigrationTask/photos#1.1a2b3c4d", "oms-plan:media:MigrationTask/photos#x.1a2b3c4d"] {
            #expect(OwnershipMarker.parse(description: bad) == nil, "\(bad)")
        }
    }
}
