/// Topological order of the dependsOn graph and its cycles, without recursion (a chain of
/// 10,000 tasks must not exhaust the stack).
enum Topology {
    struct Cycle {
        /// Addresses around the cycle, starting with the smallest; the first repeats at the end.
        var path: [ResourceAddress]
    }

    /// `nodes` sorted; `deps[a]` what `a` depends on. Returns the order (dependencies first,
    /// ties by address) of every node not on or behind a cycle, and the cycles.
    static func sort(nodes: [ResourceAddress], deps: [ResourceAddress: [ResourceAddress]]) -> ([ResourceAddress], [Cycle]) {
        let sorted = nodes.sorted()
        var index: [ResourceAddress: Int] = [:]
        for (i, a) in sorted.enumerated() { index[a] = i }
        var dependents = [[Int]](repeating: [], count: sorted.count)
        var pending = [Int](repeating: 0, count: sorted.count)
        for (i, a) in sorted.enumerated() {
            for d in Set(deps[a] ?? []) {
                guard let j = index[d] else { continue }
                dependents[j].append(i)
                pending[i] += 1
            }
        }
        var heap = MinHeap()
        for i in sorted.indices where pending[i] == 0 { heap.push(i) }
        var order: [ResourceAddress] = []
        order.reserveCapacity(sorted.count)
        while let i = heap.pop() {
            order.append(sorted[i])
            for j in dependents[i] {
                pending[j] -= 1
                if pending[j] == 0 { heap.push(j) }
            }
        }
        guard order.count < sorted.count else { return (order, []) }

        // Nodes left have pending dependencies: each is on a cycle or behind one. Walk the
        // dependencies among them until a node repeats.
        var cycles: [Cycle] = []
        var done = Set<Int>()
        let left = Set(sorted.indices.filter { pending[$0] > 0 })
        for start in left.sorted() where !done.contains(start) {
            var path: [Int] = []
            var position: [Int: Int] = [:]
            var current = start
            while position[current] == nil && !done.contains(current) {
                position[current] = path.count
                path.append(current)
                let next = (deps[sorted[current]] ?? []).compactMap { index[$0] }.filter { left.contains($0) }.min()
                guard let next else { break }
                current = next
            }
            if let p = position[current], !done.contains(current) {
                var ring = Array(path[p...])
                let m = ring.indices.min { ring[$0] < ring[$1] }!
                ring = Array(ring[m...] + ring[..<m])
                cycles.append(Cycle(path: (ring + [ring[0]]).map { sorted[$0] }))
            }
            done.formUnion(path)
        }
        return (order, cycles)
    }

    struct MinHeap {
        private var items: [Int] = []
        mutating func push(_ x: Int) {
            items.append(x)
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard items[parent] > items[i] else { break }
                items.swapAt(parent, i)
                i = parent
            }
        }
        mutating func pop() -> Int? {
            guard !items.isEmpty else { return nil }
            let top = items[0]
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var m = i
                    if l < items.count, items[l] < items[m] { m = l }
                    if r < items.count, items[r] < items[m] { m = r }
                    if m == i { break }
                    items.swapAt(i, m)
                    i = m
                }
            }
            return top
        }
    }
}
