import Foundation
import MigrationPlan
import OMSClient

/// Convergence without the lock. The stack lock only keeps apart the runs of one user on one
/// machine, and the re-list before a kind's first create (`madeMeanwhile`) misses runs that
/// all re-list before any of them creates. So once a pass's creates are done, the kinds it
/// created are listed once more: for every address this run made a resource for, if an older
/// live resource carries the same stack's marker for that address, the copy this run made is
/// a twin and is removed (paused, waited for, deleted: the differ's path for duplicates).
///
/// Every run applies the same rule to the same list, and the oldest copy (lowest task id;
/// groups and synchronization tasks: earliest create time, ties by id, as `Ownership` orders
/// them) is never younger than anything, so no run removes it: any number of concurrent runs,
/// from anywhere, end with one resource per address. A run only removes what it made itself;
/// what a slower run made is that run's to remove. What remains is the window of an OMS list
/// that does not show a create yet: the next pass's differ removes such a twin (`duplicate`).
struct TwinCheck: Sendable {
    struct Removal: Sendable {
        var address: ResourceAddress
        var removed: LiveResource
        var keptId: String
        var steps: [PlanStep]
        /// Nil when every step succeeded.
        var error: String?
    }

    var removals: [Removal] = []
    /// Set when OMS could not be listed again: twins may remain.
    var failure: String?
    /// What this run made, by address (the addresses the check was about).
    var made: [ResourceAddress: String] = [:]

    /// Adds a `delete` line per removed twin (`Kind/name#id`, the kept id in its reason, as the
    /// differ reports a duplicate) and names the kept copy as the create's resource.
    func record(in report: inout ChangeReport) {
        guard !made.isEmpty else { return }
        for removal in removals {
            let subject = ChangeSubject(removal.address, duplicateId: removal.removed.id)
            let outcome = ChangeOutcome(status: removal.error == nil ? .succeeded : .failed, error: removal.error, liveId: removal.removed.id)
            var change = ResourceChange(
                address: subject, action: .delete, liveId: removal.removed.id, liveStatus: removal.removed.statusName,
                reasons: [.duplicate(of: removal.address, keptId: removal.keptId)], outcome: outcome)
            change.calls = removal.steps.map(\.operation.call)
            report.changes.append(change)
            if let index = report.changes.firstIndex(where: { $0.address == ChangeSubject(removal.address) }) {
                report.changes[index].outcome?.liveId = removal.keptId
            }
        }
        if let failure {
            for (address, id) in made {
                guard let index = report.changes.firstIndex(where: { $0.address == ChangeSubject(address) }),
                    report.changes[index].outcome?.status == .succeeded
                else { continue }
                report.changes[index].outcome = ChangeOutcome(
                    status: .failed, error: "created (id \(id)), but \(failure); the next pass removes a twin if there is one", liveId: id)
            }
        }
        report.changes.sort { $0.address < $1.address }
        report.summary = ChangeSummary(report.changes)
    }
}

extension StepExecutor {
    /// The check after a pass's creates (see `TwinCheck`). Step ids start at `firstStepId`, so
    /// that the events of removals do not reuse the plan's ids.
    func removeTwins(firstStepId: Int, onEvent: @escaping @Sendable (ApplyEvent) -> Void) async -> TwinCheck {
        var check = TwinCheck(made: madeByThisRun)
        guard !check.made.isEmpty else { return check }
        let live: LiveState
        do {
            live = try await relist(check.made)
        } catch {
            check.failure = "OMS could not be listed again to look for a twin made by a concurrent run (\(error))"
            return check
        }
        // Adoptions play no part: an adopted address is not created.
        let ownership = Ownership(live: live, stack: desired.stack.name, adoptions: [:])
        var twins: [(address: ResourceAddress, live: LiveResource, keptId: String)] = []
        for (address, id) in check.made.sorted(by: { $0.key < $1.key }) {
            guard let kept = ownership.owned[address], kept.id != id,
                let mine = ownership.duplicates[address]?.first(where: { $0.id == id })
            else { continue }
            twins.append((address, mine, kept.id))
        }
        guard !twins.isEmpty else { return check }
        // The differ's removal path: pause when running, wait until settled, delete.
        var planner = Planner()
        let planned = planner.plan(
            twins.map { twin in
                let subject = ChangeSubject(twin.address, duplicateId: twin.live.id)
                return Decision(change: ResourceChange(address: subject, action: .delete), intents: [.delete(live: twin.live)], address: nil)
            })
        let offset = firstStepId - 1
        let steps = planned.map { step in
            PlanStep(id: step.id + offset, addresses: step.addresses, operation: step.operation, after: step.after.map { $0 + offset })
        }
        let chains = Dictionary(grouping: steps, by: { $0.addresses.first! })
        check.removals = await withTaskGroup(of: TwinCheck.Removal.self) { group in
            for twin in twins {
                let subject = ChangeSubject(twin.address, duplicateId: twin.live.id)
                let chain = chains[subject] ?? []
                group.addTask {
                    // One removal's steps depend on each other in plan order.
                    var removal = TwinCheck.Removal(address: twin.address, removed: twin.live, keptId: twin.keptId, steps: chain)
                    for step in chain {
                        if let error = removal.error {
                            onEvent(.skipped(step, reason: "skipped: an earlier step of this removal failed (\(error))"))
                            continue
                        }
                        onEvent(.started(step))
                        switch await self.run(step) {
                        case .succeeded(let detail): onEvent(.succeeded(step, detail: detail))
                        case .failed(let error), .skipped(let error):
                            removal.error = error
                            onEvent(.failed(step, error: error))
                        }
                    }
                    return removal
                }
            }
            var removals: [TwinCheck.Removal] = []
            for await removal in group { removals.append(removal) }
            return removals.sorted { ($0.address, $0.removed.id) < ($1.address, $1.removed.id) }
        }
        return check
    }

    /// The kinds this run created, as OMS lists them now: without what the plan already saw
    /// (a replaced resource still listed while it goes is no twin) and without groups on
    /// their way out. A copy of this run's that the list does not show yet, while it shows
    /// another copy of the address, is read by id so that the two can be compared.
    private func relist(_ made: [ResourceAddress: String]) async throws -> LiveState {
        let client = self.client
        var listed: [LiveResource] = []
        for kind in Set(made.keys.map { Kinds.adapter(for: $0.kind).kind }).sorted() {
            let adapter = Kinds.adapter(for: kind)
            listed += try await call { try await adapter.listLive(client) }.filter { !knownLiveIds.contains($0.id) }
        }
        let listedIds = Set(listed.map(\.id))
        // Addresses some listed resource claims by this stack's marker: only for those is a copy
        // of ours that the list misses worth a read (no other copy listed, no twin to compare).
        let stack = desired.stack.name
        let claimed = Set(listed.compactMap { live -> ResourceAddress? in
            guard let marker = live.description.flatMap({ OwnershipMarker.parse(description: $0)?.marker }), marker.stack == stack else { return nil }
            return marker.address
        })
        for (address, id) in made.sorted(by: { $0.key < $1.key }) where !listedIds.contains(id) && claimed.contains(address) {
            do {
                let adapter = Kinds.adapter(for: address.kind)
                if let live = try await call({ try await adapter.readLive(id: id, client) }) { listed.append(live) }
            } catch let error as OMSClientError where error.isNotFound {
                continue  // gone already (removed by hand, or by a run that found it younger)
            }
        }
        return LiveState(listed, readAt: Date())
    }
}
