import Foundation
import GRDB
import OMSModels

/// Synchronization tasks: create, list, show (with the month's counters), start and stop,
/// delete, events (copied at once, with the skip rule of tasks) and statistics.
extension SandboxService {
    func createSyncTask(_ body: Data) async throws(SandboxError) -> CreateSyncTaskResp {
        let request = try Self.decode(CreateSyncTaskReq.self, body)
        try Self.validate(request)
        let now = clock.now
        let record = SyncTaskRecord(
            id: UUID().uuidString.lowercased(), request: request, status: .synchronizing, createdAt: now, lastStartedAt: now)
        let store = self.store
        try await write { db in try store.insert(record, db: db) }
        return CreateSyncTaskResp(syncTaskId: record.id)
    }

    /// Instants the sync-task API takes, in milliseconds: 1970 to the end of 9999.
    static let instants: ClosedRange<Int64> = 0...253_402_300_799_999
    static let instantsText = "milliseconds from 0 to 253402300799999"

    static func validate(_ r: CreateSyncTaskReq) throws(SandboxError) {
        let required: [(String, String?)] = [
            ("src_region", r.srcRegion), ("src_bucket", r.srcBucket), ("src_ak", r.srcAk), ("src_sk", r.srcSk),
            ("dst_ak", r.dstAk), ("dst_sk", r.dstSk), ("dst_region", r.dstRegion), ("dst_bucket", r.dstBucket),
        ]
        for (field, value) in required where (value ?? "").isEmpty { throw .missing(field) }
        for (field, value) in [("src_ak", r.srcAk), ("src_sk", r.srcSk), ("dst_ak", r.dstAk), ("dst_sk", r.dstSk)]
        where (value ?? "").count > 100 {
            throw .outOfRange(field, "at most 100 characters")
        }
        for (field, value) in [("src_crypto_type", r.srcCryptoType), ("dst_crypto_type", r.dstCryptoType)] {
            if let value, !["DEFAULT", "KMS"].contains(value) { throw .outOfRange(field, "DEFAULT or KMS") }
        }
        for (field, value) in [("src_kms_key_id", r.srcKmsKeyId), ("dst_kms_key_id", r.dstKmsKeyId)] where (value?.count ?? 0) > 36 {
            throw .outOfRange(field, "at most 36 characters")
        }
        if let appId = r.appId, appId.count > 100 { throw .outOfRange("app_id", "at most 100 characters") }
        if let cloud = r.srcCloudType, !cloud.isDocumented { throw .outOfRange("src_cloud_type", "'\(cloud)' is not supported") }
        if r.srcCloudType?.canonical == .tencent, (r.appId ?? "").isEmpty { throw .missing("app_id") }
        typealias Location = RequestValidator.Location
        try Location.region("src_region", r.srcRegion ?? "", code: Location.sourceCode)
        try Location.bucket("src_bucket", r.srcBucket ?? "", code: Location.sourceCode)
        try Location.region("dst_region", r.dstRegion ?? "", code: Location.destinationCode)
        try Location.bucket("dst_bucket", r.dstBucket ?? "", code: Location.destinationCode)
        try RequestValidator.validateCommon(
            description: r.description, bandwidth: nil, migrateSince: nil, overwrite: nil, storage: r.dstStoragePolicy,
            consistency: r.consistencyCheck, cdn: r.sourceCdn, smn: nil)
        try RequestValidator.refuseSeals([r.srcAk, r.srcSk, r.dstAk, r.dstSk, r.sourceCdn?.authenticationKey])
    }

    func listSyncTasks(limit: String?, offset: String?, status: String?) async throws(SandboxError) -> ListSyncTasksResp {
        let (limit, offset) = try RequestValidator.pagination(limit: limit, offset: offset)
        var filter: SyncTaskStatus?
        if let status {
            guard SyncTaskStatus.documented.contains(SyncTaskStatus(rawValue: status)) else {
                throw .outOfRange("status", "SYNCHRONIZING or STOPPED")
            }
            filter = SyncTaskStatus(rawValue: status)
        }
        let status = filter
        let page = try await read { db in try SandboxStore.syncTasks(limit: limit, offset: offset, status: status, db: db) }
        return ListSyncTasksResp(tasks: page.records.map { $0.info() }, count: Int64(page.count))
    }

