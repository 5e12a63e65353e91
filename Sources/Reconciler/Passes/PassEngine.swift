import Foundation
import MigrationPlan
import OMSClient
import OMSModels

/// What the pass engine did for one resource in one reconcile pass (for logs and tests).
public struct PassAction: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// A pass task (or group) was created.
        case created
        /// A failed pass was started again (`onFailure`).
        case retried
        /// A failed pass is left as it is (`onFailure: none`, or its attempts are used up).
        case gaveUp
        /// A succeeded pass beyond `keep` was deleted from OMS after its counts were recorded.
        case deleted
        /// Something could not be done; `detail` says what.
        case failed
    }

    public var address: ResourceAddress
    public var n: Int
    public var kind: Kind
    public var liveId: String?
    public var detail: String?

    public var description: String {
        "\(address) pass \(n): \(kind.rawValue)\(liveId.map { " (id \($0))" } ?? "")\(detail.map { ": \($0)" } ?? "")"
    }
}

/// Incremental passes (issue 25): after the full copy of a task or group with `incremental`
/// succeeded (or its failures were all accepted), each pass is a new owned OMS task (or group)
/// whose create body is the full copy's but for `migrate_since` and the description (the pass
/// marker, `PassMarker`). Run by `StackReconciler.apply` once per reconcile pass, after the
/// plan's own changes; `diff` never runs it. Every step is decided again from OMS and the
/// ledger at each pass, so a crash between two calls loses nothing: a pass created but not yet
/// recorded is found by its marker and recorded then.
struct PassEngine: Sendable {
    var client: OMSClient
    var ledger: PassLedger
    var attempts: any AttemptLedger
    var now: Date

    func advance(desired: DesiredState, live: LiveState, report: ChangeReport, scope: Set<ResourceAddress>?) async -> [PassAction] {
        let stack = desired.stack.name
        let livePasses = live.passes(stack: stack)
        let adoptions = Dictionary(
            desired.omsResources.compactMap { r in r.adoptID.map { (r.address, $0) } }, uniquingKeysWith: { a, _ in a })
        let owned = Ownership(live: live, stack: stack, adoptions: adoptions).owned
        let changes = Dictionary(report.changes.filter { $0.address.duplicateId == nil }.map { ($0.address.address, $0) },
                                 uniquingKeysWith: { a, _ in a })
        var actions: [PassAction] = []
        let recorded = ledger.all()
        for resource in desired.omsResources where scope?.contains(resource.address) ?? true {
            let requested = recorded[resource.address]?.contains(where: \.final) ?? false
            // A full copy this pass replaced (or whose replacement waits): what OMS showed is not
            // this resource's copy, and its passes went (or go) with it (`PassRemoval`).
            if let change = changes[resource.address], change.action == .replace || change.action == .delete { continue }
            if let full = owned[resource.address], !PassEngine.isCopy(full, of: resource) { continue }
            if resource.incremental == nil && !requested {
                // `incremental` removed: no new pass; those in OMS leave once recorded.
                if let mine = livePasses[resource.address], !mine.isEmpty { actions += await retire(resource, live: mine) }
                continue
            }
            guard resource.state == .running, let full = owned[resource.address], PassEngine.fullCopyDone(full, change: changes[resource.address])
            else { continue }
            actions += await advance(resource, full: full, live: livePasses[resource.address] ?? [:])
        }
        return actions
    }

    /// Whether the live full copy is `resource`'s own: its marker names the resource's
    /// fingerprint (an adopted copy, with no marker, is the plan's).
    static func isCopy(_ full: LiveResource, of resource: any DesiredOMSResource) -> Bool {
        guard let marker = full.description.flatMap({ OwnershipMarker.parse(description: $0)?.marker }) else { return true }
        return marker.fingerprint == resource.fingerprint(scheme: marker.scheme)
    }

