import Foundation
import MigrationPlan
import OMSModels
import Reconciler

/// The quickstart example, loaded at a fixed moment, and live states to diff it against.
enum Fixtures {
    /// The repository root: tests read `examples/` from the working tree.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Tuesday 2026-11-24 09:00 UTC (17:00 in the stack's +08:00): a weekday, so the
    /// weekend-boost schedule contributes its Berlin office-hours window.
    static let evaluatedAt = Date(timeIntervalSince1970: 1_795_510_800)

    /// Fake values for every secret the quickstart references. None of them may appear in
    /// any rendered report.
    static let fakeSecrets: [String: String] = [
        "QUICKSTART_ALIYUN_AK": "FAKE-ALIYUN-AK-5d1c", "QUICKSTART_ALIYUN_SK": "FAKE-ALIYUN-SK-9e7b",
        "QUICKSTART_TENCENT_AK": "FAKE-TENCENT-AK-42aa", "QUICKSTART_TENCENT_SK": "FAKE-TENCENT-SK-0f13",
        "QUICKSTART_AWS_AK": "FAKE-AWS-AK-77c2", "QUICKSTART_AWS_SK": "FAKE-AWS-SK-e3d9",
        "QUICKSTART_AWS_TOKEN": "FAKE-AWS-TOKEN-1b8f",
        "QUICKSTART_OBS_AK": "FAKE-OBS-AK-6a04", "QUICKSTART_OBS_SK": "FAKE-OBS-SK-c5e1",
    ]

    /// The defaults the quickstart falls back to without environment: secrets too.
    static let sandboxSecrets = [
        "sandbox-aliyun-ak", "sandbox-aliyun-sk", "sandbox-tencent-ak", "sandbox-tencent-sk",
        "sandbox-aws-ak", "sandbox-aws-sk", "sandbox-obs-ak", "sandbox-obs-sk",
    ]

    struct LoadFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// `examples/quickstart` with the given environment variables (none: no secrets set).
    static func quickstart(variables: [String: String] = [:]) throws -> DesiredState {
        let result = PlanLoader.load(
            paths: [root + "/examples/quickstart"],
            options: LoadOptions(
                environment: PlanEnvironment(variables: variables, fileSystem: LocalFileSystem()),
                evaluationDate: evaluatedAt))
        guard let state = result.desiredState else {
            throw LoadFailure(description: result.diagnostics.map(\.rendered).joined(separator: "\n"))
        }
        return state
    }

    static func report(_ desired: DesiredState, live: LiveState) -> ChangeReport {
        ChangePlanner.plan(desired: desired, live: live, options: DiffOptions(previouslyAdopted: previouslyAdopted), now: evaluatedAt).report
    }

    /// What an earlier apply adopted: task 2003, which the quickstart does not adopt (any more).
    static let previouslyAdopted: [ResourceAddress: String] = [ResourceAddress(.migrationTask, "legacy-import"): "2003"]

    // MARK: Live states

    static func emptyLive() -> LiveState {
        LiveState(tasks: [], groups: [], readAt: evaluatedAt)
    }

