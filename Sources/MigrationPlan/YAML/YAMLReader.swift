import Foundation
import Synchronization

/// How many YAML values aliases and merge keys may add to one plan load, shared by the files
/// read in parallel. Real plans use a few anchors for shared settings; a bomb spends it in
/// well under a second and stops with an error at the alias that ran out.
final class AliasBudget: Sendable {
    static let limit = 200_000
    private let remaining = Atomic<Int>(AliasBudget.limit)

    /// Whether `cost` more values fit.
    func spend(_ cost: Int) -> Bool {
        remaining.subtract(cost, ordering: .relaxed).newValue >= 0
    }
}

/// A problem found while reading one file, before it is handed to the shared sink
/// (files are read on worker threads).
struct ReadProblem: Sendable {
    var loc: Loc
    var message: String
    var hint: String?
    /// For libyaml's errors, where the construct it was reading began (the quote, bracket or
    /// mapping of "while scanning a quoted scalar at line 16"): `YAMLSyntaxHints` points there.
    var context: Loc?
}

/// The documents of one file, or the problem that stopped reading it.
struct ParsedFile: Sendable {
    var documents: [PNode] = []
    var problems: [ReadProblem] = []
}

/// Reads YAML text into `PNode` trees straight from libyaml's events (the C library Yams is
/// built on), keeping every position.
///
/// Why not Yams' `Parser`: composing its `Node` trees (an object per event, a tag object per
/// node, a hashed duplicate check per mapping) and then converting them cost three times
/// libyaml's own parsing, a fifth of a 10,000-task `diff` (issue 11). This reader composes
/// as Yams did, with the same results and the same messages (`YAMLReaderAgreementTests`
/// compares the two on the corpus and on generated and damaged text): anchors are
/// registered when their node ends, aliases share the anchored value, a mapping's duplicate
/// keys (same text and tag) end the file with Yams' message, and libyaml's own errors read
/// as Yams wrote them.
///
/// Hostile input must not crash or hang the validator: nesting is bounded before libyaml sees
/// the text (the composer recurses once per level), the tree is cut at `maxDepth`, and alias
/// expansion ("billion laughs", merge-key bombs) is bounded by one budget for the whole plan:
/// an anchored value is converted once and shared by its aliases, and each reuse spends its
/// size from the budget, so a bomb stops after a bounded amount of work however it nests.
struct YAMLReader {
    /// Deeper than any plan needs (a plan nests about 6 levels); checked on the tree.
    static let maxDepth = 64
    /// Upper bound checked on the raw text before parsing, so that libyaml and the composer,
    /// which recurse once per level, fit an ordinary thread's stack (512 KiB, the smallest any
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

    func parse(_ text: String) -> ParsedFile {
        var result = ParsedFile()
        if let problem = Self.nestingProblem(in: text, file: file) {
            result.problems.append(problem)
            return result
        }
        let composer = EventComposer(text: text, file: file, budget: aliasBudget)
        do {
            while try composer.startDocument() {
                if result.documents.count >= Self.maximumDocuments {
                    result.problems.append(ReadProblem(
                        loc: composer.eventLoc, message: "this file holds more than \(Self.maximumDocuments) documents",
                        hint: "split the plan into several files"))
                    break
                }
                let document = try composer.document()
                result.problems += document.problems
                if composer.exhausted { break }
                result.documents.append(document.root)
            }
        } catch {
            result.problems.append(error.problem)
        }
        return result
    }

    /// `parse`, with a hint on each of libyaml's syntax errors that says what usually causes it
    /// (`YAMLSyntaxHints`). Kept apart from `parse`, which reads as Yams did, problems included.
    func read(_ text: String) -> ParsedFile {
        var result = parse(text)
        for i in result.problems.indices {
            if let hint = YAMLSyntaxHints.hint(for: result.problems[i], in: text) { result.problems[i].hint = hint }
        }
        return result
    }

    static func lineAndColumn(ofCharacterOffset offset: Int, in text: String) -> (Int, Int) {
        var line = 1, column = 1, n = 0
        for ch in text {
            if n == offset { break }
            if ch == "\n" || ch == "\r\n" { line += 1; column = 1 } else { column += 1 }
            n += 1
        }
        return (line, column)
    }

    /// An upper bound of the nesting depth of `text`, checked line by line without parsing:
    /// a block level needs more indentation or a leading `- `/`? ` indicator, a flow level an
    /// open bracket. Generous for real plans, it stops pathological input before libyaml does.
    static func nestingProblem(in text: String, file: Int32) -> ReadProblem? {
        // Over the text's own UTF-8 buffer: stepping a `String.UTF8View` iterator byte by byte
        // cost 4% of loading a 10,000-task plan.
        var text = text
        return text.withUTF8 { nestingProblem(in: $0, file: file) }
    }

    private static func nestingProblem(in bytes: UnsafeBufferPointer<UInt8>, file: Int32) -> ReadProblem? {
        var at = 0
        func next() -> UInt8? {
            guard at < bytes.count else { return nil }
            defer { at += 1 }
            return bytes[at]
        }
        var flow = 0
        var line = 1
        var atLineStart = true
        var indent = 0, chain = 0, column = 0
        var quote: UInt8? = nil
        var prev: UInt8 = 0
        var valueStart = true
        while let c = next() {
            column += 1
            if c == UInt8(ascii: "\n") {
                line += 1; column = 0; atLineStart = true; indent = 0; chain = 0; valueStart = true; prev = c
                if flow == 0 { quote = nil }
                continue
            }
            if atLineStart {
                if c == UInt8(ascii: " ") { indent += 1; prev = c; continue }
                atLineStart = false
            }
            if let q = quote {
                if c == q { quote = nil }
                prev = c
                continue
            }
            let afterSpace = prev == UInt8(ascii: " ") || prev == UInt8(ascii: "\t") || prev == 0 || column == indent + 1
            switch c {
            case UInt8(ascii: "#") where afterSpace:
                // Rest of the line is a comment.
                while let n = next(), n != UInt8(ascii: "\n") {}
                line += 1; column = 0; atLineStart = true; indent = 0; chain = 0; valueStart = true; prev = UInt8(ascii: "\n")
                continue
            case UInt8(ascii: "-"), UInt8(ascii: "?"):
                if valueStart && flow == 0 { chain += 1 }
            case UInt8(ascii: ":"):
                valueStart = flow == 0
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                if flow > 0 || valueStart { flow += 1 }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if flow > 0 { flow -= 1 }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                if flow > 0 || valueStart { quote = c }
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                break
            default:
                if flow == 0 { valueStart = false }
            }
            prev = c
            let bound = 2 * (indent + 1) + chain + flow
            if bound > maxTextNesting {
                return ReadProblem(
                    loc: Loc(file: file, line: line, column: max(1, column)),
                    message: "YAML nests deeper than oms-plan reads (more than \(maxTextNesting) levels of indentation or brackets)")
            }
        }
        return nil
    }
}
