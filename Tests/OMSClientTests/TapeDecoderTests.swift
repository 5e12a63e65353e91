import Foundation
import Testing

@testable import OMSClient

/// The tape decoder must read every answer exactly as `JSONDecoder` does, or decline it (and
/// then `OMSResponseDecoder` hands it to `JSONDecoder`): the answer, or the error, is always
/// `JSONDecoder`'s.
@Suite struct TapeDecoderTests {
    /// What `JSONDecoder` makes of `data`, or nil when it throws.
    static func reference<T: Decodable>(_ type: T.Type, _ data: Data) -> T? {
        try? JSONDecoder().decode(T.self, from: data)
    }

    static func tape<T: Decodable>(_ type: T.Type, _ data: Data) -> T? {
        try? OMSResponseDecoder.decodeWithTape(T.self, from: data)
    }

    /// Reads `data` with the tape (it must not decline) and with `JSONDecoder`: they agree.
    static func agree<T: Decodable & Equatable>(_ type: T.Type, _ data: Data) throws {
        let tape = try OMSResponseDecoder.decodeWithTape(T.self, from: data)
        #expect(tape == (try JSONDecoder().decode(T.self, from: data)))
    }

    /// Every answer example of the reference: the tape reads each and agrees.
    @Test func referenceAnswersReadAlike() throws {
        let data = { (name: String) in try Fixtures.data("examples/\(name).response.json") }
        try Self.agree(ListTasksResp.self, data("listTasks"))
        try Self.agree(TaskResp.self, data("showTask"))
        try Self.agree(ListTaskGroupsResp.self, data("listTaskGroups"))
        try Self.agree(TaskGroupResp.self, data("showTaskGroup"))
        try Self.agree(ListBucketObjectsResp.self, data("listBucketObjects"))
        try Self.agree(CreateTaskResp.self, data("createTask"))
        try Self.agree(CreateTaskGroupResp.self, data("createTaskGroup"))
        try Self.agree(ListAPIVersionsResp.self, data("listApiVersions"))
        try Self.agree(APIVersion.self, data("showApiVersion"))
        try Self.agree([String].self, data("listBuckets"))
        try Self.agree([ShowRegionInfoResp].self, data("listRegions"))
        try Self.agree(ShowBucketRegionResp.self, data("showBucketRegion"))
        try Self.agree(ShowCdnInfoResp.self, data("showCdnInfo"))
        try Self.agree(CheckPrefixResp.self, data("checkPrefix"))
        #expect(try OMSResponseDecoder.decodeWithTape(ListTasksResp.self, from: data("listTasks")).tasks?.isEmpty == false)
    }

