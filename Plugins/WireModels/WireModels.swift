// The OMS models' wire tables (`Sources/OMSModels/Wire/*.json`) become Swift at build time:
// one generated file per table, written into the plugin's work folder, never into Sources.
import Foundation
import PackagePlugin

@main
struct WireModels: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        let generator = try context.tool(named: "WireModelGenerator")
        let tables = module.sourceFiles(withSuffix: ".json")
            .filter { $0.url.deletingLastPathComponent().lastPathComponent == "Wire" }
            .sorted { $0.url.path < $1.url.path }
        return tables.map { table in
            let area = table.url.deletingPathExtension().lastPathComponent
            // `+Wire` keeps the name apart from the hand-written `<Area>.swift` (a module may
            // not hold two files of one name).
            let output = context.pluginWorkDirectoryURL.appendingPathComponent("\(area)+Wire.swift")
            return .buildCommand(
                displayName: "Generating \(area)+Wire.swift from Wire/\(area).json",
                executable: generator.url,
                arguments: [table.url.path, output.path],
                inputFiles: [table.url],
                outputFiles: [output])
        }
    }
}
