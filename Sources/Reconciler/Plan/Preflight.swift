import Foundation
import MigrationPlan
import OMSClient

/// Checks every create against OMS's bucket operations before anything is created, so that a
/// wrong bucket, region, prefix or list file shows up in the diff as a blocked change rather
/// than as a task that fails halfway through an apply. Read-only: POSTs that only look.
public struct Preflight: Sendable {
    let client: OMSClient
    let strategy: Strategy
    /// Keys of an object task checked at most (the rest are left to OMS).
    static let maximumKeyChecks = 20

    /// How many requests the same answers take.
    public enum Strategy: Sendable {
        /// Each question once per distinct subject; keys under one folder through its listing
        /// (`SharedPreflightAnswers`). What diff and apply use.
        case shared
        /// Every change asks for itself, one request per question: the reference the shared
        /// answers are held to (`PreflightStrategyTests`).
        case perChange
    }

    public init(client: OMSClient, strategy: Strategy = .shared) {
        self.client = client
        self.strategy = strategy
    }

    /// The plan with failing creates turned into blocked changes (their steps removed).
    public func check(_ plan: ExecutionPlan, desired: DesiredState) async -> ExecutionPlan {
        let creates = plan.report.changes.filter { $0.action == .create || $0.action == .replace }
        guard !creates.isEmpty else { return plan }
        var subjects: [(ChangeSubject, Subject)] = []
        for change in creates {
            guard let resource = desired[change.address.address]?.omsResource else { continue }
            subjects.append((change.address, Self.subject(of: resource)))
        }
        let answers: any PreflightAnswers
        switch strategy {
        case .perChange: answers = DirectPreflightAnswers(client: client)
        case .shared:
            let questions = subjects.flatMap { _, subject -> [PrefixQuestion] in
                guard case .source(let source) = subject else { return [] }
                return Self.keyQuestions(source)
            }
            answers = SharedPreflightAnswers(client: client, questions: questions)
        }
        let catalogue = await Catalogue.load(client)
        // Shared answers mostly wait on one another's requests, so more of them run at once.
        let inFlight = strategy == .shared ? 32 : 8
        var verdicts: [ChangeSubject: Verdict] = [:]
        await withTaskGroup(of: (ChangeSubject, Verdict).self) { group in
            var pending = subjects.makeIterator()
            func next() {
                guard let (address, subject) = pending.next() else { return }
                group.addTask { (address, await self.verdict(for: subject, catalogue: catalogue, answers: answers)) }
            }
            for _ in 0..<inFlight { next() }
            while let (address, verdict) = await group.next() {
                verdicts[address] = verdict
                next()
            }
        }
        var result = plan
        result.applyPreflight(verdicts)
        return result
    }

    enum Verdict: Sendable {
        case passed
        case skipped(String)
        case failed([String])
    }

    /// A check OMS could not answer now (busy, unreachable): the create goes ahead and OMS
    /// judges it, rather than a passing glitch silently holding it back.
    struct Inconclusive: Error {
        var reason: String
    }

    /// Whether an error says something definite about the bucket (a refusal) rather than
    /// about OMS's health at the moment.
    static func isDefinite(_ error: OMSClientError) -> Bool {
        guard case .api(let api) = error else { return false }
        return (400..<500).contains(api.httpStatus) && api.httpStatus != 429 && api.code != .busy
    }

    /// What OMS supports, read once per run.
    struct Catalogue: Sendable {
        var clouds: Set<String>?
        var regions: [String: Set<String>]?

        static func load(_ client: OMSClient) async -> Catalogue {
            async let clouds = try? client.listCloudTypes(.src)
            async let regions = try? client.listRegions()
            let regionMap = await regions.map { list in
                Dictionary(
                    list.map { (($0.serviceName ?? "").lowercased(), Set(($0.regionList ?? []).compactMap(\.value))) },
                    uniquingKeysWith: { $0.union($1) })
            }
            return Catalogue(clouds: await clouds.map { Set($0.map { $0.lowercased() }) }, regions: regionMap)
        }

