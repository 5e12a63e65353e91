import AsyncHTTPClient
import Foundation
import NIOCore
import OMSModels

extension ObjectFailure: Error {
    static let noSuchKeyCode = "NoSuchKey"
    static let archivedCode = "InvalidObjectState"
    static let mismatchCode = "ConsistencyCheckFailed"
    static let destinationCode = "DestinationWriteFailed"

    static func gone(at time: Date) -> ObjectFailure {
        ObjectFailure(code: noSuchKeyCode, reason: "The source object does not exist (deleted after the task listed it).", at: time)
    }

    static func archived(at time: Date) -> ObjectFailure {
        ObjectFailure(
            code: archivedCode, reason: "The source object is in an archive storage class and the task does not restore it (enable_restore is off).",
            at: time)
    }

    static func injected(_ code: String, at time: Date) -> ObjectFailure {
        ObjectFailure(code: code, reason: "The source answered \(code) (a failure made by /control/object-failures).", at: time)
    }

    static func mismatch(_ check: ConsistencyCheck, at time: Date) -> ObjectFailure {
        let what = check == .crc64 ? "CRC64 checksum" : "size and last-modified time"
        return ObjectFailure(
            code: mismatchCode, reason: "Consistency check (\(check.rawValue)) failed: the source changed while it was copied, so its \(what) no longer match.",
            at: time)
    }

    static func destination(at time: Date) -> ObjectFailure {
        ObjectFailure(code: destinationCode, reason: "The object could not be written to the destination bucket.", at: time)
    }

    static func url(_ code: String, _ why: String, at time: Date) -> ObjectFailure {
        ObjectFailure(code: code, reason: "The URL could not be fetched: \(why).", at: time)
    }
}

/// Moves one object and decides, as OMS does, whether it arrived: the source may be gone, in an
/// archive class the task does not restore, made to fail on demand, or changed while its bytes
/// were in flight (the consistency check).
struct ObjectCopier: Sendable {
    let buckets: LocalBuckets
    var selfBaseURL: @Sendable () -> String? = { nil }
    static let selfHost = "oms-sandbox"

    /// Looks at the source when an object's first bytes are about to move (OMS's GET): the
    /// failure, or nil with `transferOf` set to the version being copied.
    func begin(
        _ object: inout PlannedObject, _ request: CreateTaskReq, archive: LocalBuckets.ArchiveClass, rules: inout ObjectFailureRules,
        at now: Date
    ) -> ObjectFailure? {
        guard (request.taskType ?? .object) != .urlList else { return nil }
        let source = request.srcNode
        let cloud = source.cloudType ?? .aliyun
        let region = source.region ?? "", bucket = source.bucket ?? ""
        if let code = rules.failure(cloud: cloud, region: region, bucket: bucket, key: object.source) {
            return .injected(code, at: now)
        }
        guard let current = buckets.object(cloud: cloud, region: region, bucket: bucket, key: object.source) else { return .gone(at: now) }
        if archive.contains(object.source), request.options.withOMSDefaults.enableRestore != true { return .archived(at: now) }
        object.transferOf = SourceVersion(current)
        return nil
    }

    /// Writes the object once all its bytes have moved: its size, or why it failed.
    func finish(_ object: PlannedObject, _ request: CreateTaskReq, at now: Date) async -> Result<Int64, ObjectFailure> {
        let destination = (CloudType.huaweiCloud, request.dstNode.region ?? "", request.dstNode.bucket ?? "", object.destination)
        if (request.taskType ?? .object) == .urlList {
            let data: Data
            switch await fetch(object.source, at: now) {
            case .failure(let failure): return .failure(failure)
            case .success(let fetched): data = fetched
            }
            do {
                try buckets.write(cloud: destination.0, region: destination.1, bucket: destination.2, key: destination.3, data: data, modified: nil)
            } catch {
                return .failure(.destination(at: now))
            }
            return .success(Int64(data.count))
        }
        let source = request.srcNode
        let place = (source.cloudType ?? .aliyun, source.region ?? "", source.bucket ?? "", object.source)
        guard let current = buckets.object(cloud: place.0, region: place.1, bucket: place.2, key: place.3),
            let data = try? buckets.read(cloud: place.0, region: place.1, bucket: place.2, key: place.3)
        else { return .failure(.gone(at: now)) }
        let check = request.options.withOMSDefaults.consistencyCheck ?? .sizeLastModified
        // Bytes moved over several steps are of the version seen when the first ones moved;
        // a source changed since then no longer matches what arrived.
        if check != .noCheck, let started = object.transferOf, started != SourceVersion(current) {
            return .failure(.mismatch(check, at: now))
        }
        do {
            try buckets.write(cloud: destination.0, region: destination.1, bucket: destination.2, key: destination.3, data: data, time: current.time)
        } catch {
            return .failure(.destination(at: now))
        }
        return .success(current.size)
    }

    /// Fetches a URL-list entry; only loopback hosts, so the sandbox never reaches the network.
    private func fetch(_ url: String, at now: Date) async -> Result<Data, ObjectFailure> {
        var url = url
        if let parsed = URL(string: url), parsed.host == Self.selfHost, let base = selfBaseURL() {
            url = base + parsed.path
        }
        guard let parsed = URL(string: url), let host = parsed.host, ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) else {
            return .failure(.url("AccessDenied", "the sandbox fetches loopback URLs only", at: now))
        }
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            guard response.status.code == 200 else {
                let code = response.status.code == 404 ? ObjectFailure.noSuchKeyCode : "HTTP.\(response.status.code)"
                return .failure(.url(code, "HTTP status \(response.status.code)", at: now))
            }
            let body = try await response.body.collect(upTo: 256 * 1024 * 1024)
            return .success(Data(body.readableBytesView))
        } catch {
            return .failure(.url("ConnectionFailed", "no answer", at: now))
        }
    }
}
