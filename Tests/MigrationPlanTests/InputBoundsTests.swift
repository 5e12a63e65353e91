import Foundation
import Testing
@testable import MigrationPlan

#if canImport(Glibc)
import Glibc
#endif

/// Issue 21, items 7 and 8: task set expansion and defaults spend one budget per load, and
/// plan files are regular files (a FIFO or a device is refused, never opened blocking).
@Suite struct InputBoundsTests {
    static func load(_ files: [String: String], paths: [String] = ["plan"]) -> LoadResult {
        SecurityRulesTests.load(files, env: TestSupport.env, paths: paths)
    }

    /// A task set whose `forEach` sits on line 5, column 3.
    static func taskSet(_ name: String = "many", items: Int, prefixes: Int, itemPrefix: String = "i") -> String {
        let list = (0..<items).map { "\(itemPrefix)\($0)" }.joined(separator: ", ")
        let keys = Array(repeating: "\"p/\"", count: prefixes).joined(separator: ", ")
        return """
            apiVersion: oms-plan/v1
            kind: MigrationTaskSet
            metadata: {name: \(name)}
            spec:
              forEach: [\(list)]
              name: "t-${item}"
              template:
                type: prefix
                source: {cloud: Aliyun, region: cn-hangzhou, bucket: bkt, credentials: src, prefixes: [\(keys)]}
                destination: {bucket: dst, credentials: obs}

            """
    }

    static func budgetErrors(_ result: LoadResult) -> [Diagnostic] {
        result.diagnostics.filter { $0.message.contains("one plan load may expand to") }
    }

    // MARK: The expansion budget

    @Test func itemsTimesALargeTemplateAreRefusedAtForEach() throws {
        // 10,000 x 256 values: 2.6 million, every task valid on its own (at most 500 keys).
        let result = Self.load(SecurityRulesTests.plan(["plan/set.yaml": Self.taskSet(items: 10_000, prefixes: 245)]))
        let error = try #require(Self.budgetErrors(result).first, "\(result.diagnostics.prefix(3).map(\.rendered))")
        #expect(error.file.hasSuffix("set.yaml") && error.line == 5 && error.column == 3, "\(error.rendered)")
        #expect(error.message.contains("10,000 items") && error.message.contains("2,000,000"), "\(error.message)")
        // How to split: 2,000,000 / 256 values per task.
        #expect(error.hint?.contains("at most 7,812 items") == true, "\(error.hint ?? "")")
        #expect(result.desiredState == nil)
    }

    @Test func aTemplateMadeLargeByAliasesCountsItsValuesNotItsBytes() throws {
        // About 300 bytes of template that aliases make 28,900 values (the alias budget pays
        // for them once), times 1,000 items.
        let l0 = "&l0 [" + Array(repeating: "p/", count: 30).joined(separator: ", ") + "]"
        let l1 = "&l1 [" + Array(repeating: "*l0", count: 30).joined(separator: ", ") + "]"
        let l2 = "[" + Array(repeating: "*l1", count: 30).joined(separator: ", ") + "]"
        let set = Self.taskSet(items: 1_000, prefixes: 1)
            .replacingOccurrences(of: "prefixes: [\"p/\"]", with: "prefixes: [\(l0), \(l1), \(l2)]")
        let result = Self.load(SecurityRulesTests.plan(["plan/set.yaml": set]))
        let error = try #require(Self.budgetErrors(result).first, "\(result.diagnostics.prefix(3).map(\.rendered))")
        #expect(error.line == 5 && error.message.contains("1,000 items"), "\(error.rendered)")
        #expect(!result.diagnostics.contains { $0.message.contains("expand to more than 200000") })
    }

    @Test func setsOfOneLoadShareTheBudget() throws {
        // Each set fits alone (2,100 x 500 values); together they do not.
        let files = SecurityRulesTests.plan([
            "plan/a.yaml": Self.taskSet("a", items: 2_100, prefixes: 489, itemPrefix: "a"),
            "plan/b.yaml": Self.taskSet("b", items: 2_100, prefixes: 489, itemPrefix: "b"),
        ])
        let result = Self.load(files)
        let errors = Self.budgetErrors(result)
        #expect(errors.count == 1, "\(errors.map(\.rendered))")
        let error = try #require(errors.first)
        #expect(error.file.hasSuffix("b.yaml") && error.message.contains("left of the 2,000,000"), "\(error.rendered)")
    }