    /// A resource whose `incremental` was removed: its passes in OMS are recorded, and each
    /// one that has ended leaves OMS once its final state is in the ledger (`keep` no longer
    /// holds any: there is no policy left to say how many). A running pass is left to finish,
    /// a failed one is not started again, none is created; a final pass stays (the Cutover).
    private func retire(_ resource: any DesiredOMSResource, live: [Int: LivePass]) async -> [PassAction] {
        let address = resource.address
        var actions: [PassAction] = []
        guard record(resource, live: live, into: &actions) else { return actions }
        let passes = ledger.passes(of: address)
        for (n, pass) in live.sorted(by: { $0.key < $1.key }) where pass.marker.fingerprint == resource.fingerprint && !pass.marker.final {
            guard pass.status != .running, passes.contains(where: { $0.n == n && $0.isSettled && $0.taskID == pass.live.id }) else { continue }
            do {
                try await delete(pass.live)
                actions.append(PassAction(address: address, n: n, kind: .deleted, liveId: pass.live.id, detail: "incremental removed"))
            } catch {
                actions.append(PassAction(address: address, n: n, kind: .failed, detail: "could not delete pass task \(pass.live.id): \(error)"))
            }
        }
        return actions
    }

    /// Step 1: what OMS says of each pass of this full copy, into the ledger (before any
    /// delete). False when the ledger could not take it (`actions` then says why).
    private func record(_ resource: any DesiredOMSResource, live: [Int: LivePass], into actions: inout [PassAction]) -> Bool {
        let known = Dictionary(ledger.passes(of: resource.address).map { ($0.n, $0) }, uniquingKeysWith: { a, _ in a })
        for (n, pass) in live.sorted(by: { $0.key < $1.key }) where pass.marker.fingerprint == resource.fingerprint {
            let record = pass.record(updating: known[n], now: now)
            guard record != known[n] else { continue }
            do { try ledger.record(record, of: resource.address) } catch {
                actions.append(PassAction(address: resource.address, n: n, kind: .failed, detail: "\(error)"))
                return false
            }
        }
        return true
    }

    /// Whether the full copy is done: OMS says it succeeded, or the plan settled its failures
    /// (`acceptFailures`: the change then says completed, and no failure).
    static func fullCopyDone(_ full: LiveResource, change: ResourceChange?) -> Bool {
        if LiveStatus(full).isComplete { return true }
        guard let change, change.reasons.contains(.completed) else { return false }
        return !change.reasons.contains { if case .failedWithoutPolicy = $0 { true } else if case .failedGaveUp = $0 { true } else { false } }
    }

    private func advance(_ resource: any DesiredOMSResource, full: LiveResource, live: [Int: LivePass]) async -> [PassAction] {
        let address = resource.address
        var actions: [PassAction] = []
        func fail(_ n: Int, _ detail: String) { actions.append(PassAction(address: address, n: n, kind: .failed, detail: detail)) }
        // 1. What OMS says of each pass of this full copy, into the ledger (before any delete).
        guard record(resource, live: live, into: &actions) else { return actions }
        let passes = ledger.passes(of: address)
        // 2. A failed pass follows the resource's onFailure.
        if let last = passes.last, last.status == PassRecord.Status.failed.rawValue, let id = last.taskID, live[last.n] != nil {
            actions.append(await onFailure(resource, pass: last, id: id))
            if actions.last?.kind == .retried { return actions }
        }
        // 3. Succeeded passes beyond `keep` leave OMS (their counts are in the ledger now).
        if let keep = resource.incremental?.keep {
            // A final pass stays: the Cutover verifies it from OMS's lists.
            let succeeded = live.values.filter { $0.status == .succeeded && $0.marker.fingerprint == resource.fingerprint && !$0.marker.final }
                .sorted { $0.marker.n > $1.marker.n }
            for pass in succeeded.dropFirst(keep) where passes.contains(where: { $0.n == pass.marker.n && $0.succeeded }) {
                do {
                    try await delete(pass.live)
                    actions.append(PassAction(address: address, n: pass.marker.n, kind: .deleted, liveId: pass.live.id))
                } catch {
                    fail(pass.marker.n, "could not delete pass task \(pass.live.id): \(error)")
                }
            }
        }
        // 4. The next pass, when due and nothing runs.
        if passes.contains(where: \.isRunning) { return actions }
        let fullStart = LivePass(marker: PassMarker(of: resource.marker, n: 0), live: full).start
        guard let due = PassSchedule.nextPass(policy: resource.incremental, fullCopyStart: fullStart, fullCopyDone: true, passes: passes),
            due <= now, let last = PassSchedule.lastSuccessfulStart(fullCopyStart: fullStart, passes: passes)
        else { return actions }
        let waitingFinal = passes.last(where: { $0.final && $0.taskID == nil })
        let n = waitingFinal?.n ?? ((passes.map(\.n).max() ?? 0) + 1)
        let marker = PassMarker(of: resource.marker, n: n, final: waitingFinal != nil)
        let overlap = resource.incremental?.overlap ?? IncrementalPolicy.defaultOverlap
        let since = PassSchedule.migrateSince(lastSuccessfulStart: last, overlap: overlap)
        do {
            let id = try await create(resource, marker: marker, migrateSince: since)
            let record = PassRecord(n: n, final: marker.final, taskID: id, migrateSince: Date(timeIntervalSince1970: TimeInterval(since)),
                                    start: now, status: PassRecord.Status.running.rawValue)
            try ledger.record(record, of: address)
            actions.append(PassAction(address: address, n: n, kind: .created, liveId: id, detail: "migrate_since \(since)"))
        } catch {
            fail(n, "could not create the pass: \(error)")
        }
        return actions
    }