    func showSyncTask(_ id: String, queryTime: String?) async throws(SandboxError) -> SyncTaskInfo {
        var at = clock.now
        if let queryTime {
            guard let ms = Int64(queryTime) else { throw .wrongType("query_time") }
            guard Self.instants.contains(ms) else { throw .outOfRange("query_time", Self.instantsText) }
            at = Date(timeIntervalSince1970: Double(ms) / 1000)
        }
        // The calendar month of `at`, in the service time zone.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = configuration.serviceTimeZone
        let month = calendar.dateInterval(of: .month, for: at) ?? DateInterval(start: at, duration: 0)
        let from = Int64(month.start.timeIntervalSince1970 * 1000)
        let to = Int64(month.end.timeIntervalSince1970 * 1000) - 1
        // The record and its counters from one read transaction.
        let found = try await read { db -> SyncTaskInfo? in
            guard let record = try SandboxStore.syncTask(id: id, db: db) else { return nil }
            func total(_ type: SyncStatisticType) throws -> Int64 {
                try SandboxStore.counts(type, task: id, from: from, to: to, db: db).reduce(0) { $0 + $1.num }
            }
            var info = record.info()
            info.monthlyAcceptanceRequest = try total(.request)
            info.monthlySuccessObject = try total(.success)
            info.monthlyFailureObject = try total(.failure)
            info.monthlySkipObject = try total(.skip)
            info.monthlySize = try total(.size)
            return info
        }
        guard let info = found else { throw .noSuchSyncTask() }
        return info
    }

    func deleteSyncTask(_ id: String) async throws(SandboxError) {
        let store = self.store
        try await write { db in
            guard try SandboxStore.syncTask(id: id, db: db) != nil else { throw SandboxError.noSuchSyncTask() }
            try store.deleteSyncTask(id: id, db: db)
        }
    }

    func stopSyncTask(_ id: String) async throws(SandboxError) {
        try await updateSyncTask(id) { record in
            guard record.status == .synchronizing else {
                throw SandboxError.badRequest(.taskNotInProgress, "The synchronization task is not synchronizing.")
            }
            record.status = .stopped
        }
    }

    func startSyncTask(_ id: String, _ body: Data) async throws(SandboxError) {
        let request = try Self.decode(StartSyncTaskReq.self, body)
        for (field, value) in [("src_ak", request.srcAk), ("src_sk", request.srcSk), ("dst_ak", request.dstAk), ("dst_sk", request.dstSk)]
        where (value ?? "").isEmpty {
            throw .missing(field)
        }
        let now = clock.now
        try await updateSyncTask(id) { record in
            guard record.status == .stopped else {
                throw SandboxError.badRequest(.taskAlreadyStarted, "The synchronization task is already synchronizing.")
            }
            record.status = .synchronizing
            record.lastStartedAt = now
            record.request.srcAk = request.srcAk
            record.request.srcSk = request.srcSk
            record.request.dstAk = request.dstAk
            record.request.dstSk = request.dstSk
            if let key = request.sourceCdnAuthenticationKey { record.request.sourceCdn?.authenticationKey = key }
        }
    }

    private func updateSyncTask(_ id: String, _ change: @Sendable @escaping (inout SyncTaskRecord) throws -> Void) async throws(SandboxError) {
        let store = self.store
        try await write { db in
            guard var record = try SandboxStore.syncTask(id: id, db: db) else { throw SandboxError.noSuchSyncTask() }
            try change(&record)
            try store.save(record, db: db)
        }
    }

    // MARK: Events and statistics

    /// Copies each named object now (while the task synchronizes) and counts it.
    func createSyncEvents(_ id: String, _ body: Data) async throws(SandboxError) {
        let request = try Self.decode(SyncObjectReq.self, body)
        guard let encoded = request.objectKeys, !encoded.isEmpty else { throw .missing("object_keys") }
        guard encoded.count <= SyncObjectReq.maximumKeys else {
            throw .outOfRange("object_keys", "at most \(SyncObjectReq.maximumKeys) keys")
        }
        var keys: [String] = []
        for text in encoded {
            guard let key = text.removingPercentEncoding, !key.isEmpty, StorageNames.keyProblem(key) == nil, !StorageNames.namesFolder(key) else {
                throw .outOfRange("object_keys", "'\(text)' is not a URL-encoded object key")
            }
            keys.append(key)
        }
        try await syncEvents(id, keys: keys)
    }

    /// Copies and counts decoded keys (the events API and the watcher).
    func syncEvents(_ id: String, keys: [String]) async throws(SandboxError) {
        let now = clock.now
        let store = self.store
        let buckets = self.buckets
        let decoded = keys
        try await write { db in
            guard let record = try SandboxStore.syncTask(id: id, db: db) else { throw SandboxError.noSuchSyncTask() }
            guard record.status == .synchronizing else {
                throw SandboxError.badRequest(.taskNotInProgress, "The synchronization task is stopped; start it before sending events.")
            }
            try store.count(.request, Int64(decoded.count), task: id, at: now, db: db)
            for key in decoded {
                switch SyncCopier(buckets: buckets, request: record.request).copy(key) {
                case .copied(let bytes):
                    try store.count(.success, 1, task: id, at: now, db: db)
                    try store.count(.size, bytes, task: id, at: now, db: db)
                case .skipped: try store.count(.skip, 1, task: id, at: now, db: db)
                case .failed: try store.count(.failure, 1, task: id, at: now, db: db)
                }
            }
        }
    }

