import Foundation
import MigrationPlan
import OMSClient
import OMSModels

extension StatusReport {
    /// One resource whose live answer says a failed list was written.
    struct FailedListJob: Sendable {
        var entry: Int
        var address: ResourceAddress
        var region: String
        var bucket: String
        /// `failed_object_record.list_file_key`: a file, or (a group's) a folder.
        var listFile: String
        /// A group's failed tasks' own lists, when their answers name them.
        var taskFiles: [String]
        var credentials: CredentialSecrets?
    }

    /// Fills `failedObjects` of every entry whose live task or group has
    /// `failed_object_record.result == true` and a `list_file_key`, reading the lists from the
    /// destination bucket over OBS: at most `access.parallelism` requests in flight over all
    /// resources. A list that cannot be read gives a note in its entry; this never throws.
    public mutating func readFailedObjects(desired: DesiredState, live: LiveState, access: FailedObjectAccess) async {
        defer { markStaleAcceptancesOfFinished(acceptances: { desired.acceptances(of: $0) }) }
        let jobs = failedListJobs(desired: desired, live: live)
        guard !jobs.isEmpty else { return }
        let limiter = RequestLimiter(limit: access.parallelism)
        let summaries = await withTaskGroup(of: (Int, FailedObjectsSummary).self) { group in
            for job in jobs {
                group.addTask { (job.entry, await Self.read(job, access: access, limiter: limiter)) }
            }
            var all: [(Int, FailedObjectsSummary)] = []
            for await result in group { all.append(result) }
            return all
        }
        for (index, summary) in summaries { entries[index].failedObjects = summary }
    }

    /// The entries to read, with where their lists are and the keys that read them.
    func failedListJobs(desired: DesiredState, live: LiveState) -> [FailedListJob] {
        func written(_ record: FailedObjectRecord?) -> String? {
            guard record?.result == true, let key = record?.listFileKey, !key.isEmpty else { return nil }
            return key
        }
        var byId: [String: (region: String?, bucket: String?, listFile: String, taskFiles: [String])] = [:]
        for task in live.tasks {
            guard let listFile = written(task.failedObjectRecord) else { continue }
            byId["MigrationTask#" + LiveResource.task(task).id] = (task.dstNode?.region, task.dstNode?.bucket, listFile, [])
        }
        for group in live.groups {
            guard let listFile = written(group.failedObjectRecord), let id = group.groupId else { continue }
            let taskFiles = (live.groupTasks[id] ?? []).compactMap { written($0.failedObjectRecord) }
            byId["MigrationTaskGroup#" + id] = (group.dstNode?.region, group.dstNode?.bucket, listFile, taskFiles)
        }
        guard !byId.isEmpty else { return [] }
        var credentials: [String: CredentialSecrets] = [:]
        for resource in desired.omsResources {
            if let destination = resource.secrets.destination { credentials[resource.address.description] = destination }
        }
        var jobs: [FailedListJob] = []
        for (index, entry) in entries.enumerated() {
            guard let liveId = entry.liveId, let found = byId[entry.kind + "#" + liveId],
                let address = ResourceAddress(parsing: entry.address)
            else { continue }
            jobs.append(
                FailedListJob(
                    entry: index, address: address, region: found.region ?? desired.stack.region, bucket: found.bucket ?? "",
                    listFile: found.listFile, taskFiles: found.taskFiles, credentials: credentials[entry.address]))
        }
        return jobs
    }

    /// One resource's lists: its file, its failed tasks' files, or the newest file of each task
    /// folder under a group's folder; read in parallel, merged in order.
    static func read(_ job: FailedListJob, access: FailedObjectAccess, limiter: RequestLimiter) async -> FailedObjectsSummary {
        let acceptances = access.acceptances(job.address)
        guard !job.bucket.isEmpty else {
            return .unreadable(listFile: job.listFile, note: "OMS did not say which destination bucket holds the failed list")
        }
        let client: ObjectStorageClient
        do {
            client = try access.client(region: job.region, credentials: job.credentials)
        } catch {
            return .unreadable(listFile: job.listFile, note: error.description)
        }
        var files = job.taskFiles
        if files.isEmpty {
            if job.listFile.hasSuffix("/") {
                do {
                    let keys = try await limiter.run { try await client.listAllKeys(bucket: job.bucket, prefix: job.listFile) }
                    files = newestPerFolder(keys)
                } catch {
                    return .unreadable(listFile: job.listFile, note: "could not list \(job.listFile): \(error)")
                }
            } else {
                files = [job.listFile]
            }
        }
        var note: String?
        if files.count > access.maximumFiles {
            note = "read the first \(access.maximumFiles) of \(files.count) lists"
            files = Array(files.prefix(access.maximumFiles))
        }
        let reads = await withTaskGroup(of: (Int, Result<Data, any Error>).self) { group in
            for (index, file) in files.enumerated() {
                group.addTask {
                    do {
                        return (index, .success(try await limiter.run { try await client.getObject(bucket: job.bucket, key: file) }))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var all: [(Int, Result<Data, any Error>)] = []
            for await read in group { all.append(read) }
            return all.sorted { $0.0 < $1.0 }
        }
        var merged = FailedListReader.Result()
        var failures: [String] = []
        for (index, read) in reads {
            switch read {
            case .success(let data):
                let one = FailedListReader.read(data)
                merged.objects += one.objects
                merged.unreadable += one.unreadable
            case .failure(let error):
                failures.append("could not read \(files[index]): \(error)")
            }
        }
        if let first = failures.first {
            let more = failures.count > 1 ? " (and \(failures.count - 1) more)" : ""
            note = [note, first + more].compactMap { $0 }.joined(separator: "; ")
        }
        return FailedObjectsSummary(listFile: job.listFile, read: merged, acceptances: acceptances, note: note)
    }

    /// Of the keys under a group's folder (`<task name>/<ms>.failed_list.txt`), the newest list
    /// of each folder: older lists stay in the bucket after a retry and no longer count.
    static func newestPerFolder(_ keys: [String]) -> [String] {
        var newest: [String: String] = [:]
        for key in keys where key.hasSuffix(".txt") {
            let folder = key.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(key[..<$0]) } ?? ""
            if let current = newest[folder], !isNewer(key, than: current) { continue }
            newest[folder] = key
        }
        return newest.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { newest[$0]! }
    }

    /// Names are `<ms>.failed_list.txt`: a longer number is newer, then byte order.
    private static func isNewer(_ a: String, than b: String) -> Bool {
        a.utf8.count != b.utf8.count ? a.utf8.count > b.utf8.count : b.utf8.lexicographicallyPrecedes(a.utf8)
    }
}
