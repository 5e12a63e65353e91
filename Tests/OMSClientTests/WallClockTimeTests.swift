import OMSClient
import Testing

@Suite struct WallClockTimeTests {
    @Test func parsesStrictHoursAndMinutes() {
        #expect(WallClockTime(parsing: "08:30")?.minutes == 510)
        #expect(WallClockTime(parsing: "23:59")?.minutes == 1439)
        for bad in ["8:30", "24:00", "12:60", "ab:cd", "12-30", "", "123:45"] {
            #expect(WallClockTime(parsing: bad) == nil, "\(bad)")
        }
        #expect(WallClockTime(parsing: "24:00", allowEndOfDay: true) == .endOfDay)
    }

    @Test func printsForPlansAndForOMS() {
        #expect(WallClockTime(minutes: 65).description == "01:05")
        #expect(WallClockTime.endOfDay.description == "24:00")
        #expect(WallClockTime.endOfDay.omsText == "23:59")
        let rule = BandwidthPolicy(start: .midnight, end: .endOfDay, maxBandwidth: 1_048_576)
        #expect(rule.start == "00:00" && rule.end == "23:59")
        #expect(rule.startTime == .midnight && rule.endTime == .lastMinute)
    }
}
