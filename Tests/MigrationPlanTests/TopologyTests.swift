import Testing
@testable import MigrationPlan

@Suite struct TopologyTests {
    func t(_ n: String) -> ResourceAddress { ResourceAddress(.migrationTask, n) }

    @Test func dependenciesComeFirstTiesByAddress() {
        let (order, cycles) = Topology.sort(nodes: [t("c"), t("b"), t("a"), t("d")], deps: [t("a"): [t("d")], t("b"): [t("a")]])
        #expect(cycles.isEmpty)
        #expect(order == [t("c"), t("d"), t("a"), t("b")])
    }

    /// Edges sorted task by task come out exactly as sorting them all at once, also when
    /// two tasks share an address and when an edge starts elsewhere (then all are sorted).
    @Test func edgesSortedTaskByTaskMatchOneSort() {
        var generator = SeededGenerator(seed: 0x70B0_0001)
        let kinds: [DependencyEdge.Kind] = [.dependsOn, .sourceCredentials, .destinationCredentials, .bandwidthSchedule, .generatedBy]
        for round in 0..<200 {
            var byTask: [(from: ResourceAddress, edges: [DependencyEdge])] = []
            for _ in 0..<Int.random(in: 0...40, using: &generator) {
                let from = t("n\(Int.random(in: 0..<30, using: &generator))")
                let edges = (0..<Int.random(in: 0...5, using: &generator)).map { _ in
                    DependencyEdge(
                        from: round % 10 == 9 && Bool.random(using: &generator) ? t("elsewhere") : from,
                        to: Bool.random(using: &generator)
                            ? ResourceAddress(.credentials, "c\(Int.random(in: 0..<3, using: &generator))")
                            : t("n\(Int.random(in: 0..<30, using: &generator))"),
                        kind: kinds.randomElement(using: &generator)!)
                }
                byTask.append((from, edges))
            }
            #expect(Pipeline.sortedEdges(byTask) == byTask.flatMap(\.edges).sorted(), "\(generator), round \(round)")
        }
    }

    @Test func longChainsNeedNoRecursion() {
        let nodes = (0..<20_000).map { t("n\($0)") }
        var deps: [ResourceAddress: [ResourceAddress]] = [:]
        for i in 1..<nodes.count { deps[nodes[i]] = [nodes[i - 1]] }
        let (order, cycles) = Topology.sort(nodes: nodes, deps: deps)
        #expect(cycles.isEmpty)
        #expect(order == nodes)
    }

    @Test func cyclesAreReportedOnceStartingAtTheSmallest() {
        let (order, cycles) = Topology.sort(
            nodes: [t("a"), t("b"), t("c"), t("d"), t("e")],
            deps: [t("b"): [t("c")], t("c"): [t("d")], t("d"): [t("b")], t("e"): [t("b")], t("a"): [t("a")]])
        #expect(order.isEmpty)
        #expect(cycles.map { $0.path.map(\.name) } == [["a", "a"], ["b", "c", "d", "b"]])
    }
}
