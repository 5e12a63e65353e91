import Foundation
import MigrationPlan
import OMSClient

/// Progress of every managed task, group and synchronization task: what `status` and
/// `apply --wait` show.
public struct StatusReport: Sendable, Codable {
    /// Where a resource stands, for decisions (forecasts, exit codes, colours); `status` is
    /// OMS's own word, for people.
    public enum Phase: String, Sendable, Codable, Hashable {
        case absent, running, pausing, paused, finished, failed
        /// A synchronization task: SYNCHRONIZING or STOPPED.
        case synchronizing, stopped
        /// A state oms-plan has no rule for (being deleted, a new one): neither done nor failed.
        case other

        /// A task's or group's phase from its live status (a synchronization task's adapter
        /// says `synchronizing` or `stopped` itself).
        init(_ live: LiveResource) {
            let status = LiveStatus(live)
            self = status.isComplete ? .finished : status.isFailed ? .failed : status.isPausing ? .pausing
                : status.isPaused ? .paused : status.isRunning ? .running : .other
        }
    }

    public struct Entry: Sendable, Codable, Hashable {
        public var address: String
        /// `MigrationTask`, `MigrationTaskGroup` or `MigrationSyncTask`.
        public var kind: String
        public var liveId: String?
        /// `Migrating`, `Paused`, `SYNCHRONIZING`, `STOPPED`, ... or `Absent` when declared but not in OMS.
        public var status: String
        public var phase: Phase
        /// 0...1.
        public var progress: Double
        public var bytesDone: Int64
        public var bytesTotal: Int64
        public var objectsDone: Int64
        public var objectsFailed: Int64
        public var objectsTotal: Int64
        /// Bytes per second.
        public var speed: Int64
        /// Seconds left, when OMS estimates it.
        public var eta: Int64?
        public var error: String?
        /// A synchronization task is settled whenever it exists: it never finishes.
        public var settled: Bool
        /// Synchronization tasks: the month's and the last hour's counters (see `SyncActivity`),
        /// when `status` read them.
        public var sync: SyncActivity?
        /// When it is forecast to finish (see `FinishForecaster`), and why; the reason is also
        /// there when there is no forecast.
        public var forecastFinish: Date?
        public var forecastReason: String?
        /// The bytes behind the forecast are a lower bound: it is the earliest finish.
        public var forecastIsLowerBound: Bool?
        /// `spec.deadline`, and the seconds to spare before it (negative: the forecast misses it).
        public var deadline: Date?
        public var deadlineSlack: Double?
        /// What OMS's failed lists in the destination bucket say (`readFailedObjects`): only for
        /// a task or group whose answer has `failed_object_record.result` true and a list key.
        public var failedObjects: FailedObjectsSummary?
        /// Incremental passes (issue 25) and when the next is due; nil for a resource without
        /// `incremental` and without recorded passes (`addPasses`).
        public var passes: [PassSummary]?
        public var nextPass: Date?
        /// Held as it is by `spec.suspend` of the resource or the Stack (Reconciler/Hold).
        public var suspended: HoldNotice?

        init(address: ResourceAddress, liveId: String? = nil, status: String, phase: Phase, progress: Double = 0, bytesDone: Int64 = 0,
             bytesTotal: Int64 = 0, objectsDone: Int64 = 0, objectsFailed: Int64 = 0, objectsTotal: Int64 = 0, speed: Int64 = 0,
             eta: Int64? = nil, error: String? = nil, settled: Bool) {
            self.address = address.description
            self.kind = address.kind.rawValue
            self.liveId = liveId
            self.status = status
            self.phase = phase
            self.progress = progress
            self.bytesDone = bytesDone
            self.bytesTotal = bytesTotal
            self.objectsDone = objectsDone
            self.objectsFailed = objectsFailed
            self.objectsTotal = objectsTotal
            self.speed = speed
            self.eta = eta
            self.error = error
            self.settled = settled
        }
    }

    public var stack: String
    public var readAt: Date
    public var entries: [Entry]
    /// When the last resource of the stack is forecast to finish (dependsOn waves followed).
    public var forecastFinish: Date?
    public var forecastReason: String?
    /// `Stack.spec.deadline` and the seconds to spare (negative: missed by the forecast).
    public var deadline: Date?
    public var deadlineSlack: Double?
    /// The zone forecasts and deadlines are shown in (the service zone), once forecast.
    public var serviceTimezone: String?
    /// Where each `kind: Cutover` stands (Reconciler/Cutover); nil for a plan without one.
    public var cutovers: [CutoverStatus]?
    /// The change freeze in force at the read, or the next one (Reconciler/Hold).
    public var freeze: FreezeNotice?

