import Foundation
import MigrationPlan
import OMSClient
import OMSModels

/// What a change does to when a resource finishes, for the reviewer of a diff.
public struct ChangeForecast: Hashable, Sendable, Codable {
    /// The forecast finish with the plan applied.
    public var finish: Date?
    /// The forecast finish as OMS stands (the live rules kept every day): set when the change
    /// moves it (a bandwidth change).
    public var previousFinish: Date?
    public var reason: String
    /// Bytes to copy: what a create's source listing found, or what is left of a live one.
    public var bytes: Int64?
    /// The listing stopped at its call budget: the size, and the finish, are at least these.
    public var isLowerBound: Bool
    public var deadline: Date?
    /// Seconds to spare before the deadline; negative: the forecast misses it.
    public var deadlineSlack: Double?
}

/// Adds forecasts to the changes of a diff: creates (size from listing their source through
/// OMS's bucket operations, within a budget of calls), bandwidth updates (how the finish moves)
/// and anything with a deadline.
public struct ChangeForecasts: Sendable {
    /// Listing calls one create may spend on its source.
    public static let callsPerCreate = 20
    /// Creates whose sources a diff lists: the first ones in address order, all at once, so a
    /// diff adds at most one create's listing time and 400 calls, and says the same each run.
    /// Twenty: four rounds of OMS's 5 slots in one region are forecast whole.
    public static let sizedCreates = 20

    let client: OMSClient
    let history: ObservationHistory
    let now: Date

    public init(client: OMSClient, history: ObservationHistory, now: Date) {
        self.client = client
        self.history = history
        self.now = now
    }

    public func add(to report: inout ChangeReport, desired: DesiredState, live: LiveState) async {
        let zone = desired.stack.serviceZone
        // The common diff (nothing created, no windows changed, no deadlines) costs nothing here.
        let hasDeadlines = desired.stack.deadline != nil || desired.resources.values.contains { resource in
            switch resource {
            case .task(let task): task.deadline != nil
            case .taskGroup(let group): group.deadline != nil
            default: false
            }
        }
        guard hasDeadlines || report.changes.contains(where: {
            $0.action == .create || $0.action == .replace || $0.fields.contains { $0.path == "bandwidth" }
        }) else { return }
        // Live resources by id, for the changes that name one (built once, only when needed).
        var liveById: [String: LiveResource] = [:]
        for task in live.tasks { liveById[String(task.liveId)] = .task(task) }
        for group in live.groups { liveById[group.liveId] = .group(group) }
        let sizes = await sizeCreates(report, desired: desired)
        let cache = FinishForecaster.SegmentCache()
        let starts = slotStarts(report, desired: desired, sizes: sizes, zone: zone, cache: cache)
        for index in report.changes.indices {
            let change = report.changes[index]
            guard change.address.duplicateId == nil, let resource = desired[change.address.address]?.omsResource,
                Kinds.adapter(for: resource.address.kind).finishes
            else { continue }
            var forecast: ChangeForecast?
            if change.action == .create || change.action == .replace {
                forecast = creation(resource, size: sizes[index], zone: zone, start: starts[index] ?? now)
            } else if let id = change.liveId, let liveResource = liveById[id] {
                // Only what a reviewer needs: a bandwidth change moves the finish, a deadline is
                // met or not. (A diff of 10,000 unchanged tasks computes no forecast at all.)
                let movesBandwidth = change.fields.contains { $0.path == "bandwidth" }
                guard movesBandwidth || resource.deadline != nil else { continue }
                let status = LiveStatus(liveResource)
                guard !status.isComplete else { continue }
                let (done, total, speed) = Self.progress(liveResource)
                guard total > 0 else { continue }
                let left = max(0, total - done)
                var capacity = history.capacity(
                    of: change.address.description, schedule: resource.bandwidthWindows, serviceTimezone: zone, cache: cache)
                if capacity == nil, speed > 0, resource.bandwidthWindows == nil { capacity = speed }
                let after = FinishForecaster.forecast(
                    bytesLeft: left, from: now,
                    profile: .init(schedule: resource.bandwidthWindows, serviceTimezone: zone, capacity: capacity), cache: cache)
                var f = ChangeForecast(finish: after.finish, reason: after.reason, bytes: left, isLowerBound: false)
                if movesBandwidth {
                    let liveSchedule = Self.schedule(of: status.bandwidth ?? [])
                    let before = FinishForecaster.forecast(
                        bytesLeft: left, from: now, profile: .init(schedule: liveSchedule, serviceTimezone: zone, capacity: capacity), cache: cache)
                    f.previousFinish = before.finish
                }
                forecast = f
            }
            guard var forecast else { continue }
            if let deadline = resource.deadline {
                forecast.deadline = deadline
                forecast.deadlineSlack = forecast.finish.map { deadline.timeIntervalSince($0) }
            }
            report.changes[index].forecast = forecast
            report.changes[index].reasons.append(.forecast(forecast, serviceTimezone: desired.stack.serviceTimezone))
        }
    }

