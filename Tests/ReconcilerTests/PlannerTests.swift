import Foundation
import MigrationPlan
import OMSModels
import Reconciler
import Testing

/// The planner's half of `ChangePlanner.plan`: which OMS calls, in which order, batched how.
/// Pure: desired and live state in, steps out; no OMS.
@Suite("Planner: decisions become ordered OMS calls")
struct PlannerTests {
    private func everyActionPlan() throws -> ExecutionPlan {
        let desired = try Fixtures.quickstart(variables: Fixtures.fakeSecrets)
        return ChangePlanner.plan(desired: desired, live: try Fixtures.everyActionLive(desired), now: Fixtures.evaluatedAt)
    }

    private func steps(_ plan: ExecutionPlan, for subject: ChangeSubject) -> [PlanStep] {
        plan.steps.filter { $0.addresses.contains(subject) }
    }

    @Test func everyStepWaitsOnlyForEarlierStepsOfThePlan() throws {
        let plan = try everyActionPlan()
        #expect(!plan.steps.isEmpty)
        #expect(plan.steps.map(\.id) == Array(1...plan.steps.count))
        for step in plan.steps {
            for prerequisite in step.after {
                #expect(prerequisite < step.id, "step \(step.id) waits for a later step \(prerequisite)")
            }
            #expect(!step.addresses.isEmpty)
        }
    }

