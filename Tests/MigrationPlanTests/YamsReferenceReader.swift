import Foundation
import Yams

@testable import MigrationPlan

// The plan reader as it was before it read libyaml's events itself (session 5): Yams composed
// each document into its `Node` tree and this converted the tree. Kept here, unchanged but for
// its name, as the oracle `YAMLReaderAgreementTests` compares the event reader with.

/// Reads YAML text into `PNode` trees with Yams (libyaml), keeping every position.
///
/// Hostile input must not crash or hang the validator: nesting is bounded before Yams sees
/// the text (its composer recurses once per level), the tree is cut at `maxDepth`, and alias
/// expansion ("billion laughs", merge-key bombs) is bounded by one budget for the whole plan:
/// an anchored value is converted once and shared by its aliases, and each reuse spends its
/// size from the budget, so a bomb stops after a bounded amount of work however it nests.
struct YamsReferenceReader {
    /// Deeper than any plan needs (a plan nests about 6 levels); checked on the tree.
    static let maxDepth = 64
    /// Upper bound checked on the raw text before parsing, so that libyaml and Yams, which
    /// recurse once per level, fit an ordinary thread's stack (512 KiB, the smallest any
    /// platform gives; measured in a debug build). Real plans nest about 6 levels.
    static let maxTextNesting = 200
    /// Longest single value (UTF-8 bytes).
    static let maximumScalarBytes = 64 * 1024
    /// Documents one file may hold (a generated plan of 10,000 tasks spreads them over files).
    static let maximumDocuments = 10_000

    let file: Int32
    /// Shared by every file of one plan load.
    let aliasBudget: AliasBudget

    init(file: Int32, aliasBudget: AliasBudget = AliasBudget()) {
        self.file = file
        self.aliasBudget = aliasBudget
    }

    /// Converted anchored values, by anchor, with their size in values.
    private final class Anchors {
        var converted: [ObjectIdentifier: (node: PNode, size: Int)] = [:]
        var exhausted = false
    }

    func parse(_ text: String) -> ParsedFile {
        var result = ParsedFile()
        if let problem = YAMLReader.nestingProblem(in: text, file: file) {
            result.problems.append(problem)
            return result
        }
        let anchors = Anchors()
        do {
            let parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
            while let root = try parser.nextRoot() {
                if result.documents.count >= Self.maximumDocuments {
                    result.problems.append(ReadProblem(
                        loc: loc(root.mark), message: "this file holds more than \(Self.maximumDocuments) documents",
                        hint: "split the plan into several files"))
                    break
                }
                var problems: [ReadProblem] = []
                var size = 0
                let node = convert(root, depth: 0, anchors: anchors, size: &size, problems: &problems)
                result.problems += problems
                if anchors.exhausted { break }
                result.documents.append(node)
            }
        } catch let error as YamlError {
            result.problems.append(problem(from: error, text: text))
        } catch {
            result.problems.append(ReadProblem(loc: Loc(file: file, line: 1, column: 1), message: "cannot read YAML: \(error)"))
        }
        return result
    }

    // MARK: Conversion