    /// Nothing is waiting, migrating or pausing.
    public var settled: Bool { entries.allSatisfy(\.settled) }

    public init(desired: DesiredState, live: LiveState) {
        stack = desired.stack.name
        readAt = live.readAt
        let adoptions = Dictionary(
            desired.omsResources.compactMap { r in r.adoptID.map { (r.address, $0) } }, uniquingKeysWith: { a, _ in a })
        let owned = Ownership(live: live, stack: desired.stack.name, adoptions: adoptions).owned
        var entries: [Entry] = []
        let addresses = Set(owned.keys).union(desired.omsResources.map(\.address)).sorted()
        for address in addresses {
            if let live = owned[address] {
                entries.append(Kinds.adapter(for: live).statusEntry(address, live))
            } else {
                entries.append(Entry(address: address, status: "Absent", phase: .absent, settled: true))
            }
        }
        self.entries = entries
    }
}

/// `status` for people: one line per resource, with a progress bar on terminals.
public struct StatusTextRenderer: Sendable {
    public var color: Bool
    public var bars: Bool

    public init(color: Bool, bars: Bool) {
        self.color = color
        self.bars = bars
    }

    public func render(_ report: StatusReport) -> String {
        let width = max(20, report.entries.map(\.address.count).max() ?? 20)
        let stateWidth = max(10, report.entries.map(\.status.count).max() ?? 10)
        var lines = report.entries.flatMap { e -> [String] in [line(e, width: width, stateWidth: stateWidth, report)] + (e.failedObjects?.textLines() ?? [])
            + (e.passesText(report.serviceTimezone).map { ["  " + $0] } ?? []) + HoldViews.statusLines(e, report) }
        lines.append(totalLine(report))
        if let stack = forecastText(report.forecastFinish, report.forecastReason, lowerBound: false, report) {
            var line = "Stack: " + stack
            if let deadline = deadlineText(report.deadline, slack: report.deadlineSlack, report) { line += "; " + deadline }
            lines.append(line + ".")
        }
        lines += HoldViews.statusFreeze(report)
        lines += CutoverViews.statusLines(report)
        return lines.joined(separator: "\n") + "\n"
    }

    /// One resource's line.
    private func line(_ e: StatusReport.Entry, width: Int, stateWidth: Int, _ report: StatusReport) -> String {
        let name = e.address.padding(toLength: width, withPad: " ", startingAt: 0)
        // Settled by the plan's acceptFailures: succeeded for oms-plan (the reasons are on the
        // next line); the JSON keeps OMS's own status.
        let state = e.shownStatus.padding(toLength: stateWidth, withPad: " ", startingAt: 0)
        if e.kind == ResourceKind.migrationSyncTask.rawValue && e.phase != .absent { return "\(name)  \(paint(state, e))  " + syncText(e) }
        let percent = String(format: "%5.1f%%", e.progress * 100)
        let bar = bars ? " " + progressBar(e.progress) : ""
        var line = "\(name)  \(paint(state, e))\(bar) \(percent)  \(ByteCount.format(e.bytesDone))/\(ByteCount.format(e.bytesTotal))"
        if e.speed > 0 { line += "  \(ByteCount.rate(e.speed))" }
        if let eta = e.eta, e.speed > 0 { line += "  ETA \(Self.duration(eta))" }
        if e.objectsFailed > 0 { line += "  \(e.objectsFailed) failed objects" }
        if let error = e.error { line += "  (\(error))" }
        if let forecast = forecastText(e.forecastFinish, e.forecastReason, lowerBound: e.forecastIsLowerBound == true, report) { line += "  " + forecast }
        if let deadline = deadlineText(e.deadline, slack: e.deadlineSlack, report) { line += "  " + deadline }
        return line
    }

    /// `finish ~12-02 20:00 (waits for the 19:00 window; ...)`, or why there is no forecast.
    func forecastText(_ finish: Date?, _ reason: String?, lowerBound: Bool, _ report: StatusReport) -> String? {
        guard let reason, reason != "finished" else { return nil }
        guard let finish else { return "no forecast (\(reason))" }
        return "finish \(lowerBound ? ">=" : "~")\(Self.clock(finish, report.serviceTimezone)) (\(reason))"
    }

