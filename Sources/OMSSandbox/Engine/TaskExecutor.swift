import Foundation
import OMSModels

/// Moves one task forward in sandbox time: lists its source on first run, then copies bytes
/// no faster than the bandwidth rule in effect allows, and settles it as Succeeded or Failed
/// (recording its objects in the destination, as OMS does).
struct TaskExecutor: Sendable {
    let buckets: LocalBuckets
    let timeZone: TimeZone
    /// This sandbox's own base URL: URL lists may name the host `oms-sandbox` to mean it.
    var selfBaseURL: @Sendable () -> String? = { nil }
    static let selfHost = ObjectCopier.selfHost

    var copier: ObjectCopier { ObjectCopier(buckets: buckets, selfBaseURL: selfBaseURL) }
    var recorder: ObjectRecorder { ObjectRecorder(buckets: buckets, timeZone: timeZone) }

    /// Advances `task` (status Migrating) to `now`; `rules` are the on-demand object failures
    /// (a `times` rule's spent failures are collected in it).
    func advance(_ task: inout TaskRecord, to now: Date, rules: inout ObjectFailureRules) async {
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
        let copier = self.copier
        var archive: LocalBuckets.ArchiveClass?
        for index in objects.indices where objects[index].state == .pending {
            if objects[index].copied == 0 {
                if let skip = shouldSkip(objects[index], task.request), skip {
                    objects[index].state = .skipped
                    objects[index].skipReason = .alreadyAtDestination
                    continue
                }
                let source = task.request.srcNode
                if archive == nil {
                    archive = buckets.archiveClass(cloud: source.cloudType ?? .aliyun, region: source.region ?? "", bucket: source.bucket ?? "")
                }
                if let failure = copier.begin(&objects[index], task.request, archive: archive ?? .init(), rules: &rules, at: now) {
                    objects[index].state = .failed
                    objects[index].failure = failure
                    continue
                }
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
            switch await copier.finish(objects[index], task.request, at: now) {
            case .success(let bytes):
                objects[index].state = .succeeded
                // URL-list sizes are known only once fetched.
                if objects[index].size == 0 {
                    objects[index].size = bytes
                    objects[index].copied = bytes
                }
            case .failure(let failure):
                objects[index].state = .failed
                objects[index].failure = failure
            }
            objects[index].transferOf = nil
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
        if task.objects?.contains(where: { $0.state == .failed }) == true {
            task.status = .failed
            task.errorReason = MigrationFailure.someObjectsFailed.reason
        } else {
            task.status = .succeeded
            task.errorReason = nil
        }
        recorder.record(&task, at: now)
        task.speed = 0
        stopClock(&task, at: now)
    }

    private func stopClock(_ task: inout TaskRecord, at now: Date) {
        task.elapsedBefore = task.runMilliseconds(now: now)
        task.startedAt = nil
        task.finishedAt = now
        task.byteCredit = 0
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
}
