import ArgumentParser
import Foundation
import MigrationPlan

/// `oms-plan init DIR`: a starter plan that validates as written: a Stack, Credentials from
/// environment variables, one BandwidthSchedule, one MigrationTask, each file with the schema
/// modeline, and the schema beside them so that editors check the plan offline.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a starter plan into a directory.",
        discussion: """
            Writes stack.yaml, credentials.yaml, schedules.yaml, tasks.yaml and plan.schema.json (for the \
            yaml-language-server modeline at the top of each file). The directory is created if needed; files \
            that exist are left alone unless --force is given. Then: oms-plan validate DIR, oms-plan diff DIR.
            """)

    @Argument(help: "Directory to write the plan into.")
    var directory: String

    @Option(help: "Stack name (a lower-case DNS label; default: the directory's name, if it is one, else 'migration').")
    var name: String?

    @Option(help: "OMS region of the stack (the OBS destination's region).")
    var region = "cn-north-4"

    @Flag(help: "Overwrite files that exist.")
    var force = false

    func validate() throws {
        if let name { try require(ResourceName.isValid(name), "--name must be a lower-case DNS label (a-z, 0-9, -; at most 63), found '\(name)'") }
        try require(!region.isEmpty && region.count <= 64 && region.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" },
                    "--region must be an OMS region such as cn-north-4, found '\(region)'")
        try require(!directory.isEmpty, "the directory must not be empty")
    }

    /// The files, in the order they are written, with the stack and region filled in.
    static func files(stack: String, region: String) -> [(name: String, text: String)] {
        func fill(_ bytes: [UInt8]) -> String {
            String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "{{STACK}}", with: stack)
                .replacingOccurrences(of: "{{REGION}}", with: region)
        }
        return [
            ("stack.yaml", fill(PackageResources.stack_yaml)), ("credentials.yaml", fill(PackageResources.credentials_yaml)),
            ("schedules.yaml", fill(PackageResources.schedules_yaml)), ("tasks.yaml", fill(PackageResources.tasks_yaml)),
            ("plan.schema.json", PlanSchema.json),
        ]
    }

    /// The directory's own name when it is a valid stack name.
    static func defaultStackName(for directory: String) -> String {
        let last = URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent.lowercased()
        return ResourceName.isValid(last) ? last : "migration"
    }

    func run() async throws {
        let manager = FileManager.default
        let folder = URL(fileURLWithPath: directory)
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: folder.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            Console.error("error: \(directory) exists and is not a directory")
            throw ExitCode(1)
        }
        let stack = name ?? Self.defaultStackName(for: directory)
        let files = Self.files(stack: stack, region: region)
        let existing = files.map(\.name).filter { manager.fileExists(atPath: folder.appendingPathComponent($0).path) }
        if !existing.isEmpty && !force {
            Console.error("error: \(existing.joined(separator: ", ")) already \(existing.count == 1 ? "exists" : "exist") in \(directory); nothing was written (--force overwrites)")
            throw ExitCode(1)
        }
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
            for file in files {
                try Data(file.text.utf8).write(to: folder.appendingPathComponent(file.name), options: .atomic)
            }
        } catch {
            Console.error("error: could not write the plan into \(directory): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        Console.error("""
            oms-plan: wrote a starter plan for stack '\(stack)' in \(region) to \(directory): \(files.map(\.name).joined(separator: ", "))
            Next: set SOURCE_AK, SOURCE_SK, OBS_AK and OBS_SK, edit the buckets in stack.yaml and tasks.yaml, then
              oms-plan validate \(directory)
              oms-plan diff \(directory)

            """)
    }
}
