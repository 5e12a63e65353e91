import Foundation
import MigrationPlan
import OMSClient

extension MigrationReport {
    /// Every failed object of every resource whose answer names a failed list, read from the
    /// destination buckets over OBS as `status` reads them (`StatusReport.failedListJobs`,
    /// `FailedListReader`), but kept whole: the CSV has a row per object, where status keeps
    /// counts and a sample. At most `access.parallelism` requests in flight over all resources;
    /// a list that cannot be read is a note on its resource, never an error.
    static func readFailedObjects(
        status: StatusReport, desired: DesiredState, live: LiveState, access: FailedObjectAccess
    ) async -> [String: FailedObjectsRead] {
        let jobs = status.failedListJobs(desired: desired, live: live)
        let limiter = RequestLimiter(limit: access.parallelism)
        return await withTaskGroup(of: (String, FailedObjectsRead).self) { group in
            for job in jobs {
                group.addTask { (job.address.description, await read(job, access: access, limiter: limiter)) }
            }
            var all: [String: FailedObjectsRead] = [:]
            for await (address, read) in group { all[address] = read }
            return all
        }
    }

    /// One resource's lists (its file, its group's tasks' files, or the newest of each task
    /// folder under a group's folder), in order.
    static func read(_ job: StatusReport.FailedListJob, access: FailedObjectAccess, limiter: RequestLimiter) async -> FailedObjectsRead {
        guard !job.bucket.isEmpty else { return FailedObjectsRead(objects: [], note: "OMS did not say which destination bucket holds the failed list") }
        let client: ObjectStorageClient
        do {
            client = try access.client(region: job.region, credentials: job.credentials)
        } catch {
            return FailedObjectsRead(objects: [], note: error.description)
        }
        var files = job.taskFiles
        if files.isEmpty, job.listFile.hasSuffix("/") {
            do {
                files = StatusReport.newestPerFolder(try await limiter.run { try await client.listAllKeys(bucket: job.bucket, prefix: job.listFile) })
            } catch {
                return FailedObjectsRead(objects: [], note: "could not list \(job.listFile): \(error)")
            }
        } else if files.isEmpty {
            files = [job.listFile]
        }
        var notes: [String] = []
        if files.count > access.maximumFiles {
            notes.append("read the first \(access.maximumFiles) of \(files.count) lists")
            files = Array(files.prefix(access.maximumFiles))
        }
        var rows: [(key: String, code: String, reason: String)] = []
        var unreadable = 0
        // One list after another: a resource's lists are few, and the limiter spreads the
        // requests over resources.
        for file in files {
            do {
                let read = FailedListReader.read(try await limiter.run { try await client.getObject(bucket: job.bucket, key: file) })
                rows += read.objects.map { ($0.key, $0.code, $0.reason) }
                unreadable += read.unreadable.count
            } catch {
                notes.append("could not read \(file): \(error)")
            }
        }
        if unreadable > 0 { notes.append("\(unreadable) line\(unreadable == 1 ? "" : "s") of another shape left out") }
        return FailedObjectsRead(objects: rows, note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }
}