    /// `deadline 12-03 18:00: 5h10m to spare` or `deadline 12-03 18:00: MISSED by 2h` (forecast).
    func deadlineText(_ deadline: Date?, slack: Double?, _ report: StatusReport) -> String? {
        guard let deadline else { return nil }
        var text = "deadline \(Self.clock(deadline, report.serviceTimezone))"
        if let slack {
            text += slack >= 0 ? ": \(Self.duration(Int64(slack))) to spare" : ": forecast misses it by \(Self.duration(Int64(-slack)))"
        }
        return text
    }

    /// `2026-12-02 20:00 +08:00` in the service zone.
    public static func clock(_ date: Date, _ zone: String?) -> String {
        let timeZone = zone.flatMap { ScheduleTimeZone($0)?.timeZone } ?? TimeZone(secondsFromGMT: 0)!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let offset = timeZone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        return String(format: "%04d-%02d-%02d %02d:%02d %@%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0,
                      sign, abs(offset) / 3600, (abs(offset) % 3600) / 60)
    }

    /// A synchronization task never finishes: what it received and copied this month and in
    /// the last hour instead of progress.
    func syncText(_ e: StatusReport.Entry) -> String {
        guard let s = e.sync else { return "follows its source bucket" }
        var text = "\(s.eventsReceived) \(s.eventsReceived == 1 ? "event" : "events") this month: \(s.succeeded) copied, \(s.skipped) skipped, \(s.failed) failed, \(ByteCount.format(s.bytesThisMonth))"
        text += "; last hour: \(s.eventsLastHour) \(s.eventsLastHour == 1 ? "event" : "events"), \(ByteCount.format(s.bytesLastHour))"
        return text
    }

    /// The stack as a whole: how many still move, bytes of all of them, overall progress.
    public func totalLine(_ report: StatusReport) -> String {
        let running = report.entries.filter { !$0.settled }.count
        let done = report.entries.reduce(0) { $0 + $1.bytesDone }
        let total = report.entries.reduce(0) { $0 + $1.bytesTotal }
        let percent = total > 0 ? String(format: " %.1f%%", Double(done) / Double(total) * 100) : ""
        let bytes = " (\(ByteCount.format(done))/\(ByteCount.format(total))\(percent))"
        guard running > 0 else { return "All \(report.entries.count) resources settled\(bytes)." }
        // The stack's ETA at the current combined speed of what is moving.
        let moving = report.entries.filter { !$0.settled }
        let speed = moving.reduce(Int64(0)) { $0 + $1.speed }
        let left = moving.reduce(Int64(0)) { $0 + max(0, $1.bytesTotal - $1.bytesDone) }
        var line = "\(running) of \(report.entries.count) still in progress\(bytes)"
        if speed > 0 { line += ", \(ByteCount.rate(speed)), ETA \(Self.duration(left / speed))" }
        return line + "."
    }

    /// One line for a resource whose state changed, for logs that are not terminals.
    public func changeLine(_ entry: StatusReport.Entry, from previous: String?) -> String {
        var line = "\(entry.address): \(previous.map { "\($0) -> " } ?? "")\(entry.status)"
        line += String(format: " %.1f%%", entry.progress * 100) + " \(ByteCount.format(entry.bytesDone))/\(ByteCount.format(entry.bytesTotal))"
        if let error = entry.error { line += " (\(error))" }
        return line
    }

    private func progressBar(_ fraction: Double) -> String {
        let filled = Int((min(max(fraction, 0), 1) * 20).rounded())
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "]"
    }

    private func paint(_ text: String, _ entry: StatusReport.Entry) -> String {
        guard color else { return text }
        let style = ANSIStyle(enabled: true)
        if entry.isSettledByAcceptance { return style.green(text) }
        return entry.error != nil || entry.phase == .failed ? style.red(text) : entry.settled ? style.green(text) : style.yellow(text)
    }

    public static func duration(_ seconds: Int64) -> String {
        if seconds >= 172_800 { return "\(seconds / 86_400)d\((seconds % 86_400) / 3600)h" }
        return seconds >= 3600 ? "\(seconds / 3600)h\((seconds % 3600) / 60)m" : seconds >= 60 ? "\(seconds / 60)m\(seconds % 60)s" : "\(seconds)s"
    }
}