    private func loc(_ mark: Mark?) -> Loc {
        Loc(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private func anchor(of node: Node) -> Anchor? {
        switch node {
        case .scalar(let s): s.anchor
        case .mapping(let m): m.anchor
        case .sequence(let q): q.anchor
        case .alias: nil
        }
    }

    /// Takes `cost` values from the plan's alias budget; reports once when it runs out.
    private func spend(_ cost: Int, at: Loc, anchors: Anchors, problems: inout [ReadProblem]) -> Bool {
        if anchors.exhausted { return false }
        if aliasBudget.spend(cost) { return true }
        anchors.exhausted = true
        problems.append(ReadProblem(
            loc: at, message: "aliases of the value here make the plan expand to more than \(AliasBudget.limit) YAML values",
            hint: "aliases (*name) and merge keys (<<) that repeat large anchors multiply a document; write the values out"))
        return false
    }

    /// Converts a node; `size` grows by the number of values it stands for.
    private func convert(_ node: Node, depth: Int, anchors: Anchors, size: inout Int, problems: inout [ReadProblem]) -> PNode {
        let at = loc(node.mark)
        if anchors.exhausted { return .null(at: at) }
        let anchorID = anchor(of: node).map(ObjectIdentifier.init)
        if let anchorID, let known = anchors.converted[anchorID] {
            // An alias: the value is shared, and what it adds to the plan is paid for.
            guard spend(known.size, at: at, anchors: anchors, problems: &problems) else { return .null(at: at) }
            size += known.size
            return known.node
        }
        var own = 1
        let converted = convertFresh(node, at: at, depth: depth, anchors: anchors, size: &own, problems: &problems)
        if let anchorID { anchors.converted[anchorID] = (converted, own) }
        size += own
        return converted
    }

    private func convertFresh(_ node: Node, at: Loc, depth: Int, anchors: Anchors, size: inout Int, problems: inout [ReadProblem]) -> PNode {
        if depth > Self.maxDepth {
            if depth == Self.maxDepth + 1 {
                problems.append(ReadProblem(loc: at, message: "YAML nests deeper than \(Self.maxDepth) levels here"))
            }
            return .null(at: at)
        }
        switch node {
        case .scalar(let s):
            return PNode(.scalar(scalar(s, at: at, problems: &problems)), at: at)
        case .sequence(let seq):
            var items: [PNode] = []
            items.reserveCapacity(seq.count)
            for child in seq {
                items.append(convert(child, depth: depth + 1, anchors: anchors, size: &size, problems: &problems))
                if anchors.exhausted { break }
            }
            return PNode(.sequence(items), at: at)
        case .mapping(let map):
            var pairs: [Pair] = []
            pairs.reserveCapacity(map.count)
            var merged: [Pair] = []
            for index in map.indices {
                let (keyNode, valueNode) = map[index]
                let keyLoc = loc(keyNode.mark)
                guard case .scalar(let keyScalar) = keyNode else {
                    problems.append(ReadProblem(loc: keyLoc, message: "mapping keys must be plain strings"))
                    continue
                }
                let value = convert(valueNode, depth: depth + 1, anchors: anchors, size: &size, problems: &problems)
                if anchors.exhausted { break }
                // `<<: *base` merge keys, as Kubernetes manifests use them: merged pairs come first
                // and explicit keys of this mapping win. Copying pairs is work: it is paid for.
                if keyScalar.style == .plain, keyScalar.string == "<<" {
                    let more = mergePairs(value, at: keyLoc, problems: &problems)
                    guard spend(more.count, at: keyLoc, anchors: anchors, problems: &problems) else { break }
                    merged += more
                    continue
                }
                pairs.append(Pair(key: keyScalar.string, keyLoc: keyLoc, value: value))
            }
            if !merged.isEmpty {
                let explicit = Set(pairs.map(\.key))
                var seen = Set<String>()
                let inherited = merged.filter { !explicit.contains($0.key) && seen.insert($0.key).inserted }
                pairs = inherited + pairs
            }
            return PNode(.mapping(pairs), at: at)
        case .alias:
            // Yams resolves aliases itself; this case does not occur for parsed documents.
            return .null(at: at)
        }
    }

    private func mergePairs(_ value: PNode, at keyLoc: Loc, problems: inout [ReadProblem]) -> [Pair] {
        switch value.value {
        case .mapping(let pairs): return pairs
        case .sequence(let items):
            var result: [Pair] = []
            for item in items {
                if let pairs = item.pairs { result += pairs } else {
                    problems.append(ReadProblem(loc: item.loc, message: "`<<` merges mappings only, found \(item.kindDescription)"))
                }
            }
            return result
        case .scalar:
            problems.append(ReadProblem(loc: value.loc, message: "`<<` merges mappings only, found \(value.kindDescription)"))
            return []
        }
    }

    private func scalar(_ s: Node.Scalar, at: Loc, problems: inout [ReadProblem]) -> Scalar {
        // No plan value comes near this (keys are 1 KiB, descriptions 255 characters); a huge
        // one would only make every later check slow.
        if s.string.utf8.count > Self.maximumScalarBytes {
            problems.append(ReadProblem(
                loc: at, message: "this value is \(s.string.utf8.count / 1024) KiB; a plan value may be at most \(Self.maximumScalarBytes / 1024) KiB"))
            return Scalar(text: "", type: .string)
        }
        let tag = s.tag.rawValue
        if tag.isEmpty {
            return Scalar(text: s.string, type: s.style == .plain ? CoreSchema.type(ofPlain: s.string) : .string)
        }
        switch tag {
        case "!", Tag.Name.str.rawValue: return Scalar(text: s.string, type: .string)
        case Tag.Name.int.rawValue: return Scalar(text: s.string, type: .int)
        case Tag.Name.float.rawValue: return Scalar(text: s.string, type: .float)
        case Tag.Name.bool.rawValue: return Scalar(text: s.string, type: .bool)
        case Tag.Name.null.rawValue: return Scalar(text: s.string, type: .null)
        default:
            problems.append(ReadProblem(loc: at, message: "unsupported YAML tag `\(tag)`",
                                        hint: "plans use plain YAML values; remove the tag"))
            return Scalar(text: s.string, type: .string)
        }
    }

    // MARK: Errors

    private func problem(from error: YamlError, text: String) -> ReadProblem {
        func clean(_ s: String) -> String {
            s.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            var message = "invalid YAML: \(clean(problem))"
            if let context { message += " (\(clean(context.text)) at line \(context.mark.line))" }
            return ReadProblem(loc: loc(mark), message: message)
        case let .reader(problem, offset, _, _):
            let (line, column) = YAMLReader.lineAndColumn(ofCharacterOffset: offset ?? 0, in: text)
            return ReadProblem(loc: Loc(file: file, line: line, column: column), message: "invalid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "`\($0)`" }.joined(separator: ", ")
            return ReadProblem(loc: loc(context.mark), message: "duplicate key \(keys) in this mapping",
                               hint: "each key may appear once; the later value would silently win in other tools")
        default:
            return ReadProblem(loc: Loc(file: file, line: 1, column: 1), message: "invalid YAML: \(error)")
        }
    }
}
