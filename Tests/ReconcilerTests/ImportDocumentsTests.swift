import Foundation
import MigrationPlan
import OMSModels
@testable import Reconciler
import Testing

/// Issue 23, part 4: a task no stack owns, written by `ImportDocuments` into a plan that has no
/// credentials for its clouds, loads as written and is adopted with nothing to change.
@Suite("import documents")
struct ImportDocumentsTests {
    static let stack = """
        apiVersion: oms-plan/v1
        kind: Stack
        metadata: {name: importer}
        spec:
          region: cn-north-4
          defaults: {bandwidth: [{start: "00:00", end: "06:00", limit: 50MB/s}], options: {enableFailedObjectRecording: false}}

        """

    static func load(_ files: [String: String], variables: [String: String] = [:]) throws -> DesiredState {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("import-docs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let result = PlanLoader.load(
            paths: [folder.path],
            options: LoadOptions(environment: PlanEnvironment(variables: variables, fileSystem: LocalFileSystem()), evaluationDate: Fixtures.evaluatedAt))
        guard let desired = result.desiredState else {
            throw Fixtures.LoadFailure(description: result.diagnostics.map(\.rendered).joined(separator: "\n"))
        }
        return desired
    }

    @Test func aTaskOfACloudThePlanHasNoCredentialsForGetsReferencesAndIsAdopted() throws {
        // The live task: what a person made at the console (no marker), in the shape OMS answers.
        let made = try Self.load(["plan.yaml": """
            apiVersion: oms-plan/v1
            kind: Stack
            metadata: {name: elsewhere}
            spec: {region: cn-north-4}
            ---
            apiVersion: oms-plan/v1
            kind: Credentials
            metadata: {name: tx}
            spec: {accessKey: "${env:TX_AK}", secretKey: "${env:TX_SK}"}
            ---
            apiVersion: oms-plan/v1
            kind: MigrationTask
            metadata: {name: media}
            spec:
              type: prefix
              source: {cloud: Tencent, region: ap-guangzhou, bucket: media-1254563210, appId: "1254563210", credentials: tx, prefixes: ["v/"]}
              destination: {bucket: dst, credentials: tx, savePrefix: "m/"}
              options: {consistencyCheck: crc64, dstStoragePolicy: IA}

            """], variables: ["TX_AK": "FAKE-AK-1", "TX_SK": "FAKE-SK-1"])
        var live = try Fixtures.live(try #require(made.tasks.first), id: 4242, status: .paused)
        live.description = "by hand"
        let state = LiveState(tasks: [live], groups: [], readAt: Fixtures.evaluatedAt)

        let plan = try Self.load(["stack.yaml": Self.stack])
        #expect(UnownedResources.find(live: state, desired: plan).map(\.id) == ["4242"])
        let output = ImportDocuments.build(ids: ["4242"], live: state, desired: plan)
        #expect(output.addresses.map(\.description) == ["MigrationTask/task-4242", "Credentials/imported-tencent", "Credentials/imported-huaweicloud"])
        #expect(output.yaml.contains("accessKey: \"${env:IMPORTED_TENCENT_AK}\""))
        #expect(output.yaml.contains("secretKey: \"${env:IMPORTED_HUAWEICLOUD_SK}\""))
        #expect(!output.yaml.contains("FAKE-"))

        let variables = ["IMPORTED_TENCENT_AK": "a", "IMPORTED_TENCENT_SK": "b", "IMPORTED_HUAWEICLOUD_AK": "c", "IMPORTED_HUAWEICLOUD_SK": "d"]
        let adopted = try Self.load(["stack.yaml": Self.stack, "imported.yaml": output.yaml], variables: variables)
        let report = ChangePlanner.plan(desired: adopted, live: state, now: Fixtures.evaluatedAt).report
        let change = try #require(report.changes.first { $0.address.description == "MigrationTask/task-4242" })
        // The stack's default bandwidth and option did not reach it: nothing to change.
        #expect(change.action == .noop, "\(change)")
        #expect(change.fields.isEmpty, "\(change.fields)")
        #expect(report.unowned?.tasks == 0)
        #expect(UnownedResources.find(live: state, desired: adopted).isEmpty)
    }

    /// Loads `plan` (a stack and what a person made, in plan form) and returns its first
    /// task, group and sync task, for live resources in the shape OMS answers.
    static let madeByHand = """
        apiVersion: oms-plan/v1
        kind: Stack
        metadata: {name: elsewhere}
        spec: {region: cn-north-4}
        ---
        apiVersion: oms-plan/v1
        kind: Credentials
        metadata: {name: keys}
        spec: {accessKey: "${env:K_AK}", secretKey: "${env:K_SK}"}
        ---
        apiVersion: oms-plan/v1
        kind: MigrationTask
        metadata: {name: logs}
        spec:
          type: prefix
          source: {cloud: AWS, region: us-east-1, bucket: logs, credentials: keys, prefixes: ["2024/"],
                   cdn: {domain: cdn.example.com, protocol: https, authType: ALIYUN_OSS_A, authKey: "${env:K_CDN}"}}
          destination: {bucket: dst, credentials: keys}
        ---
        apiVersion: oms-plan/v1
        kind: MigrationTaskGroup
        metadata: {name: archive}
        spec:
          type: prefix
          source: {cloud: Aliyun, region: cn-hangzhou, bucket: archive, credentials: keys, prefixes: ["2019/"]}
          destination: {bucket: dst, credentials: keys}
        ---
        apiVersion: oms-plan/v1
        kind: MigrationSyncTask
        metadata: {name: uploads}
        spec:
          source: {cloud: Aliyun, region: cn-hangzhou, bucket: uploads, credentials: keys}
          destination: {bucket: dst, credentials: keys}
          description: "kept in sync by hand"
          options: {consistencyCheck: crc64, dstStoragePolicy: IA}

        """

    static let madeVariables = ["K_AK": "FAKE-AK-2", "K_SK": "FAKE-SK-2", "K_CDN": "FAKE-CDN-2"]

    /// A task, a group and a synchronization task as OMS answers them, none owned.
    static func liveState(bandwidth: [BandwidthPolicy]) throws -> LiveState {
        let made = try load(["plan.yaml": madeByHand], variables: madeVariables)
        var task = try Fixtures.live(try #require(made.tasks.first), id: 5151, status: .paused)
        task.description = "by hand"
        task.bandwidthPolicy = bandwidth
        var group = try Fixtures.liveGroup(try #require(made.taskGroups.first), id: "7f0c-by-hand", status: .paused)
        group.description = nil
        group.bandwidthPolicy = bandwidth
        let desiredSync = try #require(made.syncTasks.first)
        var sync = SyncTaskInfo()
        let r = desiredSync.request
        (sync.syncTaskId, sync.srcCloudType, sync.srcRegion, sync.srcBucket) = ("9c1d-sync", r.srcCloudType, r.srcRegion, r.srcBucket)
        (sync.dstRegion, sync.dstBucket, sync.description, sync.status) = (r.dstRegion, r.dstBucket, "kept in sync by hand", .stopped)
        (sync.enableMetadataMigration, sync.enableRestore) = (r.enableMetadataMigration, r.enableRestore)
        (sync.dstStoragePolicy, sync.consistencyCheck, sync.objectOverwriteMode) = (r.dstStoragePolicy, r.consistencyCheck, .sizeLastModifiedComparisonOverwrite)
        return LiveState(tasks: [task], groups: [group], syncTasks: [sync], readAt: Fixtures.evaluatedAt)
    }

    /// A stack with a token-carrying credential for Aliyun (tasks may use it, a sync task may
    /// not) and defaults that would change every imported field they reached.
    static func stack(zone: String) -> [String: String] {
        ["stack.yaml": """
            apiVersion: oms-plan/v1
            kind: Stack
            metadata: {name: importer}
            spec:
              region: cn-north-4
              serviceTimezone: "\(zone)"
              defaults:
                bandwidth: [{start: "00:00", end: "06:00", limit: 50MB/s}]
                options: {enableFailedObjectRecording: false, consistencyCheck: no_check, dstStoragePolicy: ARCHIVE}
            ---
            apiVersion: oms-plan/v1
            kind: Credentials
            metadata: {name: temporary}
            spec: {accessKey: "${env:T_AK}", secretKey: "${env:T_SK}", securityToken: "${env:T_TOKEN}"}
            ---
            apiVersion: oms-plan/v1
            kind: MigrationTask
            metadata: {name: declared}
            spec:
              type: prefix
              source: {cloud: Aliyun, region: cn-hangzhou, bucket: photos, credentials: temporary, prefixes: ["a/"]}
              destination: {bucket: dst, credentials: temporary}

            """]
    }

    static let importedVariables = [
        "T_AK": "a", "T_SK": "b", "T_TOKEN": "c", "IMPORTED_ALIYUN_AK": "d", "IMPORTED_ALIYUN_SK": "e", "IMPORTED_AWS_AK": "f",
        "IMPORTED_AWS_SK": "g", "IMPORTED_HUAWEICLOUD_AK": "h", "IMPORTED_HUAWEICLOUD_SK": "i", "IMPORTED_TASK_5151_CDN_KEY": "j",
    ]

    /// Issue 23, part 4: a synchronization task is written too (with credentials it can take),
    /// and with the task and the group it is adopted with nothing to change: no create, no
    /// replace, no delete, whatever the stack's defaults say.
    @Test func aTaskAGroupAndASyncTaskAreWrittenAndAdoptedWithNothingToChange() throws {
        let state = try Self.liveState(bandwidth: [])
        let plan = try Self.load(Self.stack(zone: "+08:00"), variables: Self.importedVariables)
        #expect(Set(UnownedResources.find(live: state, desired: plan).map(\.id)) == ["5151", "7f0c-by-hand", "9c1d-sync"])
        let output = ImportDocuments.build(ids: ["5151", "7f0c-by-hand", "9c1d-sync"], live: state, desired: plan)
        #expect(output.skipped.isEmpty, "\(output.skipped)")
        #expect(output.addresses.map(\.description) == [
            "MigrationTask/task-5151", "MigrationTaskGroup/group-archive", "MigrationSyncTask/sync-uploads",
            "Credentials/imported-aws", "Credentials/imported-aliyun", "Credentials/imported-huaweicloud",
        ], "\(output.yaml)")
        // The task may use the plan's token-carrying keys; the group and the sync task get keys of their own.
        #expect(output.yaml.components(separatedBy: "credentials: \"temporary\"").count == 2, "\(output.yaml)")
        #expect(output.yaml.contains("kind: \"MigrationSyncTask\"") && output.yaml.contains("id: \"9c1d-sync\""))
        #expect(output.yaml.contains("authKey: \"${env:IMPORTED_TASK_5151_CDN_KEY}\""), "\(output.yaml)")
        for secret in Self.madeVariables.values { #expect(!output.yaml.contains(secret)) }

        var files = Self.stack(zone: "+08:00")
        files["imported.yaml"] = output.yaml
        let adopted = try Self.load(files, variables: Self.importedVariables)
        let sync = try #require(adopted.syncTasks.first)
        #expect(sync.sourceCredentials == "imported-aliyun" && sync.destinationCredentials == "imported-huaweicloud" && sync.state == .paused)
        #expect(adopted.taskGroups.first { $0.address.name == "group-archive" }?.sourceCredentials == "imported-aliyun")
        let report = ChangePlanner.plan(desired: adopted, live: state, now: Fixtures.evaluatedAt).report
        for address in output.addresses where address.kind != .credentials {
            let change = try #require(report.changes.first { $0.address.address == address })
            #expect(change.action == .noop, "\(address): \(change)")
            #expect(change.fields.isEmpty, "\(address): \(change.fields)")
            #expect(change.reasons.contains { if case .adopted(_, let id) = $0 { id == change.liveId } else { false } }, "\(change.reasons)")
        }
        #expect(report.summary[.create] == 1 && report.summary[.replace] == 0 && report.summary[.delete] == 0, "\(report.summary)")
        #expect(UnownedResources.find(live: state, desired: adopted).isEmpty)
    }

    /// Issue 23, part 4: OMS's rules are `hh:mm` in its service zone, split at midnight, `23:59`
    /// for the day's end; the plan's inline windows are read in the stack's serviceTimezone. The
    /// written windows keep each time of the service zone (09:00-17:00 in +08:00 is 01:00-09:00
    /// UTC: written 09:00-17:00, not moved to UTC), spell the night as one window, and compile
    /// back to exactly the live rules: the next diff changes no bandwidth.
    @Test(arguments: ["+08:00", "Europe/Berlin", "-05:00"])
    func bandwidthWindowsRoundTripInTheServiceZone(zone: String) throws {
        let rules = [
            BandwidthPolicy(start: "09:00", end: "17:00", maxBandwidth: 50 * 1_048_576),
            BandwidthPolicy(start: "22:00", end: "23:59", maxBandwidth: 10 * 1_048_576),
            BandwidthPolicy(start: "00:00", end: "06:00", maxBandwidth: 10 * 1_048_576),
        ]
        let state = try Self.liveState(bandwidth: rules)
        let plan = try Self.load(Self.stack(zone: zone), variables: Self.importedVariables)
        let output = ImportDocuments.build(ids: ["5151", "7f0c-by-hand"], live: state, desired: plan)
        #expect(output.notes.isEmpty, "\(output.notes)")
        let windows = """
              bandwidth:
                - start: "09:00"
                  end: "17:00"
                  limit: 52428800
                - start: "22:00"
                  end: "06:00"
                  limit: 10485760
            """
        #expect(output.yaml.components(separatedBy: windows).count == 3, "\(output.yaml)")
        #expect(output.yaml.contains("serviceTimezone (\(zone))"))

        var files = Self.stack(zone: zone)
        files["imported.yaml"] = output.yaml
        let adopted = try Self.load(files, variables: Self.importedVariables)
        let report = ChangePlanner.plan(desired: adopted, live: state, now: Fixtures.evaluatedAt).report
        for name in ["MigrationTask/task-5151", "MigrationTaskGroup/group-archive"] {
            let change = try #require(report.changes.first { $0.address.description == name })
            #expect(change.action == .noop && change.fields.isEmpty, "\(name) in \(zone): \(change)")
        }
    }

    /// Rules the plan cannot spell exactly (two touching rules of one limit, which the compiler
    /// joins) are written as close as the plan allows, and the note says the next diff shows it.
    @Test func rulesThePlanCannotSpellExactlyAreSaid() throws {
        let rules = [
            BandwidthPolicy(start: "08:00", end: "12:00", maxBandwidth: 20 * 1_048_576),
            BandwidthPolicy(start: "12:00", end: "18:00", maxBandwidth: 20 * 1_048_576),
        ]
        let conversion = ImportBandwidth.convert(rules, serviceZone: ScheduleTimeZone("+08:00")!, on: Fixtures.evaluatedAt)
        #expect(conversion.windows.count == 2)
        let note = try #require(conversion.mismatch)
        #expect(note.contains("[08:00-18:00 20 MiB/s]") && note.contains("bandwidth update"), "\(note)")
        // A rule of no length would be a whole day as a plan window: left out, and said.
        let empty = ImportBandwidth.convert([BandwidthPolicy(start: "10:00", end: "10:00", maxBandwidth: 1_048_576)],
                                            serviceZone: ScheduleTimeZone("+08:00")!, on: Fixtures.evaluatedAt)
        #expect(empty.windows.isEmpty && empty.mismatch?.contains("left out 10:00-10:00") == true, "\(empty)")
    }
}
