import Foundation
import MigrationPlan
import OMSClient
import Synchronization

/// Runs one step against OMS. Creates are safe to repeat: a create whose answer was lost is
/// looked for by its ownership marker before it is sent again.
final class StepExecutor: Sendable {
    let client: OMSClient
    let desired: DesiredState
    let ledger: any AttemptLedger
    let options: ApplyOptions
    let limiter: RequestLimiter
    /// Set once OMS refuses a create for quota: later creates of that kind are not sent.
    private let quotaRefusals = Mutex<[ResourceKind: String]>([:])
    /// Ids of what this run created, by address, for the steps that follow a create.
    private let created = Mutex<[ResourceAddress: String]>([:])
    /// Ids of what this run's own create calls made (not copies it found made meanwhile): the
    /// ones it must remove again if an older twin turns up (`removeTwins`).
    private let made = Mutex<[ResourceAddress: String]>([:])
    /// One re-list per kind before the first create of that kind (see `madeMeanwhile`).
    private let relists = Mutex<[ResourceKind: Task<[ResourceAddress: String], any Error>]>([:])

    /// What the plan saw in OMS: a copy made meanwhile is one not among these.
    let knownLiveIds: Set<String>

    init(client: OMSClient, desired: DesiredState, ledger: any AttemptLedger, options: ApplyOptions, knownLiveIds: Set<String> = []) {
        self.knownLiveIds = knownLiveIds
        self.client = client
        self.desired = desired
        self.ledger = ledger
        self.options = options
        self.limiter = RequestLimiter(limit: options.parallelism)
    }

    func run(_ step: PlanStep) async -> Applier.StepResult {
        do {
            return .succeeded(liveId: try await perform(step.operation))
        } catch let error as OMSClientError {
            return .failed(Self.describe(error))
        } catch let error as ApplyError {
            return .failed(error.description)
        } catch {
            return .failed("\(error)")
        }
    }

    /// `OMS.0063: message`, the form of the CLI contract.
    static func describe(_ error: OMSClientError) -> String {
        if case .api(let api) = error, let code = api.errorCode {
            return "\(code): \(api.errorMessage ?? "refused") (HTTP \(api.httpStatus)\(api.requestId.map { ", request id \($0)" } ?? ""))"
        }
        return error.description
    }

    /// What this run's create calls made, by address.
    var madeByThisRun: [ResourceAddress: String] { made.withLock { $0 } }

