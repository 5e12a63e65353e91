import Foundation
import MigrationPlan
import OMSClient

/// The whole observe-compare-act loop of one stack, as a library: what `diff`, `apply` and
/// `reconcile` do, without a terminal. The command line only parses arguments and renders.
///
/// - `plan` observes and compares: one live read (list calls), the differ, the planner and
///   the pre-flight checks of creates. It changes nothing.
/// - `apply` takes the stack lock for the whole pass, plans, lets a reviewer see (and veto)
///   the plan, and carries it out, reporting each step as an event.
/// - `run` repeats `apply` passes on a period until asked to stop, re-reading the plan each
///   time (a new day may bring other bandwidth windows).
public struct StackReconciler: Sendable {
    public struct Options: Sendable {
        /// Addresses whose replacement is allowed although they moved data (`--allow-replace`).
        public var allowReplace: Set<ResourceAddress>
        /// Limit to these addresses (closed over `dependsOn`); nil: everything.
        public var scope: Set<ResourceAddress>?
        /// Check creates against OMS's bucket operations before planning them.
        public var preflight: Bool
        public var apply: ApplyOptions
        /// How long to wait for another run of the same stack (on this machine) to finish.
        public var lockTimeout: Duration
        /// Forecast creates (their source listed within a call budget), bandwidth changes and
        /// deadlines (`diff`).
        public var forecast: Bool = false
        /// `apply --ignore-freeze`: make the plan's changes inside a change freeze.
        public var ignoreFreeze: Bool = false

        public init(
            allowReplace: Set<ResourceAddress> = [], scope: Set<ResourceAddress>? = nil, preflight: Bool = true,
            apply: ApplyOptions = ApplyOptions(), lockTimeout: Duration = .seconds(60), forecast: Bool = false
        ) {
            self.forecast = forecast
            self.allowReplace = allowReplace
            self.scope = scope
            self.preflight = preflight
            self.apply = apply
            self.lockTimeout = lockTimeout
        }
    }

    /// What one apply pass did.
    public struct PassResult: Sendable {
        /// The plan with each change's outcome (no outcomes when nothing was applied).
        public var report: ChangeReport
        /// False when there was nothing to change or the reviewer declined.
        public var applied: Bool
        /// What OMS looked like when the pass read it (before its changes): status, forecasts
        /// and metrics of a scheduled reconcile come from it, without a second read.
        public var observed: LiveState? = nil
        /// What the incremental passes did after the plan's changes (Reconciler/Passes).
        public var passes: [PassAction] = []
        /// Where each Cutover stands after the pass (Reconciler/Cutover); empty without any.
        public var cutovers: [CutoverStatus] = []
        /// Whether any change failed or was skipped.
        public var failed: Bool { report.changes.contains { $0.outcome?.status == .failed || $0.outcome?.status == .skipped } }
    }

    public let client: OMSClient
    /// Where attempt ledgers are kept (`./.oms-plan`); nil keeps no lock and counts attempts
    /// in memory, for as long as this value lives (tests, library use).
    public let stateDirectory: URL?
    /// Where stack locks are kept: one folder for every run of this user on this machine.
    public var lockDirectory: URL = StackLock.userLockDirectory
    /// What the lock is about besides the stack: the OMS (endpoint, or sandbox data folder)
    /// and the project. Runs with the same scope and stack exclude each other.
    public var lockScope: String
    /// The clock passes are stamped with.
    public var now: @Sendable () -> Date
    /// How failed-object lists are read over OBS (`status`, and the codes a "gave up" names); nil reads none.
    public var failedObjects: FailedObjectAccess?
    private let givenLedger: (any AttemptLedger)?
    /// Without a state directory: one in-memory record for as long as this value lives.
    private let memoryAdoptions: AdoptionRecord?
    /// Without a state directory: the passes' ledger, in memory (see `passLedger(stack:)`).
    let memoryPasses = PassLedger(url: nil)
    /// Without a state directory: the Cutovers' records, in memory (see `cutoverLedger(stack:)`).
    let memoryCutovers = CutoverLedger()

    public init(
        client: OMSClient, stateDirectory: URL?, ledger: (any AttemptLedger)? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.stateDirectory = stateDirectory
        self.lockScope = client.configuration.endpoint + "|" + client.configuration.projectId
        self.givenLedger = ledger ?? (stateDirectory == nil ? MemoryAttemptLedger() : nil)
        self.memoryAdoptions = stateDirectory == nil ? try? AdoptionRecord(url: nil) : nil
        self.now = now
    }

