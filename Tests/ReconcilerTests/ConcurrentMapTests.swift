import Testing

@testable import Reconciler

@Suite struct ConcurrentMapTests {
    /// Chunks run on several threads; the results still come back in the items' order.
    @Test(arguments: [0, 1, 511, 1024, 10_001])
    func keepsOrder(_ count: Int) {
        let items = Array(0..<count)
        #expect(ConcurrentMap.map(items) { $0 * 3 } == items.map { $0 * 3 })
    }
}
