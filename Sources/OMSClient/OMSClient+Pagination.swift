import OMSModels

/// Reading everything: the first page says how many there are, the rest are fetched at
/// once by offset (at most `pageConcurrency` in flight), so N tasks cost ceil(N/100) requests.
extension OMSClient {
    public static let maximumPageSize = 100

    /// Every task (optionally of one group or state), in OMS's order, each id once.
    public func listAllTasks(status: TaskStatus? = nil, groupId: String? = nil) async throws(OMSClientError) -> [TaskResp] {
        try await fetchAllPages(unique: \.id, as: ListTasksResp.self) { offset in
            self.listTasksCall(limit: Self.maximumPageSize, offset: offset, status: status, groupId: groupId)
        } items: { page in
            (page.tasks ?? [], Int(page.count ?? 0))
        }
    }

    /// Every task group, each id once.
    public func listAllTaskGroups(status: TaskGroupStatus? = nil) async throws(OMSClientError) -> [TaskGroupResp] {
        try await fetchAllPages(unique: \.groupId, as: ListTaskGroupsResp.self) { offset in
            self.listTaskGroupsCall(limit: Self.maximumPageSize, offset: offset, status: status)
        } items: { page in
            (page.taskgroups ?? [], Int(page.count ?? 0))
        }
    }

    /// Every page, in order, each id once: something created while pages are read shifts later
    /// pages by one, and the item at the boundary comes twice. Items without an id are all
    /// kept. Assembled in one pass: a page of 100 task answers is about 77 KB, and 10,000
    /// tasks were copied twice more before.
    func fetchAllPages<Page: Decodable & Sendable, Item: Sendable, ID: Hashable>(
        unique id: (Item) -> ID?, as page: Page.Type, _ call: @escaping @Sendable (Int) -> Call,
        items: @escaping @Sendable (Page) -> ([Item], Int)
    ) async throws(OMSClientError) -> [Item] {
        var pages = try await fetchAllPages(page, call, items: items)
        var seen = Set<ID>()
        var all: [Item] = []
        all.reserveCapacity(pages.reduce(0) { $0 + $1.count })
        for index in pages.indices {
            for item in pages[index] where id(item).map({ seen.insert($0).inserted }) ?? true { all.append(item) }
            pages[index] = []
        }
        return all
    }

    /// What a page task hands back: an answer that arrived (its request's slot is free), or
    /// the items decoded from it.
    private enum PageEvent<Item: Sendable>: Sendable {
        case arrived(offset: Int, HTTPResponseData)
        case decoded(offset: Int, [Item])
    }

    /// Every page, in order. At most `pageConcurrency` requests are in flight; a page is
    /// decoded after its request's slot is given to the next page, so decoding 100 answers
    /// never holds back the requests still to send.
    func fetchAllPages<Page: Decodable & Sendable, Item: Sendable>(
        _ page: Page.Type, _ call: @escaping @Sendable (Int) -> Call, items: @escaping @Sendable (Page) -> ([Item], Int)
    ) async throws(OMSClientError) -> [[Item]] {
        let firstCall = call(0)
        let operation = firstCall.operation
        let (first, count) = items(try await perform(firstCall, decoding: Page.self))
        guard count > first.count, !first.isEmpty else { return [first] }
        let offsets = Array(stride(from: Self.maximumPageSize, to: count, by: Self.maximumPageSize))
        var pages: [Int: [Item]] = [0: first]
        do {
            try await withThrowingTaskGroup(of: PageEvent<Item>.self) { group in
                var next = offsets.makeIterator()
                for _ in 0..<configuration.pageConcurrency {
                    guard let offset = next.next() else { break }
                    group.addTask { .arrived(offset: offset, try await self.perform(call(offset))) }
                }
                while let event = try await group.next() {
                    switch event {
                    case .arrived(let offset, let response):
                        if let following = next.next() {
                            group.addTask { .arrived(offset: following, try await self.perform(call(following))) }
                        }
                        group.addTask { .decoded(offset: offset, items(try self.decode(Page.self, response, operation: operation)).0) }
                    case .decoded(let offset, let list):
                        pages[offset] = list
                    }
                }
            }
        } catch let error as OMSClientError {
            throw error
        } catch {
            throw .connection(operation: "list", detail: "\(error)")
        }
        return pages.keys.sorted().map { pages[$0]! }
    }
}