    /// Sizes of the first `sizedCreates` creates and replacements, by change index.
    private func sizeCreates(_ report: ChangeReport, desired: DesiredState) async -> [Int: SizeEstimate] {
        let chosen = report.changes.indices.filter { index in
            let change = report.changes[index]
            return (change.action == .create || change.action == .replace) && change.address.duplicateId == nil
                && Kinds.adapter(for: change.address.address.kind).finishes && desired[change.address.address] != nil
        }.prefix(Self.sizedCreates)
        let sizer = SourceSizer(client: client, calls: Self.callsPerCreate)
        return await withTaskGroup(of: (Int, SizeEstimate?).self) { group in
            for index in chosen {
                guard let resource = desired[report.changes[index].address.address]?.omsResource else { continue }
                group.addTask { (index, await sizer.size(of: resource)) }
            }
            var sizes: [Int: SizeEstimate] = [:]
            for await (index, size) in group { sizes[index] = size }
            return sizes
        }
    }

    /// When each sized create gets one of OMS's slots in its destination region
    /// (`RegionSlotQueue`): the creates queue behind each other, by priority, then in the
    /// diff's order. (What already runs in OMS is not counted: `status` counts it.)
    private func slotStarts(
        _ report: ChangeReport, desired: DesiredState, sizes: [Int: SizeEstimate], zone: ScheduleTimeZone, cache: FinishForecaster.SegmentCache
    ) -> [Int: Date] {
        var queue = RegionSlotQueue(now: now)
        let creates = sizes.keys.compactMap { index -> (rank: Int, index: Int, resource: any DesiredOMSResource)? in
            guard let resource = desired[report.changes[index].address.address]?.omsResource, resource.state != .paused else { return nil }
            return (RegionSlotQueue.rank(resource.taskPriority ?? MigrationOptions.defaultTaskPriority), index, resource)
        }.sorted { ($0.rank, $0.index) < ($1.rank, $1.index) }
        var starts: [Int: Date] = [:]
        for create in creates {
            let region = RegionSlotQueue.region(of: create.resource)
            let start = queue.start(in: region, earliest: now)
            let f = FinishForecaster.forecast(
                bytesLeft: sizes[create.index]?.bytes ?? 0, from: start,
                profile: .init(schedule: create.resource.bandwidthWindows, serviceTimezone: zone, capacity: nil), cache: cache)
            queue.hold(in: region, until: f.finish)
            starts[create.index] = start
        }
        return starts
    }

    private func creation(_ resource: any DesiredOMSResource, size: SizeEstimate?, zone: ScheduleTimeZone, start: Date) -> ChangeForecast? {
        guard let size else {
            return resource.deadline == nil ? nil : ChangeForecast(reason: "its size is not known until it is created", isLowerBound: false)
        }
        if resource.state == .paused {
            return ChangeForecast(reason: "created paused (state: paused): no finish until the plan lets it run", bytes: size.bytes,
                                  isLowerBound: size.isLowerBound)
        }
        let f = FinishForecaster.forecast(
            bytesLeft: size.bytes, from: start, profile: .init(schedule: resource.bandwidthWindows, serviceTimezone: zone, capacity: nil),
            lowerBound: size.isLowerBound)
        var reason = f.reason
        if start > now {
            reason = "waits for a slot in \(RegionSlotQueue.region(of: resource)) (OMS runs \(RegionSlotQueue.slotsPerRegion) tasks at once per region) until "
                + FinishForecaster.wallClock(start, zone) + ", then " + reason
        }
        return ChangeForecast(finish: f.finish, reason: reason, bytes: size.bytes, isLowerBound: size.isLowerBound)
    }

    /// The rules OMS holds, kept every day: what happens if nobody changes them.
    static func schedule(of rules: [BandwidthPolicy]) -> BandwidthScheduleDefinition? {
        let windows = rules.compactMap { rule -> BandwidthWindow? in
            guard let start = rule.start.flatMap({ BandwidthFormat.parseTime($0, allow24: false) }),
                let end = rule.end.flatMap({ BandwidthFormat.parseTime($0, allow24: true) }), let limit = rule.maxBandwidth
            else { return nil }
            return BandwidthWindow(startMinute: start, endMinute: end == 1439 ? 1440 : end, limit: limit)
        }
        return windows.isEmpty ? nil : BandwidthScheduleDefinition(windows: windows)
    }

    static func progress(_ live: LiveResource) -> (done: Int64, total: Int64, speed: Int64) {
        Kinds.adapter(for: live).progress(live)
    }

