import Foundation
import MigrationPlan
import OMSModels
import Testing

@testable import Reconciler

/// Review of issue 25: a pass's counts come from OMS's answer, which the code does not trust
/// to be sensible; no pair of values makes recording a pass trap on an overflow.
@Suite struct PassCountsTests {
    let marker = PassMarker(of: OwnershipMarker(stack: "e2e", address: ResourceAddress(.migrationTask, "photos"), fingerprint: "1a2b3c4d"), n: 1)

    @Test func extremeTaskCountsAreRecordedWithoutOverflow() {
        for (total, complete, real) in [(Int64.min, Int64.max, Int64.min), (Int64.max, Int64.min, Int64.max), (-2, Int64.max, -1)] {
            var task = TaskResp()
            (task.id, task.status) = (7, .succeeded)
            (task.totalSize, task.completeSize, task.realSize) = (total, complete, real)
            let record = LivePass(marker: marker, live: .task(task)).record(updating: nil, now: Date(timeIntervalSince1970: 1000))
            #expect(record.bytesSkipped >= 0 && record.bytesFailed >= 0)
        }
    }

    @Test func extremeGroupCountsAreRecordedWithoutOverflow() {
        for (total, complete) in [(Int64.min, Int64.max), (Int64.max, Int64.min)] {
            var group = TaskGroupResp()
            (group.groupId, group.status) = ("g", .migrationFailed)
            (group.totalSize, group.completeSize) = (total, complete)
            let record = LivePass(marker: marker, live: .group(group)).record(updating: nil, now: Date(timeIntervalSince1970: 1000))
            #expect(record.bytesFailed >= 0)
        }
    }
}