    /// Strings with every escape, non-ASCII text and surrogate pairs; numbers at the edges.
    @Test func escapesUnicodeAndNumbers() throws {
        let json = #"""
            {"tasks":[{"id":9223372036854775807,"name":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00 Grüße",
            "description":"日本語 oms-plan:s:MigrationTask/x#0123abcd","progress":0.125,"complete_size":-0,
            "status":5,"error_reason":"","bandwidth_policy":[{"start":"00:00","end":"23:59","max_bandwidth":1048576}],
            "total_size":null,"src_node":{"bucket":"b","object_key":["a","b"]}}],"count":1}
            """#
        let data = Data(json.utf8)
        let tape = try OMSResponseDecoder.decodeWithTape(ListTasksResp.self, from: data)
        let reference = try JSONDecoder().decode(ListTasksResp.self, from: data)
        #expect(tape == reference)
        #expect(tape.tasks?.first?.name == "a\"b\\c/d\u{8}\u{c}\n\r\té😀 Grüße")
        #expect(tape.tasks?.first?.id == Int64.max)
    }

    /// Keys are found by hash; an object with an escaped key is searched by text instead,
    /// and absent keys are absent either way.
    @Test func keysAreFoundWhateverTheirOrderOrSpelling() throws {
        let json = #"{"count":2,"tasks":[{"n\u0061me":"esc","id":1},{"status":2,"name":"plain","id":2,"total_size":5}]}"#
        let data = Data(json.utf8)
        let tape = try OMSResponseDecoder.decodeWithTape(ListTasksResp.self, from: data)
        #expect(tape == (try JSONDecoder().decode(ListTasksResp.self, from: data)))
        #expect(tape.tasks?.map(\.name) == ["esc", "plain"])
        #expect(tape.tasks?.first?.totalSize == nil)
        #expect(tape.tasks?.last?.totalSize == 5)
    }

    /// Whatever the tape does not read exactly as `JSONDecoder` would, it declines, and the
    /// public entry point still gives `JSONDecoder`'s answer or error.
    @Test(arguments: [
        #"{"count":1,"count":2}"#,  // duplicate keys
        #"{"count":1.0}"#,  // an integer written with a fraction
        #"{"count":1e2}"#,
        #"{"count":99999999999999999999}"#,  // out of range
        #"{"tasks":[{"name":"\ud83d"}]}"#,  // lone surrogate
        #"{"tasks":[{"name":"\x"}]}"#,  // bad escape
        #"{"count":1} x"#,  // text after the value
        #"{"count":01}"#,
        #"{"count":"1"}"#,  // a string for a number
        #"{"tasks":{}}"#,
        "{\"tasks\":[{\"name\":\"\u{1}\"}]}",  // control character
        "",
        #"{"tasks":[{"status":"2"}]}"#,  // an integer-coded enum written as a string
        #"{"tasks":[{"task_type":5}]}"#,  // a string-coded enum written as a number
        #"{"tasks":[{"task_priority":{"a":1}}]}"#,
        #"{"count":1,"\u0063ount":2}"#,  // the same key twice, once escaped
        #"{"c\u006funt":1,"count":2}"#,
    ])
    func declinesWhatItCannotMatch(_ json: String) {
        let data = Data(json.utf8)
        #expect(Self.tape(ListTasksResp.self, data) == nil)
        let viaEntryPoint = try? OMSResponseDecoder.decode(ListTasksResp.self, from: data)
        #expect(viaEntryPoint == Self.reference(ListTasksResp.self, data))
    }

    struct Widths: Decodable, Equatable {
        var i64: Int64?
        var int: Int?
        var i8: Int8?
        var u8: UInt8?
        var u64: UInt64?
        var u: UInt?
    }

    /// Integers of every width the models could hold agree with `JSONDecoder` at and past
    /// their edges (the tape reads Int64 and converts exactly, or declines).
    @Test(arguments: [
        #"{"i64":-9223372036854775808,"int":9223372036854775807,"i8":-128,"u8":255,"u64":18446744073709551615,"u":0}"#,
        #"{"i64":-9223372036854775809}"#, #"{"int":9223372036854775808}"#, #"{"i8":128}"#, #"{"i8":-129}"#,
        #"{"u8":256}"#, #"{"u8":-1}"#, #"{"u64":18446744073709551616}"#, #"{"u":-0}"#, #"{"i64":-0}"#,
    ])
    func integerEdgesAgree(_ json: String) {
        let data = Data(json.utf8)
        #expect((try? OMSResponseDecoder.decode(Widths.self, from: data)) == Self.reference(Widths.self, data))
    }

    /// A duplicate key is found however many keys come before it (the reader filters key
    /// hashes before it compares text); many distinct keys are not taken for duplicates.
    @Test func duplicateKeysAreFoundAmongMany() throws {
        let keys = (0..<300).map { "\"key\($0)\":\($0)" }
        let distinct = Data(("{" + keys.joined(separator: ",") + #","count":1}"#).utf8)
        #expect(try OMSResponseDecoder.decodeWithTape(ListTasksResp.self, from: distinct).count == 1)
        for repeated in [0, 63, 64, 127, 128, 299] {
            let json = "{" + keys.joined(separator: ",") + ",\"key\(repeated)\":1,\"count\":1}"
            #expect(Self.tape(ListTasksResp.self, Data(json.utf8)) == nil, "key\(repeated) repeated")
        }
    }

    @Test func deepNestingIsDeclinedWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(Self.tape([String].self, Data(deep.utf8)) == nil)
    }

    /// Random damage to a real answer: the entry point always agrees with `JSONDecoder`.
    @Test func damagedAnswersAgreeWithJSONDecoder() throws {
        let original = [UInt8](try Fixtures.data("examples/listTasks.response.json"))
        var generator = SeededGenerator(seed: 0x7A9E_0001)
        let alphabet = Array(#"{}[]":,\ 0123456789.-eE+tfnu"ab"#.utf8)
        var agreed = 0
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let at = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[at] = alphabet.randomElement(using: &generator)!
                case 1: bytes.remove(at: at)
                default: bytes.insert(alphabet.randomElement(using: &generator)!, at: at)
                }
            }
            let data = Data(bytes)
            let reference = Self.reference(ListTasksResp.self, data)
            let ours = try? OMSResponseDecoder.decode(ListTasksResp.self, from: data)
            #expect(ours == reference, "\(generator), damaged answer: \(String(decoding: bytes, as: UTF8.self))")
            if ours == reference { agreed += 1 }
        }
        #expect(agreed == 3000, "\(generator)")
    }
}