        func problems(cloud: CloudType, region: String?) -> [String] {
            var found: [String] = []
            if let clouds, !clouds.contains(cloud.canonical.rawValue.lowercased()) {
                found.append("OMS does not support migrating from \(cloud)")
            }
            if let region, cloud.canonical != .urlSource, let known = regions?[cloud.canonical.rawValue.lowercased()],
                !known.isEmpty, !known.contains(region)
            {
                found.append("OMS does not list region \(region) for \(cloud)")
            }
            return found
        }
    }

    /// What a change's checks are about: its source and destination, or why there is nothing
    /// to check.
    enum Subject: Sendable {
        case source(Source)
        case skipped(String)
        case nothing

        /// A body without its keys cannot be checked.
        static let unset = Subject.skipped("pre-flight skipped: the source or destination credentials are not set")
    }

    /// What pre-flight checks for `resource`: its kind's adapter reads its body (`preflightSource`).
    static func subject(of resource: any DesiredOMSResource) -> Subject {
        Kinds.adapter(for: resource.address.kind).preflightSubject(resource)
    }

    private func verdict(for subject: Subject, catalogue: Catalogue, answers: any PreflightAnswers) async -> Verdict {
        let source: Source
        switch subject {
        case .source(let s): source = s
        case .skipped(let reason): return .skipped(reason)
        case .nothing: return .passed
        }
        var problems = catalogue.problems(cloud: source.cloud, region: source.region)
        do {
            problems += try await sourceProblems(source, answers)
            problems += try await destinationProblems(source, answers)
        } catch let inconclusive as Inconclusive {
            return problems.isEmpty ? .skipped("pre-flight incomplete: \(inconclusive.reason)") : .failed(problems)
        } catch {
            return .skipped("pre-flight incomplete: \(error)")
        }
        return problems.isEmpty ? .passed : .failed(problems)
    }

    struct Source: Sendable {
        var type: String
        var cloud: CloudType
        var region: String?
        var bucket: String?
        var ak: String?
        var sk: String?
        var token: String?
        var appId: String?
        var keys: [String]
        var listFile: ListFile?
        var dstRegion: String
        var dstBucket: String
        var dstAk: String?
        var dstSk: String?

        /// The source keys checked when the bucket answers from the plan's region.
        var checkedKeys: [String] {
            let keys: [String] = type == "prefix" ? keys.filter { !$0.isEmpty } : type == "object" ? keys : []
            return Array(keys.prefix(Preflight.maximumKeyChecks))
        }
    }

    /// Every source key question `source` may lead to (asked only if its bucket is found in
    /// the plan's region), so that shared answers can plan their listings.
    static func keyQuestions(_ s: Source) -> [PrefixQuestion] {
        guard s.type != "url_list", let bucket = s.bucket, let region = s.region else { return [] }
        return s.checkedKeys.map {
            PrefixQuestion(access: BucketAccess(cloud: s.cloud, region: region, bucket: bucket, ak: s.ak, sk: s.sk, token: s.token, appId: s.appId),
                           key: $0)
        }
    }

    private func sourceProblems(_ s: Source, _ answers: any PreflightAnswers) async throws -> [String] {
        var problems: [String] = []
        if s.type == "list" || s.type == "url_list", let listFile = s.listFile {
            let key = listFile.listFileKey ?? ""
            let bucket = listFile.obsBucket ?? ""
            let question = PrefixQuestion(access: BucketAccess(cloud: .huaweiCloud, region: s.dstRegion, bucket: bucket, ak: s.dstAk, sk: s.dstSk),
                                          key: key)
            if let missing = try await Self.absent(await answers.prefix(question)) {
                problems.append("list file \(bucket)/\(key): \(missing)")
            }
        }
        guard s.type != "url_list", let bucket = s.bucket, let region = s.region else { return problems }
        let located = RegionQuestion(access: BucketAccess(cloud: s.cloud, region: region, bucket: bucket, ak: s.ak, sk: s.sk, appId: s.appId))
        switch await answers.region(located) {
        case .located(let actual):
            if let actual, !actual.isEmpty, actual != region {
                problems.append("source bucket \(bucket) is in \(actual), the plan says \(region)")
                return problems
            }
        case .refused(let reason):
            problems.append("source bucket \(bucket) cannot be reached: \(reason)")
            return problems
        case .inconclusive(let reason):
            throw Inconclusive(reason: reason)
        }
        for question in Self.keyQuestions(s) {
            if let missing = try await Self.absent(await answers.prefix(question)) {
                problems.append("\(s.type == "prefix" ? "prefix" : "object") \(question.key) in \(bucket): \(missing)")
            }
        }
        return problems
    }