    /// The layout of `stateDirectory` (nil without one).
    public var stateFolder: StateFolder? { stateDirectory.map(StateFolder.init(root:)) }

    /// The attempt ledger of a stack (`state/<stack>.attempts.json`, or the one given).
    public func ledger(stack: String) throws -> any AttemptLedger {
        if let givenLedger { return givenLedger }
        guard let stateFolder else { return MemoryAttemptLedger() }
        return try FileAttemptLedger(url: stateFolder.attempts(stack: stack))
    }

    /// What earlier applies of a stack adopted (`state/<stack>.adopted.json`, or in memory).
    public func adoptionRecord(stack: String) throws -> AdoptionRecord {
        if let memoryAdoptions { return memoryAdoptions }
        return try AdoptionRecord(url: stateFolder?.adopted(stack: stack))
    }

    /// What reconcile observed of a stack before (`state/<stack>.history.json`); empty without
    /// a state folder or when the file cannot be read.
    public func observationHistory(stack: String) -> ObservationHistory {
        stateFolder.map { ObservationHistory.load(from: $0.history(stack: stack)) } ?? ObservationHistory()
    }

    /// Keeps what was observed for the forecasts of later runs (nothing without a state folder).
    public func saveObservationHistory(_ history: ObservationHistory, stack: String) throws {
        guard let stateFolder else { return }
        try history.save(to: stateFolder.history(stack: stack))
    }

    /// Observe and compare: what apply would do now. Reads only. `live`: a read already made
    /// (diff starts one while the plan loads); nil reads OMS now.
    public func plan(_ desired: DesiredState, options: Options = Options(), live: LiveState? = nil) async throws -> ExecutionPlan {
        try await plan(
            desired, options: options, ledger: ledger(stack: desired.stack.name), adoptions: adoptionRecord(stack: desired.stack.name),
            live: live).plan
    }

    private func plan(
        _ desired: DesiredState, options: Options, ledger: any AttemptLedger, adoptions: AdoptionRecord, live given: LiveState? = nil
    ) async throws -> (plan: ExecutionPlan, live: LiveState) {
        let live: LiveState
        if let given { live = given } else { live = try await LiveState.read(from: client, now: now()) }
        var diffOptions = DiffOptions(
            allowReplace: options.allowReplace, only: options.scope, ledger: ledger, previouslyAdopted: adoptions.adopted)
        diffOptions.cutoverStates = recordedCutoverStates(desired)
        diffOptions.ignoreFreeze = options.ignoreFreeze
        var planned = ChangePlanner.plan(desired: desired, live: live, options: diffOptions, now: now())
        if options.preflight { planned = await Preflight(client: client).check(planned, desired: desired) }
        if let failedObjects {
            await planned.settleAcceptedFailures(desired: desired, live: live, access: failedObjects)
            await planned.nameRemainingFailedCodes(desired: desired, live: live, access: failedObjects)
        }
        if options.forecast, !desired.cutovers.isEmpty {
            planned.report.cutovers = try await cutovers(desired, live: live, advance: false)
        }
        if options.forecast {
            let history = observationHistory(stack: desired.stack.name)
            await ChangeForecasts(client: client, history: history, now: live.readAt)
                .add(to: &planned.report, desired: desired, live: live)
        }
        return (planned, live)
    }

