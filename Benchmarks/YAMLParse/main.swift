// The baseline of scripts/bench-validate.sh: what parsing a plan's YAML costs with Yams alone,
// before oms-plan does anything with it. Reads every *.yaml/*.yml file under the given folders
// and composes each document with the same parser settings as the plan loader; prints the
// number of documents. Not part of oms-plan: a yardstick for its loader.
import Foundation
import Yams

var documents = 0
var files: [String] = []
for folder in CommandLine.arguments.dropFirst() {
    guard let walker = FileManager.default.enumerator(atPath: folder) else { continue }
    while let path = walker.nextObject() as? String {
        if path.hasSuffix(".yaml") || path.hasSuffix(".yml") { files.append(folder + "/" + path) }
    }
}
for file in files.sorted() {
    guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else { continue }
    do {
        let parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
        while try parser.nextRoot() != nil { documents += 1 }
    } catch {
        FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
        exit(1)
    }
}
print("\(files.count) files, \(documents) documents")
