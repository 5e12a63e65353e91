import Foundation
import Testing

@testable import Reconciler

/// OMS's failed lists: the documented lines are read, anything else is kept escaped and
/// counted; codes are explained from the table; acceptances only count.
struct FailedListReaderTests {
    static let good = "The source object does not exist.\t2026-12-07T13:28:24.125+08:00\tphotos/a%20b.jpg\tphotos/a b.jpg\tNoSuchKey"

    @Test func documentedLinesAreRead() {
        let text = Self.good + "\r\n" + "archived\t2026-12-07T13:28:25.000+08:00\tcold/%C3%BC.bin\tcold/ü.bin\tInvalidObjectState\n\n"
        let result = FailedListReader.read(Data(("\u{FEFF}" + text).utf8))
        #expect(result.unreadable.isEmpty)
        #expect(result.objects == [
            FailedObject(key: "photos/a b.jpg", code: "NoSuchKey", reason: "The source object does not exist.", time: "2026-12-07T13:28:24.125+08:00"),
            FailedObject(key: "cold/ü.bin", code: "InvalidObjectState", reason: "archived", time: "2026-12-07T13:28:25.000+08:00"),
        ])
    }

    @Test func anEmptyKeyFieldFallsBackToTheEncodedOne() {
        let result = FailedListReader.read(Data("gone\tt\ta%2Fb%20c\t\tNoSuchKey\n".utf8))
        #expect(result.objects.map(\.key) == ["a/b c"])
    }

    @Test func malformedLinesAreKeptEscapedAndTheRestIsRead() {
        var bytes = Data()
        let lines: [[UInt8]] = [
            Array("only\tfour\tfields\there".utf8),  // 4 fields
            Array("a\tb\tc\td\te\tf".utf8),  // 6 fields
            Array("reason\ttime\tk\tk\t<script>alert(1)</script>".utf8),  // not a code
            Array("reason\ttime\tk\tk\t".utf8),  // no code
            [0x72, 0x09, 0x74, 0x09, 0x6B, 0x09, 0xFF, 0xFE, 0x09, 0x4E],  // invalid UTF-8 in the key
            Array("r\tt\tk\tkey\u{202E}gnp.exe\tNoSuchKey".utf8),  // a bidi override in the key
            Array("plain words, no tabs at all \u{1B}[31m red".utf8),
            Array(Self.good.utf8),
        ]
        for line in lines { bytes.append(contentsOf: line + [0x0A]) }
        let result = FailedListReader.read(bytes)
        #expect(result.objects.map(\.key) == ["photos/a b.jpg"])
        #expect(result.unreadable.count == 7)
        #expect(result.unreadable[0] == "only\\u{9}four\\u{9}fields\\u{9}here")
        #expect(result.unreadable[4].contains("\u{FFFD}"))
        #expect(result.unreadable[5].contains("\\u{202E}") && !result.unreadable[5].unicodeScalars.contains("\u{202E}"))
        #expect(result.unreadable[6].contains("\\u{1B}[31m"))
        // Nothing unescaped survives: no control character, no separator.
        for raw in result.unreadable {
            #expect(!raw.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        }
    }

    @Test func aLongLineIsCut() {
        let raw = FailedListReader.read(Data(String(repeating: "x", count: 5000).utf8)).unreadable
        #expect(raw.count == 1 && raw[0].utf8.count == 303 && raw[0].hasSuffix("..."))
    }

    @Test func codesAreExplainedFromTheTable() {
        let codes = FailedObjectCodes.builtIn
        #expect(codes.explain("NoSuchKey").advice.contains("acceptFailures"))
        #expect(codes.explain("404").title == codes.explain("NoSuchKey").title)
        #expect(codes.explain("InvalidObjectState").advice.contains("options.enableRestore"))
        #expect(codes.explain("ConsistencyCheckFailed").title == "changed during the copy")
        #expect(codes.explain("HTTP.503").title == "source busy or unreachable")
        #expect(codes.explain("HTTP.410").title == "URL not readable")
        let unknown = codes.explain("Weird.Code")
        #expect(unknown.title == "unknown error" && !codes.knows("Weird.Code") && codes.knows("NoSuchKey"))
        // Every row of the table has a meaning and advice.
        for entry in codes.table.entries {
            #expect(!entry.meaning.isEmpty && !entry.advice.isEmpty && !((entry.codes ?? []) + (entry.prefixes ?? [])).isEmpty, "\(entry.title)")
        }
    }

    struct KeyAcceptance: FailedObjectAcceptance {
        var key: String
        func accepts(_ object: FailedObject) -> Bool { object.key == key }
    }

    @Test func summaryCountsByCodeAndTakesAcceptances() {
        let objects = (0..<8).map { FailedObject(key: "k\($0)", code: $0 < 5 ? "NoSuchKey" : "AccessDenied", reason: "r") }
        let read = FailedListReader.Result(objects: objects, unreadable: ["x"])
        let plain = FailedObjectsSummary(listFile: "oms/task/t/1.failed_list.txt", read: read)
        #expect(plain.count == 8 && plain.byCode == ["NoSuchKey": 5, "AccessDenied": 3] && plain.accepted == 0)
        #expect(plain.sample.map(\.key) == ["k0", "k1", "k2", "k3", "k4"])
        #expect(plain.codesByCount.map(\.code) == ["NoSuchKey", "AccessDenied"])
        #expect(plain.unreadableLines == 1)
        let accepting = FailedObjectsSummary(listFile: "f", read: read, acceptances: [KeyAcceptance(key: "k0"), KeyAcceptance(key: "k1")])
        #expect(accepting.accepted == 2)
        #expect(accepting.sample.first?.key == "k2")  // unaccepted ones first
    }

    @Test func aGroupFolderReadsTheNewestListOfEachTask() {
        let keys = [
            "oms/task_group/g/failed_object_lists/a/999.failed_list.txt",
            "oms/task_group/g/failed_object_lists/a/1000.failed_list.txt",
            "oms/task_group/g/failed_object_lists/b/5.failed_list.txt",
            "oms/task_group/g/failed_object_lists/b/notes.md",
        ]
        #expect(StatusReport.newestPerFolder(keys) == [
            "oms/task_group/g/failed_object_lists/a/1000.failed_list.txt", "oms/task_group/g/failed_object_lists/b/5.failed_list.txt",
        ])
    }

    @Test func textAndPageShowCodesAdviceAndKeysEscaped() {
        let read = FailedListReader.Result(objects: [FailedObject(key: "<img src=x onerror=1>", code: "NoSuchKey", reason: "gone")])
        let summary = FailedObjectsSummary(listFile: "oms/task/t/1.failed_list.txt", read: read, note: "read the first 1 of 2 lists")
        let text = summary.textLines().joined(separator: "\n")
        #expect(text.contains("1 failed object (list: oms/task/t/1.failed_list.txt)"))
        #expect(text.contains("NoSuchKey x1: source object gone") && text.contains("what to do:") && text.contains("note: read the first"))
        let html = summary.htmlDetails
        #expect(!html.contains("<img") && html.contains("&lt;img"))
    }
}
