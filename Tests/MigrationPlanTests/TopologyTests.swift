import Testing
@testable import MigrationPlan

@Suite struct TopologyTests {
    func t(_ n: String) -> ResourceAddress { ResourceAddress(.migrationTask, n) }

    @Test func dependenciesComeFirstTiesByAddress() {
        let (order, cycles) = Topology.sort(nodes: [t("c"), t("b"), t("a"), t("d")], deps: [t("a"): [t("d")], t("b"): [t("a")]])
        #expect(cycles.isEmpty)
        #expect(order == [t("c"), t("d"), t("a"), t("b")])
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
