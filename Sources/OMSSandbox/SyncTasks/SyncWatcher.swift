import Foundation
import ServiceLifecycle
import Synchronization

/// `sandbox serve --watch-sync`: raises sync events by itself, as a source cloud's event
/// notifications would, so that a local demo syncs without any wiring. Every second it looks
/// at the source bucket of each synchronizing sync task and sends, ten keys an event, every
/// object that is new or changed since it was last sent (size or exact mtime), or, the first
/// time it sees a key, that the destination does not hold yet. What the copy
/// then does (copy, skip, fail) is counted like any event.
final class SyncWatcher: Service {
    let service: SandboxService
    let buckets: LocalBuckets
    let interval: Duration = .seconds(1)
    /// Per sync task: the size and time each key had when it was last sent.
    private let sent = Mutex<[String: [String: LocalBuckets.Object]]>([:])

    init(service: SandboxService, buckets: LocalBuckets) {
        self.service = service
        self.buckets = buckets
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.scan()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    func scan() async {
        let synchronizing = try? await service.read { db in
            try SandboxStore.syncTasks(limit: Int(Int32.max), offset: 0, status: .synchronizing, db: db).records
        }
        guard let tasks = synchronizing else { return }
        for task in tasks {
            let r = task.request
            let objects = buckets.list(cloud: r.srcCloudType ?? .aliyun, region: r.srcRegion ?? "", bucket: r.srcBucket ?? "")
            let known = sent.withLock { $0[task.id] ?? [:] }
            // A key first seen by this watcher (a new sync task, or a new process: the embedded
            // sandbox watches only while a command runs) is sent only when the destination does
            // not already hold it; otherwise every start would send the whole bucket again.
            let source = (r.srcCloudType ?? .aliyun, r.srcRegion ?? "", r.srcBucket ?? "")
            let changed = objects.filter { object in
                if let previous = known[object.key] { return previous != object }
                return !buckets.alreadyCopied(
                    from: (source.0, source.1, source.2, object.key), to: (.huaweiCloud, r.dstRegion ?? "", r.dstBucket ?? "", object.key),
                    mode: .sizeLastModifiedComparisonOverwrite)
            }
            let changedKeys = Set(changed.map(\.key))
            let unchanged = objects.filter { known[$0.key] == nil && !changedKeys.contains($0.key) }
            if !unchanged.isEmpty { sent.withLock { sent in for object in unchanged { sent[task.id, default: [:]][object.key] = object } } }
            guard !changed.isEmpty else { continue }
            for start in stride(from: 0, to: changed.count, by: 10) {
                let batch = Array(changed[start..<min(changed.count, start + 10)])
                // A task stopped or deleted meanwhile refuses: try again on a later scan.
                guard (try? await service.syncEvents(task.id, keys: batch.map(\.key))) != nil else { break }
                sent.withLock { sent in for object in batch { sent[task.id, default: [:]][object.key] = object } }
            }
        }
    }
}