    /// A live project where every action occurs once or more:
    ///
    /// | address | live | expected |
    /// |---|---|---|
    /// | photos-2023 | Succeeded | noop (completed) |
    /// | photos-2024 | Failed, onFailure retryFailedObjects | retry |
    /// | logs-web, logs-api | Migrating, yesterday's rules | update (one batch call) |
    /// | logs-batch | Migrating, plus a younger duplicate | noop, and delete of the duplicate |
    /// | media-videos | Migrating, plan says paused | pause |
    /// | docs | Paused, plan says running | start |
    /// | photos-selected | other fingerprint and list file, nothing moved yet | replace |
    /// | archive (group) | other fingerprint and storage class, 5 GiB moved | blocked |
    /// | web-assets | absent | create |
    /// | photos-2022 | owned, no longer declared (prune: false) | noop |
    /// | legacy-import | adopted earlier (task 2003), adopted no more | release |
    ///
    /// plus two tasks that are not the stack's (no marker; another stack's marker), which must
    /// not appear at all.
    static func everyActionLive(_ desired: DesiredState) throws -> LiveState {
        func task(_ name: String) throws -> DesiredTask {
            guard case .task(let t)? = desired[ResourceAddress(.migrationTask, name)] else {
                throw LoadFailure(description: "quickstart has no MigrationTask/\(name)")
            }
            return t
        }
        let oldRules = [BandwidthPolicy(start: "00:00", end: "23:59", maxBandwidth: 1_048_576)]

        var photos2023 = try live(task("photos-2023"), id: 1001, status: .succeeded)
        photos2023.completeSize = 3 * 1_073_741_824
        photos2023.successfulNum = 1200

        var photos2024 = try live(task("photos-2024"), id: 1002, status: .failed)
        photos2024.errorReason = ErrorReason(errorCode: "OMS.0214", errorMsg: "some objects failed")
        photos2024.failedNum = 3

        var logsWeb = try live(task("logs-web"), id: 1003, status: .migrating)
        logsWeb.bandwidthPolicy = oldRules
        var logsApi = try live(task("logs-api"), id: 1004, status: .migrating)
        logsApi.bandwidthPolicy = oldRules
        let logsBatch = try live(task("logs-batch"), id: 1005, status: .migrating)
        let logsBatchCopy = try live(task("logs-batch"), id: 1011, status: .waiting)

        let media = try live(task("media-videos"), id: 1006, status: .migrating)
        let docs = try live(task("docs"), id: 1007, status: .paused)

        let selected = try task("photos-selected")
        var staleSelected = try live(selected, id: 1008, status: .waiting, fingerprint: "0badf00d")
        staleSelected.srcNode?.listFile = ListFile(listFileKey: "photos-old.txt", obsBucket: "quickstart-lists", listFileNum: "1")

        // Owned by the stack but no longer in the plan.
        var photos2022 = try live(task("photos-2023"), id: 1009, status: .paused, fingerprint: "2022aaaa")
        photos2022.description = OwnershipMarker(
            stack: desired.stack.name, address: ResourceAddress(.migrationTask, "photos-2022"),
            fingerprint: "2022aaaa"
        ).description(userDescription: "Photos taken in 2022")
        photos2022.srcNode?.objectKey = ["2022/"]

        // Not the stack's: made by hand, and made by another stack.
        var handMade = try live(task("docs"), id: 2001, status: .migrating)
        handMade.description = "copied by hand"
        var released = try live(task("docs"), id: 2003, status: .migrating)
        released.description = "imported by hand"
        var otherStack = try live(task("docs"), id: 2002, status: .failed)
        otherStack.description = OwnershipMarker(
            stack: "other-stack", address: ResourceAddress(.migrationTask, "docs"), fingerprint: "12345678"
        ).description(userDescription: nil)

        guard case .taskGroup(let archive)? = desired[ResourceAddress(.migrationTaskGroup, "archive")] else {
            throw LoadFailure(description: "quickstart has no MigrationTaskGroup/archive")
        }
        var liveArchive = try liveGroup(archive, id: "7f0c9a52-archive", status: .executing, fingerprint: "feedbeef")
        liveArchive.dstStoragePolicy = .standard
        liveArchive.completeSize = 5 * 1_073_741_824
        liveArchive.successNum = 4000

        return LiveState(
            tasks: [photos2023, photos2024, logsWeb, logsApi, logsBatch, logsBatchCopy, media, docs, staleSelected, photos2022, handMade, otherStack, released],
            groups: [liveArchive], readAt: evaluatedAt)
    }

    /// What OMS would report for a task created from `desired`: the create body read back as a
    /// response (same wire names), with the marker of `fingerprint` and millisecond times.
    static func live(_ desired: DesiredTask, id: Int64, status: TaskStatus, fingerprint: String? = nil) throws -> TaskResp {
        var t = try JSONDecoder().decode(TaskResp.self, from: JSONEncoder().encode(desired.request))
        t.id = id
        t.name = "task-\(id)"
        t.status = status
        t.groupType = .normalTask
        t.migrateSince = desired.request.migrateSince.map { $0 * 1000 }
        t.taskPriority = desired.request.taskPriority ?? .medium
        var marker = desired.marker
        if let fingerprint { marker.fingerprint = fingerprint }
        t.description = marker.description(userDescription: desired.userDescription)
        return t
    }

    static func liveGroup(_ desired: DesiredTaskGroup, id: String, status: TaskGroupStatus, fingerprint: String? = nil) throws -> TaskGroupResp {
        var g = try JSONDecoder().decode(TaskGroupResp.self, from: JSONEncoder().encode(desired.request))
        g.groupId = id
        g.status = status
        g.migrateSince = desired.request.migrateSince.map { $0 * 1000 }
        var marker = desired.marker
        if let fingerprint { marker.fingerprint = fingerprint }
        g.description = marker.description(userDescription: desired.userDescription)
        return g
    }
}
