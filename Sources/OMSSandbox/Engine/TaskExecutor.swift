import AsyncHTTPClient
import Foundation
import NIOCore
import OMSModels

/// Moves one task forward in sandbox time: lists its source on first run, then copies bytes
/// no faster than the bandwidth rule in effect allows, and settles it as Succeeded or Failed.
struct TaskExecutor: Sendable {
    let buckets: LocalBuckets
    let timeZone: TimeZone
    /// This sandbox's own base URL: URL lists may name the host `oms-sandbox` to mean it.
    var selfBaseURL: @Sendable () -> String? = { nil }
    static let selfHost = "oms-sandbox"

    /// Advances `task` (status Migrating) to `now`.
    func advance(_ task: inout TaskRecord, to now: Date) async {
        let from = task.lastStepAt ?? now
        // A pass that waited behind another may carry an older instant: time never runs back.
        // Stored instants round-trip through floating milliseconds, so anything under a
        // millisecond is no time at all (it would otherwise record a speed of zero).
        guard now.timeIntervalSince(from) >= 0.001 || task.objects == nil else { return }
        task.lastStepAt = max(now, from)
        if task.objects == nil {
            do {
                task.objects = try SourcePlanner(buckets: buckets).plan(task.request)
            } catch {
                fail(&task, error, at: now)
                return
            }
        }
        let schedule = BandwidthSchedule(rules: task.bandwidth, timeZone: timeZone)
        var credit = task.byteCredit + schedule.allowance(from: from, to: now)
        var moved: Int64 = 0
        guard var objects = task.objects else { return }
        for index in objects.indices where objects[index].state == .pending {
            if objects[index].copied == 0, let skip = shouldSkip(objects[index], task.request), skip {
                objects[index].state = .skipped
                continue
            }
            let needed = Double(objects[index].size - objects[index].copied)
            if needed > credit {
                let part = Int64(credit)
                objects[index].copied += part
                moved += part
                credit -= Double(part)
                break
            }
            credit -= needed
            moved += Int64(needed)
            objects[index].copied = objects[index].size
            if let bytes = await copy(objects[index], task.request) {
                objects[index].state = .succeeded
                // URL-list sizes are known only once fetched.
                if objects[index].size == 0 {
                    objects[index].size = bytes
                    objects[index].copied = bytes
                }
            } else {
                objects[index].state = .failed
            }
        }
        task.objects = objects
        let elapsed = now.timeIntervalSince(from)
        if elapsed >= 0.001 { task.speed = Int64(Double(moved) / elapsed) }
        // Unused allowance is not banked beyond one second's worth: an idle limit must not
        // turn into a burst later.
        task.byteCredit = min(credit, schedule.limit(at: now))
        if !objects.contains(where: { $0.state == .pending }) { finish(&task, at: now) }
    }

    func fail(_ task: inout TaskRecord, _ failure: MigrationFailure, at now: Date) {
        task.status = .failed
        task.errorReason = failure.reason
        stopClock(&task, at: now)
    }

    private func finish(_ task: inout TaskRecord, at now: Date) {
        let failed = task.objects?.filter { $0.state == .failed } ?? []
        if failed.isEmpty {
            task.status = .succeeded
            task.errorReason = nil
        } else {
            task.status = .failed
            task.errorReason = MigrationFailure.someObjectsFailed.reason
            if task.request.options.withOMSDefaults.enableFailedObjectRecording == true { recordFailures(&task, failed, at: now) }
        }
        task.speed = 0
        stopClock(&task, at: now)
    }

    private func stopClock(_ task: inout TaskRecord, at now: Date) {
        task.elapsedBefore = task.runMilliseconds(now: now)
        task.startedAt = nil
        task.finishedAt = now
        task.byteCredit = 0
    }

    /// Writes the failed keys into the destination bucket, as OMS does.
    private func recordFailures(_ task: inout TaskRecord, _ failed: [PlannedObject], at now: Date) {
        let key = "oms/failed_object_lists/\(task.name)/\(Int64(now.timeIntervalSince1970 * 1000))_failed.txt"
        let text = failed.map(\.source).joined(separator: "\n") + "\n"
        do {
            try buckets.write(
                cloud: .huaweiCloud, region: task.request.dstNode.region ?? "", bucket: task.request.dstNode.bucket ?? "",
                key: key, data: Data(text.utf8), modified: now)
            task.failedObjectRecord = FailedObjectRecord(result: true, listFileKey: key, errorCode: "")
        } catch {
            task.failedObjectRecord = FailedObjectRecord(result: false, listFileKey: "", errorCode: OMSErrorCode.failedObjectRecordNotSaved.rawValue)
        }
    }

    /// Whether the destination already has this object, per the overwrite mode.
    private func shouldSkip(_ object: PlannedObject, _ request: CreateTaskReq) -> Bool? {
        guard (request.taskType ?? .object) != .urlList else { return false }
        let source = request.srcNode
        return buckets.alreadyCopied(
            from: (source.cloudType ?? .aliyun, source.region ?? "", source.bucket ?? "", object.source),
            to: (.huaweiCloud, request.dstNode.region ?? "", request.dstNode.bucket ?? "", object.destination),
            mode: request.options.withOMSDefaults.objectOverwriteMode ?? .sizeLastModifiedComparisonOverwrite)
    }

    /// Copies one object and returns its size; nil when the source cannot be read (it then
    /// counts as failed).
    private func copy(_ object: PlannedObject, _ request: CreateTaskReq) async -> Int64? {
        let destination = (CloudType.huaweiCloud, request.dstNode.region ?? "", request.dstNode.bucket ?? "", object.destination)
        if (request.taskType ?? .object) == .urlList {
            guard let data = await fetch(object.source),
                (try? buckets.write(cloud: destination.0, region: destination.1, bucket: destination.2, key: destination.3, data: data, modified: nil)) != nil
            else { return nil }
            return Int64(data.count)
        }
        let source = request.srcNode
        let cloud = source.cloudType ?? .aliyun
        guard let original = buckets.object(cloud: cloud, region: source.region ?? "", bucket: source.bucket ?? "", key: object.source) else {
            return nil
        }
        do {
            try buckets.copy(from: (cloud, source.region ?? "", source.bucket ?? "", object.source), to: destination, time: original.time)
            return original.size
        } catch {
            return nil
        }
    }

    /// Fetches a URL-list entry; only loopback hosts, so the sandbox never reaches the network.
    private func fetch(_ url: String) async -> Data? {
        var url = url
        if let parsed = URL(string: url), parsed.host == Self.selfHost, let base = selfBaseURL() {
            url = base + parsed.path
        }
        guard let parsed = URL(string: url), let host = parsed.host, ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) else {
            return nil
        }
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            guard response.status.code == 200 else { return nil }
            let body = try await response.body.collect(upTo: 256 * 1024 * 1024)
            return Data(body.readableBytesView)
        } catch {
            return nil
        }
    }
}
