import Foundation
import OMSClient
import OMSModels

/// Answers "does any key start with P?" for many P under one parent folder from the folder's
/// listing (`POST .../objectstorage/buckets/objects`, 6.4.1, 100 entries a page).
///
/// A listing shows the folder's direct children: objects by their key, sub-folders by their
/// key up to and including the next `/`. For a key `P = parent + fragment` whose fragment
/// holds no `/` except maybe as its last byte, some object key starts with P exactly when
/// some listed name starts with P: an object under P is listed as itself or as its sub-folder,
/// and that name is at least as long as P (the fragment has no earlier `/` to cut it at).
/// Names are compared as UTF-8 bytes.
///
/// Pages are read while that stays cheaper than asking: once the pages read reach the number
/// of keys still unanswered, the rest are asked one by one (CheckPrefix), so a few keys under a
/// big folder cost at most twice what asking them would. A refused page, a name outside the
/// folder or a marker that does not move also hand the rest to single checks, which give OMS's
/// own answer for each key.
struct PreflightParentListing: Sendable {
    let client: OMSClient
    /// Cloud, bucket, region and keys of the listing (its key is not used).
    let template: PrefixQuestion
    let parent: [UInt8]
    let fragments: Set<[UInt8]>

    static let pageSize = 100
    /// Single checks in flight when the rest are asked one by one.
    static let parallelChecks = 8

    /// `key` as (parent folder, rest): the folder is the key up to its last `/` that is not the
    /// key's last byte (empty for the bucket root), so `logs/2024/` and `logs/2025` are both
    /// under `logs/`.
    static func split(_ key: String) -> (parent: [UInt8], fragment: [UInt8])? {
        let bytes = Array(key.utf8)
        guard !bytes.isEmpty else { return nil }
        let body = bytes.last == 0x2F ? bytes.dropLast() : bytes[...]
        guard let slash = body.lastIndex(of: 0x2F) else { return ([], bytes) }
        return (Array(bytes[...slash]), Array(bytes[(slash + 1)...]))
    }

    func run() async -> [[UInt8]: PrefixAnswer] {
        var unresolved = fragments
        var answers: [[UInt8]: PrefixAnswer] = [:]
        let lengths = Set(fragments.map(\.count))
        let folder = String(decoding: parent, as: UTF8.self)
        var marker = ""
        var pages = 0
        listing: while !unresolved.isEmpty && pages < unresolved.count {
            let page: ListBucketObjectsResp
            do {
                page = try await client.listBucketObjects(
                    ListBucketObjectsReq(
                        cloudType: template.access.cloud, bucketName: template.access.bucket, dataCenter: template.access.region,
                        filePath: folder, pageSize: Self.pageSize, behindFilename: marker, ak: template.access.ak, sk: template.access.sk,
                        appId: template.access.appId))
            } catch {
                // Busy or unreachable: every key asked now would meet the same, and the
                // changes go ahead for OMS to judge, as a failed single check lets them.
                guard Preflight.isDefinite(error) else {
                    for fragment in unresolved { answers[fragment] = PrefixAnswer(error) }
                    return answers
                }
                break listing
            }
            pages += 1
            let records = page.records ?? []
            for record in records {
                guard let name = record.name else { continue }
                let bytes = Array(name.utf8)
                guard bytes.count >= parent.count, bytes[..<parent.count].elementsEqual(parent) else { break listing }
                let rest = bytes[parent.count...]
                for length in lengths where length <= rest.count {
                    let candidate = Array(rest.prefix(length))
                    if unresolved.remove(candidate) != nil { answers[candidate] = .exists }
                }
            }
            guard page.nextPage == true else {
                for fragment in unresolved { answers[fragment] = .absent }
                return answers
            }
            let next = page.nextMarker ?? records.last?.name ?? ""
            guard !next.isEmpty, next != marker else { break listing }
            marker = next
        }
        for (fragment, answer) in await singleChecks(unresolved) { answers[fragment] = answer }
        return answers
    }

    private func singleChecks(_ fragments: Set<[UInt8]>) async -> [([UInt8], PrefixAnswer)] {
        guard !fragments.isEmpty else { return [] }
        let direct = DirectPreflightAnswers(client: client)
        let template = template, parent = parent
        return await withTaskGroup(of: ([UInt8], PrefixAnswer).self) { group in
            var pending = fragments.makeIterator()
            func next() {
                guard let fragment = pending.next() else { return }
                var question = template
                question.key = String(decoding: parent + fragment, as: UTF8.self)
                group.addTask { (fragment, await direct.prefix(question)) }
            }
            for _ in 0..<Self.parallelChecks { next() }
            var out: [([UInt8], PrefixAnswer)] = []
            while let answer = await group.next() {
                out.append(answer)
                next()
            }
            return out
        }
    }
}