    /// The OBS bucket the task writes to: it exists, the destination keys reach it, and it is in
    /// the region the plan (and the OMS endpoint) says. Otherwise OMS takes the task and it
    /// fails later with TRF.0058 or TRF.0057.
    private func destinationProblems(_ s: Source, _ answers: any PreflightAnswers) async throws -> [String] {
        guard !s.dstBucket.isEmpty else { return [] }
        let question = RegionQuestion(access: BucketAccess(cloud: .huaweiCloud, region: s.dstRegion, bucket: s.dstBucket, ak: s.dstAk, sk: s.dstSk))
        switch await answers.region(question) {
        case .located(let actual):
            if let actual, !actual.isEmpty, !s.dstRegion.isEmpty, actual != s.dstRegion {
                return ["destination bucket \(s.dstBucket) is in \(actual), the plan says \(s.dstRegion)"]
            }
            return []
        case .refused(let reason):
            return ["destination bucket \(s.dstBucket) cannot be reached with the destination keys: \(reason)"]
        case .inconclusive(let reason):
            throw Inconclusive(reason: reason)
        }
    }

    /// Nil when objects exist under the key; otherwise why not.
    private static func absent(_ answer: PrefixAnswer) throws -> String? {
        switch answer {
        case .exists: nil
        case .absent: "no objects found"
        case .refused(let reason): reason
        case .inconclusive(let reason): throw Inconclusive(reason: reason)
        }
    }

    static func describe(_ error: OMSClientError) -> String {
        if case .api(let api) = error { return "\(api.errorCode ?? "HTTP \(api.httpStatus)"): \(api.errorMessage ?? "refused")" }
        return error.description
    }
}

extension ExecutionPlan {
    /// Every verdict at once: one pass over the changes and the steps (one `block` per change
    /// made 10,000 blocked creates a hundred million steps of work).
    mutating func applyPreflight(_ verdicts: [ChangeSubject: Preflight.Verdict]) {
        var blocked: Set<ChangeSubject> = []
        for index in report.changes.indices {
            switch verdicts[report.changes[index].address] {
            case .failed(let problems)?:
                report.changes[index].action = .blocked
                report.changes[index].reasons += problems.map { .preflight("pre-flight: \($0)") }
                report.changes[index].calls = []
                blocked.insert(report.changes[index].address)
            case .skipped(let reason)?: report.changes[index].reasons.append(.preflight(reason))
            case .passed?, nil: break
            }
        }
        guard !blocked.isEmpty else { return }
        steps.removeAll { $0.addresses.count == 1 && blocked.contains($0.addresses[0]) }
        report.summary = ChangeSummary(report.changes)
    }

    /// Turns the change at `address` into a blocked change and drops its steps.
    mutating func block(_ address: ChangeSubject, _ reasons: [String]) {
        guard let index = report.changes.firstIndex(where: { $0.address == address }) else { return }
        report.changes[index].action = .blocked
        report.changes[index].reasons += reasons.map(ChangeReason.preflight)
        report.changes[index].calls = []
        steps.removeAll { $0.addresses == [address] }
        report.summary = ChangeSummary(report.changes)
    }

    mutating func note(_ address: ChangeSubject, _ reason: String) {
        guard let index = report.changes.firstIndex(where: { $0.address == address }) else { return }
        report.changes[index].reasons.append(.preflight(reason))
    }
}
