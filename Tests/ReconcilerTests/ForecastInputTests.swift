import Foundation
import Testing

@testable import Reconciler

/// What forecasts read from outside (OMS's size text, the history file) is bounded.
@Suite struct ForecastInputTests {
    @Test func sizesAsOMSPrintsThemAndNothingThatTraps() {
        #expect(SourceSizer.bytes("73.59 MB") == Int64((73.59 * 1_048_576).rounded()))
        #expect(SourceSizer.bytes("512 B") == 512 && SourceSizer.bytes("2 KiB") == 2048 && SourceSizer.bytes("1.00 GB") == 1 << 30)
        for hostile in ["--", "", "nan MB", "inf GB", "-1 MB", "1e300 PB", "9999999999 PB", "12 parsecs", "MB 12"] {
            #expect(SourceSizer.bytes(hostile) == nil, "\(hostile)")
        }
    }

    @Test func anOversizedOrBrokenHistoryFileIsIgnored() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken.json")
        try Data("{not json".utf8).write(to: broken)
        #expect(ObservationHistory.load(from: broken) == ObservationHistory())
        let huge = folder.appendingPathComponent("huge.json")
        FileManager.default.createFile(atPath: huge.path, contents: nil)
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: UInt64(ObservationHistory.maximumFileBytes + 1))
        try handle.close()
        #expect(ObservationHistory.load(from: huge) == ObservationHistory())
        #expect(ObservationHistory.load(from: folder.appendingPathComponent("missing.json")) == ObservationHistory())
    }
}
