import ArgumentParser
import Foundation
import OMSClient
import Reconciler

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "List OMS tasks, task groups and synchronization tasks no stack owns; write plan YAML that adopts them.",
        discussion: """
            Without --write, lists each unowned resource (id, kind, name, type, source, destination, status, bytes). \
            With --write FILE and --id ID (repeatable) or --all, writes a MigrationTask or MigrationTaskGroup with spec.adopt for each, \
            and a Credentials document with ${env:IMPORTED_<CLOUD>_AK}/_SK references for a cloud the plan has no \
            credentials for (OMS never returns keys). The next diff shows each one adopted: no create, no replace. \
            FILE must not exist (nothing is ever overwritten); put it inside the plan folder. Synchronization tasks \
            are listed but not written yet (adopt one by hand with spec.adopt: {id: ...}).
            """)

    @OptionGroup var plan: PlanOptions
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
        let session = try await Session.open(plan: plan, connection: connection, secretsRequired: false)
        let live: LiveState
        do {
            live = try await LiveState.read(from: session.client)
        } catch {
            await session.close()
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
        await session.close()
        let unowned = UnownedResources.find(live: live, desired: session.desired)
        guard let write else {
            switch plan.output {
            case .json: Console.json(try PrettyJSON.render(unowned))
            case .text, .markdown: Console.out(Self.table(unowned))
            }
            return
        }
        let chosen = all ? unowned.map(\.id) : ids
        let unownedIds = Set(unowned.map(\.id))
        let notFree = chosen.filter { !unownedIds.contains($0) }
        let output = ImportDocuments.build(ids: chosen.filter(unownedIds.contains), live: live, desired: session.desired)
        for id in notFree { Console.note("skipped \(id): not an unowned resource of this project (see `oms-plan import` for the list)") }
        for skip in output.skipped { Console.note("skipped \(skip.id): \(skip.reason)") }
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
    }

    static func table(_ rows: [UnownedResource]) -> String {
        guard !rows.isEmpty else { return "Every task, task group and synchronization task belongs to a stack.\n" }
        let header = ["ID", "KIND", "NAME", "TYPE", "SOURCE", "DESTINATION", "STATUS", "BYTES"]
        let cells = rows.map { r in
            [r.id, r.kind, r.name, r.type,
             "\(r.sourceCloud) \(r.sourceRegion) \(r.sourceBucket)" + (r.prefixes.isEmpty ? "" : " [" + r.prefixes.joined(separator: ", ") + "]"),
             "\(r.destinationRegion) \(r.destinationBucket)" + (r.savePrefix.isEmpty ? "" : " \(r.savePrefix)"), r.status, String(r.bytes)]
                .map(Self.oneLine)
        }
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