    func call<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await limiter.run(body)
    }

    /// The kind's adapter sends it; what a create made is remembered for the steps after it.
    private func perform(_ operation: StepOperation) async throws -> String? {
        let id = try await Kinds.adapter(for: operation.kind).perform(operation, on: self)
        if operation.verb == .create, let address = operation.address, let id {
            created.withLock { $0[address] = id }
        }
        return id
    }

    // MARK: What adapters use

    /// The plan address an operation names (create, start, retry, stop after create).
    func address(of operation: StepOperation) throws -> ResourceAddress {
        guard let address = operation.address else { throw ApplyError(description: "\(operation.call) names no resource of the plan") }
        return address
    }

    /// The id this run's create step made for the operation's address.
    func createdId(_ operation: StepOperation) throws -> String {
        let address = try address(of: operation)
        guard let id = created.withLock({ $0[address] }) else {
            throw ApplyError(description: "\(address) was not created in this run")
        }
        return id
    }

    /// The declared resource at `address`, as the kind's own type.
    func declared<Resource: DesiredOMSResource>(_ address: ResourceAddress, as noun: String) throws -> Resource {
        guard let resource = desired[address]?.omsResource as? Resource else {
            throw ApplyError(description: "\(address) is not a declared \(noun)")
        }
        return resource
    }

    /// Every create, whatever the kind: not after a quota refusal of that kind, not when a run
    /// elsewhere made it meanwhile, and a lost answer looked for by marker before it is resent.
    func create<Body: Sendable>(
        _ address: ResourceAddress, body makeBody: () throws -> Body, send: @escaping @Sendable (Body) async throws -> String?
    ) async throws -> String? {
        try checkQuota(address.kind)
        if let found = try await madeMeanwhile(address) { return found }
        let body = try makeBody()
        let id: String?
        do {
            id = try await call { try await send(body) }
        } catch let error as OMSClientError {
            // A lost answer found by its marker is taken for this run's own: if it is not the
            // oldest copy, removing it is right whoever made it (the oldest is never removed).
            id = try await recover(from: error, address: address) { try await self.call { try await send(body) } }
        }
        if let id { made.withLock { $0[address] = id } }
        return id
    }

    /// A lost answer: look for the marker; only when OMS has no such resource, send again.
    /// A quota refusal: remember it so the remaining creates wait for the next run.
    private func recover(
        from error: OMSClientError, address: ResourceAddress, resend: @Sendable () async throws -> String?
    ) async throws -> String? {
        let kind = address.kind
        if error.isQuotaExceeded {
            let message = "\(error.errorCode ?? "quota"): OMS quota reached; the remaining \(kind.rawValue) creates are left for the next run"
            quotaRefusals.withLock { $0[kind] = message }
            throw ApplyError(description: message)
        }
        guard case .outcomeUnknown = error else { throw error }
        if let found = try await findOwned(address) { return found }
        return try await resend()
    }

    private func checkQuota(_ kind: ResourceKind) throws {
        if let message = quotaRefusals.withLock({ $0[kind] }) { throw ApplyError(description: message) }
    }

    /// The second line of defence against duplicates across machines (the stack lock holds on
    /// one machine and one user only): right before the first create of a kind, the live
    /// resources of that kind are listed again, and a create whose marker turned up since the
    /// plan was read (a run elsewhere made it) is not sent; the one found is used. One list per
    /// kind per pass. Runs that all re-list before any of them creates still make twins: the
    /// check after the creates (`removeTwins`) is what converges.
    private func madeMeanwhile(_ address: ResourceAddress) async throws -> String? {
        let kind = address.kind
        let relist = relists.withLock { relists in
            if let running = relists[kind] { return running }
            let started = Task { try await self.ownedByMarker(kind) }
            relists[kind] = started
            return started
        }
        do {
            return try await relist.value[address]
        } catch {
            throw ApplyError(description: "could not check OMS for a copy made meanwhile, so the create was not sent: \(error)")
        }
    }

    /// This stack's live resources of `kind`, by the address their marker names (the oldest
    /// when there are several).
    private func ownedByMarker(_ kind: ResourceKind) async throws -> [ResourceAddress: String] {
        let stack = desired.stack.name
        var found: [ResourceAddress: String] = [:]
        // Only what appeared since the plan read OMS: what it saw is planned for already (a
        // replaced task still listed while its delete runs is not a copy of its replacement).
        for (id, description) in try await Kinds.adapter(for: kind).listForMarkers(self) {
            guard !knownLiveIds.contains(id), let description, let parsed = OwnershipMarker.parse(description: description),
                parsed.marker.stack == stack, found[parsed.marker.address] == nil
            else { continue }
            found[parsed.marker.address] = id
        }
        return found
    }

    /// The id of the oldest live resource carrying this stack's marker for `address`, if any.
    private func findOwned(_ address: ResourceAddress) async throws -> String? {
        let stack = desired.stack.name
        return try await Kinds.adapter(for: address.kind).listForMarkers(self).first { _, description in
            guard let description, let parsed = OwnershipMarker.parse(description: description) else { return false }
            return parsed.marker.stack == stack && parsed.marker.address == address
        }?.id
    }

    // MARK: Waits

    /// Re-reads until `check` says settled (nil) or the timeout passes.
    func poll(_ what: String, _ check: @Sendable () async throws -> String?) async throws {
        let deadline = ContinuousClock.now + options.settleTimeout
        while true {
            guard let state = try await check() else { return }
            guard ContinuousClock.now < deadline else {
                throw ApplyError(description: "\(what) is still \(state) after \(options.settleTimeout); run again later")
            }
            try await Task.sleep(for: options.pollInterval)
        }
    }

    // MARK: Helpers

    func tolerate(_ codes: Set<OMSErrorCode>, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as OMSClientError where error.code.map(codes.contains) ?? false {
            // Already in the wanted state (stopped, gone): nothing to do.
        }
    }
}

struct ApplyError: Error, CustomStringConvertible {
    var description: String
}
