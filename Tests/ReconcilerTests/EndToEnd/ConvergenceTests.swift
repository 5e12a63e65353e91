import Foundation
import MigrationPlan
import OMSClient
import Reconciler
import Synchronization
import Testing

@testable import OMSSandbox

/// Convergence without the lock (issue 21, item 6): runs that do not share a lock folder (two
/// users, two containers, two CI runners) end with exactly one OMS resource per address, and
/// a twin found later is removed by the next pass, the oldest copy kept.
@Suite("convergence", .serialized)
struct ConvergenceTests {
    static let names = (0..<20).map { String(format: "t%02d", $0) }

    /// A private folder under /tmp for a run's lock folder and state, removed after.
    static func privateFolder() throws -> URL {
        let url = URL(fileURLWithPath: "/tmp/oms-plan-convergence-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        return url
    }

    /// Live tasks of the e2e stack, by the address their marker names.
    static func ownedByAddress(_ e2e: EndToEnd) async throws -> [String: [TaskResp]] {
        var owned: [String: [TaskResp]] = [:]
        for task in try await e2e.tasks() {
            guard let marker = task.description.flatMap({ OwnershipMarker.parse(description: $0)?.marker }),
                marker.stack == EndToEnd.stackName
            else { continue }
            owned[marker.address.description, default: []].append(task)
        }
        return owned
    }

    /// Three applies of one plan of 20 tasks, at once, each with its own lock folder (so no
    /// lock keeps them apart) and its own state folder, against an OMS whose every answer takes
    /// 150 ms: all three list before any creates, and each makes its own copy. Each removes the
    /// copies it made that turn out younger than another's, and every run reports success.
    @Test func threeRunsWithThreeLockFoldersEndWithOneTaskPerAddress() async throws {
        try await withEndToEnd { e2e in
            for name in Self.names { try e2e.seedSource(prefix: "\(name)/", objects: 1) }
            try e2e.writePlan(Self.names.map { PlanText.task($0) })
            let desired = try e2e.load()
            let folders = try (0..<3).map { _ in try Self.privateFolder() }
            defer { for folder in folders { try? FileManager.default.removeItem(at: folder) } }
            let reconcilers = folders.map { folder in
                var reconciler = StackReconciler(client: e2e.client, stateDirectory: folder.appendingPathComponent("state"))
                reconciler.lockDirectory = folder.appendingPathComponent("locks", isDirectory: true)
                return reconciler
            }
            e2e.server.faults.add(FaultInjector.Rule(kind: .latency, latencyMs: 150))
            let options = StackReconciler.Options(
                preflight: false, apply: ApplyOptions(parallelism: 8, pollInterval: .milliseconds(20), settleTimeout: .seconds(60)))
            let passes = try await e2e.withEngineRunning {
                try await withThrowingTaskGroup(of: StackReconciler.PassResult.self) { group in
                    for reconciler in reconcilers { group.addTask { try await reconciler.apply(desired, options: options) } }
                    var passes: [StackReconciler.PassResult] = []
                    for try await pass in group { passes.append(pass) }
                    return passes
                }
            }
            e2e.server.faults.clear()

            let owned = try await Self.ownedByAddress(e2e)
            #expect(owned.count == 20)
            for name in Self.names {
                #expect(owned["MigrationTask/\(name)"]?.count == 1, "MigrationTask/\(name): \(owned["MigrationTask/\(name)"]?.compactMap(\.id) ?? [])")
            }
            for pass in passes {
                #expect(pass.applied && !pass.failed, "\(pass.report.digest)")
                // Every run names the copy that was kept as the address's resource.
                for name in Self.names {
                    let kept = owned["MigrationTask/\(name)"]?.first?.id.map(String.init)
                    #expect(try pass.report.change(name).outcome?.liveId == kept)
                }
            }
            // The race did happen (twins were made and removed, each a `delete` line naming the
            // kept id), and no run removed a copy it did not make.
            let removals = passes.flatMap { $0.report.changes.filter { $0.address.duplicateId != nil } }
            #expect(!removals.isEmpty)
            #expect(Set(removals.map(\.address)).count == removals.count)
            for removal in removals {
                #expect(removal.action == .delete && removal.outcome?.status == .succeeded, "\(removal)")
                let kept = owned[removal.address.address.description]?.first?.id.map(String.init)
                #expect(removal.reasons == [.duplicate(of: removal.address.address, keptId: kept ?? "?")])
                #expect(Int64(removal.address.duplicateId ?? "") ?? 0 > Int64(kept ?? "") ?? .max)
            }
        }
    }

    /// A twin made by hand with the same marker, younger than the task apply made: the next
    /// pass removes it (stop, wait, delete), keeps the oldest, and says so.
    @Test func theNextPassRemovesAHandMadeTwinAndKeepsTheOldest() async throws {
        try await withEndToEnd { e2e in
            try e2e.seedSlowSource(prefix: "a/", objects: 40)
            try e2e.writePlan([PlanText.task("a")])
            let desired = try e2e.load()
            let reconciler = e2e.reconciler(ledger: MemoryAttemptLedger())
            let first = try await reconciler.apply(desired)
            #expect(!first.failed, "\(first.report.digest)")
            let original = try await e2e.ownedTask("a")
            var request = DiffNormalisationEndToEndTests.handMadeTask(prefix: "a/")
            request.description = original.description
            let twin = try #require(try await e2e.client.createTask(request).id)
            // Waiting, as OMS leaves a new task until it migrates: running, for what a removal must do.
            #expect(try await e2e.client.showTask(id: twin).status == .waiting)
            #expect(try await e2e.owned("a").count == 2)

            let options = StackReconciler.Options(apply: ApplyOptions(pollInterval: .milliseconds(20), settleTimeout: .seconds(30)))
            let pass = try await e2e.withEngineRunning { try await reconciler.apply(desired, options: options) }
            #expect(pass.applied && !pass.failed, "\(pass.report.digest)")
            let removal = try pass.report.change("MigrationTask/a#\(twin)")
            #expect(removal.action == .delete)
            #expect(removal.reasons == [.duplicate(of: "MigrationTask/a", keptId: String(try #require(original.id)))])
            #expect(removal.outcome?.status == .succeeded)
            #expect(removal.calls.first?.hasSuffix("/tasks/\(twin)/stop") == true, "a running twin is paused first: \(removal.calls)")
            #expect(try pass.report.change("a").action == .noop)
            let text = TextReportRenderer().render(pass.report)
            #expect(text.contains("MigrationTask/a#\(twin)") && text.contains("(live id \(original.id!) is kept)"), "\(text)")
            #expect(try await e2e.owned("a").map(\.id) == [original.id])
            // Converged: the pass after finds nothing to do.
            #expect(try await reconciler.apply(desired).report.hasChanges == false)
        }
    }
}
