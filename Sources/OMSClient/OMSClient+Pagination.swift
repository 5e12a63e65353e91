import OMSModels

/// Reading everything: the first page says how many there are, the rest are fetched at
/// once by offset (at most `pageConcurrency` in flight), so N tasks cost ceil(N/100) requests.
extension OMSClient {
    public static let maximumPageSize = 100

    /// Every task (optionally of one group or state), in OMS's order, each id once.
    public func listAllTasks(status: TaskStatus? = nil, groupId: String? = nil) async throws(OMSClientError) -> [TaskResp] {
        try await fetchAllPages(unique: \.id) { offset throws(OMSClientError) in
            let page = try await self.listTasks(limit: Self.maximumPageSize, offset: offset, status: status, groupId: groupId)
            return (page.tasks ?? [], Int(page.count ?? 0))
        }
    }

    /// Every task group, each id once.
    public func listAllTaskGroups(status: TaskGroupStatus? = nil) async throws(OMSClientError) -> [TaskGroupResp] {
        try await fetchAllPages(unique: \.groupId) { offset throws(OMSClientError) in
            let page = try await self.listTaskGroups(limit: Self.maximumPageSize, offset: offset, status: status)
            return (page.taskgroups ?? [], Int(page.count ?? 0))
        }
    }

    /// Every page, in order, each id once: something created while pages are read shifts later
    /// pages by one, and the item at the boundary comes twice. Items without an id are all
    /// kept. Assembled in one pass: a page of 100 task answers is about 77 KB, and 10,000
    /// tasks were copied twice more before.
    func fetchAllPages<Item: Sendable, ID: Hashable>(
        unique id: (Item) -> ID?, _ fetch: @escaping @Sendable (Int) async throws(OMSClientError) -> ([Item], Int)
    ) async throws(OMSClientError) -> [Item] {
        var pages = try await fetchAllPages(fetch)
        var seen = Set<ID>()
        var items: [Item] = []
        items.reserveCapacity(pages.reduce(0) { $0 + $1.count })
        for index in pages.indices {
            for item in pages[index] where id(item).map({ seen.insert($0).inserted }) ?? true { items.append(item) }
            pages[index] = []
        }
        return items
    }

    /// Every page, in order.
    func fetchAllPages<Item: Sendable>(
        _ fetch: @escaping @Sendable (Int) async throws(OMSClientError) -> ([Item], Int)
    ) async throws(OMSClientError) -> [[Item]] {
        let (first, count) = try await fetch(0)
        guard count > first.count, !first.isEmpty else { return [first] }
        let offsets = Array(stride(from: Self.maximumPageSize, to: count, by: Self.maximumPageSize))
        var pages: [Int: [Item]] = [0: first]
        do {
            try await withThrowingTaskGroup(of: (Int, [Item]).self) { group in
                var next = offsets.makeIterator()
                for _ in 0..<configuration.pageConcurrency {
                    guard let offset = next.next() else { break }
                    group.addTask { (offset, try await fetch(offset).0) }
                }
                while let (offset, items) = try await group.next() {
                    pages[offset] = items
                    if let offset = next.next() { group.addTask { (offset, try await fetch(offset).0) } }
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