    func syncTaskStatistics(_ id: String, dataTypes: String?, start: String?, end: String?) async throws(SandboxError) -> SyncTaskStatisticsResp {
        guard let dataTypes, !dataTypes.isEmpty else { throw .missing("data_type") }
        guard let start else { throw .missing("start_time") }
        guard let end else { throw .missing("end_time") }
        guard let from = Int64(start) else { throw .wrongType("start_time") }
        guard let to = Int64(end) else { throw .wrongType("end_time") }
        // Bounded so that the period arithmetic below cannot overflow.
        guard Self.instants.contains(from) else { throw .outOfRange("start_time", Self.instantsText) }
        guard Self.instants.contains(to) else { throw .outOfRange("end_time", Self.instantsText) }
        guard from <= to else { throw .outOfRange("start_time", "not after end_time") }
        var types: [SyncStatisticType] = []
        for name in dataTypes.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let type = SyncStatisticType(rawValue: name)
            guard SyncStatisticType.documented.contains(type) else { throw .outOfRange("data_type", "'\(name)' is not REQUEST, SUCCESS, FAILURE, SKIP or SIZE") }
            if !types.contains(type) { types.append(type) }
        }
        // Up to a day: five-minute periods; longer: hours.
        let hourly = to - from > 86_400_000
        let period: Int64 = hourly ? 3_600_000 : SandboxStore.statisticPeriod
        let first = from - ((from % SandboxStore.statisticPeriod) + SandboxStore.statisticPeriod) % SandboxStore.statisticPeriod
        let wanted = types
        // The task and its counts from one read transaction; nil: no such task.
        let found = try await read { db -> [[(period: Int64, num: Int64)]]? in
            guard try SandboxStore.syncTask(id: id, db: db) != nil else { return nil }
            return try wanted.map { type in try SandboxStore.counts(type, task: id, from: first, to: to, db: db) }
        }
        guard let counted = found else { throw .noSuchSyncTask() }
        var series: [SyncTaskStatisticsResp.Series] = []
        for (type, rows) in zip(types, counted) {
            var sums: [Int64: Int64] = [:]
            for row in rows { sums[row.period - ((row.period % period) + period) % period, default: 0] += row.num }
            series.append(.init(dataType: type, data: sums.keys.sorted().map { .init(timeStamp: $0, statisticNum: sums[$0]!) }))
        }
        return SyncTaskStatisticsResp(syncTaskId: id, statisticTimeType: hourly ? "ONE_HOUR" : "FIVE_MINUTES", statisticDatas: series)
    }
}

/// One event key: from the source bucket to the same key in the destination, skipped when the
/// destination already has it (same size and not older, to the nanosecond; same bytes with
/// `consistency_check: crc64`).
struct SyncCopier {
    enum Outcome { case copied(Int64), skipped, failed }
    let buckets: LocalBuckets
    let request: CreateSyncTaskReq

    func copy(_ key: String) -> Outcome {
        let cloud = request.srcCloudType ?? .aliyun
        let source = (cloud, request.srcRegion ?? "", request.srcBucket ?? "")
        let destination = (CloudType.huaweiCloud, request.dstRegion ?? "", request.dstBucket ?? "")
        do {
            try buckets.authorize(cloud: source.0, region: source.1, bucket: source.2, ak: request.srcAk, sk: request.srcSk, from: .stored)
            try buckets.authorize(cloud: destination.0, region: destination.1, bucket: destination.2, ak: request.dstAk, sk: request.dstSk, from: .stored)
        } catch {
            return .failed
        }
        guard let original = buckets.object(cloud: source.0, region: source.1, bucket: source.2, key: key) else { return .failed }
        // Sync tasks compare size and last-modified, or the bytes with `consistency_check: crc64`.
        let mode: ObjectOverwriteMode = request.consistencyCheck?.canonical == .crc64
            ? .crc64ComparisonOverwrite : .sizeLastModifiedComparisonOverwrite
        if buckets.alreadyCopied(from: (source.0, source.1, source.2, key), to: (destination.0, destination.1, destination.2, key), mode: mode) {
            return .skipped
        }
        do {
            try buckets.copy(from: (source.0, source.1, source.2, key), to: (destination.0, destination.1, destination.2, key), time: original.time)
            return .copied(original.size)
        } catch {
            return .failed
        }
    }
}
