import ArgumentParser
import Foundation
import OMSClient
import OMSModels
import Reconciler

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "List OMS tasks, task groups and synchronization tasks no stack owns; write plan YAML that adopts them.",
        discussion: """
            Without --write, lists each unowned resource (id, kind, name, type, source, destination, status, bytes) \
            as a table (text), a Markdown table or JSON. \
            With --write FILE and --id ID (repeatable) or --all, writes a MigrationTask, MigrationTaskGroup or \
            MigrationSyncTask with spec.adopt for each, every compared field spelled out (bandwidth rules as \
            windows in the stack's serviceTimezone), and a Credentials document with \
            ${env:IMPORTED_<CLOUD>_AK}/_SK references for a cloud the plan has no credentials for (OMS never \
            returns keys; a CDN key is ${env:IMPORTED_<NAME>_CDN_KEY}). The next diff shows each one adopted: no \
            create, no replace, no delete. FILE must not exist (nothing is ever overwritten); put it inside the \
            plan folder. With --write, --output json prints what was written.
            """)

    @OptionGroup var plan: ImportPlanOptions
    @OptionGroup var connection: ConnectionOptions

    @Option(name: .customLong("id"), help: "Write this resource (repeatable).")
    var ids: [String] = []

    @Flag(help: "Write every unowned resource.")
    var all = false

    @Option(help: ArgumentHelp("Write plan YAML to this new file (refused if it exists).", valueName: "file"))
    var write: String?

    func validate() throws {
        try require(!(all && !ids.isEmpty), "--all and --id cannot be combined")
        try require(write == nil || all || !ids.isEmpty, "--write needs --id ID or --all")
        try require(write != nil || (!all && ids.isEmpty), "--id and --all choose what --write writes; give --write FILE")
    }

    func run() async throws {
        if let write, FileManager.default.fileExists(atPath: write) {
            Console.error("error: \(write) exists; import never overwrites a file: choose a new file name")
            throw ExitCode(1)
        }
        let session = try await Session.open(plan: try plan.planOptions(), connection: connection, secretsRequired: false)
        let listing: ImportListing
        do {
            listing = try await ImportListing.read(from: session.client, desired: session.desired)
        } catch {
            await session.close()
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
        await session.close()
        let unowned = listing.unowned
        guard let write else {
            switch plan.output {
            case .json: Console.json(try PrettyJSON.render(unowned))
            case .text: Console.out(Self.table(unowned))
            case .markdown: Console.out(Self.markdownTable(unowned))
            }
            return
        }
        let chosen = all ? unowned.map(\.id) : ids
        let unownedIds = Set(unowned.map(\.id))
        let notFree = chosen.filter { !unownedIds.contains($0) }
        let output = listing.documents(ids: chosen.filter(unownedIds.contains))
        let skipped = notFree.map { ($0, "not an unowned resource of this project (see `oms-plan import` for the list)") } + output.skipped
        for (id, reason) in skipped { Console.note("skipped \(id): \(reason)") }
        for note in output.notes { Console.note(note) }
        guard !output.addresses.isEmpty else {
            Console.error("error: nothing to write")
            throw ExitCode(1)
        }
        do {
            // withoutOverwriting: a file made since the check above is not replaced either.
            try Data(output.yaml.utf8).write(to: URL(fileURLWithPath: write), options: .withoutOverwriting)
        } catch {
            Console.error("error: cannot write \(write): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        Console.note("wrote \(output.addresses.count) \(output.addresses.count == 1 ? "document" : "documents") to \(write): "
            + output.addresses.map(\.description).joined(separator: ", "))
        if plan.output == .json {
            Console.json(try PrettyJSON.render(Written(
                file: write, written: output.addresses.map(\.description),
                skipped: skipped.map { Written.Skip(id: $0.0, reason: $0.1) }, notes: output.notes)))
        }
    }

    /// `--output json` with `--write`: what went into the file.
    struct Written: Encodable {
        struct Skip: Encodable {
            var id: String
            var reason: String
        }
        var file: String
        var written: [String]
        var skipped: [Skip]
        var notes: [String]
    }

    /// The list as a GitHub Markdown table: every cell one line, escaped as prose.
    static func markdownTable(_ rows: [UnownedResource]) -> String {
        guard !rows.isEmpty else { return "Every task, task group and synchronization task belongs to a stack.\n" }
        let cells = rows.map { row in cellTexts(row).map { TextEscaping.markdownProse(oneLine($0)) } }
        let lines = ["| " + header.joined(separator: " | ") + " |", "|" + header.map { $0 == "BYTES" ? "--:|" : ":--|" }.joined()]
            + cells.map { "| " + $0.joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n") + "\n\n\(rows.count) unowned; adopt with: `oms-plan import PATH --write FILE --all` (or `--id ID`)\n"
    }

    static let header = ["ID", "KIND", "NAME", "TYPE", "SOURCE", "DESTINATION", "STATUS", "BYTES"]

    static func cellTexts(_ r: UnownedResource) -> [String] {
        [r.id, r.kind, r.name, r.type,
         "\(r.sourceCloud) \(r.sourceRegion) \(r.sourceBucket)" + (r.prefixes.isEmpty ? "" : " [" + r.prefixes.joined(separator: ", ") + "]"),
         "\(r.destinationRegion) \(r.destinationBucket)" + (r.savePrefix.isEmpty ? "" : " \(r.savePrefix)"), r.status, String(r.bytes)]
    }

    static func table(_ rows: [UnownedResource]) -> String {
        guard !rows.isEmpty else { return "Every task, task group and synchronization task belongs to a stack.\n" }
        let cells = rows.map { cellTexts($0).map(Self.oneLine) }
        let widths = header.indices.map { i in ([header[i]] + cells.map { $0[i] }).map(\.unicodeScalars.count).max() ?? 0 }
        func line(_ row: [String]) -> String {
            row.indices.map { i in row[i] + String(repeating: " ", count: widths[i] - row[i].unicodeScalars.count) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header)] + cells.map(line)).joined(separator: "\n") + "\n\(rows.count) unowned; adopt with: oms-plan import PATH --write FILE --all (or --id ID)\n"
    }

    /// Text from OMS on one terminal line: control scalars shown as `\u{…}`.
    static func oneLine(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}" {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// What `import` reads and how it prints. Not `PlanOptions`: its `--target`, `--selector`,
/// `--full` and `--no-color` choose part of a plan or shape a diff, and mean nothing for
/// resources that no stack owns (a `--target` would even make resources the rest of the plan
/// adopts look unowned), so import does not offer them.
struct ImportPlanOptions: ParsableArguments {
    @Argument(help: "Plan directories or files.")
    var paths: [String] = ["."]

    @Option(help: "Output format: text, json or markdown (a table for a pull request).")
    var output: OutputFormat = .text

    @Flag(help: "Let ${file:} read files outside the plan's repository (the folder with .git, or the plan folder).")
    var allowFileOutsideRepo = false

    /// The options `Session` reads (the paths and the file rule), every other at its default.
    func planOptions() throws -> PlanOptions {
        try PlanOptions.parse((allowFileOutsideRepo ? ["--allow-file-outside-repo"] : []) + ["--"] + paths)
    }
}
