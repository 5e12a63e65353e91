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

    // MARK: Synchronization tasks

    /// `GET .../sync-tasks` as OMS answers it: keys in no particular order, a CDN source, an
    /// app id, nulls, an unknown status (open enums keep it), escapes and non-ASCII text.
    static let syncTaskList = #"""
        {"tasks":[{"sync_task_id":"5b7e3a51-0c7f-4a55-9d5c-2f0e3a1c7d10","src_cloud_type":"Aliyun","src_region":"cn-hangzhou",
        "src_bucket":"media-src","create_time":1733011200000,"last_start_time":1733097600123,"dst_bucket":"media-dst",
        "dst_region":"cn-north-4","description":"oms-plan:s:MigrationSyncTask/media#0a1b2c3d \u00e9t\u00e9 \ud83d\ude00","status":"SYNCHRONIZING",
        "enable_metadata_migration":false,"enable_restore":true,"app_id":null,"source_cdn":{"domain":"cdn.example.com",
        "protocol":"HTTPS","authentication_type":"ALIYUN_OSS_A"},"object_overwrite_mode":"SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE",
        "dst_storage_policy":"STANDARD","consistency_check":"crc64"},
        {"status":"PAUSED_BY_OMS","dst_region":"cn-east-3","sync_task_id":"c0ffee00-0000-4000-8000-000000000002",
        "src_cloud_type":"Tencent","app_id":"1250000000","src_region":"ap-guangzhou","src_bucket":"logs-1250000000",
        "dst_bucket":"logs","description":"","create_time":0,"last_start_time":253402300799999,"source_cdn":null,
        "object_overwrite_mode":"NO_OVERWRITE","dst_storage_policy":"DEEP_ARCHIVE","consistency_check":"size_last_modified",
        "enable_metadata_migration":true,"enable_restore":false}],"count":2}
        """#

    /// `GET .../sync-tasks/{id}`: one task with the month's counters.
    static let syncTaskShow = #"""
        {"sync_task_id":"5b7e3a51-0c7f-4a55-9d5c-2f0e3a1c7d10","src_cloud_type":"Aliyun","src_region":"cn-hangzhou",
        "src_bucket":"media-src","create_time":1733011200000,"last_start_time":1733097600123,"dst_bucket":"media-dst",
        "dst_region":"cn-north-4","description":"Gr\u00fc\u00dfe \"quoted\" \\ back\/slash","status":"STOPPED",
        "enable_metadata_migration":false,"enable_restore":false,"app_id":"","source_cdn":null,
        "object_overwrite_mode":"SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE","dst_storage_policy":"IA",
        "consistency_check":"size_last_modified","monthly_acceptance_request":9223372036854775807,
        "monthly_success_object":120,"monthly_failure_object":0,"monthly_skip_object":-0,"monthly_size":1073741824}
        """#

    /// `GET .../sync-tasks/{id}/statistics` and `POST .../sync-tasks`.
    static let syncTaskStatistics = #"""
        {"sync_task_id":"5b7e3a51-0c7f-4a55-9d5c-2f0e3a1c7d10","statistic_time_type":"FIVE_MINUTES","statistic_datas":[
        {"data_type":"REQUEST","data":[{"time_stamp":1733097600000,"statistic_num":10},{"time_stamp":1733097900000,"statistic_num":3}]},
        {"data_type":"SIZE","data":[]},{"data":[{"statistic_num":7,"time_stamp":1733097600000}],"data_type":"SUCCESS"}]}
        """#
    static let syncTaskCreated = #"{"sync_task_id":"5b7e3a51-0c7f-4a55-9d5c-2f0e3a1c7d10"}"#

    /// The sync-task answers: the tape reads each (it does not decline) and agrees with
    /// `JSONDecoder`, field by field.
    @Test func syncTaskAnswersReadAlike() throws {
        try Self.agree(ListSyncTasksResp.self, Data(Self.syncTaskList.utf8))
        try Self.agree(SyncTaskInfo.self, Data(Self.syncTaskShow.utf8))
        try Self.agree(SyncTaskStatisticsResp.self, Data(Self.syncTaskStatistics.utf8))
        try Self.agree(CreateSyncTaskResp.self, Data(Self.syncTaskCreated.utf8))
        let list = try OMSResponseDecoder.decodeWithTape(ListSyncTasksResp.self, from: Data(Self.syncTaskList.utf8))
        #expect(list.count == 2)
        #expect(list.tasks?.map(\.status) == [.synchronizing, SyncTaskStatus(rawValue: "PAUSED_BY_OMS")])
        #expect(list.tasks?.first?.sourceCdn?.authenticationType == .aliyunOssA)
        #expect(list.tasks?.first?.description == "oms-plan:s:MigrationSyncTask/media#0a1b2c3d été 😀")
        #expect(list.tasks?.last?.appId == "1250000000")
        #expect(list.tasks?.last?.lastStartTime == 253_402_300_799_999)
        let shown = try OMSResponseDecoder.decodeWithTape(SyncTaskInfo.self, from: Data(Self.syncTaskShow.utf8))
        #expect(shown.monthlyAcceptanceRequest == Int64.max)
        #expect(shown.monthlySize == 1_073_741_824)
        #expect(shown.description == #"Grüße "quoted" \ back/slash"#)
    }

    /// What the sync-task answers hold that the tape does not read exactly as `JSONDecoder`
    /// would: it declines, and the entry point gives `JSONDecoder`'s answer or error.
    @Test(arguments: [
        #"{"tasks":[{"status":1}],"count":1}"#,  // a string-coded open enum written as a number
        #"{"tasks":[{"create_time":1733011200000.5}],"count":1}"#,
        #"{"tasks":[{"create_time":"1733011200000"}],"count":1}"#,
        #"{"tasks":[{"enable_restore":"true"}],"count":1}"#,
        #"{"tasks":[{"source_cdn":[]}],"count":1}"#,
        #"{"tasks":[{"sync_task_id":"a","sync_task_id":"b"}],"count":1}"#,
        #"{"tasks":[{"monthly_size":9223372036854775808}]}"#,
        #"{"tasks":[{"description":"\udc00"}]}"#,
        #"{"tasks":null,"count":0} {}"#,
    ])
    func syncTaskListsDeclineWhatTheyCannotMatch(_ json: String) {
        let data = Data(json.utf8)
        #expect(Self.tape(ListSyncTasksResp.self, data) == nil)
        #expect(Self.outcome(ListSyncTasksResp.self, data, OMSResponseDecoder.decode) == Self.outcome(ListSyncTasksResp.self, data, JSONDecoder().decode))
    }

    // MARK: Damage

    /// What a decoder made of some bytes: the value, or its error as text (`JSONDecoder`'s
    /// errors name the coding path and the reason, so equal texts are the same failure).
    enum Outcome<T: Equatable>: Equatable {
        case value(T)
        case failure(String)
    }

    static func outcome<T: Decodable & Equatable>(_ type: T.Type, _ data: Data, _ decode: (T.Type, Data) throws -> T) -> Outcome<T> {
        do {
            return .value(try decode(T.self, data))
        } catch {
            return .failure(String(describing: error))
        }
    }

    /// The answers random damage is tried on: every kind the client reads in a pass.
    enum DamagedAnswer: String, CaseIterable, Sendable {
        case listTasks, showTask, listTaskGroups, showTaskGroup, listSyncTasks, showSyncTask, syncTaskStatistics

        func bytes() throws -> [UInt8] {
            switch self {
            case .listSyncTasks: Array(TapeDecoderTests.syncTaskList.utf8)
            case .showSyncTask: Array(TapeDecoderTests.syncTaskShow.utf8)
            case .syncTaskStatistics: Array(TapeDecoderTests.syncTaskStatistics.utf8)
            default: [UInt8](try Fixtures.data("examples/\(rawValue).response.json"))
            }
        }

        /// Failures (with the damaged text) among `trials` damaged copies.
        func disagreements(trials: Int, generator: inout SeededGenerator) throws -> [String] {
            let original = try bytes()
            return switch self {
            case .listTasks: TapeDecoderTests.damage(ListTasksResp.self, original, trials, &generator)
            case .showTask: TapeDecoderTests.damage(TaskResp.self, original, trials, &generator)
            case .listTaskGroups: TapeDecoderTests.damage(ListTaskGroupsResp.self, original, trials, &generator)
            case .showTaskGroup: TapeDecoderTests.damage(TaskGroupResp.self, original, trials, &generator)
            case .listSyncTasks: TapeDecoderTests.damage(ListSyncTasksResp.self, original, trials, &generator)
            case .showSyncTask: TapeDecoderTests.damage(SyncTaskInfo.self, original, trials, &generator)
            case .syncTaskStatistics: TapeDecoderTests.damage(SyncTaskStatisticsResp.self, original, trials, &generator)
            }
        }
    }

    /// Damages `original` `trials` times (one to three bytes replaced, removed or inserted,
    /// from JSON's own alphabet so that most damage still parses). For each copy: the entry
    /// point gives what `JSONDecoder` gives (the same value, or the same error), and the tape
    /// alone either declines or reads exactly `JSONDecoder`'s value, never a value where
    /// `JSONDecoder` fails.
    static func damage<T: Decodable & Equatable>(
        _ type: T.Type, _ original: [UInt8], _ trials: Int, _ generator: inout SeededGenerator
    ) -> [String] {
        let alphabet = Array(#"{}[]":,\ 0123456789.-eE+tfnu"ab"#.utf8)
        var disagreements: [String] = []
        for _ in 0..<trials {
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
            let reference = outcome(T.self, data, JSONDecoder().decode)
            let entryPoint = outcome(T.self, data, OMSResponseDecoder.decode)
            let tapeAlone = try? OMSResponseDecoder.decodeWithTape(T.self, from: data)
            if entryPoint != reference || (tapeAlone != nil && reference != .value(tapeAlone!)) {
                disagreements.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        return disagreements
    }

    /// Random damage to every kind of answer the client reads: the entry point agrees with
    /// `JSONDecoder` on each copy, value or error.
    @Test(arguments: DamagedAnswer.allCases)
    func damagedAnswersAgreeWithJSONDecoder(_ answer: DamagedAnswer) throws {
        var generator = SeededGenerator(seed: 0x7A9E_0001 &+ UInt64(DamagedAnswer.allCases.firstIndex(of: answer)!))
        let disagreements = try answer.disagreements(trials: 1500, generator: &generator)
        #expect(disagreements.isEmpty, "\(answer.rawValue), \(generator): \(disagreements.count) damaged answers read otherwise than by JSONDecoder, the first: \(disagreements.first ?? "")")
    }
}
