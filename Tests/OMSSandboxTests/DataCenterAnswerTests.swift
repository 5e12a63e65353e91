import Foundation
import OMSClient
import OMSModels
import Testing

@testable import OMSSandbox

/// The sandbox answers `GET .../objectstorage/data-center` from the same table that `validate`
/// checks regions against (`RegionCatalog.shipped`), so a plan the sandbox serves is never one
/// validation refuses, and the other way round (issue 23, part 2).
@Suite struct DataCenterAnswerTests {
    @Test func dataCenterAnswerIsTheRegionTable() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        // A bucket in a region the table does not list is still offered (the sandbox serves it).
        try harness.buckets.seed(cloud: .aliyun, region: "cn-local-lab", bucket: "lab-bucket", prefix: "", objects: 1, objectSize: 4, keys: nil)
        let answer = try await harness.client.listRegions()
        let catalog = RegionCatalog.shipped
        let clouds = CloudType.documented.filter { catalog.knows($0) }
        #expect(!clouds.isEmpty)
        #expect(Set(answer.compactMap(\.serviceName)) == Set(clouds.map(\.rawValue)))
        for service in answer {
            let cloud = CloudType(rawValue: service.serviceName ?? "")
            let listed = service.regionList ?? []
            let table = catalog.entries(of: cloud)
            // The table first, in its order and with its descriptions, as OMS would answer.
            #expect(Array(listed.prefix(table.count)) == table, "\(cloud): the answer does not start with the table")
            let extra = listed.dropFirst(table.count).compactMap(\.value)
            #expect(extra == (cloud == .aliyun ? ["cn-local-lab"] : []), "\(cloud): \(extra)")
        }
    }
}