    /// `onFailure` for a failed pass: restart it (or retry its failed objects) while attempts
    /// remain, counted in the attempt ledger under the pass's own id; else leave it failed.
    private func onFailure(_ resource: any DesiredOMSResource, pass: PassRecord, id: String) async -> PassAction {
        let policy = resource.onFailure
        let base = PassAction(address: resource.address, n: pass.n, kind: .gaveUp, liveId: id)
        guard policy.action != .none else { return base }
        let used = attempts.attempts(address: resource.address, liveId: id)
        guard used < policy.maxAttempts else {
            var gaveUp = base
            gaveUp.detail = "\(used) of \(policy.maxAttempts) attempts used"
            return gaveUp
        }
        let failedOnly = policy.action == .retryFailedObjects
        do {
            try attempts.record(address: resource.address, liveId: id)
            if let task = resource as? DesiredTask {
                guard let number = Int64(id) else { throw ApplyError(description: "task id \(id) is not a number") }
                try await client.startTask(id: number, task.startRequest(migrateFailedObjects: failedOnly))
            } else if let group = resource as? DesiredTaskGroup {
                try await client.retryTaskGroup(id: id, group.retryRequest(migrateFailedObjects: failedOnly))
            }
            var record = pass
            record.status = PassRecord.Status.running.rawValue
            record.finish = nil
            try ledger.record(record, of: resource.address)
            return PassAction(address: resource.address, n: pass.n, kind: .retried, liveId: id,
                              detail: "attempt \(used + 1) of \(policy.maxAttempts) (\(policy.action.rawValue))")
        } catch {
            return PassAction(address: resource.address, n: pass.n, kind: .failed, liveId: id, detail: "could not start it again: \(error)")
        }
    }

    /// Creates the pass: the full copy's create body (secrets filled in), with `migrate_since`
    /// and the pass marker as its description.
    private func create(_ resource: any DesiredOMSResource, marker: PassMarker, migrateSince: Int64) async throws -> String {
        let description = marker.description(userDescription: resource.userDescription)
        if let task = resource as? DesiredTask {
            var body = try task.requestWithSecrets()
            body.migrateSince = migrateSince
            body.description = description
            guard let id = try await client.createTask(body).id else { throw ApplyError(description: "OMS answered no task id") }
            return String(id)
        }
        if let group = resource as? DesiredTaskGroup {
            var body = try group.requestWithSecrets()
            body.migrateSince = migrateSince
            body.description = description
            guard let id = try await client.createTaskGroup(body).groupId else { throw ApplyError(description: "OMS answered no group id") }
            return id
        }
        throw ApplyError(description: "\(resource.address.kind.rawValue) has no incremental passes")
    }

    private func delete(_ live: LiveResource) async throws {
        switch live {
        case .task(let t): try await client.deleteTask(id: t.liveId)
        case .group(let g): try await client.deleteTaskGroup(id: g.liveId)
        case .syncTask: break
        }
    }
}