    /// One pass under the stack lock: plan, review, act. `review` sees the plan before anything
    /// is sent and returns whether to go on; it is not asked when nothing would change.
    public func apply(
        _ desired: DesiredState, options: Options = Options(),
        review: @Sendable (ExecutionPlan) async throws -> Bool = { _ in true },
        events: @escaping @Sendable (ApplyEvent) -> Void = { _ in }
    ) async throws -> PassResult {
        var lock: StackLock?
        if stateDirectory != nil && Self.heldLock != lockName(stack: desired.stack.name) {
            lock = try await StackLock.acquire(stack: desired.stack.name, scope: lockScope, directory: lockDirectory, timeout: options.lockTimeout)
        }
        defer { withExtendedLifetime(lock) {} }
        let ledger = try ledger(stack: desired.stack.name)
        let adoptions = try adoptionRecord(stack: desired.stack.name)
        let (planned, observed) = try await plan(desired, options: options, ledger: ledger, adoptions: adoptions)
        // A blocked replacement may still carry in-place steps (bandwidth, priority): those run.
        guard planned.report.hasChanges || !planned.steps.isEmpty else {
            try Self.recordAdoptions(desired, planned.report, in: adoptions, scope: options.scope)
            var result = PassResult(report: Applier.unchanged(planned), applied: false, observed: observed)
            result.cutovers = try await cutovers(desired, live: observed, advance: true)
            result.passes = await advancePasses(desired, live: observed, report: planned.report, scope: options.scope, attempts: ledger)
            return result
        }
        guard try await review(planned) else { return PassResult(report: planned.report, applied: false, observed: observed) }
        try recordPassesBeforeRemoval(planned, desired: desired, live: observed)
        let applier = Applier(client: client, desired: desired, ledger: ledger, options: options.apply, onEvent: events)
        var report = await applier.apply(planned)
        try Self.recordAdoptions(desired, report, in: adoptions, scope: options.scope)
        // A release is made by forgetting the adoption, which has just happened.
        for index in report.changes.indices where report.changes[index].action == .release {
            report.changes[index].outcome = ChangeOutcome(status: .succeeded, liveId: report.changes[index].liveId)
        }
        var result = PassResult(report: report, applied: true, observed: observed)
        result.cutovers = try await cutovers(desired, live: observed, advance: true)
        result.passes = await advancePasses(desired, live: observed, report: planned.report, scope: options.scope, attempts: ledger)
        return result
    }

    /// Remembers which live resources the plan adopts now (those OMS has), so that a later
    /// plan that drops one shows a `release` line.
    static func recordAdoptions(_ desired: DesiredState, _ report: ChangeReport, in record: AdoptionRecord, scope: Set<ResourceAddress>?) throws {
        var liveIds: [ResourceAddress: String] = [:]
        for change in report.changes where change.address.duplicateId == nil {
            if let id = change.liveId { liveIds[change.address.address] = id }
        }
        var adopted: [ResourceAddress: String] = [:]
        for resource in desired.omsResources {
            if let id = resource.adoptID, liveIds[resource.address] == id { adopted[resource.address] = id }
        }
        try record.update(adoptedNow: adopted, scope: scope)
    }

    /// The lock this task holds through `holdingLock` (passes inside do not take it again).
    @TaskLocal static var heldLock: String?

    private func lockName(stack: String) -> String { lockDirectory.path + "/" + StackLock.name(stack: stack, scope: lockScope) }

    /// Holds the stack lock for all of `body`: `apply --wait` keeps it from its first pass to
    /// the end of its last wave, so that no other run slips in between the waves.
    public func holdingLock<T: Sendable>(stack: String, timeout: Duration, _ body: () async throws -> T) async throws -> T {
        guard stateDirectory != nil else { return try await body() }
        let lock = try await StackLock.acquire(stack: stack, scope: lockScope, directory: lockDirectory, timeout: timeout)
        defer { withExtendedLifetime(lock) {} }
        return try await Self.$heldLock.withValue(lockName(stack: stack)) { try await body() }
    }

    /// When to stop repeating passes, and how to wait between them (a signal handler in the
    /// command line; a test's own switch).
    public protocol LoopControl: Sendable {
        var stopRequested: Bool { get }
        /// Waits, returning early once a stop is requested.
        func sleep(seconds: Double) async
    }

    /// Repeats apply passes: `load` re-reads the plan before each, `onPass` hears how each
    /// ended (`.failure` when the plan or OMS could not be read). With no `period` one pass is
    /// made. A pass in progress always finishes; between passes `control` may stop the loop.
    /// The period gets up to 10% random jitter so that many stacks do not call OMS in step.
    public func run(
        every period: Double?, options: Options = Options(), control: any LoopControl,
        load: @Sendable (Date) async throws -> DesiredState,
        review: @Sendable (ExecutionPlan) async throws -> Bool = { _ in true },
        onPass: @Sendable (Result<PassResult, any Error>) async -> Void,
        events: @escaping @Sendable (ApplyEvent) -> Void = { _ in }
    ) async {
        while true {
            do {
                let desired = try await load(now())
                await onPass(.success(try await apply(desired, options: options, review: review, events: events)))
            } catch {
                await onPass(.failure(error))
            }
            guard let period, !control.stopRequested else { return }
            await control.sleep(seconds: period * Double.random(in: 0.9...1.1))
            if control.stopRequested { return }
        }
    }
}
