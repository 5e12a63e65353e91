import Foundation
import MigrationPlan
import OMSClient

/// Checks every create against OMS's bucket operations before anything is created, so that a
/// wrong bucket, region, prefix or list file shows up in the diff as a blocked change rather
/// than as a task that fails halfway through an apply. Read-only: POSTs that only look.
public struct Preflight: Sendable {
    let client: OMSClient
    /// Keys of an object task checked at most (the rest are left to OMS).
    static let maximumKeyChecks = 20

    public init(client: OMSClient) { self.client = client }

    /// The plan with failing creates turned into blocked changes (their steps removed).
    public func check(_ plan: ExecutionPlan, desired: DesiredState) async -> ExecutionPlan {
        let creates = plan.report.changes.filter { $0.action == .create || $0.action == .replace }
        guard !creates.isEmpty else { return plan }
        let catalogue = await Catalogue.load(client)
        var verdicts: [ChangeSubject: Verdict] = [:]
        await withTaskGroup(of: (ChangeSubject, Verdict).self) { group in
            var pending = creates.makeIterator()
            func next() {
                guard let change = pending.next(), let resource = desired[change.address.address]?.omsResource
                else { return }
                group.addTask { (change.address, await self.verdict(for: resource, catalogue: catalogue)) }
            }
            for _ in 0..<8 { next() }
            while let (address, verdict) = await group.next() {
                verdicts[address] = verdict
                next()
            }
        }
        var result = plan
        for (address, verdict) in verdicts {
            switch verdict {
            case .passed: break
            case .skipped(let reason): result.note(address, reason)
            case .failed(let problems): result.block(address, problems.map { "pre-flight: \($0)" })
            }
        }
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

    private func verdict(for resource: any DesiredOMSResource, catalogue: Catalogue) async -> Verdict {
        let source: Source
        switch resource {
        case let task as DesiredTask:
            guard let body = try? task.requestWithSecrets() else {
                return .skipped("pre-flight skipped: the source or destination credentials are not set")
            }
            source = Source(
                type: (body.taskType ?? .object).canonical.rawValue, cloud: body.srcNode.cloudType ?? .aliyun,
                region: body.srcNode.region, bucket: body.srcNode.bucket, ak: body.srcNode.ak, sk: body.srcNode.sk,
                token: body.srcNode.securityToken, appId: body.srcNode.appId, keys: body.srcNode.objectKey ?? [],
                listFile: body.srcNode.listFile, dstRegion: body.dstNode.region ?? "", dstBucket: body.dstNode.bucket ?? "",
                dstAk: body.dstNode.ak, dstSk: body.dstNode.sk)
        case let group as DesiredTaskGroup:
            guard let body = try? group.requestWithSecrets() else {
                return .skipped("pre-flight skipped: the source or destination credentials are not set")
            }
            source = Source(
                type: (body.taskType ?? .prefix).canonical.rawValue.lowercased(), cloud: body.srcNode.cloudType ?? .aliyun,
                region: body.srcNode.region, bucket: body.srcNode.bucket, ak: body.srcNode.ak, sk: body.srcNode.sk, token: nil,
                appId: body.srcNode.appId, keys: body.srcNode.objectKey ?? [], listFile: body.srcNode.listFile,
                dstRegion: body.dstNode.region ?? "", dstBucket: body.dstNode.bucket ?? "", dstAk: body.dstNode.ak, dstSk: body.dstNode.sk)
        case let sync as DesiredSyncTask:
            guard let body = try? sync.requestWithSecrets() else {
                return .skipped("pre-flight skipped: the source or destination credentials are not set")
            }
            // The whole bucket: its region and the keys are checked, no prefix (an empty source
            // is fine for a synchronization task: it waits for objects to appear).
            source = Source(
                type: "sync", cloud: body.srcCloudType ?? .aliyun, region: body.srcRegion, bucket: body.srcBucket, ak: body.srcAk,
                sk: body.srcSk, token: nil, appId: body.appId, keys: [], listFile: nil, dstRegion: body.dstRegion ?? "",
                dstBucket: body.dstBucket ?? "", dstAk: body.dstAk, dstSk: body.dstSk)
        default:
            return .passed
        }
        var problems = catalogue.problems(cloud: source.cloud, region: source.region)
        do {
            problems += try await sourceProblems(source)
            problems += try await destinationProblems(source)
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
    }

    private func sourceProblems(_ s: Source) async throws -> [String] {
        var problems: [String] = []
        if s.type == "list" || s.type == "url_list", let listFile = s.listFile {
            let key = listFile.listFileKey ?? ""
            let bucket = listFile.obsBucket ?? ""
            if let missing = try await absent(.huaweiCloud, bucket, key, s.dstRegion, s.dstAk, s.dstSk, nil, nil) {
                problems.append("list file \(bucket)/\(key): \(missing)")
            }
        }
        guard s.type != "url_list", let bucket = s.bucket, let region = s.region else { return problems }
        do {
            let located = try await client.showBucketRegion(
                ShowBucketRegionReq(cloudType: s.cloud, bucketName: bucket, ak: s.ak, sk: s.sk, appId: s.appId))
            if let actual = located.id, !actual.isEmpty, actual != region {
                problems.append("source bucket \(bucket) is in \(actual), the plan says \(region)")
                return problems
            }
        } catch {
            guard Self.isDefinite(error) else { throw Inconclusive(reason: Self.describe(error)) }
            problems.append("source bucket \(bucket) cannot be reached: \(Self.describe(error))")
            return problems
        }
        let keys: [String] = s.type == "prefix" ? s.keys.filter { !$0.isEmpty } : s.type == "object" ? s.keys : []
        for key in keys.prefix(Self.maximumKeyChecks) {
            if let missing = try await absent(s.cloud, bucket, key, region, s.ak, s.sk, s.token, s.appId) {
                problems.append("\(s.type == "prefix" ? "prefix" : "object") \(key) in \(bucket): \(missing)")
            }
        }
        return problems
    }

    /// The OBS bucket the task writes to: it exists, the destination keys reach it, and it is in
    /// the region the plan (and the OMS endpoint) says. Otherwise OMS takes the task and it
    /// fails later with TRF.0058 or TRF.0057.
    private func destinationProblems(_ s: Source) async throws -> [String] {
        guard !s.dstBucket.isEmpty else { return [] }
        do {
            let located = try await client.showBucketRegion(
                ShowBucketRegionReq(cloudType: .huaweiCloud, bucketName: s.dstBucket, ak: s.dstAk, sk: s.dstSk))
            if let actual = located.id, !actual.isEmpty, !s.dstRegion.isEmpty, actual != s.dstRegion {
                return ["destination bucket \(s.dstBucket) is in \(actual), the plan says \(s.dstRegion)"]
            }
            return []
        } catch {
            guard Self.isDefinite(error) else { throw Inconclusive(reason: Self.describe(error)) }
            return ["destination bucket \(s.dstBucket) cannot be reached with the destination keys: \(Self.describe(error))"]
        }
    }

    /// Nil when objects exist under `key`; otherwise why not.
    private func absent(
        _ cloud: CloudType, _ bucket: String, _ key: String, _ region: String, _ ak: String?, _ sk: String?, _ token: String?,
        _ appId: String?
    ) async throws -> String? {
        do {
            let answer = try await client.checkPrefix(
                CheckPrefixReq(
                    cloudType: cloud, bucketName: bucket, fileName: key, dataCenter: region, ak: ak, sk: sk, appId: appId,
                    securityToken: token))
            return answer.exist == true ? nil : "no objects found"
        } catch {
            guard Self.isDefinite(error) else { throw Inconclusive(reason: Self.describe(error)) }
            return Self.describe(error)
        }
    }

    static func describe(_ error: OMSClientError) -> String {
        if case .api(let api) = error { return "\(api.errorCode ?? "HTTP \(api.httpStatus)"): \(api.errorMessage ?? "refused")" }
        return error.description
    }
}

extension ExecutionPlan {
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