    @Test func defaultsCountOncePerTask() throws {
        // 400 default prefixes (each task may have 500) under 6,000 generated tasks.
        let keys = Array(repeating: "\"p/\"", count: 400).joined(separator: ", ")
        let stack = TestSupport.stack + "  defaults:\n    source: {prefixes: [\(keys)]}\n"
        let set = Self.taskSet(items: 6_000, prefixes: 1).replacingOccurrences(of: ", prefixes: [\"p/\"]", with: "")
        let result = Self.load(["plan/s.yaml": stack + "---\n" + TestSupport.credentials, "plan/set.yaml": set])
        let error = try #require(Self.budgetErrors(result).first, "\(result.diagnostics.prefix(3).map(\.rendered))")
        #expect(error.file.hasSuffix("s.yaml") && error.line == 8 && error.message.contains("6,000 tasks"), "\(error.rendered)")
    }

    @Test func aLargeLegitimateSetStillLoads() throws {
        // 2,000 items x a template of 30 values, with item references and stack defaults.
        let set = Self.taskSet(items: 2_000, prefixes: 20)
            .replacingOccurrences(of: "bucket: bkt,", with: "bucket: \"b-${item}\",")
        let result = Self.load(SecurityRulesTests.plan(["plan/set.yaml": set], task: TestSupport.task("t")))
        #expect(!result.hasErrors, "\(result.diagnostics.prefix(3).map(\.rendered))")
        let state = try #require(result.desiredState)
        #expect(state.taskSets[ResourceAddress(.migrationTaskSet, "many")]?.count == 2_000)
    }

    // MARK: Regular files only

    /// A folder with the quickstart-like plan written to disk, removed afterwards.
    static func withFolder(_ body: (String) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("oms-bounds-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (path, text) in SecurityRulesTests.plan() {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: false, encoding: .utf8)
        }
        try body(root)
    }

    static func loadFromDisk(_ paths: [String]) -> LoadResult {
        PlanLoader.load(paths: paths, options: LoadOptions(
            environment: PlanEnvironment(variables: TestSupport.env, fileSystem: LocalFileSystem()), evaluationDate: TestSupport.tuesday))
    }

    // Before the fix, reading a FIFO blocked until a writer came: the time limit fails it.
    @Test(.timeLimit(.minutes(1))) func fifosAndDevicesAreRefusedNamedOrFound() throws {
        try Self.withFolder { root in
            #expect(mkfifo(root + "/plan/fifo.yaml", 0o600) == 0)
            try FileManager.default.createSymbolicLink(atPath: root + "/plan/stdin.yaml", withDestinationPath: "/dev/null")
            let walked = Self.loadFromDisk([root + "/plan"])
            for (name, kind) in [("fifo.yaml", "a FIFO"), ("stdin.yaml", "a character device")] {
                #expect(walked.diagnostics.contains {
                    $0.file.hasSuffix("/" + name) && $0.line == 1 && $0.message == "is not a regular file (\(kind))"
                }, "\(walked.diagnostics.map(\.rendered))")
            }
            let named = Self.loadFromDisk([root + "/plan/s.yaml", root + "/plan/fifo.yaml"])
            #expect(named.diagnostics.contains { $0.file.hasSuffix("fifo.yaml") && $0.message == "is not a regular file (a FIFO)" })
            #expect(LocalFileSystem().kind(of: root + "/plan/fifo.yaml") == .other(.fifo))
            #expect(throws: NotRegularFile.self) { try LocalFileSystem().readFile(root + "/plan/fifo.yaml") }
        }
    }

    @Test func linksInAWalkStayInTheFolderAndNamedLinksMayPointAnywhere() throws {
        try Self.withFolder { root in
            let fm = FileManager.default
            try fm.createDirectory(atPath: root + "/elsewhere", withIntermediateDirectories: true)
            try TestSupport.task("outside").write(toFile: root + "/elsewhere/outside.yaml", atomically: false, encoding: .utf8)
            try fm.createSymbolicLink(atPath: root + "/plan/out.yaml", withDestinationPath: root + "/elsewhere/outside.yaml")
            try fm.createSymbolicLink(atPath: root + "/plan/outdir", withDestinationPath: root + "/elsewhere")
            try fm.createDirectory(atPath: root + "/plan/sub", withIntermediateDirectories: true)
            try fm.createSymbolicLink(atPath: root + "/plan/sub/in.yaml", withDestinationPath: "../t.yaml")
            let walked = Self.loadFromDisk([root + "/plan"])
            let outside = walked.diagnostics.filter { $0.message.contains("outside the plan folder") }
            #expect(Set(outside.map { URL(fileURLWithPath: $0.file).lastPathComponent }) == ["out.yaml", "outdir"],
                    "\(walked.diagnostics.map(\.rendered))")
            // The link inside the tree was read (its task is then declared twice).
            #expect(walked.files.contains { $0.hasSuffix("sub/in.yaml") })
            let named = Self.loadFromDisk([root + "/plan/s.yaml", root + "/plan/out.yaml"])
            #expect(!named.hasErrors, "\(named.diagnostics.map(\.rendered))")
        }
    }
}