    /// `forecast finish 2026-12-02 20:00 +08:00 (was 2026-12-05 10:00 +08:00): why; deadline ...`
    static func sentence(_ f: ChangeForecast, zone: String) -> String {
        var text = "forecast: "
        if let bytes = f.bytes { text += (f.isLowerBound ? "at least " : "") + ByteCount.format(bytes) + " to copy, " }
        if let finish = f.finish {
            text += "finishes " + (f.isLowerBound ? "no earlier than " : "~") + StatusTextRenderer.clock(finish, zone)
            if let before = f.previousFinish, before != finish {
                text += " (was ~\(StatusTextRenderer.clock(before, zone)), \(finish < before ? "earlier" : "later") by "
                    + StatusTextRenderer.duration(Int64(abs(before.timeIntervalSince(finish)))) + ")"
            }
            text += " (\(f.reason))"
        } else {
            text += "no finish time (\(f.reason))"
        }
        if let deadline = f.deadline {
            text += "; deadline \(StatusTextRenderer.clock(deadline, zone))"
            if let slack = f.deadlineSlack {
                text += slack >= 0 ? ", \(StatusTextRenderer.duration(Int64(slack))) to spare"
                    : ", MISSED by \(StatusTextRenderer.duration(Int64(-slack)))"
            }
        }
        return text
    }
}

/// Sizes a create's source through `POST .../objectstorage/buckets/objects` (folders listed one
/// level per call, sizes as OMS prints them, `73.59 MB`), within a budget of calls per create;
/// what the budget cuts short is a lower bound, said as such.
struct SourceSizer: Sendable {
    let client: OMSClient
    /// Listing calls per create.
    let calls: Int

    /// nil when it cannot be sized here: list tasks (OMS reads the list), no source keys, or
    /// the listing was refused.
    func size(of resource: any DesiredOMSResource) async -> SizeEstimate? {
        let source: (cloud: CloudType, region: String, bucket: String, ak: String?, sk: String?, appId: String?, keys: [String], objects: Bool)
        switch resource {
        case let task as DesiredTask:
            let type = (task.request.taskType ?? .object).canonical
            guard type == .prefix || type == .object, let body = try? task.requestWithSecrets() else { return nil }
            let s = body.srcNode
            source = (s.cloudType ?? .aliyun, s.region ?? "", s.bucket ?? "", s.ak, s.sk, s.appId, s.objectKey ?? [], type == .object)
        case let group as DesiredTaskGroup:
            guard (group.request.taskType ?? .prefix).canonical == .prefix, let body = try? group.requestWithSecrets() else { return nil }
            let s = body.srcNode
            source = (s.cloudType ?? .aliyun, s.region ?? "", s.bucket ?? "", s.ak, s.sk, s.appId, s.objectKey ?? [""], false)
        default:
            return nil
        }
        var total: Int64 = 0
        var calls = self.calls
        var cut = false
        for key in source.keys {
            let prefix = key
            let exact = source.objects && !key.hasSuffix("/")
            let start = prefix.hasSuffix("/") ? prefix : String(prefix[..<(prefix.lastIndex(of: "/").map { prefix.index(after: $0) } ?? prefix.startIndex)])
            var folders = [start]
            while !folders.isEmpty && !cut {
                let folder = folders.removeFirst()
                var marker = ""
                while true {
                    guard calls > 0 else {
                        cut = true
                        break
                    }
                    calls -= 1
                    let page: ListBucketObjectsResp
                    do {
                        page = try await client.listBucketObjects(ListBucketObjectsReq(
                            cloudType: source.cloud, bucketName: source.bucket, dataCenter: source.region, filePath: folder,
                            pageSize: 100, behindFilename: marker, ak: source.ak, sk: source.sk, appId: source.appId))
                    } catch {
                        return nil
                    }
                    for record in page.records ?? [] {
                        guard let name = record.name else { continue }
                        if record.size == "--" || name.hasSuffix("/") {
                            if !exact && (name.hasPrefix(prefix) || prefix.hasPrefix(name)) && name != folder { folders.append(name) }
                        } else if exact ? name == key : name.hasPrefix(prefix) {
                            // Sizes are OMS's text: a sum past Int64 stays at its largest value.
                            let (sum, overflow) = total.addingReportingOverflow(Self.bytes(record.size ?? "") ?? 0)
                            total = overflow ? .max : sum
                        }
                    }
                    guard page.nextPage == true, let next = page.nextMarker, !next.isEmpty else { break }
                    marker = next
                }
            }
            if cut { break }
        }
        return SizeEstimate(bytes: total, isLowerBound: cut)
    }

    /// `73.59 MB` -> bytes (1024-based, as OMS prints them); nil for `--` or text it cannot read.
    static func bytes(_ text: String) -> Int64? {
        let parts = text.split(separator: " ")
        guard let number = parts.first.flatMap({ Double($0) }), number.isFinite, number >= 0 else { return nil }
        let unit = parts.count > 1 ? parts[1].uppercased().replacingOccurrences(of: "I", with: "") : "B"
        let power: Double
        switch unit {
        case "B": power = 0
        case "KB", "K": power = 1
        case "MB", "M": power = 2
        case "GB", "G": power = 3
        case "TB", "T": power = 4
        case "PB", "P": power = 5
        default: return nil
        }
        // `1e300 PB` or `nan` from an answer must not trap the conversion.
        let bytes = (number * pow(1024, power)).rounded()
        guard bytes.isFinite, bytes < 9.2e18 else { return nil }
        return Int64(bytes)
    }
}
