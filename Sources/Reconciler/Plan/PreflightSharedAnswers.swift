import Foundation
import OMSClient
import OMSModels

/// Pre-flight answers asked once per distinct subject: a bucket's region once per (cloud,
/// region, bucket, app id, keys), a key once per (subject, key), and the keys under one parent
/// folder through one listing of that folder (`PreflightParentListing`) when two or more of
/// them are asked. The first task to ask starts the request; the others wait for its answer.
///
/// 10,000 prefix tasks between two buckets took 30,000 requests when every task asked for
/// itself (issue 23); here they take the two region answers and the parent's listing pages.
actor SharedPreflightAnswers: PreflightAnswers {
    private let client: OMSClient
    /// The fragments registered under each parent: only these are answered from its listing.
    private let registered: [ListingGroup: Set<[UInt8]>]
    private var regions: [BucketSubject: Task<RegionAnswer, Never>] = [:]
    private var singles: [SingleKey: Task<PrefixAnswer, Never>] = [:]
    private var listings: [ListingGroup: Task<[[UInt8]: PrefixAnswer], Never>] = [:]

    /// Keys under one parent of one subject, as bytes (never `Character`s: two spellings of
    /// one character are two keys to OMS).
    struct ListingGroup: Hashable, Sendable {
        var subject: BucketSubject
        var parent: [UInt8]
    }

    private struct SingleKey: Hashable {
        var subject: BucketSubject
        var key: [UInt8]
    }

    /// `questions`: every key check the run may ask, so that a listing knows all the keys it
    /// answers before the first one is asked.
    init(client: OMSClient, questions: [PrefixQuestion]) {
        self.client = client
        var groups: [ListingGroup: Set<[UInt8]>] = [:]
        for question in questions {
            guard let (parent, fragment) = Self.listable(question) else { continue }
            groups[ListingGroup(subject: question.subject, parent: parent), default: []].insert(fragment)
        }
        // One key under a parent: one check costs one request, a listing at least as many.
        registered = groups.filter { $0.value.count > 1 }
    }

    func region(_ question: RegionQuestion) async -> RegionAnswer {
        let subject = question.subject
        if let pending = regions[subject] { return await pending.value }
        let direct = DirectPreflightAnswers(client: client)
        let task = Task { await direct.region(question) }
        regions[subject] = task
        return await task.value
    }

    func prefix(_ question: PrefixQuestion) async -> PrefixAnswer {
        if let (parent, fragment) = Self.listable(question) {
            let group = ListingGroup(subject: question.subject, parent: parent)
            if let fragments = registered[group], fragments.contains(fragment) {
                let task: Task<[[UInt8]: PrefixAnswer], Never>
                if let pending = listings[group] {
                    task = pending
                } else {
                    let listing = PreflightParentListing(client: client, template: question, parent: parent, fragments: fragments)
                    task = Task { await listing.run() }
                    listings[group] = task
                }
                if let answer = await task.value[fragment] { return answer }
            }
        }
        return await single(question)
    }

    private func single(_ question: PrefixQuestion) async -> PrefixAnswer {
        let key = SingleKey(subject: question.subject, key: Array(question.key.utf8))
        if let pending = singles[key] { return await pending.value }
        let direct = DirectPreflightAnswers(client: client)
        let task = Task { await direct.prefix(question) }
        singles[key] = task
        return await task.value
    }

    /// The parent folder and the rest of the key, when a listing of that folder answers the
    /// question exactly as CheckPrefix would: the listing's body has no security token, and a
    /// key OMS refuses must be refused by OMS in its own words (so it is asked by itself).
    static func listable(_ question: PrefixQuestion) -> (parent: [UInt8], fragment: [UInt8])? {
        guard question.access.token == nil, StorageNames.keyProblem(question.key) == nil else { return nil }
        return PreflightParentListing.split(question.key)
    }
}
