import Foundation
import MigrationPlan
import OMSClient

/// What a synchronization task has been doing: the month's counters from show, and the last
/// hour from the statistics API. Not part of `LiveState` (two more calls per sync task), so
/// `status` reads it only for the synchronization tasks it shows.
public struct SyncActivity: Sendable, Codable, Hashable {
    /// This calendar month: event keys received, objects copied, failed, skipped, bytes.
    public var eventsReceived: Int64
    public var succeeded: Int64
    public var failed: Int64
    public var skipped: Int64
    public var bytesThisMonth: Int64
    /// The last hour (statistics in five-minute periods).
    public var eventsLastHour: Int64
    public var bytesLastHour: Int64

    public init(eventsReceived: Int64 = 0, succeeded: Int64 = 0, failed: Int64 = 0, skipped: Int64 = 0, bytesThisMonth: Int64 = 0,
                eventsLastHour: Int64 = 0, bytesLastHour: Int64 = 0) {
        self.eventsReceived = eventsReceived
        self.succeeded = succeeded
        self.failed = failed
        self.skipped = skipped
        self.bytesThisMonth = bytesThisMonth
        self.eventsLastHour = eventsLastHour
        self.bytesLastHour = bytesLastHour
    }

    /// Show (the month) and statistics (the hour before `now`) of one synchronization task.
    public static func read(from client: OMSClient, id: String, now: Date = Date()) async throws(OMSClientError) -> SyncActivity {
        let end = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        let month = try await client.showSyncTask(id: id)
        let hour = try await client.listSyncTaskStatistics(id: id, dataTypes: [.request, .size], from: end - 3_600_000, to: end)
        func total(_ type: SyncStatisticType) -> Int64 {
            (hour.statisticDatas ?? []).filter { $0.dataType == type }.flatMap { $0.data ?? [] }.reduce(0) { $0 + ($1.statisticNum ?? 0) }
        }
        return SyncActivity(
            eventsReceived: month.monthlyAcceptanceRequest ?? 0, succeeded: month.monthlySuccessObject ?? 0,
            failed: month.monthlyFailureObject ?? 0, skipped: month.monthlySkipObject ?? 0, bytesThisMonth: month.monthlySize ?? 0,
            eventsLastHour: total(.request), bytesLastHour: total(.size))
    }
}

extension StatusReport {
    /// Fills in the activity of every synchronization task in the report (a few at a time).
    /// A task whose activity cannot be read keeps none; the rest of the report stands.
    public mutating func readSyncActivity(from client: OMSClient, now: Date = Date()) async {
        let wanted = entries.indices.compactMap { i -> (Int, String)? in
            guard entries[i].kind == ResourceKind.migrationSyncTask.rawValue, let id = entries[i].liveId else { return nil }
            return (i, id)
        }
        guard !wanted.isEmpty else { return }
        await withTaskGroup(of: (Int, SyncActivity?).self) { group in
            var next = 0
            func startOne() {
                guard next < wanted.count else { return }
                let (index, id) = wanted[next]
                next += 1
                group.addTask { (index, try? await SyncActivity.read(from: client, id: id, now: now)) }
            }
            for _ in 0..<min(8, wanted.count) { startOne() }
            while let (index, activity) = await group.next() {
                if let activity {
                    entries[index].sync = activity
                    entries[index].objectsDone = activity.succeeded + activity.skipped
                    entries[index].objectsFailed = activity.failed
                    entries[index].speed = activity.bytesLastHour / 3600
                }
                startOne()
            }
        }
    }
}