    @Test func aReplacementStopsWaitsAndDeletesBeforeItCreates() throws {
        let plan = try everyActionPlan()
        // photos-selected is Waiting (running) with another fingerprint and nothing moved.
        let ops = steps(plan, for: "MigrationTask/photos-selected")
        #expect(ops.map(\.operation) == [
            .stopTask(id: 1008), .waitTaskSettled(id: 1008), .deleteTask(id: 1008),
            .createTask(address: "MigrationTask/photos-selected"),
        ])
        #expect(ops[1].after == [ops[0].id])
        #expect(ops[2].after == [ops[1].id])
        #expect(ops[3].after == [ops[2].id], "the create must wait for the delete of what it replaces")
    }

    @Test func aYoungerDuplicateIsRemovedAndTheOriginalKept() throws {
        let plan = try everyActionPlan()
        let duplicate = ChangeSubject("MigrationTask/logs-batch", duplicateId: "1011")
        // The duplicate is Waiting, which OMS counts as running: stop, wait, delete.
        #expect(steps(plan, for: duplicate).map(\.operation) == [.stopTask(id: 1011), .waitTaskSettled(id: 1011), .deleteTask(id: 1011)])
        #expect(steps(plan, for: "MigrationTask/logs-batch").isEmpty)
    }

    @Test func tasksEndingWithTheSameRulesShareOneBatchCall() throws {
        let plan = try everyActionPlan()
        let batches = plan.steps.filter { $0.operation.taskBatch != nil }
        #expect(batches.count == 1)
        guard let (ids, priority) = batches.first?.operation.taskBatch else { return }
        #expect(ids == [1003, 1004])
        #expect(priority == nil)
        #expect(Set(batches[0].addresses) == ["MigrationTask/logs-web", "MigrationTask/logs-api"])
    }

    @Test func stateEditsAreOneStartAndOnePause() throws {
        let plan = try everyActionPlan()
        #expect(steps(plan, for: "MigrationTask/media-videos").map(\.operation) == [.stopTask(id: 1006)])
        #expect(steps(plan, for: "MigrationTask/docs").map(\.operation) == [.startTask(id: 1007, address: "MigrationTask/docs")])
        #expect(steps(plan, for: "MigrationTask/photos-2024").map(\.operation) == [
            .retryTask(id: 1002, address: "MigrationTask/photos-2024", failedObjectsOnly: true),
        ])
    }

    @Test func blockedAndUnchangedResourcesGetNoSteps() throws {
        let plan = try everyActionPlan()
        for address: ChangeSubject in ["MigrationTaskGroup/archive", "MigrationTask/photos-2023", "MigrationTask/photos-2022"] {
            #expect(steps(plan, for: address).isEmpty, "\(address) must not be touched")
        }
        // Neither hand-made task nor the other stack's is ever a step.
        let touched = Set(plan.steps.flatMap { step -> [Int64] in
            step.operation.kind == .migrationTask ? step.operation.ids.compactMap { Int64($0) } : []
        })
        #expect(touched.isDisjoint(with: [2001, 2002]))
    }

    @Test func creatingIntoAnEmptyProjectIsOneCreatePerResourcePlusPausesForPausedOnes() throws {
        let desired = try Fixtures.quickstart(variables: Fixtures.fakeSecrets)
        let plan = ChangePlanner.plan(desired: desired, live: Fixtures.emptyLive(), now: Fixtures.evaluatedAt)
        for resource in desired.omsResources where resource.adoptID == nil {
            let ops = steps(plan, for: ChangeSubject(resource.address)).map(\.operation)
            let create: StepOperation = switch resource.address.kind {
            case .migrationTaskGroup: .createTaskGroup(address: resource.address)
            case .migrationSyncTask: .createSyncTask(address: resource.address)
            default: .createTask(address: resource.address)
            }
            guard let first = ops.first else { continue }  // blocked by a dependency: no steps yet
            #expect(first == create)
            if ops.count == 2 {
                let pause: StepOperation = switch resource.address.kind {
                case .migrationTaskGroup: .stopCreatedTaskGroup(address: resource.address)
                case .migrationSyncTask: .stopCreatedSyncTask(address: resource.address)
                default: .stopCreatedTask(address: resource.address)
                }
                #expect(ops[1] == pause)
            }
            #expect(ops.count <= 2)
        }
    }

    // MARK: Batching limits, on a generated stack

    /// `count` prefix tasks sharing one schedule, and live tasks with other rules.
    private func sharedSchedule(
        count: Int, liveStatus: TaskStatus = .migrating, livePriority: TaskPriority? = nil, planPriority: String? = nil
    ) throws -> ExecutionPlan {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("planner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var yaml = """
            apiVersion: oms-plan/v1
            kind: Stack
            metadata: {name: batching}
            spec:
              region: cn-north-4
              defaults:
                destination: {bucket: dst, credentials: obs}
                bandwidth: shared
            ---
            apiVersion: oms-plan/v1
            kind: Credentials
            metadata: {name: obs}
            spec: {accessKey: "${env:OBS_AK}", secretKey: "${env:OBS_SK}"}
            ---
            apiVersion: oms-plan/v1
            kind: BandwidthSchedule
            metadata: {name: shared}
            spec:
              windows:
                - {start: "00:00", end: "24:00", limit: 20MiB/s}

            """
        for n in 0..<count {
            yaml += """
                ---
                apiVersion: oms-plan/v1
                kind: MigrationTask
                metadata: {name: t-\(n)}
                spec:
                  type: prefix
                  \(planPriority.map { "options: {priority: \($0)}" } ?? "")
                  source: {cloud: Aliyun, region: cn-hangzhou, bucket: src, credentials: obs, prefixes: ["\(n)/"]}

                """
        }
        try yaml.write(to: folder.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
        let result = PlanLoader.load(
            paths: [folder.path],
            options: LoadOptions(
                environment: PlanEnvironment(variables: ["OBS_AK": "FAKE-AK-1", "OBS_SK": "FAKE-SK-1"], fileSystem: LocalFileSystem()),
                evaluationDate: Fixtures.evaluatedAt))
        guard let desired = result.desiredState else {
            throw Fixtures.LoadFailure(description: result.diagnostics.map(\.rendered).joined(separator: "\n"))
        }
        let oldRules = [BandwidthPolicy(start: "00:00", end: "23:59", maxBandwidth: 1_048_576)]
        var live: [TaskResp] = []
        for (index, task) in desired.tasks.sorted(by: { $0.address.name < $1.address.name }).enumerated() {
            var t = try Fixtures.live(task, id: Int64(3000 + index), status: liveStatus)
            t.bandwidthPolicy = oldRules
            if let livePriority { t.taskPriority = livePriority }
            live.append(t)
        }
        return ChangePlanner.plan(desired: desired, live: LiveState(tasks: live, groups: [], readAt: Fixtures.evaluatedAt),
                                  now: Fixtures.evaluatedAt)
    }

    @Test func fortyFiveTasksWithTheSameNewRulesAreThreeCallsOfAtMostTwenty() throws {
        let plan = try sharedSchedule(count: 45)
        let sizes = plan.steps.map { step -> Int in
            guard let (ids, _) = step.operation.taskBatch else { return -1 }
            #expect(step.addresses.count == ids.count)
            return ids.count
        }
        #expect(sizes == [20, 20, 5])
        // Every task is in exactly one batch.
        let ids = plan.steps.flatMap { step -> [Int64] in
            step.operation.taskBatch?.ids ?? []
        }
        #expect(Set(ids).count == 45 && ids.count == 45)
    }

    @Test func aLoneTaskGetsTheSingleTaskCall() throws {
        let plan = try sharedSchedule(count: 1)
        #expect(plan.steps.count == 1)
        guard let (id, rules) = plan.steps.first?.operation.taskBandwidth else {
            Issue.record("expected PUT bandwidth-policy, got \(plan.steps.map(\.operation))")
            return
        }
        #expect(id == 3000)
        #expect(rules.count == 1 && rules.first?.maxBandwidth == 20 * 1_048_576)
    }

    @Test func aPriorityChangeTravelsInTheBatchEvenForOneTask() throws {
        // Priority can change only while Waiting, Paused or Failed; a paused task also gets a start.
        let plan = try sharedSchedule(count: 1, liveStatus: .paused, livePriority: .low, planPriority: "HIGH")
        guard let (ids, priority) = plan.steps.first?.operation.taskBatch else {
            Issue.record("expected a batch update carrying the priority, got \(plan.steps.map(\.operation))")
            return
        }
        #expect(ids == [3000])
        #expect(priority == .high)
        #expect(plan.steps.map(\.operation).last == .startTask(id: 3000, address: "MigrationTask/t-0"))
        #expect(plan.steps.last?.after == [plan.steps[0].id], "the start waits for the new rules")
    }
}
